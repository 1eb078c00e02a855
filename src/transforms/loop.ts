/** @file A loop of steps reversed by revolve inside one tape node: the machinery shared by scan and whileLoop. */
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { ReverseTrace } from '../core/trace.js';
import { CotangentSum } from '../core/cotangents.js';
import { releaseBytes, retainBytes } from '../core/memory.js';
import { record } from './record.js';
import { revolve, revolveFrom, type LoopReversal } from './revolve.js';
import { OnlinePlacement } from './online.js';

/** Counts a checkpointed loop reports, so users can choose c from numbers (see ScanStats). */
export interface LoopStats {
  /** Calls of the step (or body) function, taped and untaped, forward and backward. */
  stepCalls: number;
  /** Step calls run on a tape (one per step in a full backward pass). */
  tapedSteps: number;
  /** Most carries stored at once (the initial carry included). */
  peakStoredCarries: number;
  /** Bytes of those carries at peak. */
  peakStoredBytes: number;
  /** The loop's length n, and the c its schedule used (n + 1 for 'all'). */
  length: number;
  checkpoints: number;
}

export function newStats(into?: Partial<LoopStats>): LoopStats {
  const s = (into ?? {}) as LoopStats;
  s.stepCalls = 0;
  s.tapedSteps = 0;
  s.peakStoredCarries = 0;
  s.peakStoredBytes = 0;
  s.length = 0;
  s.checkpoints = 0;
  return s;
}

/** One step: carry leaves and step index in, carry leaves and per-step output leaves out. */
export type StepFn = (carry: Tensor[], t: number, inputs: Tensor[]) => { carry: Tensor[]; y: Tensor[] };

const bytesOf = (ts: readonly Tensor[]) => ts.reduce((b, t) => b + t.size * 8, 0); // not t.data: no value read

/**
 * A loop of steps, reversible with at most c stored carries. `xRow(t)` gives step t's inputs
 * (slices of the scanned-over xs, or nothing). The forward phase is `start` (scan: n known, revolve
 * runs until its first taped step — the last step — whose output is the loop's output) or
 * `runOnline` (whileLoop: n learnt as the loop runs); `finish(carryCt, yCt)` runs the rest of the
 * schedule and returns the cotangents of the initial carry, of every xRow and of the captured
 * closure boxes. Stored carries count as residuals of the trace's tape (`memoryStats`), and are
 * given back when the schedule releases them or when the tape is released, whichever comes first.
 */
export class CheckpointedLoop {
  private stored = 0;
  private storedBytes = 0;
  private carryCt: Tensor[] = [];
  private yCt: ((t: number) => Tensor[]) | null = null;
  private readonly xCts: Tensor[][] = [];
  private readonly capturedCts = new Map<Tensor, CotangentSum>();
  /** States stored now, by position (the initial carry is held apart, as `init`). */
  private readonly states = new Map<number, Tensor[]>();
  /** Closure boxes of `trace` that taped steps read; merged into the region's captured list. */
  readonly tapedCaptured = new Set<Tensor>();
  /** Step outputs seen in the forward phase, by step. */
  readonly ys: Tensor[][] = [];
  finalCarry: Tensor[] = [];
  private forwardPhase = true;
  private schedule: Generator<void, void, void> | null = null;
  /** The loop's length and states, once known. */
  private n = 0;
  private c = 1;
  /** A one-step loop on two reverse levels, its step taped in the backward pass only (see `start`). */
  private singleUntaped = false;

  constructor(
    private readonly trace: ReverseTrace,
    private readonly step: StepFn,
    private readonly xRow: (t: number) => Tensor[],
    private readonly init: Tensor[],
    private readonly stats: LoopStats,
    /** Yield after the last step's taped run (scan: the output comes from it). */
    private readonly outputFromSchedule: boolean,
  ) {}

  /** Counts a stored state against the tape's residual memory (released with the tape). */
  private keep(s: Tensor[], delta: 1 | -1): void {
    const b = bytesOf(s);
    this.stored += delta;
    this.storedBytes += delta * b;
    if (delta > 0) retainBytes(this.trace.memory, b);
    else releaseBytes(this.trace.memory, b);
    if (this.stored > this.stats.peakStoredCarries) this.stats.peakStoredCarries = this.stored;
    if (this.storedBytes > this.stats.peakStoredBytes) this.stats.peakStoredBytes = this.storedBytes;
  }

  private readonly reversal: LoopReversal<Tensor[]> = {
    advance: (s, from, to) => {
      let state = s;
      for (let t = from; t < to; t++) {
        const r = this.step(state, t, this.xRow(t));
        if (this.forwardPhase) this.ys[t] = r.y;
        state = r.carry;
      }
      return state;
    },
    store: (position, s) => {
      this.states.set(position, s);
      this.keep(s, 1);
    },
    release: (position) => {
      this.keep(this.states.get(position)!, -1);
      this.states.delete(position);
    },
    reverseStep: (t, s) => this.reverseStep(t, s),
  };

