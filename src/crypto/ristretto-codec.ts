import type { Extended } from "./wasm-group.js";

/**
 * The ristretto255 encoding, decoding and element derivation of RFC 9496 §4.3 on BigInt field
 * elements, with the one expensive step — the exponentiation inside `SQRT_RATIO_M1` — supplied
 * by the caller (the WebAssembly backend). Written from the RFC's pseudocode.
 */

const P = 2n ** 255n - 19n;

const mod = (x: bigint): bigint => {
  const r = x % P;
  return r < 0n ? r + P : r;
};

function pow(b: bigint, e: bigint): bigint {
  let r = 1n;
  let x = mod(b);
  let k = e;
  while (k > 0n) {
    if (k & 1n) r = (r * x) % P;
    x = (x * x) % P;
    k >>= 1n;
  }
  return r;
}

const D = mod(-121665n * pow(121666n, P - 2n));
const SQRT_M1 = pow(2n, (P - 1n) / 4n);
const isNegative = (x: bigint): boolean => (mod(x) & 1n) === 1n;
const ctAbs = (x: bigint): bigint => (isNegative(x) ? mod(-x) : mod(x));

// The RFC's constants (its choice of square roots matters for the output), checked below.
const INVSQRT_A_MINUS_D =
  54469307008909316920995813868745141605393597292927456921205312896311721017578n;
const SQRT_AD_MINUS_ONE =
  25063068953384623474111414158702152701244531502492656460079210482610430750235n;
if (
  mod(INVSQRT_A_MINUS_D * INVSQRT_A_MINUS_D * (-1n - D)) !== 1n ||
  mod(SQRT_AD_MINUS_ONE * SQRT_AD_MINUS_ONE) !== mod(-D - 1n) ||
  mod(SQRT_M1 * SQRT_M1) !== P - 1n
) {
  throw new Error("ristretto255 constants are inconsistent");
}
const ONE_MINUS_D_SQ = mod(1n - D * D);
const D_MINUS_ONE_SQ = mod((D - 1n) * (D - 1n));

export type PowP58 = (x: bigint) => bigint;

/** RFC 9496 SQRT_RATIO_M1(u, v): (was_square, |sqrt(u/v)| or |sqrt(i·u/v)|). */
function sqrtRatioM1(u: bigint, v: bigint, powP58: PowP58): { wasSquare: boolean; r: bigint } {
  const v3 = mod(v * v * v);
  const v7 = mod(v3 * v3 * v);
  let r = mod(mod(u * v3) * powP58(mod(u * v7)));
  const check = mod(v * r * r);
  const uNeg = mod(-u);
  const correctSign = check === mod(u);
  const flippedSign = check === uNeg;
  const flippedSignI = check === mod(uNeg * SQRT_M1);
  if (flippedSign || flippedSignI) r = mod(r * SQRT_M1);
  return { wasSquare: correctSign || flippedSign, r: ctAbs(r) };
}

function leBytesToBigint(bytes: Uint8Array): bigint {
  let x = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(bytes[i]!);
  return x;
}

/** RFC 9496 §4.3.1 DECODE; undefined for any non-canonical or invalid encoding. */
export function ristrettoDecode(bytes: Uint8Array, powP58: PowP58): Extended | undefined {
  if (bytes.length !== 32) return undefined;
  const s = leBytesToBigint(bytes);
  if (s >= P || (s & 1n) === 1n) return undefined;
  const ss = mod(s * s);
  const u1 = mod(1n - ss);
  const u2 = mod(1n + ss);
  const u2Sqr = mod(u2 * u2);
  const v = mod(-(D * mod(u1 * u1)) - u2Sqr);
  const { wasSquare, r: invsqrt } = sqrtRatioM1(1n, mod(v * u2Sqr), powP58);
  const denX = mod(invsqrt * u2);
  const denY = mod(mod(invsqrt * denX) * v);
  const x = ctAbs(mod(2n * s * denX));
  const y = mod(u1 * denY);
  const t = mod(x * y);
  if (!wasSquare || isNegative(t) || y === 0n) return undefined;
  return { X: x, Y: y, Z: 1n, T: t };
}

/** RFC 9496 §4.3.2 ENCODE of extended coordinates. */
export function ristrettoEncode(p: Extended, powP58: PowP58): Uint8Array {
  const { X: x0, Y: y0, Z: z0, T: t0 } = p;
  const u1 = mod((z0 + y0) * (z0 - y0));
  const u2 = mod(x0 * y0);
  const { r: invsqrt } = sqrtRatioM1(1n, mod(u1 * mod(u2 * u2)), powP58);
  const den1 = mod(invsqrt * u1);
  const den2 = mod(invsqrt * u2);
  const zInv = mod(mod(den1 * den2) * t0);
  let x = x0;
  let y = y0;
  let denInv = den2;
  if (isNegative(t0 * zInv)) {
    x = mod(y0 * SQRT_M1);
    y = mod(x0 * SQRT_M1);
    denInv = mod(den1 * INVSQRT_A_MINUS_D);
  }
  if (isNegative(x * zInv)) y = mod(-y);
  let s = ctAbs(mod(denInv * (z0 - y)));
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(s & 0xffn);
    s >>= 8n;
  }
  return out;
}

/** RFC 9496 MAP: one Elligator map of a 32-byte string (top bit ignored). */
function elligator(bytes32: Uint8Array, powP58: PowP58): Extended {
  const t = mod(leBytesToBigint(bytes32) & ((1n << 255n) - 1n));
  const r = mod(SQRT_M1 * t * t);
  const u = mod((r + 1n) * ONE_MINUS_D_SQ);
  const v = mod((-1n - r * D) * (r + D));
  const { wasSquare, r: s0 } = sqrtRatioM1(u, v, powP58);
  const s = wasSquare ? s0 : mod(-ctAbs(mod(s0 * t)));
  const c = wasSquare ? P - 1n : r;
  const n = mod(c * (r - 1n) * D_MINUS_ONE_SQ - v);
  const w0 = mod(2n * s * v);
  const w1 = mod(n * SQRT_AD_MINUS_ONE);
  const w2 = mod(1n - s * s);
  const w3 = mod(1n + s * s);
  return { X: mod(w0 * w3), Y: mod(w2 * w1), Z: mod(w1 * w3), T: mod(w0 * w2) };
}

/** RFC 9496 §4.3.4 element derivation: the sum of the maps of both halves (added by `add`). */
export function ristrettoFromUniform(
  bytes64: Uint8Array,
  powP58: PowP58,
  add: (a: Extended, b: Extended) => Extended,
): Extended {
  return add(
    elligator(bytes64.subarray(0, 32), powP58),
    elligator(bytes64.subarray(32, 64), powP58),
  );
}
