import {
  FE_BYTES,
  field25519WasmBytes,
  HEAP_START,
  K2D_OFFSET,
  LIMB_BITS,
  POINT_BYTES,
  POW_IO_OFFSET,
} from "./field25519-wasm.js";
import { instantiate } from "./wasm-emit.js";

/**
 * Scalar multiplication and multi-scalar multiplication on the generated WebAssembly field code.
 * Points enter and leave as extended Edwards coordinates (bigints mod p); inside, they live in
 * wasm memory as limbs. The algorithms are variable-time (public data) except that every call
 * does the same work for every scalar of a given bit length pattern of windows.
 */

/** Extended twisted-Edwards coordinates, each reduced mod p. */
export interface Extended {
  readonly X: bigint;
  readonly Y: bigint;
  readonly Z: bigint;
  readonly T: bigint;
}

const P = 2n ** 255n - 19n;
const D = (() => {
  // d = −121665 / 121666 mod p
  const inv = modPow(121666n, P - 2n);
  return (((-121665n * inv) % P) + P) % P;
})();

function modPow(b: bigint, e: bigint): bigint {
  let r = 1n;
  let x = b % P;
  let k = e;
  while (k > 0n) {
    if (k & 1n) r = (r * x) % P;
    x = (x * x) % P;
    k >>= 1n;
  }
  return r;
}

const LIMB_OFFSETS: readonly bigint[] = (() => {
  const out: bigint[] = [];
  let o = 0n;
  for (const b of LIMB_BITS) {
    out.push(o);
    o += BigInt(b);
  }
  return out;
})();
const LIMB_MASKS = LIMB_BITS.map((b) => (1n << BigInt(b)) - 1n);

/** Upper bound on memory kept for precomputed tables (basepoint and `fixedMsm` users). */
export const WASM_TABLE_MAX_BYTES = 256 * 1024 * 1024;

/** Window of the basepoint table: 2^(w−1) multiples per window, no doublings at use. */
const BASE_WINDOW = 8;
/** Window of per-point tables kept by `fixedMsm`. */
const FIXED_WINDOW = 7;
/** From this many points on, Pippenger's buckets beat Straus' per-point tables. */
const PIPPENGER_MIN_POINTS = 160;

const PAGE = 65536;

/** Ceiling on the module's memory: tables plus the largest MSM (≈ 640 B per input point). */
export const WASM_MEMORY_MAX_BYTES = 1024 * 1024 * 1024;

/** Limb form of points already converted (weak: entries die with their points). */
const limbCache = new WeakMap<Extended, BigInt64Array>();