  private *reverseStep(t: number, s: Tensor[]): Generator<void, void, void> {
    const x = this.xRow(t);
    const k = s.length;
    let y: Tensor[] = [];
    const rec = record((ins) => {
      const r = this.step(ins.slice(0, k), t, ins.slice(k));
      y = r.y;
      return [...r.carry, ...r.y];
    }, [...s, ...x], this.trace);
    this.stats.tapedSteps++;
    for (const b of rec.captured) this.tapedCaptured.add(b);
    try {
      if (this.forwardPhase) {
        const outs = rec.outLeaves as Tensor[];
        this.finalCarry = outs.slice(0, k);
        this.ys[t] = outs.slice(k);
        this.forwardPhase = false;
        if (this.outputFromSchedule) yield;
      }
      const cts = rec.pullback([...this.carryCt, ...(this.yCt ? this.yCt(t) : y.map((v) => zeros(v.shape)))]);
      this.carryCt = cts.slice(0, k);
      this.xCts[t] = cts.slice(k, k + x.length);
      rec.captured.forEach((b, i) => {
        let sum = this.capturedCts.get(b);
        if (sum === undefined) this.capturedCts.set(b, (sum = new CotangentSum()));
        sum.add(cts[k + x.length + i]!);
      });
    } finally {
      rec.release();
    }
  }

  private open(n: number, c: number): void {
    this.n = this.stats.length = n;
    this.c = this.stats.checkpoints = c;
    this.keep(this.init, 1); // the initial carry is one of the c states
  }

  /**
   * scan's forward phase: revolve's schedule for n steps, run up to the first taped step (the last
   * step). With `twoLevels` (the loop recorded on two reverse levels, ./twoLevel.ts) a loop of one
   * step runs it untaped here and tapes it in the backward pass, as revolve does every step but the
   * last when n ≥ 2: taped here, the step's tape took the initial carry itself as its input, and
   * under grad of grad of grad a function nonlinear in the innermost gradient came out wrong
   * through a closure the step read (d²/dw² (f′)² of a one-step sin(w·c): −0.181 for 0.118; n ≥ 2
   * agreed with the unrolled loop). One more step call, there only.
   */
  start(n: number, c: number, twoLevels = false): void {
    this.open(n, c);
    this.singleUntaped = twoLevels && n === 1 && this.outputFromSchedule;
    if (this.singleUntaped) {
      const r = this.step(this.init, 0, this.xRow(0));
      this.finalCarry = r.carry;
      this.ys[0] = r.y;
      this.forwardPhase = false;
      this.schedule = revolve(this.reversal, n, c, this.init);
      return;
    }
    this.forwardPhase = this.outputFromSchedule;
    this.schedule = revolve(this.reversal, n, c, this.init);
    if (this.outputFromSchedule) this.schedule.next();
  }

  /**
   * whileLoop's forward phase: one untaped pass while `goesOn(carry, i)`, keeping the states an
   * online placement chooses (at most `capacity(i)` when state i is offered), so that n is learnt
   * without a second pass. Returns the final carry; the backward pass reverses segment by segment
   * from the stored states (`revolveFrom`) with c = `capacity(n − 1)` (1 when n = 0).
   */
  runOnline(goesOn: (carry: Tensor[], i: number) => boolean, capacity: (i: number) => number): Tensor[] {
    this.open(0, 1);
    this.forwardPhase = false;
    const placement = new OnlinePlacement(capacity);
    let state = this.init;
    let i = 0;
    while (goesOn(state, i)) {
      if (i > 0) {
        const { drop, store } = placement.offer(i);
        if (drop >= 0) this.reversal.release(drop);
        if (store) this.reversal.store(i, state);
      }
      state = this.step(state, i, this.xRow(i)).carry;
      i++;
    }
    this.n = this.stats.length = i;
    this.c = this.stats.checkpoints = capacity(Math.max(i - 1, 0));
    const positions = placement.positions;
    this.schedule = revolveFrom(this.reversal, positions, positions.map((p) => (p === 0 ? this.init : this.states.get(p)!)), i, this.c);
    return state;
  }

  /** The backward pass: cotangents of the initial carry, of each step's inputs, and of `captured`. */
  finish(carryCt: Tensor[], yCt: ((t: number) => Tensor[]) | null, captured: readonly Tensor[]) {
    if (this.schedule === null) {
      // A second pullback: the schedule is spent, so reverse again from the initial carry.
      this.keep(this.init, 1);
      this.forwardPhase = this.outputFromSchedule && !this.singleUntaped; // see start
      this.schedule = revolve(this.reversal, this.n, this.c, this.init);
      if (this.forwardPhase) this.schedule.next();
    }
    this.carryCt = carryCt;
    this.yCt = yCt;
    this.capturedCts.clear();
    try {
      for (const _ of this.schedule!) { /* runs the remaining schedule */ }
    } catch (e) {
      // A step (or a rule inside it) threw mid-schedule: the generator is done, and a later call
      // of the pullback would have drained nothing and returned the cotangent it was given as the
      // initial carry's (a silent 0 gradient). Drop the states it stored, so that the next call
      // reverses again from the initial carry (the branch above) within c states.
      for (const position of [...this.states.keys()]) this.reversal.release(position);
      throw e;
    } finally {
      this.schedule = null;
      this.keep(this.init, -1);
    }
    return {
      init: this.carryCt,
      xRows: this.xCts,
      captured: captured.map((b) => this.capturedCts.get(b)?.value ?? zeros(b.shape)),
    };
  }
}
