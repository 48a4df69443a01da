import { InputError } from "./errors.js";

/** Byte helpers used at every boundary. Decoders are strict and throw `InputError`. */

const HEX_PATTERN = /^(?:[0-9a-fA-F]{2})*$/;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*={0,2}$/;

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

export function fromHex(text: string, expectedLength?: number): Uint8Array {
  const clean = text.startsWith("0x") ? text.slice(2) : text;
  if (!HEX_PATTERN.test(clean))
    throw new InputError("INVALID_HEX", "not an even-length hex string");
  const bytes = new Uint8Array(Buffer.from(clean, "hex"));
  checkLength(bytes, expectedLength);
  return bytes;
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** Standard-alphabet base64 with padding, as `openssl base64` prints it (whitespace ignored). */
export function fromBase64(text: string, expectedLength?: number): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  if (!BASE64_PATTERN.test(clean)) throw new InputError("INVALID_BASE64", "not standard base64");
  const bytes = new Uint8Array(Buffer.from(clean, "base64"));
  checkLength(bytes, expectedLength);
  return bytes;
}

/** URL-safe base64 with padding, as MobileCoin's `consensus-msg-key` URI parameter uses it. */
export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_");
}

/** URL-safe base64; padding optional. */
export function fromBase64Url(text: string, expectedLength?: number): Uint8Array {
  if (!BASE64URL_PATTERN.test(text) || text.replace(/=+$/, "").length % 4 === 1) {
    throw new InputError("INVALID_BASE64", "not URL-safe base64");
  }
  const bytes = new Uint8Array(Buffer.from(text, "base64url"));
  checkLength(bytes, expectedLength);
  return bytes;
}

function checkLength(bytes: Uint8Array, expectedLength: number | undefined): void {
  if (expectedLength !== undefined && bytes.length !== expectedLength) {
    throw new InputError(
      "INVALID_LENGTH",
      `expected ${expectedLength} bytes, got ${bytes.length}`,
      {
        expected: expectedLength,
        actual: bytes.length,
      },
    );
  }
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic comparison, the order MobileCoin uses for sorted key images and ring members. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

const U64_MAX = (1n << 64n) - 1n;

export function u64ToLeBytes(value: bigint): Uint8Array {
  if (value < 0n || value > U64_MAX)
    throw new InputError("INVALID_INTEGER", "not a u64", { value: String(value) });
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, value, true);
  return out;
}

export function u64ToBeBytes(value: bigint): Uint8Array {
  if (value < 0n || value > U64_MAX)
    throw new InputError("INVALID_INTEGER", "not a u64", { value: String(value) });
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, value, false);
  return out;
}

export function leBytesToU64(bytes: Uint8Array): bigint {
  checkLength(bytes, 8);
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
}

export function beBytesToU64(bytes: Uint8Array): bigint {
  checkLength(bytes, 8);
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, false);
}

/** Parse a decimal string into a u64, rejecting signs, blanks and overflow. */
export function parseU64(text: string): bigint {
  if (!/^[0-9]{1,20}$/.test(text))
    throw new InputError("INVALID_INTEGER", `not a u64: ${JSON.stringify(text)}`);
  const value = BigInt(text);
  if (value > U64_MAX) throw new InputError("INVALID_INTEGER", `u64 overflow: ${text}`);
  return value;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}
