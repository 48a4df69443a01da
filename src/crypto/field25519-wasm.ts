import { buildModule, I32, I64, Op, sleb, uleb, type WasmFunction } from "./wasm-emit.js";

/**
 * Curve25519 field and twisted-Edwards point arithmetic in WebAssembly, generated at start-up.
 * Field elements are 10 signed i64 limbs of alternately 26 and 25 bits (ref10's radix 2^25.5);
 * points are extended coordinates (X, Y, Z, T). Multiplication sums 10×10 limb products with the
 * 2^255 ≡ 19 fold and carries after every operation, so every input to a multiplication is below
 * 2^27 per limb and no i64 sum can overflow.
 */

export const FE_BYTES = 80;
export const POINT_BYTES = 4 * FE_BYTES;
const X = 0;
const Y = FE_BYTES;
const Z = 2 * FE_BYTES;
const T = 3 * FE_BYTES;

/** Scratch temporaries for the point functions, then constants, then caller-owned memory. */
const SCRATCH = 0;
const TEMPS = 10;
export const K2D_OFFSET = SCRATCH + TEMPS * FE_BYTES; // 2·d
export const ZERO_OFFSET = K2D_OFFSET + FE_BYTES; // never written
/** Temporaries of the exponentiation chain. */
const POW_SCRATCH = ZERO_OFFSET + FE_BYTES;
/** Input and output slot of `fe_pow22523` for callers. */
export const POW_IO_OFFSET = POW_SCRATCH + 4 * FE_BYTES;
/** First byte callers may use for their own points. */
export const HEAP_START = 2048;

/** Bits of limb i; limb i sits at bit offset ceil(25.5·i). */
export const LIMB_BITS = [26, 25, 26, 25, 26, 25, 26, 25, 26, 25] as const;

const FN = {
  feMul: 0,
  feAdd: 1,
  feSub: 2,
  geAdd: 3,
  geDbl: 4,
  geNeg: 5,
  fePow22523: 6,
  feSq: 7,
  geAddCached: 8,
  geToCached: 9,
  geNegCached: 10,
  geDblN: 11,
} as const;

const get = (i: number) => [Op.localGet, ...uleb(i)];
const set = (i: number) => [Op.localSet, ...uleb(i)];
const i64c = (v: bigint | number) => [Op.i64Const, ...sleb(v)];
const i32c = (v: number) => [Op.i32Const, ...sleb(v)];
const load64 = (offset: number) => [Op.i64Load, 3, ...uleb(offset)];
const store64 = (offset: number) => [Op.i64Store, 3, ...uleb(offset)];

/** Carry limbs h[0..9] (local indices) through local `c`, folding the top carry by 19. */
function carry(h: readonly number[], c: number): number[] {
  const code: number[] = [];
  const step = (i: number) => {
    const b = LIMB_BITS[i]!;
    const next = h[(i + 1) % 10]!;
    code.push(
      ...get(h[i]!),
      ...i64c(1n << BigInt(b - 1)),
      Op.i64Add,
      ...i64c(b),
      Op.i64ShrS,
      ...set(c),
    );
    code.push(...get(next), ...get(c));
    if (i === 9) code.push(...i64c(19), Op.i64Mul);
    code.push(Op.i64Add, ...set(next));
    code.push(...get(h[i]!), ...get(c), ...i64c(b), Op.i64Shl, Op.i64Sub, ...set(h[i]!));
  };
  for (let i = 0; i < 10; i++) step(i);
  step(0);
  return code;
}

function feMul(): WasmFunction {
  // params 0 h, 1 f, 2 g; locals f0..f9 = 3.., g0..g9 = 13.., h0..h9 = 23.., c = 33,
  // f2 (2·f_i for odd i) = 34.., g19 (19·g_j) = 44..
  const f = (i: number) => 3 + i;
  const g = (i: number) => 13 + i;
  const h = (i: number) => 23 + i;
  const c = 33;
  const f2 = (i: number) => 34 + i;
  const g19 = (i: number) => 44 + i;
  const code: number[] = [];
  for (let i = 0; i < 10; i++) {
    code.push(...get(1), ...load64(8 * i), ...set(f(i)));
    code.push(...get(2), ...load64(8 * i), ...set(g(i)));
  }
  for (let i = 0; i < 10; i++) {
    code.push(...get(f(i)), ...i64c(2), Op.i64Mul, ...set(f2(i)));
    code.push(...get(g(i)), ...i64c(19), Op.i64Mul, ...set(g19(i)));
  }
  for (let k = 0; k < 10; k++) {
    for (let i = 0; i < 10; i++) {
      const j = (k - i + 10) % 10;
      const fi = i % 2 === 1 && j % 2 === 1 ? f2(i) : f(i);
      const gj = i + j >= 10 ? g19(j) : g(j);
      code.push(...get(fi), ...get(gj), Op.i64Mul);
      if (i > 0) code.push(Op.i64Add);
    }
    code.push(...set(h(k)));
  }
  code.push(
    ...carry(
      Array.from({ length: 10 }, (_, i) => h(i)),
      c,
    ),
  );
  for (let i = 0; i < 10; i++) code.push(...get(0), ...get(h(i)), ...store64(8 * i));
  return {
    name: "fe_mul",
    params: [I32, I32, I32],
    results: [],
    locals: [{ count: 51, type: I64 }],
    body: code,
  };
}

