import type { RandomSource } from "../util/index.js";
import type { GroupBackend } from "./backend.js";
import { wasmBackend } from "./backend-wasm.js";
import { CryptoError } from "./errors.js";

/**
 * ristretto255 points and scalars with dalek's encodings (RFC 9496). Every group operation goes
 * through one `GroupBackend`; callers see only `RistrettoPoint` and bigint scalars.
 */

/** ℓ = 2^252 + 27742317777372353535851937790883648493, the order of the ristretto255 group. */
export const GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

/** A scalar mod ℓ, always reduced to [0, ℓ). Zero is legal. */
export type Scalar = bigint;

// The backend's point type is erased here so that swapping backends changes one line.
const backend = wasmBackend as unknown as GroupBackend<object>;

function leBytesToBigint(bytes: Uint8Array): bigint {
  let x = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(bytes[i]!);
  return x;
}

function mod(x: bigint): Scalar {
  const r = x % GROUP_ORDER;
  return r < 0n ? r + GROUP_ORDER : r;
}

/**
 * The backend contract wants scalars in [0, ℓ); a `Scalar` always is, but a stray bigint from a
 * caller must not silently produce a wrong point (points have order ℓ, so reducing is exact).
 */
function reduced(s: Scalar): Scalar {
  return s >= 0n && s < GROUP_ORDER ? s : mod(s);
}

function checkLength(bytes: Uint8Array, length: number, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new CryptoError(
      what === "scalar" ? "INVALID_SCALAR" : "INVALID_LENGTH",
      `${what} must be ${length} bytes`,
      { length: bytes instanceof Uint8Array ? bytes.length : -1 },
    );
  }
}

/** Scalar arithmetic mod ℓ on bigints, with dalek's three decoders. */
export const Scalars = {
  ZERO: 0n as Scalar,
  ONE: 1n as Scalar,

  /** Strict decoding (dalek `Scalar::from_canonical_bytes`): 32 bytes LE, value below ℓ. */
  fromCanonicalBytes(bytes: Uint8Array): Scalar {
    checkLength(bytes, 32, "scalar");
    const x = leBytesToBigint(bytes);
    if (x >= GROUP_ORDER) throw new CryptoError("INVALID_SCALAR", "scalar is not below ℓ");
    return x;
  },

  /** Reducing decoding of 32 bytes LE (dalek `from_bytes_mod_order`). */
  fromBytesModOrder(bytes: Uint8Array): Scalar {
    checkLength(bytes, 32, "scalar");
    return mod(leBytesToBigint(bytes));
  },

  /** Reducing decoding of 64 bytes LE (dalek `from_bytes_mod_order_wide`, `Scalar::from_hash`). */
  fromBytesModOrderWide(bytes: Uint8Array): Scalar {
    checkLength(bytes, 64, "wide scalar input");
    return mod(leBytesToBigint(bytes));
  },

  /** Reduce any integer mod ℓ (for small constants and u64 values). */
  fromBigint(x: bigint): Scalar {
    return mod(x);
  },

  /** 32 bytes little-endian. */
  toBytes(s: Scalar): Uint8Array {
    const out = new Uint8Array(32);
    let x = s;
    for (let i = 0; i < 32; i++) {
      out[i] = Number(x & 0xffn);
      x >>= 8n;
    }
    return out;
  },

  add: (a: Scalar, b: Scalar): Scalar => mod(a + b),
  sub: (a: Scalar, b: Scalar): Scalar => mod(a - b),
  mul: (a: Scalar, b: Scalar): Scalar => (a * b) % GROUP_ORDER,
  neg: (a: Scalar): Scalar => (a === 0n ? 0n : GROUP_ORDER - a),
  isZero: (a: Scalar): boolean => a === 0n,

  /** Multiplicative inverse; throws `ZERO_INVERSE` for zero. */
  invert(a: Scalar): Scalar {
    if (a === 0n) throw new CryptoError("ZERO_INVERSE", "cannot invert the zero scalar");
    // Extended Euclid: ℓ is prime, so gcd(a, ℓ) = 1 for every nonzero a.
    let [oldR, r] = [a, GROUP_ORDER];
    let [oldS, s] = [1n, 0n];
    while (r !== 0n) {
      const q = oldR / r;
      [oldR, r] = [r, oldR - q * r];
      [oldS, s] = [s, oldS - q * s];
    }
    return mod(oldS);
  },

  /** Inverses of many nonzero scalars with one inversion (Montgomery's trick). */
  batchInvert(values: readonly Scalar[]): Scalar[] {
    const n = values.length;
    const prefix: Scalar[] = new Array(n);
    let acc: Scalar = 1n;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (v === 0n) throw new CryptoError("ZERO_INVERSE", "cannot invert the zero scalar");
      prefix[i] = acc;
      acc = (acc * v) % GROUP_ORDER;
    }
    let inv = Scalars.invert(acc);
    const out: Scalar[] = new Array(n);
    for (let i = n - 1; i >= 0; i--) {
      out[i] = (inv * prefix[i]!) % GROUP_ORDER;
      inv = (inv * values[i]!) % GROUP_ORDER;
    }
    return out;
  },

  /** A uniformly random scalar: 64 random bytes reduced wide (as dalek `Scalar::random`). */
  random(rng: RandomSource): Scalar {
    return mod(leBytesToBigint(rng.fillBytes(new Uint8Array(64))));
  },
} as const;

