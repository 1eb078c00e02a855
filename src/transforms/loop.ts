/** @file A loop of steps reversed by revolve inside one tape node: the machinery shared by scan and whileLoop. */
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { ReverseTrace } from '../core/trace.js';
import { CotangentSum } from '../core/cotangents.js';
import { releaseBytes, releaseWith, retainBytes, type Holder } from '../core/memory.js';
import { record } from './record.js';
import { revolve, type LoopReversal } from './revolve.js';

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
 * A loop of n steps, reversible with at most c stored carries. `xRow(t)` gives step t's inputs
 * (slices of the scanned-over xs, or nothing). The forward phase (`start`) runs revolve until the
 * first taped step — the last step — whose output is the loop's output; `finish(carryCt, yCt)`
 * runs the rest of the schedule and returns the cotangents of the initial carry, of every xRow
 * and of the captured closure boxes.
 */
export class CheckpointedLoop {
  private stored = 0;
  private storedBytes = 0;
  private readonly holder: Holder = { residualBytes: 0 };
  private carryCt: Tensor[] = [];
  private yCt: ((t: number) => Tensor[]) | null = null;
  private readonly xCts: Tensor[][] = [];
  private readonly capturedCts = new Map<Tensor, CotangentSum>();
  /** Closure boxes of `trace` that taped steps read; merged into the region's captured list. */
  readonly tapedCaptured = new Set<Tensor>();
  /** Step outputs seen in the forward phase, by step. */
  readonly ys: Tensor[][] = [];
  finalCarry: Tensor[] = [];
  private forwardPhase = true;
  private schedule: Generator<void, void, void> | null = null;

  constructor(
    private readonly trace: ReverseTrace,
    private readonly step: StepFn,
    private readonly xRow: (t: number) => Tensor[],
    private readonly n: number,
    private readonly c: number,
    private readonly init: Tensor[],
    private readonly stats: LoopStats,
    /** Yield after the last step's taped run (scan: the output comes from it). */
    private readonly outputFromSchedule: boolean,
  ) {}

  private keep(s: Tensor[], delta: 1 | -1): void {
    const b = bytesOf(s);
    this.stored += delta;
    this.storedBytes += delta * b;
    if (delta > 0) retainBytes(this.holder, b);
    else releaseBytes(this.holder, b);
    if (this.stored > this.stats.peakStoredCarries) this.stats.peakStoredCarries = this.stored;
    if (this.storedBytes > this.stats.peakStoredBytes) this.stats.peakStoredBytes = this.storedBytes;
  }

  private reversal(): LoopReversal<Tensor[]> {
    const positions = new Map<number, Tensor[]>();
    return {
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
        positions.set(position, s);
        this.keep(s, 1);
      },
      release: (position) => {
        this.keep(positions.get(position)!, -1);
        positions.delete(position);
      },
      reverseStep: (t, s) => this.reverseStep(t, s),
    };
  }

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

  /** Runs the schedule up to (scan) or before (whileLoop) the backward pass. */
  start(owner: object): void {
    this.stats.length = this.n;
    this.stats.checkpoints = this.c;
    releaseWith(owner, this.holder);
    this.keep(this.init, 1); // the initial carry is one of the c states
    this.forwardPhase = this.outputFromSchedule;
    this.schedule = revolve(this.reversal(), this.n, this.c, this.init);
    if (this.outputFromSchedule) this.schedule.next();
  }

  /** The backward pass: cotangents of the initial carry, of each step's inputs, and of `captured`. */
  finish(carryCt: Tensor[], yCt: ((t: number) => Tensor[]) | null, captured: readonly Tensor[]) {
    if (this.schedule === null) {
      // A second pullback: the schedule is spent, so run it again from the start.
      this.keep(this.init, 1);
      this.forwardPhase = this.outputFromSchedule;
      this.schedule = revolve(this.reversal(), this.n, this.c, this.init);
      if (this.outputFromSchedule) this.schedule.next();
    }
    this.carryCt = carryCt;
    this.yCt = yCt;
    this.capturedCts.clear();
    for (const _ of this.schedule!) { /* runs the remaining schedule */ }
    this.schedule = null;
    this.keep(this.init, -1);
    return {
      init: this.carryCt,
      xRows: this.xCts,
      captured: captured.map((b) => this.capturedCts.get(b)?.value ?? zeros(b.shape)),
    };
  }
}
