/**
 * The one seam between our group arithmetic and whatever library does it. `ristretto.ts` wraps
 * a backend's points in an opaque class; a faster (native or WASM) backend can replace the pure-JS
 * one by implementing this interface, without touching any caller.
 *
 * Contract: scalars passed in are already reduced to [0, ℓ) (zero included); `decode` returns
 * `undefined` for anything that is not a canonical ristretto255 encoding; no method throws on valid
 * input.
 */
export interface GroupBackend<P> {
  readonly name: string;
  readonly base: P;
  readonly identity: P;
  decode(bytes: Uint8Array): P | undefined;
  encode(p: P): Uint8Array;
  add(a: P, b: P): P;
  sub(a: P, b: P): P;
  neg(a: P): P;
  equals(a: P, b: P): boolean;
  isIdentity(a: P): boolean;
  /** `s·p` for any reduced scalar (zero gives the identity). */
  mul(p: P, s: bigint): P;
  /** `s·B` for the basepoint, using whatever table the backend keeps for it. */
  mulBase(s: bigint): P;
  /** RFC 9496 §4.3.4 element derivation of 64 uniform bytes (dalek `from_uniform_bytes`). */
  fromUniformBytes(bytes64: Uint8Array): P;
  /** Σ scalars[i]·points[i] (variable time: public inputs only). Lengths are equal. */
  msm(points: readonly P[], scalars: readonly bigint[]): P;
  /**
   * Precompute tables for a fixed list of points reused across many MSMs (e.g. Bulletproofs
   * generators); the returned function takes up to `points.length` scalars.
   */
  fixedMsm(points: readonly P[]): (scalars: readonly bigint[]) => P;
}