/** Signed radix-2^w digits of a scalar below 2^253, least significant first. */
function signedDigits(s: bigint, w: number): Int32Array {
  const count = Math.ceil(253 / w) + 1;
  const bytes = new Uint8Array(36);
  let x = s;
  for (let i = 0; i < 32; i++) {
    bytes[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  const digits = new Int32Array(count);
  const half = 1 << (w - 1);
  const mask = (1 << w) - 1;
  let carry = 0;
  for (let j = 0; j < count; j++) {
    const bit = j * w;
    const i = bit >> 3;
    const word = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16);
    let d = ((word >>> (bit & 7)) & mask) + carry;
    if (d >= half) {
      d -= 1 << w;
      carry = 1;
    } else {
      carry = 0;
    }
    digits[j] = d;
  }
  return digits;
}

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface Exports {
  memory: WasmMemory;
  fe_mul(h: number, f: number, g: number): void;
  ge_add(r: number, p: number, q: number): void;
  ge_dbl(r: number, p: number): void;
  ge_neg(r: number, p: number): void;
  fe_pow22523(out: number, z: number): void;
  ge_add_cached(r: number, p: number, q: number): void;
  ge_to_cached(q: number, p: number): void;
  ge_neg_cached(r: number, q: number): void;
  ge_dbl_n(r: number, n: number): void;
}

/** The wasm instance plus a permanent region (tables) and a per-call scratch region. */
export class WasmGroup {
  private readonly ex: Exports;
  private mem: BigInt64Array;
  /** End of permanent allocations; per-call scratch starts here. */
  private permanentTop = HEAP_START;
  private baseTable: number | undefined;

  constructor() {
    this.ex = instantiate<Exports>(field25519WasmBytes());
    this.mem = new BigInt64Array(this.ex.memory.buffer);
    this.writeFe(K2D_OFFSET, (2n * D) % P);
  }

  /** `x^(2^252 − 3) mod p` for a reduced x (the exponentiation inside every square root). */
  powP58(x: bigint): bigint {
    this.writeFe(POW_IO_OFFSET, x);
    this.ex.fe_pow22523(POW_IO_OFFSET, POW_IO_OFFSET);
    return this.readFe(POW_IO_OFFSET);
  }

  private ensure(bytes: number): void {
    const have = this.ex.memory.buffer.byteLength;
    if (bytes > WASM_MEMORY_MAX_BYTES) {
      throw new RangeError(`group arithmetic needs ${bytes} bytes, above WASM_MEMORY_MAX_BYTES`);
    }
    if (bytes > have) {
      this.ex.memory.grow(Math.ceil((bytes - have) / PAGE));
      this.mem = new BigInt64Array(this.ex.memory.buffer);
    }
  }

  private writeFe(addr: number, x: bigint): void {
    const base = addr >> 3;
    for (let i = 0; i < 10; i++) this.mem[base + i] = (x >> LIMB_OFFSETS[i]!) & LIMB_MASKS[i]!;
  }

  private readFe(addr: number): bigint {
    const base = addr >> 3;
    let s = 0n;
    for (let i = 0; i < 10; i++) s += this.mem[base + i]! << LIMB_OFFSETS[i]!;
    s %= P;
    return s < 0n ? s + P : s;
  }

  /**
   * Copy a point's limbs into memory. Limbs are cached per coordinate object (weakly, so the cache
   * lives exactly as long as the points do): fixed generators then convert once per process.
   */
  private writePoint(addr: number, p: Extended): void {
    let limbs = limbCache.get(p);
    if (limbs === undefined) {
      limbs = new BigInt64Array(40);
      const coords = [p.X, p.Y, p.Z, p.T];
      for (let c = 0; c < 4; c++) {
        for (let i = 0; i < 10; i++) {
          limbs[10 * c + i] = (coords[c]! >> LIMB_OFFSETS[i]!) & LIMB_MASKS[i]!;
        }
      }
      limbCache.set(p, limbs);
    }
    this.mem.set(limbs, addr >> 3);
  }

  private readPoint(addr: number): Extended {
    return {
      X: this.readFe(addr),
      Y: this.readFe(addr + FE_BYTES),
      Z: this.readFe(addr + 2 * FE_BYTES),
      T: this.readFe(addr + 3 * FE_BYTES),
    };
  }

  private setIdentity(addr: number): void {
    const base = addr >> 3;
    this.mem.fill(0n, base, base + 40);
    this.mem[base + 10] = 1n;
    this.mem[base + 20] = 1n;
  }

  private copyPoint(dst: number, src: number): void {
    this.mem.copyWithin(dst >> 3, src >> 3, (src >> 3) + 40);
  }

  /**
   * Write the cached forms of P, 2P, …, count·P (P extended at `src`) from `dst` on; `cur` is a
   * scratch extended point.
   */
  private multiples(dst: number, src: number, count: number, cur: number): void {
    this.ex.ge_to_cached(dst, src);
    this.copyPoint(cur, src);
    for (let k = 2; k <= count; k++) {
      this.ex.ge_add_cached(cur, cur, dst);
      this.ex.ge_to_cached(dst + (k - 1) * POINT_BYTES, cur);
    }
  }

  /** acc += d·(table entry |d|) for a signed digit (cached tables). */
  private addDigit(acc: number, table: number, d: number, tmp: number): void {
    const entry = table + (Math.abs(d) - 1) * POINT_BYTES;
    if (d > 0) {
      this.ex.ge_add_cached(acc, acc, entry);
    } else {
      this.ex.ge_neg_cached(tmp, entry);
      this.ex.ge_add_cached(acc, acc, tmp);
    }
  }

  /** Straus: shared doublings, per-point cached tables of 2^(w−1) multiples at `tables`. */
  private straus(
    tables: number,
    digits: readonly Int32Array[],
    w: number,
    acc: number,
    tmp: number,
  ): void {
    const half = 1 << (w - 1);
    const count = digits[0]?.length ?? 0;
    this.setIdentity(acc);
    let started = false;
    for (let j = count - 1; j >= 0; j--) {
      if (started) this.ex.ge_dbl_n(acc, w);
      for (let i = 0; i < digits.length; i++) {
        const d = digits[i]![j]!;
        if (d === 0) continue;
        this.addDigit(acc, tables + i * half * POINT_BYTES, d, tmp);
        started = true;
      }
    }
  }

  /**
   * Pippenger with signed digits: 2^(c−1) extended buckets per window; points at `points` in
   * extended form and at `cached` in cached form.
   */
  private pippenger(
    points: number,
    cached: number,
    digits: readonly Int32Array[],
    c: number,
    scratch: number,
  ): number {
    const half = 1 << (c - 1);
    const buckets = scratch;
    const acc = buckets + half * POINT_BYTES;
    const sum = acc + POINT_BYTES;
    const run = sum + POINT_BYTES;
    const tmp = run + POINT_BYTES;
    const filled = new Uint8Array(half);
    const count = digits[0]?.length ?? 0;
    this.setIdentity(acc);
    let started = false;
    for (let j = count - 1; j >= 0; j--) {
      if (started) this.ex.ge_dbl_n(acc, c);
      filled.fill(0);
      for (let i = 0; i < digits.length; i++) {
        const d = digits[i]![j]!;
        if (d === 0) continue;
        const slot = Math.abs(d) - 1;
        const b = buckets + slot * POINT_BYTES;
        if (filled[slot] === 0) {
          if (d > 0) this.copyPoint(b, points + i * POINT_BYTES);
          else this.ex.ge_neg(b, points + i * POINT_BYTES);
          filled[slot] = 1;
        } else {
          this.addDigit(b, cached + i * POINT_BYTES, d > 0 ? 1 : -1, tmp);
        }
      }
      // Σ k·B_k as running sums from the top bucket down.
      let runStarted = false;
      let sumStarted = false;
      for (let k = half - 1; k >= 0; k--) {
        if (filled[k] === 1) {
          if (runStarted) this.ex.ge_add(run, run, buckets + k * POINT_BYTES);
          else this.copyPoint(run, buckets + k * POINT_BYTES);
          runStarted = true;
        }
        if (runStarted) {
          if (sumStarted) this.ex.ge_add(sum, sum, run);
          else this.copyPoint(sum, run);
          sumStarted = true;
        }
      }
      if (sumStarted) {
        this.ex.ge_add(acc, acc, sum);
        started = true;
      }
    }
    return acc;
  }

  /** Σ scalars[i]·points[i] (scalars reduced, below 2^253). */
  msm(points: readonly Extended[], scalars: readonly bigint[]): Extended {
    const n = points.length;
    if (n >= PIPPENGER_MIN_POINTS) {
      const c = n >= 1024 ? 9 : n >= 384 ? 8 : 7;
      const ext = this.permanentTop;
      const cached = ext + n * POINT_BYTES;
      const scratch = cached + n * POINT_BYTES;
      this.ensure(scratch + ((1 << (c - 1)) + 4) * POINT_BYTES);
      points.forEach((p, i) => {
        this.writePoint(ext + i * POINT_BYTES, p);
        this.ex.ge_to_cached(cached + i * POINT_BYTES, ext + i * POINT_BYTES);
      });
      const digits = scalars.map((s) => signedDigits(s, c));
      return this.readPoint(this.pippenger(ext, cached, digits, c, scratch));
    }
    const w = n <= 2 ? 5 : 6;
    const half = 1 << (w - 1);
    const src = this.permanentTop;
    const cur = src + POINT_BYTES;
    const tables = cur + POINT_BYTES;
    const acc = tables + n * half * POINT_BYTES;
    const tmp = acc + POINT_BYTES;
    this.ensure(tmp + POINT_BYTES);
    points.forEach((p, i) => {
      this.writePoint(src, p);
      this.multiples(tables + i * half * POINT_BYTES, src, half, cur);
    });
    const digits = scalars.map((s) => signedDigits(s, w));
    this.straus(tables, digits, w, acc, tmp);
    return this.readPoint(acc);
  }

  /** `s·B` from a table of every window's multiples of the basepoint (no doublings). */
  mulBase(base: Extended, s: bigint): Extended {
    const w = BASE_WINDOW;
    const half = 1 << (w - 1);
    const windows = Math.ceil(253 / w) + 1;
    if (this.baseTable === undefined) {
      const start = this.permanentTop;
      const bytes = windows * half * POINT_BYTES;
      this.ensure(start + bytes + 2 * POINT_BYTES);
      const cur = start + bytes;
      const scratch = cur + POINT_BYTES;
      this.writePoint(cur, base);
      for (let j = 0; j < windows; j++) {
        this.multiples(start + j * half * POINT_BYTES, cur, half, scratch);
        this.ex.ge_dbl_n(cur, w);
      }
      this.permanentTop = start + bytes;
      this.baseTable = start;
    }
    const acc = this.permanentTop;
    const tmp = acc + POINT_BYTES;
    this.ensure(tmp + POINT_BYTES);
    this.setIdentity(acc);
    const digits = signedDigits(s, w);
    for (let j = 0; j < windows; j++) {
      const d = digits[j]!;
      if (d !== 0) this.addDigit(acc, this.baseTable + j * half * POINT_BYTES, d, tmp);
    }
    return this.readPoint(acc);
  }

  /**
   * Tables for a fixed point list, kept for the life of the process (within
   * `WASM_TABLE_MAX_BYTES`; past it, each call falls back to `msm`).
   */
  fixedMsm(points: readonly Extended[]): (scalars: readonly bigint[]) => Extended {
    const w = FIXED_WINDOW;
    const half = 1 << (w - 1);
    const bytes = points.length * half * POINT_BYTES;
    if (this.permanentTop + bytes > WASM_TABLE_MAX_BYTES) {
      const copy = points.slice();
      return (scalars) => this.msm(copy.slice(0, scalars.length), scalars);
    }
    const tables = this.permanentTop;
    this.ensure(tables + bytes + 2 * POINT_BYTES);
    const src = tables + bytes;
    const cur = src + POINT_BYTES;
    points.forEach((p, i) => {
      this.writePoint(src, p);
      this.multiples(tables + i * half * POINT_BYTES, src, half, cur);
    });
    this.permanentTop = tables + bytes;
    return (scalars) => {
      const acc = this.permanentTop;
      const tmp = acc + POINT_BYTES;
      this.ensure(tmp + POINT_BYTES);
      const digits = scalars.map((s) => signedDigits(s, w));
      this.straus(tables, digits, w, acc, tmp);
      return this.readPoint(acc);
    };
  }
}
