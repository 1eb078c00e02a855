/**
 * @file A recorded program: the primitive calls of one run of a function, replayable on new inputs.
 *
 * `jit` runs a function once on a recording trace (jit/recordTrace.ts); every primitive call
 * whose inputs depend on the function's tensor arguments becomes one instruction here. Replaying
 * the program re-runs those calls on new argument values without running the user's JavaScript:
 * no dispatch, no trace levels, no tape nodes, no Tensor object per 0-d value. This is the
 * "trace once, then re-evaluate the tape at new points" of ADOL-C (Griewank & Walther,
 * "Evaluating Derivatives", §6.2: taping and re-taping), and JAX's `jit` without XLA.
 *
 * Layout: a program is a list of slots, one value each, in evaluation order. Slot k is an input
 * argument, a constant (a tensor the function closed over or made without reading its inputs),
 * a 0-d elementwise op (code 1…30 of core/scalarTape.ts, computed on numbers), or a general
 * primitive call (its primitive, params and input slots are kept aside). 0-d values live in a
 * Float64Array and get a Tensor only when a general call or an output needs one.
 */
import { Tensor } from '../tensor/tensor.js';
import type { Primitive } from '../core/primitive.js';
import { SCALAR_CONSTANT, runScalars, scalarForward, SCALAR_CODE_LIMIT } from '../core/scalarOps.js';
import { compileLoop, findLoops, type ScalarLoop } from './programLoops.js';
import { detach } from '../tensor/alloc.js';
import type { Shape } from '../tensor/shape.js';
import { fuseAccumulation, type CallSlot } from './programFusion.js';
import { findGroups, runGroup, type FusedGroup } from './elementwiseFusion.js';
import { transientFailures } from '../core/transient.js';

/** Slot kinds beyond the scalar op codes (which are below SCALAR_CODE_LIMIT). */
export const INPUT = 250;
export const CONSTANT = 251;
export const GENERAL = 252;

/** A general primitive call: its primitive, params, input slots and output shape. */
export interface GeneralCall {
  readonly prim: Primitive<any>;
  readonly params: unknown;
  readonly inputs: Int32Array;
  readonly shape: Shape;
}

/** Where an output leaf comes from: a slot, or a value that does not depend on the inputs. */
export type OutputSource = { readonly slot: number } | { readonly value: unknown };

/** A finished, dead-code-free program. */
export class Program {
  constructor(
    /** Per slot: a scalar op code, INPUT, CONSTANT or GENERAL. */
    readonly code: Uint8Array,
    /** Per slot: first input slot; INPUT: argument index; CONSTANT: constant index; GENERAL: call index. */
    readonly a: Int32Array,
    /** Per slot: second input slot of a binary scalar op (a unary op repeats `a`). */
    readonly b: Int32Array,
    /** Per slot: 1 when its value is 0-d (it also lives in the numbers column). */
    readonly scalar: Uint8Array,
    readonly calls: readonly GeneralCall[],
    readonly constants: readonly Tensor[],
    readonly outputs: readonly OutputSource[],
    /** Per slot: the last slot reading it as a general call's input (its Tensor is dropped after), or -1. */
    readonly lastUse: Int32Array,
    /** Per slot: its index in the run's tensor table, or -1 for a 0-d op's value no general call or output reads. */
    readonly tensorOf: Int32Array,
    readonly tensorCount: number,
    /** The SCALAR_CONSTANT slots and their values, written into each new numbers column. */
    readonly constantSlots: Int32Array,
    readonly constantValues: Float64Array,
  ) {}

  get length(): number {
    return this.code.length;
  }

  /** Instruction counts, for `cacheInfo`. */
  counts(): { scalarOps: number; generalOps: number; inputs: number; constants: number } {
    let scalarOps = 0, generalOps = 0, inputs = 0, constants = this.constants.length;
    for (let k = 0; k < this.code.length; k++) {
      const c = this.code[k]!;
      if (c === SCALAR_CONSTANT) constants++;
      else if (c < SCALAR_CODE_LIMIT) scalarOps++;
      else if (c === GENERAL) generalOps++;
      else if (c === INPUT) inputs++;
    }
    return { scalarOps, generalOps, inputs, constants };
  }

  /** The numbers column, kept between runs (every slot is written before it is read). */
  private numbers: Float64Array | null = null;
  /** How a run proceeds (made on the first run): interpreted ranges, generated loops, other slots. */
  private plan: PlanStep[] | null = null;
  /** Whether repeating runs of 0-d ops become generated loops (see jit/programLoops.ts). */
  codegen = true;
  /** Per slot, the step after which a run drops its tensor: `lastUse`, moved to a fused group's step for the group's leaves. */
  private dropAt: Int32Array | null = null;

