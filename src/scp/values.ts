import { compareBytes, toHex } from "../util/index.js";
import { INF } from "./limits.js";

/**
 * Values and ballots. A consensus value is an opaque byte string, ordered lexicographically; a
 * ballot carries an ordered list of them (the combine output, whose order is kept as is).
 */
export type Value = Uint8Array;
export type ValueList = readonly Value[];

/** A ballot `<n, x>`: counter in [1, INF] (0 only for the absent "zero ballot"), value list `x`. */
export interface Ballot {
  readonly n: number;
  readonly x: ValueList;
}

/** A node: its responder id (`host:port`), which is its identity here, and optionally its Ed25519 key. */
export interface NodeId {
  readonly id: string;
  readonly publicKey?: Uint8Array;
}

const keyCache = new WeakMap<ValueList, string>();
const hexCache = new WeakMap<Value, string>();

/** The hex form of one value, cached per value object (values are treated as immutable). */
export function valueKey(v: Value): string {
  let key = hexCache.get(v);
  if (key === undefined) {
    key = toHex(v);
    hexCache.set(v, key);
  }
  return key;
}

/** A string that is equal for two value lists exactly when they hold the same values in the same order. Cached per list. */
export function valueListKey(x: ValueList): string {
  let key = keyCache.get(x);
  if (key === undefined) {
    key = x.map(valueKey).join(",");
    keyCache.set(x, key);
  }
  return key;
}

/** Lexicographic comparison of value lists, element by element, shorter first on a common prefix. */
export function compareValueLists(a: ValueList, b: ValueList): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareBytes(a[i] as Value, b[i] as Value);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Total order on ballots: counter first, then value list. */
export function compareBallots(a: Ballot, b: Ballot): number {
  if (a.n !== b.n) return a.n < b.n ? -1 : 1;
  return compareValueLists(a.x, b.x);
}

/** Same value. */
export function compatible(a: Ballot, b: Ballot): boolean {
  return a.x === b.x || valueListKey(a.x) === valueListKey(b.x);
}

/** `a ≤ b` and same value. */
export function lessAndCompatible(a: Ballot, b: Ballot): boolean {
  return a.n <= b.n && compatible(a, b);
}

/** `a ≤ b` and different values. */
export function lessAndIncompatible(a: Ballot, b: Ballot): boolean {
  return compareBallots(a, b) <= 0 && !compatible(a, b);
}

/** Counter + 1, saturating at INF. */
export function nextCounter(n: number): number {
  return n >= INF ? INF : n + 1;
}

/** Sort and de-duplicate a list of values (the canonical order of nomination sets). */
export function sortedUnique(values: Iterable<Value>): Value[] {
  const byKey = new Map<string, Value>();
  for (const v of values) byKey.set(valueKey(v), v);
  return [...byKey.values()].sort(compareBytes);
}

/** True when `values` is strictly ascending (sorted, no duplicates). */
export function isStrictlyAscending(values: ValueList): boolean {
  for (let i = 1; i < values.length; i++) {
    if (compareBytes(values[i - 1] as Value, values[i] as Value) >= 0) return false;
  }
  return true;
}

/** The test-suite combine: sort and de-duplicate, optionally capped (MobileCoin's `get_bounded_combine_fn`). */
export function sortedCombine(cap = Number.POSITIVE_INFINITY): (values: ValueList) => ValueList {
  return (values) => sortedUnique(values).slice(0, cap);
}
