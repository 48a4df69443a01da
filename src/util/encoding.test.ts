// Goal: the boundary decoders accept exactly the canonical forms and reject the rest with typed errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  compareBytes,
  fromBase64,
  fromBase64Url,
  fromHex,
  leBytesToU64,
  parseU64,
  toBase64,
  toBase64Url,
  toHex,
  u64ToBeBytes,
  u64ToLeBytes,
} from "./encoding.js";
import { InputError } from "./errors.js";

function rejectsWith(code: string, fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => e instanceof InputError && e.code === code);
}

describe("hex", () => {
  it("round-trips and accepts a 0x prefix", () => {
    const bytes = new Uint8Array([0, 1, 0xab, 0xff]);
    assert.equal(toHex(bytes), "0001abff");
    assert.deepEqual(fromHex("0001abff"), bytes);
    assert.deepEqual(fromHex("0x0001ABFF"), bytes);
  });
  it("rejects odd length, bad digits and wrong length", () => {
    rejectsWith("INVALID_HEX", () => fromHex("abc"));
    rejectsWith("INVALID_HEX", () => fromHex("zz"));
    rejectsWith("INVALID_LENGTH", () => fromHex("00", 32));
  });
});

describe("base64", () => {
  it("matches openssl's standard alphabet and MobileCoin's URL-safe URI form", () => {
    // The public key from the operator runbook's example URI.
    const url = "MCowBQYDK2VwAyEA-21ShHmvuuynH7EcIgkdH2dWxCojgnWYbHxLrRseQ1s=";
    const der = fromBase64Url(url, 44);
    assert.equal(toBase64Url(der), url);
    assert.equal(toBase64(der), url.replace(/-/g, "+").replace(/_/g, "/"));
    assert.deepEqual(fromBase64(toBase64(der)), der);
  });
  it("rejects the other alphabet and garbage", () => {
    rejectsWith("INVALID_BASE64", () => fromBase64("ab-_"));
    rejectsWith("INVALID_BASE64", () => fromBase64Url("ab+/"));
    rejectsWith("INVALID_BASE64", () => fromBase64("a"));
  });
});

describe("u64", () => {
  it("encodes both byte orders and rejects overflow", () => {
    assert.equal(toHex(u64ToLeBytes(1n)), "0100000000000000");
    assert.equal(toHex(u64ToBeBytes(1n)), "0000000000000001");
    assert.equal(leBytesToU64(u64ToLeBytes(2n ** 64n - 1n)), 2n ** 64n - 1n);
    rejectsWith("INVALID_INTEGER", () => u64ToLeBytes(2n ** 64n));
    rejectsWith("INVALID_INTEGER", () => u64ToLeBytes(-1n));
    assert.equal(parseU64("18446744073709551615"), 2n ** 64n - 1n);
    rejectsWith("INVALID_INTEGER", () => parseU64("18446744073709551616"));
    rejectsWith("INVALID_INTEGER", () => parseU64("-1"));
    rejectsWith("INVALID_INTEGER", () => parseU64(""));
  });
  it("orders bytes lexicographically", () => {
    assert.ok(compareBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3])) < 0);
    assert.ok(compareBytes(new Uint8Array([2]), new Uint8Array([1, 9])) > 0);
    assert.equal(compareBytes(new Uint8Array([1]), new Uint8Array([1])), 0);
  });
});
