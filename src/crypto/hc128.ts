/**
 * HC-128 (eSTREAM) as Rust's `rand_hc::Hc128Rng` exposes it: seeded with 32 bytes (16-byte key,
 * 16-byte IV, little-endian words), output consumed as little-endian 32-bit words. MobileCoin's
 * deterministic schnorrkel signing draws its 32 bytes of "randomness" from it, so reproducing a
 * fog authority signature needs it. Not for new randomness: use a `RandomSource`.
 */
function rotr(x: number, n: number): number {
  return ((x >>> n) | (x << (32 - n))) >>> 0;
}

function rotl(x: number, n: number): number {
  return ((x << n) | (x >>> (32 - n))) >>> 0;
}

const f1 = (x: number) => (rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)) >>> 0;
const f2 = (x: number) => (rotr(x, 17) ^ rotr(x, 19) ^ (x >>> 10)) >>> 0;

export class Hc128Rng {
  private readonly p = new Uint32Array(512);
  private readonly q = new Uint32Array(512);
  private step = 0;
  private word = 0;
  private wordBytesLeft = 0;

  constructor(seed: Uint8Array) {
    if (seed.length !== 32) throw new RangeError("HC-128 seed must be 32 bytes");
    const view = new DataView(seed.buffer, seed.byteOffset, 32);
    const w = new Uint32Array(1280);
    for (let i = 0; i < 4; i++) {
      const k = view.getUint32(4 * i, true);
      const v = view.getUint32(16 + 4 * i, true);
      w[i] = k;
      w[i + 4] = k;
      w[i + 8] = v;
      w[i + 12] = v;
    }
    for (let i = 16; i < 1280; i++) {
      w[i] = (f2(w[i - 2]!) + w[i - 7]! + f1(w[i - 15]!) + w[i - 16]! + i) >>> 0;
    }
    this.p.set(w.subarray(256, 768));
    this.q.set(w.subarray(768, 1280));
    // Key setup ends by running the cipher 1024 steps with each output replacing its table entry.
    for (let i = 0; i < 1024; i++) {
      const j = i & 511;
      const out = this.nextWord();
      if (i < 512) this.p[j] = out;
      else this.q[j] = out;
    }
    this.step = 0;
  }

  private h1(x: number): number {
    return (this.q[x & 0xff]! + this.q[256 + ((x >>> 16) & 0xff)]!) >>> 0;
  }

  private h2(x: number): number {
    return (this.p[x & 0xff]! + this.p[256 + ((x >>> 16) & 0xff)]!) >>> 0;
  }

  /** The next keystream word. */
  nextWord(): number {
    const j = this.step & 511;
    const jm3 = (j - 3) & 511;
    const jm10 = (j - 10) & 511;
    const jm511 = (j - 511) & 511;
    const jm12 = (j - 12) & 511;
    let out: number;
    if ((this.step & 1023) < 512) {
      const p = this.p;
      const g = ((rotr(p[jm3]!, 10) ^ rotr(p[jm511]!, 23)) + rotr(p[jm10]!, 8)) >>> 0;
      p[j] = (p[j]! + g) >>> 0;
      out = (this.h1(p[jm12]!) ^ p[j]!) >>> 0;
    } else {
      const q = this.q;
      const g = ((rotl(q[jm3]!, 10) ^ rotl(q[jm511]!, 23)) + rotl(q[jm10]!, 8)) >>> 0;
      q[j] = (q[j]! + g) >>> 0;
      out = (this.h2(q[jm12]!) ^ q[j]!) >>> 0;
    }
    this.step++;
    return out;
  }

  /** Bytes from consecutive little-endian words (rand's `fill_bytes` from a fresh word). */
  fillBytes(out: Uint8Array): Uint8Array {
    for (let i = 0; i < out.length; i++) {
      if (this.wordBytesLeft === 0) {
        this.word = this.nextWord();
        this.wordBytesLeft = 4;
      }
      out[i] = this.word & 0xff;
      this.word >>>= 8;
      this.wordBytesLeft--;
    }
    return out;
  }
}
