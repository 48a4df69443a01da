import { ed25519, ristretto255 } from "@noble/curves/ed25519.js";
import type { GroupBackend } from "./backend.js";
import { nobleBackend } from "./backend-noble.js";
import { ristrettoDecode, ristrettoEncode, ristrettoFromUniform } from "./ristretto-codec.js";
import { type Extended, WasmGroup } from "./wasm-group.js";

/**
 * The default backend: @noble/curves for equality and single additions (cheap in any
 * representation), RFC 9496 encoding/decoding/element derivation on BigInts with the square-root
 * exponentiation in WebAssembly, and generated WebAssembly limb arithmetic for everything made
 * of many point operations — scalar multiplication, the basepoint table, MSMs (Straus below
 * `PIPPENGER_MIN_POINTS`, Pippenger above) and fixed-point tables. Roughly 8–14× faster than
 * noble's BigInt arithmetic on this machine. Variable time: the scalar's digits choose table
 * entries and skip zero windows (BigInt arithmetic was never constant-time either).
 */
type NoblePoint = InstanceType<typeof ristretto255.Point>;

const EdwardsPoint = ed25519.Point;
const group = new WasmGroup();

function ext(p: NoblePoint): Extended {
  // The wrapped Edwards representative (protected in noble's types, public at run time).
  return (p as unknown as { readonly ep: Extended }).ep;
}

function wrap(e: Extended): NoblePoint {
  return new ristretto255.Point(new EdwardsPoint(e.X, e.Y, e.Z, e.T));
}

const BASE_EXT = ext(ristretto255.Point.BASE);
const powP58 = (x: bigint) => group.powP58(x);
const addExt = (a: Extended, b: Extended): Extended => ext(wrap(a).add(wrap(b)));

export const wasmBackend: GroupBackend<NoblePoint> = {
  ...nobleBackend,
  name: "noble+wasm",
  decode(bytes) {
    const e = ristrettoDecode(bytes, powP58);
    return e === undefined ? undefined : wrap(e);
  },
  encode: (p) => ristrettoEncode(ext(p), powP58),
  fromUniformBytes: (bytes64) => wrap(ristrettoFromUniform(bytes64, powP58, addExt)),
  mul: (p, s) => (s === 0n ? ristretto255.Point.ZERO : wrap(group.msm([ext(p)], [s]))),
  mulBase: (s) => (s === 0n ? ristretto255.Point.ZERO : wrap(group.mulBase(BASE_EXT, s))),
  msm(points, scalars) {
    if (points.length === 0) return ristretto255.Point.ZERO;
    return wrap(group.msm(points.map(ext), scalars));
  },
  fixedMsm(points) {
    if (points.length === 0) return () => ristretto255.Point.ZERO;
    const run = group.fixedMsm(points.map(ext));
    return (scalars) => wrap(run(scalars));
  },
};
