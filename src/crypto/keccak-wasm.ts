import { buildModule, I64, instantiate, Op, sleb, uleb, type WasmFunction } from "./wasm-emit.js";

/**
 * Keccak-f[1600], generated as straight-line WebAssembly at start-up: 25 lanes in i64 locals and
 * native 64-bit rotations, where pure JS must split every lane into two 32-bit halves. Merlin
 * (STROBE-128) calls it for every transcript, which makes it the hottest primitive in block
 * hashing. The state is the 200-byte little-endian lane layout Keccak and noble's `keccakP` use.
 */

/** Rotation offset of lane (x, y), indexed `[x][y]`. */
const RHO = [
  [0, 36, 3, 41, 18],
  [1, 44, 10, 45, 2],
  [62, 6, 43, 15, 61],
  [28, 55, 25, 21, 56],
  [27, 20, 39, 8, 14],
] as const;

const ROUND_CONSTANTS = [
  0x0000000000000001n,
  0x0000000000008082n,
  0x800000000000808an,
  0x8000000080008000n,
  0x000000000000808bn,
  0x0000000080000001n,
  0x8000000080008081n,
  0x8000000000008009n,
  0x000000000000008an,
  0x0000000000000088n,
  0x0000000080008009n,
  0x000000008000000an,
  0x000000008000808bn,
  0x800000000000008bn,
  0x8000000000008089n,
  0x8000000000008003n,
  0x8000000000008002n,
  0x8000000000000080n,
  0x000000000000800an,
  0x800000008000000an,
  0x8000000080008081n,
  0x8000000000008080n,
  0x0000000080000001n,
  0x8000000080008008n,
] as const;

function permutation(): WasmFunction {
  // Locals: lanes A 0..24, B 25..49, C 50..54, D 55.
  const A = (x: number, y: number) => x + 5 * y;
  const B = (x: number, y: number) => 25 + x + 5 * y;
  const C = (x: number) => 50 + x;
  const D = 55;
  const get = (i: number) => [Op.localGet, ...uleb(i)];
  const set = (i: number) => [Op.localSet, ...uleb(i)];
  const constant = (v: bigint) => [Op.i64Const, ...sleb(BigInt.asIntN(64, v))];
  // rotl(x, n) = rotr(x, 64 − n); a zero rotation is no instruction at all.
  const rotl = (n: number) => (n % 64 === 0 ? [] : [...constant(BigInt(64 - n)), Op.i64Rotr]);
  const zero = [Op.i32Const, 0];
  const body: number[] = [];
  for (let i = 0; i < 25; i++) body.push(...zero, Op.i64Load, 3, ...uleb(8 * i), ...set(i));
  for (const rc of ROUND_CONSTANTS) {
    // θ
    for (let x = 0; x < 5; x++) {
      body.push(...get(A(x, 0)));
      for (let y = 1; y < 5; y++) body.push(...get(A(x, y)), Op.i64Xor);
      body.push(...set(C(x)));
    }
    for (let x = 0; x < 5; x++) {
      body.push(...get(C((x + 4) % 5)), ...get(C((x + 1) % 5)), ...rotl(1), Op.i64Xor, ...set(D));
      for (let y = 0; y < 5; y++) body.push(...get(A(x, y)), ...get(D), Op.i64Xor, ...set(A(x, y)));
    }
    // ρ and π
    for (let x = 0; x < 5; x++) {
      for (let y = 0; y < 5; y++) {
        body.push(...get(A(x, y)), ...rotl(RHO[x]![y]!), ...set(B(y, (2 * x + 3 * y) % 5)));
      }
    }
    // χ: A = B ^ (~B[x+1] & B[x+2]), with ~v written as v ^ −1
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 5; x++) {
        body.push(
          ...get(B(x, y)),
          ...get(B((x + 1) % 5, y)),
          ...constant(-1n),
          Op.i64Xor,
          ...get(B((x + 2) % 5, y)),
          Op.i64And,
          Op.i64Xor,
          ...set(A(x, y)),
        );
      }
    }
    // ι
    body.push(...get(A(0, 0)), ...constant(rc), Op.i64Xor, ...set(A(0, 0)));
  }
  for (let i = 0; i < 25; i++) body.push(...zero, ...get(i), Op.i64Store, 3, ...uleb(8 * i));
  return { name: "permute", params: [], results: [], locals: [{ count: 56, type: I64 }], body };
}

interface KeccakExports {
  memory: { buffer: ArrayBuffer };
  permute(): void;
}

const exports = instantiate<KeccakExports>(buildModule([permutation()], 1));
const lanes = new Uint32Array(exports.memory.buffer, 0, 50);

/**
 * Apply Keccak-f[1600] in place to a state of 50 32-bit words (lane i = words 2i, 2i+1, low
 * half first: the byte layout on little-endian hosts).
 */
export function keccakF1600(words: Uint32Array): void {
  lanes.set(words);
  exports.permute();
  words.set(lanes);
}
