// Goal: the local cache cipher has MobileCoin's message-cipher layout (AES-256-GCM ct ‖ tag ‖
// key index u64 LE ‖ 12-byte LE counter nonce, no AAD), counts nonces from zero, rotates to a
// fresh key that differs from every earlier one when the counter reaches 2^96 − 1 (never used),
// still opens older ciphertexts, and refuses anything it did not make with CACHE_CIPHER.
// Method: the expected bytes are produced here with node:crypto from the same seeded key stream,
// not by the code under test.
import assert from "node:assert/strict";
import { createCipheriv } from "node:crypto";
import { describe, it } from "node:test";
import { type RandomSource, SeededRandom } from "../../util/index.js";
import { EnclaveError } from "../errors.js";
import { CACHE_NONCE_MAX, CacheCipher } from "./cache-cipher.js";

function expected(key: Uint8Array, keyIndex: number, counter: bigint, pt: Uint8Array): Uint8Array {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64LE(counter & 0xffff_ffff_ffff_ffffn, 0);
  nonce.writeUInt32LE(Number(counter >> 64n), 8);
  const c = createCipheriv("aes-256-gcm", key, nonce);
  const body = Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
  const index = Buffer.alloc(8);
  index.writeBigUInt64LE(BigInt(keyIndex));
  return new Uint8Array(Buffer.concat([body, index, nonce]));
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    assert.ok(error instanceof EnclaveError, String(error));
    return error.code;
  }
  return "ok";
}

describe("cache cipher", () => {
  it("lays out ciphertexts as MobileCoin's message cipher, nonces counting from zero", () => {
    const key = new SeededRandom("cc").bytes(32);
    const cipher = new CacheCipher(new SeededRandom("cc"));
    const pts = [new Uint8Array(0), new Uint8Array([1, 2, 3]), new SeededRandom("pt").bytes(300)];
    pts.forEach((pt, i) => {
      const ct = cipher.encrypt(pt);
      assert.deepEqual(ct, expected(key, 0, BigInt(i), pt));
      assert.deepEqual(cipher.decrypt(ct), pt);
    });
  });

  it("rotates to a new key at 2^96 − 1 without using that nonce, and opens older ciphertexts", () => {
    const r = new SeededRandom("rot");
    const k0 = r.bytes(32);
    const k1 = r.bytes(32);
    const cipher = new CacheCipher(new SeededRandom("rot"), CACHE_NONCE_MAX - 2n);
    const pt = new Uint8Array([9, 9]);
    const a = cipher.encrypt(pt);
    const b = cipher.encrypt(pt);
    assert.equal(cipher.keyCount, 2);
    const c = cipher.encrypt(pt);
    assert.deepEqual(a, expected(k0, 0, CACHE_NONCE_MAX - 2n, pt));
    assert.deepEqual(b, expected(k0, 0, CACHE_NONCE_MAX - 1n, pt));
    assert.deepEqual(c, expected(k1, 1, 0n, pt));
    for (const ct of [a, b, c]) assert.deepEqual(cipher.decrypt(ct), pt);
  });

  it("draws again when a new key repeats an old one", () => {
    const keys = [
      new Uint8Array(32).fill(1),
      new Uint8Array(32).fill(1),
      new Uint8Array(32).fill(2),
    ];
    const scripted: RandomSource = {
      fillBytes: (out) => {
        out.set(keys.shift() ?? assert.fail("no more keys"));
        return out;
      },
    };
    const cipher = new CacheCipher(scripted, CACHE_NONCE_MAX - 1n);
    cipher.encrypt(new Uint8Array(1));
    assert.equal(keys.length, 0, "the repeated key was drawn and discarded");
    const ct = cipher.encrypt(new Uint8Array([7]));
    assert.deepEqual(ct, expected(new Uint8Array(32).fill(2), 1, 0n, new Uint8Array([7])));
  });

  it("refuses what it did not make: altered, truncated, unknown key, another cipher's", () => {
    const cipher = new CacheCipher(new SeededRandom("refuse"));
    const ct = cipher.encrypt(new SeededRandom("p").bytes(64));
    for (const at of [0, 63, 64, 79, ct.length - 20, ct.length - 1]) {
      const bad = ct.slice();
      bad[at] = (bad[at] as number) ^ 1;
      assert.equal(
        code(() => cipher.decrypt(bad)),
        "CACHE_CIPHER",
        `bit flipped at ${at}`,
      );
    }
    assert.equal(
      code(() => cipher.decrypt(ct.subarray(0, 35))),
      "CACHE_CIPHER",
    );
    assert.equal(
      code(() => cipher.decrypt(ct.subarray(1))),
      "CACHE_CIPHER",
    );
    const other = new CacheCipher(new SeededRandom("other"));
    assert.equal(
      code(() => other.decrypt(ct)),
      "CACHE_CIPHER",
    );
    assert.equal(
      code(() => cipher.decrypt(ct)),
      "ok",
    );
  });
});