function feSq(): WasmFunction {
  // params 0 h, 1 f; locals f = 2.., f2 = 12.., f4 = 22.., f19 = 32.., h = 42.., c = 52.
  // Each product f_i·f_j (i ≤ j) appears once, scaled by 2 for i < j, 2 when both limbs are odd
  // (radix 2^25.5) and 19 when it wraps past 2^255; the small factors sit on f_i, the 19 on f_j.
  const f = (i: number) => 2 + i;
  const f2 = (i: number) => 12 + i;
  const f4 = (i: number) => 22 + i;
  const f19 = (i: number) => 32 + i;
  const h = (i: number) => 42 + i;
  const c = 52;
  const code: number[] = [];
  for (let i = 0; i < 10; i++) code.push(...get(1), ...load64(8 * i), ...set(f(i)));
  for (let i = 0; i < 10; i++) {
    code.push(...get(f(i)), ...i64c(1), Op.i64Shl, ...set(f2(i)));
    code.push(...get(f(i)), ...i64c(2), Op.i64Shl, ...set(f4(i)));
    code.push(...get(f(i)), ...i64c(19), Op.i64Mul, ...set(f19(i)));
  }
  const terms: number[][][] = Array.from({ length: 10 }, () => []);
  for (let i = 0; i < 10; i++) {
    for (let j = i; j < 10; j++) {
      const a = (i < j ? 2 : 1) * (i % 2 === 1 && j % 2 === 1 ? 2 : 1);
      const left = a === 1 ? f(i) : a === 2 ? f2(i) : f4(i);
      const right = i + j >= 10 ? f19(j) : f(j);
      terms[(i + j) % 10]!.push([...get(left), ...get(right), Op.i64Mul]);
    }
  }
  for (let k = 0; k < 10; k++) {
    terms[k]!.forEach((term, t) => {
      code.push(...term);
      if (t > 0) code.push(Op.i64Add);
    });
    code.push(...set(h(k)));
  }
  code.push(
    ...carry(
      Array.from({ length: 10 }, (_, i) => h(i)),
      c,
    ),
  );
  for (let i = 0; i < 10; i++) code.push(...get(0), ...get(h(i)), ...store64(8 * i));
  return {
    name: "fe_sq",
    params: [I32, I32],
    results: [],
    locals: [{ count: 51, type: I64 }],
    body: code,
  };
}

function feAddSub(name: string, op: number): WasmFunction {
  // params 0 h, 1 f, 2 g; locals h0..h9 = 3.., c = 13
  const h = (i: number) => 3 + i;
  const code: number[] = [];
  for (let i = 0; i < 10; i++) {
    code.push(...get(1), ...load64(8 * i), ...get(2), ...load64(8 * i), op, ...set(h(i)));
  }
  code.push(
    ...carry(
      Array.from({ length: 10 }, (_, i) => h(i)),
      13,
    ),
  );
  for (let i = 0; i < 10; i++) code.push(...get(0), ...get(h(i)), ...store64(8 * i));
  return {
    name,
    params: [I32, I32, I32],
    results: [],
    locals: [{ count: 11, type: I64 }],
    body: code,
  };
}

/** `fe op (dst, a, b)` where each operand is [local, offset] or an absolute address. */
type Addr = readonly [number, number] | number;

function addr(a: Addr): number[] {
  if (typeof a === "number") return i32c(a);
  return [...get(a[0]), ...i32c(a[1]), Op.i32Add];
}

function call(fn: number, ...args: Addr[]): number[] {
  return [...args.flatMap(addr), Op.call, ...uleb(fn)];
}

const tmp = (i: number) => SCRATCH + i * FE_BYTES;

