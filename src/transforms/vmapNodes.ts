/**
 * @file Registered pytree nodes in `vmap`'s arguments, results and axis specs (./vmap.ts): a node
 * of axes over a node of the same class and auxiliary data (JAX's pytree prefix), the skeleton an
 * argument node leaves while its leaves are batched, and nodes named in errors.
 */
import { childrenLike, nodeLabel, nodeParts, registeredNode, type NodeRegistration } from '../core/pytreeNodes.js';
import { describe } from '../tensor/create.js';

/** A value for an error: a registered node by its class and auxiliary data (`a Lin("tanh")`), anything else as describe gives it. */
export function inWords(v: unknown): string {
  const reg = registeredNode(v);
  return reg === undefined ? describe(v) : `a ${nodeLabel(reg, nodeParts(reg, v as object, 'vmap').aux)}`;
}

/** A registered node in an argument's skeleton: its class, auxiliary data and children's skeletons (rebuilt once the leaves are batched). */
export class NodeSkeleton {
  constructor(readonly reg: NodeRegistration, readonly aux: unknown, readonly children: unknown[]) {}

  /** The instance, from its children's rebuilt values. */
  rebuild(children: unknown[]): unknown {
    return this.reg.unflatten(this.aux, children);
  }
}

/** A node of axes matched against a value: the spec's class and auxiliary data, its children (axes) and the value's children, in order. */
export interface MatchedSpecNode {
  readonly reg: NodeRegistration;
  readonly aux: unknown;
  readonly specs: readonly unknown[];
  readonly children: readonly unknown[];
}

/**
 * `spec` as a node of axes over `value`: undefined where `spec` is not a registered node; null
 * where `value` is not a node of the same class and auxiliary data with as many children.
 */
export function matchSpecNode(spec: unknown, value: unknown): MatchedSpecNode | null | undefined {
  const reg = registeredNode(spec);
  if (reg === undefined) return undefined;
  const { children: specs, aux } = nodeParts(reg, spec as object, 'vmap');
  const children = childrenLike(value, { reg, aux, children: specs }, 'vmap');
  return children === null ? null : { reg, aux, specs, children };
}