  /** General calls by primitive name. */
  callCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const c of this.calls) counts[c.prim.name] = (counts[c.prim.name] ?? 0) + 1;
    return counts;
  }

  /** Loops generated for this program, and the 0-d ops they cover (after the first run). */
  loopCounts(): { loops: number; loopOps: number } {
    let loops = 0, loopOps = 0;
    for (const s of this.plan ?? []) {
      if (s.loop !== null) {
        loops++;
        loopOps += s.loop.period * s.loop.count;
      }
    }
    return { loops, loopOps };
  }

  /** Fused elementwise groups of this program and the calls they replace (after the first run; see jit/elementwiseFusion.ts). */
  fusionCounts(): { groups: number; fusedOps: number } {
    let groups = 0, fusedOps = 0;
    for (const s of this.plan ?? []) {
      if (s.fused !== null) {
        groups++;
        fusedOps += s.fused.members.length;
      }
    }
    return { groups, fusedOps };
  }

  /** A new numbers column holding the 0-d constants (no op writes their slots). */
  private numbersColumn(): Float64Array {
    const nums = new Float64Array(this.code.length);
    const { constantSlots, constantValues } = this;
    for (let i = 0; i < constantSlots.length; i++) nums[constantSlots[i]!] = constantValues[i]!;
    return nums;
  }

  /** Per slot, the last slot that reads it (the program's length for an output; -1 if none). */
  private lastReads(): Int32Array {
    const { code, a, b, calls } = this;
    const n = code.length;
    const last = new Int32Array(n).fill(-1);
    for (let k = 0; k < n; k++) {
      const c = code[k]!;
      if (c < SCALAR_CODE_LIMIT) {
        last[a[k]!] = k;
        last[b[k]!] = k;
      } else if (c === GENERAL) {
        for (const s of calls[a[k]!]!.inputs) last[s] = k;
      }
    }
    for (const o of this.outputs) if ('slot' in o) last[o.slot] = n;
    return last;
  }

  /** The fused groups of this program (run on `args`, whose shapes the inputs have), by root slot, and the members they replace. */
  private fusedGroups(args: readonly Tensor[]): { byRoot: Map<number, FusedGroup>; member: Uint8Array } {
    const { code, a, b, calls, constants } = this;
    const n = code.length;
    const callOf = new Int32Array(n).fill(-1);
    for (let k = 0; k < n; k++) if (code[k] === GENERAL) callOf[k] = a[k]!;
    const shapeOf = (s: number): Shape =>
      code[s] === GENERAL ? calls[a[s]!]!.shape : code[s] === INPUT ? args[a[s]!]!.shape : code[s] === CONSTANT ? constants[a[s]!]!.shape : [];
    const outputSlots = this.outputs.flatMap((o) => ('slot' in o ? [o.slot] : []));
    const groups = findGroups({ code, a, b, callOf, calls, outputSlots, shapeOf });
    const byRoot = new Map<number, FusedGroup>();
    const member = new Uint8Array(n);
    if (groups.length === 0) return { byRoot, member };
    // A group computes its members at its root: the tensors it reads must live until then.
    const rootOf = new Int32Array(n).fill(-1);
    for (const g of groups) {
      byRoot.set(g.root, g);
      for (const m of g.members) {
        member[m] = 1;
        rootOf[m] = g.root;
      }
    }
    const dropAt = this.lastUse.slice();
    for (let s = 0; s < n; s++) if (dropAt[s] !== -1 && rootOf[dropAt[s]!] !== -1) dropAt[s] = rootOf[dropAt[s]!]!;
    for (const g of groups) for (const s of g.leaves) if (dropAt[s] !== -1 && dropAt[s]! < g.root) dropAt[s] = g.root;
    this.dropAt = dropAt;
    return { byRoot, member };
  }

  private makePlan(args: readonly Tensor[]): PlanStep[] {
    const { code, a, b } = this;
    const n = code.length;
    const steps: PlanStep[] = [];
    const lastRead = this.codegen ? this.lastReads() : null;
    const fusion = this.codegen ? this.fusedGroups(args) : null;
    const range = (from: number, to: number) => {
      if (to > from) steps.push({ from, to, loop: null, fused: null });
    };
    for (let k = 0; k < n;) {
      if (code[k]! >= SCALAR_CODE_LIMIT) {
        if (fusion === null || fusion.member[k] === 0) steps.push({ from: k, to: k, loop: null, fused: null });
        else if (fusion.byRoot.has(k)) steps.push({ from: k, to: k, loop: null, fused: fusion.byRoot.get(k)! });
        k++;
        continue;
      }
      let end = k;
      while (end < n && code[end]! < SCALAR_CODE_LIMIT) end++;
      let at = k;
      if (lastRead !== null) {
        for (const l of findLoops(code, a, b, k, end)) {
          const loop = compileLoop(code, a, b, l.start, l.period, l.count, lastRead);
          if (loop === null) continue; // no code generation here: the interpreter runs it
          range(at, l.start);
          steps.push({ from: l.start, to: l.start + l.period * l.count, loop, fused: null });
          at = l.start + l.period * l.count;
        }
      }
      range(at, end);
      k = end;
    }
    return steps;
  }

  /**
   * Runs the program on new argument tensors (the same shapes as when it was recorded); returns
   * the output leaves in order. Every value is computed by the same kernel as the recorded run
   * (a 0-d op by `runScalars` or a generated loop, which equal its Float64Array kernel bit for bit).
   */
  run(args: readonly Tensor[]): unknown[] {
    const { code, a, b, scalar, calls, constants, tensorOf } = this;
    let plan = this.plan;
    if (plan === null) {
      const failures = transientFailures();
      plan = this.makePlan(args);
      // A plan made while code generation failed for the moment (a stack overflow,
      // core/transient.ts) runs unfused this once; the next run makes the plan again.
      if (transientFailures() === failures) this.plan = plan;
    }
    const lastUse = this.dropAt ?? this.lastUse;
    const nums = this.numbers ?? this.numbersColumn();
    this.numbers = null; // a run inside a run (a kernel calling a jitted function) gets its own
    const tensors = new Array<Tensor | null>(this.tensorCount).fill(null);
    for (let p = 0; p < plan.length; p++) {
      const step = plan[p]!;
      if (step.loop !== null) {
        step.loop.fn(nums, step.loop.bases, step.loop.count);
        continue;
      }
      if (step.to > step.from) {
        runScalars(code, a, b, nums, step.from, step.to);
        continue;
      }
      const k = step.from;
      if (step.fused !== null) {
        runGroup(step.fused, tensors, tensorOf, nums, scalar);
        for (const s of step.fused.leaves) if (lastUse[s] === k) this.drop(tensors, s);
        continue;
      }
      const c = code[k]!;
      let t: Tensor;
      if (c === INPUT) t = args[a[k]!]!;
      else if (c === CONSTANT) t = constants[a[k]!]!;
      else {
        const call = calls[a[k]!]!;
        const slots = call.inputs;
        const inputs = new Array<Tensor>(slots.length);
        for (let i = 0; i < slots.length; i++) {
          const s = slots[i]!;
          const ti = tensorOf[s]!;
          let x = tensors[ti];
          if (x == null) x = tensors[ti] = Tensor.scalar(nums[s]!); // a 0-d op's value read by a general call
          inputs[i] = x;
        }
        t = call.prim.forward(inputs, call.params);
        // Drop tensors this call read for the last time, so a replay holds no more than it needs.
        for (let i = 0; i < slots.length; i++) {
          const s = slots[i]!;
          if (lastUse[s] === k) this.drop(tensors, s);
        }
      }
      tensors[tensorOf[k]!] = t;
      if (scalar[k] === 1) nums[k] = t.first;
    }
    const out = this.outputs.map((o) => {
      if (!('slot' in o)) return o.value;
      const s = o.slot;
      return tensors[tensorOf[s]!] ?? Tensor.scalar(nums[s]!);
    });
    this.numbers = nums;
    return out;
  }

  /** Lets go of slot s's tensor, read for the last time: handed back to its primitive where that recycles its outputs. */
  private drop(tensors: Array<Tensor | null>, s: number): void {
    const ti = this.tensorOf[s]!, t = tensors[ti];
    tensors[ti] = null;
    if (t == null || this.code[s] !== GENERAL) return;
    const prim = this.calls[this.a[s]!]!.prim;
    if (prim.recycle !== undefined && !tensors.includes(t)) prim.recycle(t);
  }
}

