// Goal: the sealed block key has reference §9.5's layout and key derivation, opens only with the
// same seal secret and measurement, and refuses tampering with a typed code.
// Method: open a blob with a key derived independently (@noble/hashes HKDF, our own AAD bytes);
// then flip secret, measurement and every byte of the blob.
import assert from "node:assert/strict";
import { createDecipheriv } from "node:crypto";
import { describe, it } from "node:test";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, SeededRandom } from "../../util/index.js";
import { SEALED_BLOB_BYTES, sealPrivateKey, unsealPrivateKey } from "./seal.js";

const r = new SeededRandom("seal-test");
const secret = r.bytes(32);
const measurement = r.bytes(32);
const key = r.bytes(32);

describe("sealing the block-signing key", () => {
  it("has the layout version ‖ key_id ‖ nonce ‖ ciphertext ‖ tag under HKDF-SHA256(secret, measurement)", () => {
    const blob = sealPrivateKey(key, secret, measurement, new SeededRandom("blob"));
    assert.equal(blob.length, 1 + 32 + 12 + 32 + 16);
    assert.equal(SEALED_BLOB_BYTES, 93);
    assert.equal(blob[0], 1);
    const sealKey = hkdf(
      sha256,
      secret,
      measurement,
      new TextEncoder().encode("mc-ts-seal-v1"),
      32,
    );
    const keyId = blob.subarray(1, 33);
    const d = createDecipheriv("aes-256-gcm", sealKey, blob.subarray(33, 45));
    d.setAAD(concatBytes(new Uint8Array([1]), keyId, measurement));
    d.setAuthTag(blob.subarray(77));
    const opened = Buffer.concat([d.update(blob.subarray(45, 77)), d.final()]);
    assert.deepEqual(new Uint8Array(opened), key);
    assert.deepEqual(unsealPrivateKey(blob, secret, measurement), key);
  });

  it("uses a fresh key id and nonce for each seal", () => {
    const random = new SeededRandom("two");
    const a = sealPrivateKey(key, secret, measurement, random);
    const b = sealPrivateKey(key, secret, measurement, random);
    assert.notDeepEqual(a.subarray(1, 45), b.subarray(1, 45));
  });

  it("refuses a wrong secret, another measurement and any changed byte", () => {
    const blob = sealPrivateKey(key, secret, measurement, new SeededRandom("blob"));
    const otherSecret = secret.slice();
    otherSecret[0] = (otherSecret[0] as number) ^ 1;
    const otherMeasurement = measurement.slice();
    otherMeasurement[31] = (otherMeasurement[31] as number) ^ 0x80;
    assert.throws(() => unsealPrivateKey(blob, otherSecret, measurement), {
      code: "UNSEAL_FAILED",
    });
    assert.throws(() => unsealPrivateKey(blob, secret, otherMeasurement), {
      code: "UNSEAL_FAILED",
    });
    for (let i = 0; i < blob.length; i++) {
      const bad = blob.slice();
      bad[i] = (bad[i] as number) ^ 0x01;
      const code = i === 0 ? "INVALID_SEALED_KEY" : "UNSEAL_FAILED";
      assert.throws(() => unsealPrivateKey(bad, secret, measurement), { code }, `byte ${i}`);
    }
    assert.throws(() => unsealPrivateKey(blob.subarray(1), secret, measurement), {
      code: "INVALID_SEALED_KEY",
    });
    assert.throws(
      () => unsealPrivateKey(concatBytes(blob, new Uint8Array(1)), secret, measurement),
      {
        code: "INVALID_SEALED_KEY",
      },
    );
  });
});
