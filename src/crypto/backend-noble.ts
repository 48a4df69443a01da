import { interleavedMSMUnsafe, mulAddUnsafe, pippenger } from "@noble/curves/abstract/curve.js";
import { ristretto255, ristretto255_hasher } from "@noble/curves/ed25519.js";
import type { GroupBackend } from "./backend.js";

/** The pure-JS backend on @noble/curves (ristretto255 over extended Edwards coordinates). */
type NoblePoint = InstanceType<typeof ristretto255.Point>;

const Point = ristretto255.Point;

// Declared optional on the generic hasher type; always present for ristretto255.
const deriveToCurve = ristretto255_hasher.deriveToCurve!;

/**
 * Above this many points Pippenger's buckets beat Strauss' per-point tables in noble's
 * implementations (measured on this machine: Strauss still wins at 256 points).
 */
const PIPPENGER_MIN_POINTS = 512;

/** Window width of the precomputed tables for fixed-point MSMs (2^(W−2) points per input). */
const FIXED_MSM_WINDOW = 6;

function decode(bytes: Uint8Array): NoblePoint | undefined {
  if (bytes.length !== 32) return undefined;
  try {
    return Point.fromBytes(bytes);
  } catch {
    return undefined;
  }
}

function msm(points: readonly NoblePoint[], scalars: readonly bigint[]): NoblePoint {
  if (points.length === 0) return Point.ZERO;
  if (points.length === 1) return mul(points[0]!, scalars[0]!);
  if (points.length >= PIPPENGER_MIN_POINTS) {
    return pippenger(Point, points as NoblePoint[], scalars as bigint[]);
  }
  return mulAddUnsafe(Point, points as NoblePoint[], scalars as bigint[]);
}

function mul(p: NoblePoint, s: bigint): NoblePoint {
  // noble's constant-time `multiply` rejects zero; zero scalars are legal here (zero blindings,
  // zero values), and the result is simply the identity.
  return s === 0n ? Point.ZERO : p.multiply(s);
}

/** The default backend. */
export const nobleBackend: GroupBackend<NoblePoint> = {
  name: "noble",
  base: Point.BASE,
  identity: Point.ZERO,
  decode,
  encode: (p) => p.toBytes(),
  add: (a, b) => a.add(b),
  sub: (a, b) => a.subtract(b),
  neg: (a) => a.negate(),
  equals: (a, b) => a.equals(b),
  isIdentity: (a) => a.is0(),
  mul,
  mulBase: (s) => (s === 0n ? Point.ZERO : Point.BASE.multiply(s)),
  fromUniformBytes: (bytes64) => deriveToCurve(bytes64),
  msm,
  fixedMsm(points) {
    if (points.length === 0) return () => Point.ZERO;
    return interleavedMSMUnsafe(Point, points as NoblePoint[], FIXED_MSM_WINDOW) as (
      scalars: readonly bigint[],
    ) => NoblePoint;
  },
};