/**
 * One step of a run: slots [from, to) of 0-d ops (interpreted, or a generated loop), or the single
 * other slot `from` (to = from): a call, or the root of a fused group computing all its members.
 */
interface PlanStep {
  readonly from: number;
  readonly to: number;
  readonly loop: ScalarLoop | null;
  readonly fused: FusedGroup | null;
}

/**
 * Builds a program while a function runs: slots are appended as the recording trace meets
 * inputs, constants and calls; `finish` drops everything the outputs do not need.
 */
export class ProgramBuilder {
  private code = new Uint8Array(1024);
  private a = new Int32Array(1024);
  private b = new Int32Array(1024);
  private scalar = new Uint8Array(1024);
  /** The value of each 0-d slot while recording. */
  private values = new Float64Array(1024);
  length = 0;
  private readonly calls: CallSlot[] = [];
  private readonly constants: Tensor[] = [];
  /** Constant tensors already given a slot, so a closed-over tensor read by many calls takes one. */
  private readonly constantSlots = new Map<Tensor, number>();
  /** 0-d constants by value (-0 apart from 0), and the value of each such slot. */
  private readonly scalarConstantSlots = new Map<number | string, number>();
  private readonly constantValues = new Map<number, number>();

  private push(code: number, a: number, b: number, isScalar: boolean, value: number): number {
    const k = this.length;
    if (k === this.code.length) this.grow();
    this.code[k] = code;
    this.a[k] = a;
    this.b[k] = b;
    this.scalar[k] = isScalar ? 1 : 0;
    this.values[k] = value;
    this.length = k + 1;
    return k;
  }

