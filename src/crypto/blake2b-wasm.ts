import { buildModule, I64, instantiate, Op, sleb, uleb, type WasmFunction } from "./wasm-emit.js";

/**
 * BLAKE2b (RFC 7693) with any digest length 1–64, its compression function generated as
 * WebAssembly at start-up (native 64-bit adds and rotations). MobileCoin's Blake2b-256 (Merkle
 * hashes, root-entropy KDF) is the parameterised 32-byte variant, which OpenSSL cannot produce;
 * this is about 20× faster than the pure-JS implementation it replaces.
 */

const IV = [
  0x6a09e667f3bcc908n,
  0xbb67ae8584caa73bn,
  0x3c6ef372fe94f82bn,
  0xa54ff53a5f1d36f1n,
  0x510e527fade682d1n,
  0x9b05688c2b3e6c1fn,
  0x1f83d9abfb41bd6bn,
  0x5be0cd19137e2179n,
];

const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
] as const;

// Memory: h (8 words) at 0, message block (16 words) at 64, counter at 192, final mask at 200,
// input staging from 256.
const H = 0;
const M = 64;
const COUNTER = 192;
const FINAL = 200;
const STAGING = 256;
const BLOCK = 128;

function compress(): WasmFunction {
  // No parameters; locals v0..v15 = 0..15, m0..m15 = 16..31.
  const v = (i: number) => i;
  const m = (i: number) => 16 + i;
  const get = (i: number) => [Op.localGet, ...uleb(i)];
  const set = (i: number) => [Op.localSet, ...uleb(i)];
  const zero = [Op.i32Const, 0];
  const load = (offset: number) => [...zero, Op.i64Load, 3, ...uleb(offset)];
  const body: number[] = [];
  for (let i = 0; i < 16; i++) body.push(...load(M + 8 * i), ...set(m(i)));
  for (let i = 0; i < 8; i++) body.push(...load(H + 8 * i), ...set(v(i)));
  for (let i = 0; i < 8; i++)
    body.push(Op.i64Const, ...sleb(BigInt.asIntN(64, IV[i]!)), ...set(v(8 + i)));
  body.push(...get(v(12)), ...load(COUNTER), Op.i64Xor, ...set(v(12)));
  body.push(...get(v(14)), ...load(FINAL), Op.i64Xor, ...set(v(14)));
  const rotr = (x: number, n: number) => [
    ...get(x),
    Op.i64Const,
    ...sleb(n),
    Op.i64Rotr,
    ...set(x),
  ];
  const g = (a: number, b: number, c: number, d: number, x: number, y: number) => {
    body.push(...get(a), ...get(b), Op.i64Add, ...get(m(x)), Op.i64Add, ...set(a));
    body.push(...get(d), ...get(a), Op.i64Xor, ...set(d), ...rotr(d, 32));
    body.push(...get(c), ...get(d), Op.i64Add, ...set(c));
    body.push(...get(b), ...get(c), Op.i64Xor, ...set(b), ...rotr(b, 24));
    body.push(...get(a), ...get(b), Op.i64Add, ...get(m(y)), Op.i64Add, ...set(a));
    body.push(...get(d), ...get(a), Op.i64Xor, ...set(d), ...rotr(d, 16));
    body.push(...get(c), ...get(d), Op.i64Add, ...set(c));
    body.push(...get(b), ...get(c), Op.i64Xor, ...set(b), ...rotr(b, 63));
  };
  for (let r = 0; r < 12; r++) {
    const s = SIGMA[r % 10]!;
    g(0, 4, 8, 12, s[0]!, s[1]!);
    g(1, 5, 9, 13, s[2]!, s[3]!);
    g(2, 6, 10, 14, s[4]!, s[5]!);
    g(3, 7, 11, 15, s[6]!, s[7]!);
    g(0, 5, 10, 15, s[8]!, s[9]!);
    g(1, 6, 11, 12, s[10]!, s[11]!);
    g(2, 7, 8, 13, s[12]!, s[13]!);
    g(3, 4, 9, 14, s[14]!, s[15]!);
  }
  for (let i = 0; i < 8; i++) {
    body.push(...zero, ...load(H + 8 * i), ...get(v(i)), Op.i64Xor, ...get(v(i + 8)), Op.i64Xor);
    body.push(Op.i64Store, 3, ...uleb(H + 8 * i));
  }
  return { name: "compress", params: [], results: [], locals: [{ count: 32, type: I64 }], body };
}

interface Blake2Exports {
  readonly memory: { readonly buffer: ArrayBuffer };
  compress(): void;
}

const ex = instantiate<Blake2Exports>(buildModule([compress()], 1));
const bytes = new Uint8Array(ex.memory.buffer);
const view = new DataView(ex.memory.buffer);

function setCounter(total: number, final: boolean): void {
  view.setUint32(COUNTER, total >>> 0, true);
  view.setUint32(COUNTER + 4, Math.floor(total / 2 ** 32), true);
  const mask = final ? 0xffffffff : 0;
  view.setUint32(FINAL, mask, true);
  view.setUint32(FINAL + 4, mask, true);
}

/** BLAKE2b with an `outLen`-byte digest (no key) of the concatenated parts. */
export function blake2bWasm(outLen: number, parts: readonly Uint8Array[]): Uint8Array {
  if (!Number.isInteger(outLen) || outLen < 1 || outLen > 64) {
    throw new RangeError("BLAKE2b digest length must be 1..64");
  }
  for (let i = 0; i < 8; i++) view.setBigUint64(H + 8 * i, IV[i]!, true);
  // Parameter block: digest length, key length 0, fanout 1, depth 1.
  view.setUint32(H, view.getUint32(H, true) ^ (0x01010000 | outLen), true);
  let total = 0;
  let filled = 0; // bytes in the current block
  for (const part of parts) {
    let offset = 0;
    while (offset < part.length) {
      if (filled === BLOCK) {
        // Compress a full block only once more input follows (the last block is final).
        bytes.copyWithin(M, STAGING, STAGING + BLOCK);
        setCounter(total, false);
        ex.compress();
        filled = 0;
      }
      const take = Math.min(BLOCK - filled, part.length - offset);
      bytes.set(part.subarray(offset, offset + take), STAGING + filled);
      filled += take;
      total += take;
      offset += take;
    }
  }
  bytes.fill(0, STAGING + filled, STAGING + BLOCK);
  bytes.copyWithin(M, STAGING, STAGING + BLOCK);
  setCounter(total, true);
  ex.compress();
  return bytes.slice(H, H + outLen);
}