function geAdd(): WasmFunction {
  // add-2008-hwcd-3 for a = −1 with k = 2d (complete on ed25519). params 0 r, 1 p, 2 q.
  const [t0, t1, tA, tB, tC, tD, tE, tF, tG, tH] = Array.from({ length: 10 }, (_, i) => tmp(i)) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const p = (o: number): Addr => [1, o];
  const q = (o: number): Addr => [2, o];
  const r = (o: number): Addr => [0, o];
  const body = [
    ...call(FN.feSub, t0, p(Y), p(X)),
    ...call(FN.feSub, t1, q(Y), q(X)),
    ...call(FN.feMul, tA, t0, t1),
    ...call(FN.feAdd, t0, p(Y), p(X)),
    ...call(FN.feAdd, t1, q(Y), q(X)),
    ...call(FN.feMul, tB, t0, t1),
    ...call(FN.feMul, t0, p(T), q(T)),
    ...call(FN.feMul, tC, t0, K2D_OFFSET),
    ...call(FN.feMul, t0, p(Z), q(Z)),
    ...call(FN.feAdd, tD, t0, t0),
    ...call(FN.feSub, tE, tB, tA),
    ...call(FN.feSub, tF, tD, tC),
    ...call(FN.feAdd, tG, tD, tC),
    ...call(FN.feAdd, tH, tB, tA),
    ...call(FN.feMul, r(X), tE, tF),
    ...call(FN.feMul, r(Y), tG, tH),
    ...call(FN.feMul, r(T), tE, tH),
    ...call(FN.feMul, r(Z), tF, tG),
  ];
  return { name: "ge_add", params: [I32, I32, I32], results: [], locals: [], body };
}

function geDbl(): WasmFunction {
  // dbl-2008-hwcd with a = −1. params 0 r, 1 p.
  const [t0, tA, tB, tC, tE, tF, tG, tH] = Array.from({ length: 8 }, (_, i) => tmp(i)) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const p = (o: number): Addr => [1, o];
  const r = (o: number): Addr => [0, o];
  const body = [
    ...call(FN.feSq, tA, p(X)),
    ...call(FN.feSq, tB, p(Y)),
    ...call(FN.feSq, tC, p(Z)),
    ...call(FN.feAdd, tC, tC, tC),
    ...call(FN.feAdd, t0, p(X), p(Y)),
    ...call(FN.feSq, tE, t0),
    ...call(FN.feSub, tE, tE, tA),
    ...call(FN.feSub, tE, tE, tB),
    ...call(FN.feSub, tG, tB, tA), // G = D + B with D = −A
    ...call(FN.feSub, tF, tG, tC),
    ...call(FN.feAdd, t0, tA, tB),
    ...call(FN.feSub, tH, ZERO_OFFSET, t0), // H = D − B = −(A + B)
    ...call(FN.feMul, r(X), tE, tF),
    ...call(FN.feMul, r(Y), tG, tH),
    ...call(FN.feMul, r(T), tE, tH),
    ...call(FN.feMul, r(Z), tF, tG),
  ];
  return { name: "ge_dbl", params: [I32, I32], results: [], locals: [], body };
}

function geNeg(): WasmFunction {
  // params 0 r, 1 p: (−X, Y, Z, −T). Y and Z are copied limb by limb.
  const body: number[] = [];
  for (const o of [Y, Z]) {
    for (let i = 0; i < 10; i++) {
      body.push(...get(0), ...get(1), ...load64(o + 8 * i), ...store64(o + 8 * i));
    }
  }
  body.push(...call(FN.feSub, [0, X], ZERO_OFFSET, [1, X]));
  body.push(...call(FN.feSub, [0, T], ZERO_OFFSET, [1, T]));
  return { name: "ge_neg", params: [I32, I32], results: [], locals: [], body };
}

function fePow22523(): WasmFunction {
  // params 0 out, 1 z: out = z^(2^252 − 3), ref10's addition chain (for square roots).
  const [t0, t1, t2] = [POW_SCRATCH, POW_SCRATCH + FE_BYTES, POW_SCRATCH + 2 * FE_BYTES];
  const z: Addr = [1, 0];
  const body: number[] = [];
  const mul = (d: Addr, a: Addr, b: Addr) => body.push(...call(FN.feMul, d, a, b));
  const sqn = (d: number, a: Addr, n: number) => {
    body.push(...call(FN.feSq, d, a));
    for (let i = 1; i < n; i++) body.push(...call(FN.feSq, d, d));
  };
  sqn(t0, z, 1); // z^2
  sqn(t1, t0, 2); // z^8
  mul(t1, z, t1); // z^9
  mul(t0, t0, t1); // z^11
  sqn(t0, t0, 1); // z^22
  mul(t0, t1, t0); // z^(2^5−1)
  sqn(t1, t0, 5);
  mul(t0, t1, t0); // z^(2^10−1)
  sqn(t1, t0, 10);
  mul(t1, t1, t0); // z^(2^20−1)
  sqn(t2, t1, 20);
  mul(t1, t2, t1); // z^(2^40−1)
  sqn(t1, t1, 10);
  mul(t0, t1, t0); // z^(2^50−1)
  sqn(t1, t0, 50);
  mul(t1, t1, t0); // z^(2^100−1)
  sqn(t2, t1, 100);
  mul(t1, t2, t1); // z^(2^200−1)
  sqn(t1, t1, 50);
  mul(t0, t1, t0); // z^(2^250−1)
  sqn(t0, t0, 2); // z^(2^252−4)
  mul([0, 0], t0, z); // z^(2^252−3)
  return { name: "fe_pow22523", params: [I32, I32], results: [], locals: [], body };
}