  /** The recorded value of a 0-d slot (0 for others). */
  value(slot: number): number {
    return this.values[slot]!;
  }

  /**
   * A 0-d op on 0-d slots, its value computed here from theirs (`b` −1 for a unary op): how the
   * scalar tape's backward pass writes itself into a recording (jit/scalarTapeRecorded.ts).
   */
  emit(code: number, a: number, b = -1): number {
    const v = scalarForward(code, this.values[a]!, this.values[b < 0 ? a : b]!);
    return this.push(code, a, b < 0 ? a : b, true, v);
  }

  private grow(): void {
    const cap = 2 * this.code.length;
    const code = new Uint8Array(cap), a = new Int32Array(cap), b = new Int32Array(cap), scalar = new Uint8Array(cap);
    const values = new Float64Array(cap);
    code.set(this.code);
    a.set(this.a);
    b.set(this.b);
    scalar.set(this.scalar);
    values.set(this.values);
    this.values = values;
    this.code = code;
    this.a = a;
    this.b = b;
    this.scalar = scalar;
  }

  /** The slot of argument `index` (a tensor of that argument's shape). */
  input(index: number, x: Tensor): number {
    return this.push(INPUT, index, 0, x.shape.length === 0, x.shape.length === 0 ? x.first : 0);
  }

  /** The slot of a tensor that does not depend on the inputs (one slot per tensor object). */
  constant(x: Tensor): number {
    if (x.shape.length === 0) return this.scalarConstant(x.first);
    let s = this.constantSlots.get(x);
    if (s === undefined) {
      // A constant made inside a recording may be a view of a 256 kB slab (tensor/alloc.ts): keep a copy instead.
      this.constants.push(detach(x));
      s = this.push(CONSTANT, this.constants.length - 1, 0, false, 0);
      this.constantSlots.set(x, s);
    }
    return s;
  }

  /**
   * The slot of a 0-d constant, one per value (constants are immutable, so equal values may share
   * a slot): a SCALAR_CONSTANT slot, whose value sits in the numbers column before a run starts,
   * so runs of 0-d ops — and the loops generated from them — are not broken by constants.
   */
  scalarConstant(v: number): number {
    const key = Object.is(v, -0) ? '-0' : v;
    let s = this.scalarConstantSlots.get(key);
    if (s === undefined) {
      s = this.push(SCALAR_CONSTANT, this.length, this.length, true, v); // inputs: itself (see Program.constantValues)
      this.scalarConstantSlots.set(key, s);
      this.constantValues.set(s, v);
    }
    return s;
  }

  /** A 0-d elementwise op on 0-d slots (b: the second input, or -1 for a unary op). */
  scalarOp(code: number, a: number, b: number, v: number): number {
    return this.push(code, a, b < 0 ? a : b, true, v);
  }

  /** A general primitive call. */
  call(prim: Primitive<any>, params: unknown, inputs: readonly number[], out: Tensor): number {
    this.calls.push({ prim, params, inputs: Int32Array.from(inputs), shape: out.shape });
    return this.push(GENERAL, this.calls.length - 1, 0, out.shape.length === 0, out.shape.length === 0 ? out.first : 0);
  }

  /** Slots kept though no output needs them: guards (RecordTrace.guard), run for their checks. */
  private readonly effects: number[] = [];

  /** Keeps call `slot` in the program whatever the outputs need (a guard). */
  effect(slot: number): void {
    this.effects.push(slot);
  }