/** An element of the ristretto255 group. Immutable; the encoding is cached once computed. */
export class RistrettoPoint {
  /** @internal the backend's representation; only ristretto.ts looks inside. */
  readonly inner: object;
  #encoding: Uint8Array | undefined;

  /** @internal use `Ristretto.fromBytes` and the arithmetic methods. */
  constructor(inner: object, encoding?: Uint8Array) {
    this.inner = inner;
    this.#encoding = encoding;
  }

  add(other: RistrettoPoint): RistrettoPoint {
    return new RistrettoPoint(backend.add(this.inner, other.inner));
  }

  subtract(other: RistrettoPoint): RistrettoPoint {
    return new RistrettoPoint(backend.sub(this.inner, other.inner));
  }

  /** `s·P`; a zero scalar gives the identity. */
  multiply(s: Scalar): RistrettoPoint {
    return new RistrettoPoint(backend.mul(this.inner, reduced(s)));
  }

  negate(): RistrettoPoint {
    return new RistrettoPoint(backend.neg(this.inner));
  }

  equals(other: RistrettoPoint): boolean {
    return backend.equals(this.inner, other.inner);
  }

  isIdentity(): boolean {
    return backend.isIdentity(this.inner);
  }

  /** The canonical 32-byte compressed encoding (a fresh copy each call). */
  toBytes(): Uint8Array {
    if (this.#encoding === undefined) this.#encoding = backend.encode(this.inner);
    return this.#encoding.slice();
  }
}

const BASE = new RistrettoPoint(backend.base);
const IDENTITY = new RistrettoPoint(backend.identity);

/** Constructors and multi-point operations for `RistrettoPoint`. */
export const Ristretto = {
  /** The standard basepoint G (dalek `RISTRETTO_BASEPOINT_POINT`). */
  BASE,
  IDENTITY,
  /** The name of the group backend in use (for benchmarks and logs). */
  backendName: backend.name,

  /** Strict decoding (dalek `CompressedRistretto::decompress`); throws `INVALID_POINT`. */
  fromBytes(bytes: Uint8Array): RistrettoPoint {
    if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
      throw new CryptoError("INVALID_POINT", "a ristretto point must be 32 bytes", {
        length: bytes instanceof Uint8Array ? bytes.length : -1,
      });
    }
    const inner = backend.decode(bytes);
    if (inner === undefined) {
      throw new CryptoError("INVALID_POINT", "not a canonical ristretto255 encoding");
    }
    return new RistrettoPoint(inner, bytes.slice());
  },

  /** The RFC 9496 element derivation of 64 bytes (dalek `RistrettoPoint::from_uniform_bytes`). */
  fromUniformBytes(bytes64: Uint8Array): RistrettoPoint {
    checkLength(bytes64, 64, "uniform bytes");
    return new RistrettoPoint(backend.fromUniformBytes(bytes64));
  },

  /** `s·G`. */
  multiplyBase(s: Scalar): RistrettoPoint {
    return new RistrettoPoint(backend.mulBase(reduced(s)));
  },

  /** Σ scalars[i]·points[i], variable time (public data only). */
  msm(points: readonly RistrettoPoint[], scalars: readonly Scalar[]): RistrettoPoint {
    if (points.length !== scalars.length) {
      throw new RangeError(`msm: ${points.length} points but ${scalars.length} scalars`);
    }
    return new RistrettoPoint(
      backend.msm(
        points.map((p) => p.inner),
        scalars.map(reduced),
      ),
    );
  },

  /**
   * Precomputed tables for MSMs over a fixed list of points; the result takes up to
   * `points.length` scalars (missing trailing scalars count as zero).
   */
  fixedMsm(points: readonly RistrettoPoint[]): (scalars: readonly Scalar[]) => RistrettoPoint {
    const run = backend.fixedMsm(points.map((p) => p.inner));
    return (scalars) => {
      if (scalars.length > points.length) {
        throw new RangeError(`fixedMsm: ${scalars.length} scalars for ${points.length} points`);
      }
      return new RistrettoPoint(run(scalars.map(reduced)));
    };
  },
} as const;