// Cached ("Niels") form of a point for additions: (Y−X, Y+X, 2Z, 2d·T), same layout slots.
const YMX = 0;
const YPX = FE_BYTES;
const Z2 = 2 * FE_BYTES;
const T2D = 3 * FE_BYTES;

function geAddCached(): WasmFunction {
  // params 0 r (extended), 1 p (extended), 2 q (cached): 8 multiplications.
  const [t0, tA, tB, tC, tD, tE, tF, tG, tH] = Array.from({ length: 9 }, (_, i) => tmp(i)) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const p = (o: number): Addr => [1, o];
  const q = (o: number): Addr => [2, o];
  const r = (o: number): Addr => [0, o];
  const body = [
    ...call(FN.feSub, t0, p(Y), p(X)),
    ...call(FN.feMul, tA, t0, q(YMX)),
    ...call(FN.feAdd, t0, p(Y), p(X)),
    ...call(FN.feMul, tB, t0, q(YPX)),
    ...call(FN.feMul, tC, p(T), q(T2D)),
    ...call(FN.feMul, tD, p(Z), q(Z2)),
    ...call(FN.feSub, tE, tB, tA),
    ...call(FN.feSub, tF, tD, tC),
    ...call(FN.feAdd, tG, tD, tC),
    ...call(FN.feAdd, tH, tB, tA),
    ...call(FN.feMul, r(X), tE, tF),
    ...call(FN.feMul, r(Y), tG, tH),
    ...call(FN.feMul, r(T), tE, tH),
    ...call(FN.feMul, r(Z), tF, tG),
  ];
  return { name: "ge_add_cached", params: [I32, I32, I32], results: [], locals: [], body };
}

function geToCached(): WasmFunction {
  // params 0 q (cached out), 1 p (extended in); distinct addresses.
  const p = (o: number): Addr => [1, o];
  const q = (o: number): Addr => [0, o];
  const body = [
    ...call(FN.feSub, q(YMX), p(Y), p(X)),
    ...call(FN.feAdd, q(YPX), p(Y), p(X)),
    ...call(FN.feAdd, q(Z2), p(Z), p(Z)),
    ...call(FN.feMul, q(T2D), p(T), K2D_OFFSET),
  ];
  return { name: "ge_to_cached", params: [I32, I32], results: [], locals: [], body };
}

function geNegCached(): WasmFunction {
  // params 0 r, 1 q (cached, distinct): −q swaps Y−X and Y+X and negates 2d·T.
  const body: number[] = [];
  const copy = (dst: number, src: number) => {
    for (let i = 0; i < 10; i++) {
      body.push(...get(0), ...get(1), ...load64(src + 8 * i), ...store64(dst + 8 * i));
    }
  };
  copy(YMX, YPX);
  copy(YPX, YMX);
  copy(Z2, Z2);
  body.push(...call(FN.feSub, [0, T2D], ZERO_OFFSET, [1, T2D]));
  return { name: "ge_neg_cached", params: [I32, I32], results: [], locals: [], body };
}

function geDblN(): WasmFunction {
  // params 0 r, 1 n ≥ 1: r = 2^n·r.
  const body = [
    Op.loop,
    0x40,
    ...get(0),
    ...get(0),
    Op.call,
    ...uleb(FN.geDbl),
    ...get(1),
    ...i32c(1),
    Op.i32Sub,
    Op.localTee,
    ...uleb(1),
    Op.brIf,
    0,
    Op.end,
  ];
  return { name: "ge_dbl_n", params: [I32, I32], results: [], locals: [], body };
}

/** The compiled module's bytes (function order matches `FN`). */
export function field25519WasmBytes(): Uint8Array {
  return buildModule(
    [
      feMul(),
      feAddSub("fe_add", Op.i64Add),
      feAddSub("fe_sub", Op.i64Sub),
      geAdd(),
      geDbl(),
      geNeg(),
      fePow22523(),
      feSq(),
      geAddCached(),
      geToCached(),
      geNegCached(),
      geDblN(),
    ],
    16,
  );
}