  /** Runs jit/programFusion.ts over the calls (before dead-code elimination drops what it frees). */
  private fuse(outputs: readonly OutputSource[]): void {
    const n = this.length;
    const { code, a, b, calls } = this;
    const callOf = new Int32Array(n).fill(-1);
    const readers = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const c = code[k]!;
      if (c === GENERAL) {
        callOf[k] = a[k]!;
        for (const s of calls[a[k]!]!.inputs) readers[s]!++;
      } else if (c < SCALAR_CODE_LIMIT && c !== SCALAR_CONSTANT) {
        readers[a[k]!]!++;
        readers[b[k]!]!++;
      }
    }
    for (const o of outputs) if ('slot' in o) readers[o.slot]!++;
    fuseAccumulation(calls, callOf, readers);
  }

  /**
   * The program computing `outputs`, without the slots they do not need (dead-code elimination:
   * a backward walk marking what each live slot reads), renumbered in the same order.
   */
  finish(outputs: readonly OutputSource[]): Program {
    const n = this.length;
    const { code, a, b, calls, scalar } = this;
    this.fuse(outputs);
    const live = new Uint8Array(n);
    for (const o of outputs) if ('slot' in o) live[o.slot] = 1;
    for (const s of this.effects) live[s] = 1;
    for (let k = n - 1; k >= 0; k--) {
      if (live[k] === 0) continue;
      const c = code[k]!;
      if (c < SCALAR_CODE_LIMIT) {
        live[a[k]!] = 1;
        live[b[k]!] = 1;
      } else if (c === GENERAL) {
        for (const s of calls[a[k]!]!.inputs) live[s] = 1;
      }
    }
    const renumber = new Int32Array(n).fill(-1);
    let m = 0;
    for (let k = 0; k < n; k++) if (live[k] === 1 || code[k] === INPUT) renumber[k] = m++;
    const nCode = new Uint8Array(m), nA = new Int32Array(m), nB = new Int32Array(m), nScalar = new Uint8Array(m);
    const nCalls: GeneralCall[] = [];
    const nConstants: Tensor[] = [];
    const valueSlots: number[] = [], values: number[] = [];
    for (let k = 0; k < n; k++) {
      const j = renumber[k]!;
      if (j < 0) continue;
      const c = code[k]!;
      nCode[j] = c;
      nScalar[j] = scalar[k]!;
      if (c === SCALAR_CONSTANT) {
        nA[j] = nB[j] = j;
        valueSlots.push(j);
        values.push(this.constantValues.get(k)!);
      } else if (c < SCALAR_CODE_LIMIT) {
        nA[j] = renumber[a[k]!]!;
        nB[j] = renumber[b[k]!]!;
      } else if (c === INPUT) {
        nA[j] = a[k]!;
      } else if (c === CONSTANT) {
        nA[j] = nConstants.push(this.constants[a[k]!]!) - 1;
      } else {
        const call = calls[a[k]!]!;
        nA[j] = nCalls.push({ prim: call.prim, params: call.params, inputs: call.inputs.map((s) => renumber[s]!), shape: call.shape }) - 1;
      }
    }
    const lastUse = new Int32Array(m).fill(-1);
    for (let k = 0; k < m; k++) if (nCode[k] === GENERAL) for (const s of nCalls[nA[k]!]!.inputs) lastUse[s] = k;
    // An output's tensor must survive to the end.
    const nOutputs = outputs.map((o) => ('slot' in o ? { slot: renumber[o.slot]! } : o));
    for (const o of nOutputs) if ('slot' in o) lastUse[o.slot] = -1;
    // Tensor table entries: inputs, constants, general calls, and 0-d values general calls or outputs read.
    const tensorOf = new Int32Array(m).fill(-1);
    let tensorCount = 0;
    for (let k = 0; k < m; k++) {
      const c = nCode[k]!;
      if (c < SCALAR_CODE_LIMIT) continue;
      if (tensorOf[k] === -1) tensorOf[k] = tensorCount++;
      if (c === GENERAL) for (const s of nCalls[nA[k]!]!.inputs) if (tensorOf[s] === -1) tensorOf[s] = tensorCount++;
    }
    for (const o of nOutputs) if ('slot' in o && tensorOf[o.slot] === -1) tensorOf[o.slot] = tensorCount++;
    return new Program(nCode, nA, nB, nScalar, nCalls, nConstants, nOutputs, lastUse, tensorOf, tensorCount, Int32Array.from(valueSlots), Float64Array.from(values));
  }
}
