/**
 * A minimal WebAssembly binary writer: just enough (i64 arithmetic, loads/stores, calls, one
 * memory) to generate the field and point arithmetic of `field25519-wasm.ts` as straight-line
 * code at start-up, so the project needs no compiler toolchain and ships no opaque binary.
 */

export const I32 = 0x7f;
export const I64 = 0x7e;

export const Op = {
  loop: 0x03,
  brIf: 0x0d,
  end: 0x0b,
  call: 0x10,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i64Load: 0x29,
  i32Store: 0x36,
  i64Store: 0x37,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64And: 0x83,
  i64Shl: 0x86,
  i64ShrS: 0x87,
  i64Xor: 0x85,
  i64Rotr: 0x8a,
} as const;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a bigint (for i64.const) or number (for i32.const). */
export function sleb(value: bigint | number): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const signBit = (byte & 0x40) !== 0;
    if ((v === 0n && !signBit) || (v === -1n && signBit)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: readonly number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

export interface WasmFunction {
  readonly name: string | undefined;
  readonly params: readonly number[];
  readonly results: readonly number[];
  /** Extra locals beyond the parameters, by type. */
  readonly locals: readonly { count: number; type: number }[];
  /** The body's instructions, without the final `end`. */
  readonly body: readonly number[];
}

/** A module with one exported memory (`memory`, `pages` × 64 KiB) and the given functions. */
export function buildModule(functions: readonly WasmFunction[], pages: number): Uint8Array {
  const types = functions.map((f) => [
    0x60,
    ...vec(f.params.map((p) => [p])),
    ...vec(f.results.map((r) => [r])),
  ]);
  const typeSection = section(1, vec(types));
  const funcSection = section(3, vec(functions.map((_, i) => uleb(i))));
  const memSection = section(5, vec([[0x00, ...uleb(pages)]]));
  const exports: number[][] = [[...name("memory"), 0x02, 0x00]];
  functions.forEach((f, i) => {
    if (f.name !== undefined) exports.push([...name(f.name), 0x00, ...uleb(i)]);
  });
  const exportSection = section(7, vec(exports));
  const codes = functions.map((f) => {
    const body = [...vec(f.locals.map((l) => [...uleb(l.count), l.type])), ...f.body, Op.end];
    return [...uleb(body.length), ...body];
  });
  const codeSection = section(10, vec(codes));
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...typeSection,
    ...funcSection,
    ...memSection,
    ...exportSection,
    ...codeSection,
  ]);
}

// The WebAssembly global is part of Node but not of this project's type libraries.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

/** Compile and instantiate a module built by `buildModule`, with no imports. */
export function instantiate<T>(bytes: Uint8Array): T {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as T;
}
