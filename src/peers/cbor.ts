import { PeersError } from "./errors.js";

/**
 * The subset of CBOR (RFC 8949) that serde_cbor 0.11 writes for MobileCoin's peer payloads:
 * unsigned integers, byte and text strings, arrays, maps with text keys, and null. Hand-written
 * rather than a library because the shape is fixed and small, no CBOR package is in the tidy
 * package table, and a general decoder would accept far more than a peer may send (tags, floats,
 * indefinite lengths, duplicate keys). Decoding is strict: definite lengths only, shortest integer
 * heads (what serde_cbor emits), valid UTF-8, no duplicate keys, no trailing bytes, bounded depth.
 */
export type Cbor =
  | { readonly t: "uint"; readonly v: bigint }
  | { readonly t: "bytes"; readonly v: Uint8Array }
  | { readonly t: "text"; readonly v: string }
  | { readonly t: "array"; readonly v: readonly Cbor[] }
  | { readonly t: "map"; readonly v: readonly (readonly [string, Cbor])[] }
  | { readonly t: "null" };

export const C = {
  uint: (v: number | bigint): Cbor => ({ t: "uint", v: BigInt(v) }),
  bytes: (v: Uint8Array): Cbor => ({ t: "bytes", v }),
  text: (v: string): Cbor => ({ t: "text", v }),
  array: (v: readonly Cbor[]): Cbor => ({ t: "array", v }),
  map: (v: readonly (readonly [string, Cbor])[]): Cbor => ({ t: "map", v }),
  null: { t: "null" } as Cbor,
  /** serde's `[u8; N]`: a tuple, so an array of N small integers (not a byte string). */
  byteTuple: (bytes: Uint8Array): Cbor => ({
    t: "array",
    v: Array.from(bytes, (b) => ({ t: "uint", v: BigInt(b) }) as Cbor),
  }),
} as const;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { fatal: true });

class Writer {
  private buf = new Uint8Array(256);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  head(major: number, value: bigint): void {
    this.reserve(9);
    const m = major << 5;
    if (value < 24n) this.buf[this.length++] = m | Number(value);
    else if (value < 0x100n) this.push([m | 24, Number(value)]);
    else if (value < 0x1_0000n) this.push([m | 25, Number(value >> 8n), Number(value & 0xffn)]);
    else if (value < 0x1_0000_0000n) this.pushBig(m | 26, value, 4);
    else this.pushBig(m | 27, value, 8);
  }

  private push(bytes: readonly number[]): void {
    for (const b of bytes) this.buf[this.length++] = b;
  }

  private pushBig(first: number, value: bigint, width: number): void {
    this.buf[this.length++] = first;
    for (let i = width - 1; i >= 0; i--)
      this.buf[this.length++] = Number((value >> BigInt(8 * i)) & 0xffn);
  }

  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function write(w: Writer, c: Cbor): void {
  switch (c.t) {
    case "uint":
      w.head(0, c.v);
      return;
    case "bytes":
      w.head(2, BigInt(c.v.length));
      w.raw(c.v);
      return;
    case "text": {
      const b = textEncoder.encode(c.v);
      w.head(3, BigInt(b.length));
      w.raw(b);
      return;
    }
    case "array":
      w.head(4, BigInt(c.v.length));
      for (const item of c.v) write(w, item);
      return;
    case "map":
      w.head(5, BigInt(c.v.length));
      for (const [k, v] of c.v) {
        write(w, C.text(k));
        write(w, v);
      }
      return;
    case "null":
      w.raw(new Uint8Array([0xf6]));
      return;
  }
}

export function encodeCbor(c: Cbor): Uint8Array {
  const w = new Writer();
  write(w, c);
  return w.result();
}

const malformed = (message: string, at: number) =>
  new PeersError("MALFORMED_PAYLOAD", `${message} at byte ${at}`, { at });

class Reader {
  pos = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly maxDepth: number,
  ) {}

  private byte(): number {
    if (this.pos >= this.bytes.length) throw malformed("truncated", this.pos);
    return this.bytes[this.pos++] as number;
  }

  /** An integer head; rejects indefinite lengths and non-shortest forms. */
  private argument(info: number, at: number): bigint {
    if (info < 24) return BigInt(info);
    const width = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0;
    if (width === 0) throw malformed(`unsupported additional information ${info}`, at);
    let v = 0n;
    for (let i = 0; i < width; i++) v = (v << 8n) | BigInt(this.byte());
    const min = width === 1 ? 24n : 1n << BigInt(4 * width);
    if (v < min) throw malformed("integer not in its shortest form", at);
    return v;
  }

  private length(v: bigint, at: number): number {
    if (v > BigInt(this.bytes.length - this.pos))
      throw malformed("length runs past the end of the payload", at);
    return Number(v);
  }

  item(depth: number): Cbor {
    if (depth > this.maxDepth)
      throw new PeersError("PAYLOAD_TOO_LARGE", `CBOR nested deeper than ${this.maxDepth}`);
    const at = this.pos;
    const first = this.byte();
    const major = first >> 5;
    const info = first & 0x1f;
    if (major === 7) {
      if (first === 0xf6) return C.null;
      throw malformed(`unsupported simple value or float 0x${first.toString(16)}`, at);
    }
    const arg = this.argument(info, at);
    switch (major) {
      case 0:
        return { t: "uint", v: arg };
      case 2: {
        const n = this.length(arg, at);
        this.pos += n;
        return { t: "bytes", v: this.bytes.slice(this.pos - n, this.pos) };
      }
      case 3: {
        const n = this.length(arg, at);
        this.pos += n;
        return { t: "text", v: this.text(this.bytes.subarray(this.pos - n, this.pos), at) };
      }
      case 4: {
        // Every item takes at least one byte, so the length is bounded by what is left.
        const n = this.length(arg, at);
        const items: Cbor[] = [];
        for (let i = 0; i < n; i++) items.push(this.item(depth + 1));
        return { t: "array", v: items };
      }
      case 5:
        return this.map(this.length(arg * 2n, at) / 2, depth, at);
      default:
        throw malformed(`unsupported major type ${major}`, at);
    }
  }

  private map(n: number, depth: number, at: number): Cbor {
    const entries: [string, Cbor][] = [];
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const key = this.item(depth + 1);
      if (key.t !== "text") throw malformed("map key is not text", at);
      if (seen.has(key.v)) throw malformed(`duplicate map key ${JSON.stringify(key.v)}`, at);
      seen.add(key.v);
      entries.push([key.v, this.item(depth + 1)]);
    }
    return { t: "map", v: entries };
  }

  private text(bytes: Uint8Array, at: number): string {
    try {
      return textDecoder.decode(bytes);
    } catch {
      throw malformed("text is not valid UTF-8", at);
    }
  }

  done(): void {
    if (this.pos !== this.bytes.length) throw malformed("trailing bytes", this.pos);
  }
}

/** Decode exactly one item filling `bytes`, refusing payloads over `maxBytes`. */
export function decodeCbor(bytes: Uint8Array, maxBytes: number, maxDepth: number): Cbor {
  if (bytes.length > maxBytes)
    throw new PeersError(
      "PAYLOAD_TOO_LARGE",
      `payload of ${bytes.length} bytes (limit ${maxBytes})`,
    );
  const r = new Reader(bytes, maxDepth);
  const c = r.item(0);
  r.done();
  return c;
}
