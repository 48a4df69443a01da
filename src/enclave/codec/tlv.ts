import { EnclaveError } from "../errors.js";

/**
 * The field encoding of frame bodies: a hand-written tag-length-value format.
 *
 * Why not protobuf: a protobuf decoder accepts missing fields, unknown fields, repeated scalars and
 * out-of-order fields by design, and `@bufbuild/protobuf` would be the largest dependency of the
 * enclave process. Here the host is the enclave's adversary, so the decoder must be strict: each
 * call has one exact field sequence, every field carries a type tag that must match, every length
 * is checked against a named bound before anything is allocated, and trailing bytes are refused.
 * That is a hundred lines with no dependency, and it is what the enclave measures.
 *
 * Encodings: NONE = tag; BYTES and STRING = tag ‖ u32 BE length ‖ bytes (STRING is strict UTF-8);
 * U64 = tag ‖ 8 bytes BE; LIST = tag ‖ u32 BE count, followed by that many items.
 */
export const TAG = { NONE: 0, BYTES: 1, U64: 2, LIST: 3, STRING: 4 } as const;

const U64_MAX = (1n << 64n) - 1n;

export class TlvWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(part: Uint8Array): void {
    this.parts.push(part);
    this.size += part.length;
  }

  private head(tag: number, n: number): void {
    const h = new Uint8Array(5);
    h[0] = tag;
    new DataView(h.buffer).setUint32(1, n);
    this.push(h);
  }

  raw(bytes: Uint8Array): this {
    this.push(bytes);
    return this;
  }

  bytes(value: Uint8Array): this {
    this.head(TAG.BYTES, value.length);
    this.push(value);
    return this;
  }

  optBytes(value: Uint8Array | undefined): this {
    return value === undefined ? this.none() : this.bytes(value);
  }

  string(value: string): this {
    const encoded = new TextEncoder().encode(value);
    this.head(TAG.STRING, encoded.length);
    this.push(encoded);
    return this;
  }

  u64(value: bigint): this {
    if (value < 0n || value > U64_MAX) throw new RangeError(`u64 out of range: ${value}`);
    const b = new Uint8Array(9);
    b[0] = TAG.U64;
    new DataView(b.buffer).setBigUint64(1, value);
    this.push(b);
    return this;
  }

  optU64(value: bigint | undefined): this {
    return value === undefined ? this.none() : this.u64(value);
  }

  none(): this {
    this.push(new Uint8Array([TAG.NONE]));
    return this;
  }

  list<T>(items: readonly T[], each: (item: T) => void): this {
    this.head(TAG.LIST, items.length);
    for (const item of items) each(item);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Reads one call's fields in order; every mismatch is an `INVALID_ARGUMENT` naming the field. */
export class TlvReader {
  private at: number;
  private readonly view: DataView;

  constructor(
    private readonly body: Uint8Array,
    start: number,
    private readonly context: string,
  ) {
    this.at = start;
    this.view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  }

  private fail(field: string, problem: string): never {
    throw new EnclaveError("INVALID_ARGUMENT", `${this.context}.${field}: ${problem}`, {
      call: this.context,
      field,
    });
  }

  private need(field: string, n: number): void {
    if (this.body.length - this.at < n) this.fail(field, "truncated");
  }

  private tag(field: string, expected: number): void {
    this.need(field, 1);
    const tag = this.body[this.at] as number;
    if (tag !== expected) this.fail(field, `type tag ${tag}, expected ${expected}`);
    this.at += 1;
  }

  private peekIsNone(field: string): boolean {
    this.need(field, 1);
    if (this.body[this.at] !== TAG.NONE) return false;
    this.at += 1;
    return true;
  }

  private length(field: string, max: number): number {
    this.need(field, 4);
    const n = this.view.getUint32(this.at);
    this.at += 4;
    if (n > max) this.fail(field, `length ${n} exceeds ${max}`);
    this.need(field, n);
    return n;
  }

  bytes(field: string, max: number): Uint8Array {
    this.tag(field, TAG.BYTES);
    const n = this.length(field, max);
    const out = this.body.slice(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /** Exactly `size` bytes (keys, hashes, nonces). */
  fixed(field: string, size: number): Uint8Array {
    const out = this.bytes(field, size);
    if (out.length !== size) this.fail(field, `length ${out.length}, expected ${size}`);
    return out;
  }

  optBytes(field: string, max: number): Uint8Array | undefined {
    return this.peekIsNone(field) ? undefined : this.bytes(field, max);
  }

  string(field: string, maxBytes: number): string {
    this.tag(field, TAG.STRING);
    const n = this.length(field, maxBytes);
    const raw = this.body.subarray(this.at, this.at + n);
    this.at += n;
    try {
      return strictUtf8.decode(raw);
    } catch {
      return this.fail(field, "not UTF-8");
    }
  }

  u64(field: string): bigint {
    this.tag(field, TAG.U64);
    this.need(field, 8);
    const v = this.view.getBigUint64(this.at);
    this.at += 8;
    return v;
  }

  optU64(field: string): bigint | undefined {
    return this.peekIsNone(field) ? undefined : this.u64(field);
  }

  /** A u64 field whose value must be at most `max` (a safe integer). */
  smallInt(field: string, max: number): number {
    const v = this.u64(field);
    if (v > BigInt(max)) this.fail(field, `value ${v} exceeds ${max}`);
    return Number(v);
  }

  /** A list header; returns the count, checked against `max`. Items follow. */
  list<T>(field: string, max: number, item: (index: number) => T): T[] {
    this.tag(field, TAG.LIST);
    this.need(field, 4);
    const n = this.view.getUint32(this.at);
    this.at += 4;
    if (n > max) this.fail(field, `${n} items exceed ${max}`);
    // Each item takes at least one byte, so a count beyond the remaining bytes is a lie.
    if (n > this.body.length - this.at) this.fail(field, "truncated");
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(i));
    return out;
  }

  end(): void {
    if (this.at !== this.body.length) {
      this.fail("(end)", `${this.body.length - this.at} trailing bytes`);
    }
  }
}
