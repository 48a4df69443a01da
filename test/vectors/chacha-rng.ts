/**
 * Rust rand 0.8's `StdRng` (ChaCha12, rand_chacha 0.3) for replaying upstream vector generators:
 * key = the 32-byte seed, stream 0, 64-bit block counter from 0, keystream consumed in order.
 * Test-only: it reproduces values the generators drew but did not record (memo tx public keys).
 */
const CONSTANTS = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];

function rotl(x: number, n: number): number {
  return ((x << n) | (x >>> (32 - n))) >>> 0;
}

function quarter(s: Uint32Array, a: number, b: number, c: number, d: number): void {
  s[a] = (s[a]! + s[b]!) >>> 0;
  s[d] = rotl(s[d]! ^ s[a]!, 16);
  s[c] = (s[c]! + s[d]!) >>> 0;
  s[b] = rotl(s[b]! ^ s[c]!, 12);
  s[a] = (s[a]! + s[b]!) >>> 0;
  s[d] = rotl(s[d]! ^ s[a]!, 8);
  s[c] = (s[c]! + s[d]!) >>> 0;
  s[b] = rotl(s[b]! ^ s[c]!, 7);
}

export class ChaCha12Rng {
  private readonly key: Uint32Array;
  private counter = 0n;
  private buffer: Uint8Array = new Uint8Array(0);
  private offset = 0;

  constructor(seed: Uint8Array) {
    this.key = new Uint32Array(8);
    const view = new DataView(seed.buffer, seed.byteOffset, 32);
    for (let i = 0; i < 8; i++) this.key[i] = view.getUint32(4 * i, true);
  }

  private block(): Uint8Array {
    const init = new Uint32Array(16);
    init.set(CONSTANTS, 0);
    init.set(this.key, 4);
    init[12] = Number(this.counter & 0xffffffffn);
    init[13] = Number(this.counter >> 32n);
    this.counter++;
    const s = init.slice();
    for (let r = 0; r < 6; r++) {
      quarter(s, 0, 4, 8, 12);
      quarter(s, 1, 5, 9, 13);
      quarter(s, 2, 6, 10, 14);
      quarter(s, 3, 7, 11, 15);
      quarter(s, 0, 5, 10, 15);
      quarter(s, 1, 6, 11, 12);
      quarter(s, 2, 7, 8, 13);
      quarter(s, 3, 4, 9, 14);
    }
    const out = new Uint8Array(64);
    const view = new DataView(out.buffer);
    for (let i = 0; i < 16; i++) view.setUint32(4 * i, (s[i]! + init[i]!) >>> 0, true);
    return out;
  }

  /** The next `length` keystream bytes. */
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      if (this.offset === this.buffer.length) {
        this.buffer = this.block();
        this.offset = 0;
      }
      const take = Math.min(length - filled, this.buffer.length - this.offset);
      out.set(this.buffer.subarray(this.offset, this.offset + take), filled);
      filled += take;
      this.offset += take;
    }
    return out;
  }
}
