// Goal: the TxOut building blocks agree between sender and recipient and match MobileCoin's
// intermediates. Method: the tx_out_records line-0 intermediates from reference §10 (shared
// secret, masks, blinding, commitment), seeded round trips for one-time keys, masked amounts v1/v2,
// memo encryption (including the 64-bit counter wrap), fog hints and key images, and one
// corruption per failure path.
import assert from "node:assert/strict";
import { createCipheriv } from "node:crypto";
import { describe, it } from "node:test";
import { fromHex, isCodedError, SeededRandom, toHex } from "../util/index.js";
import { accountKeyFromRootEntropy, subaddressKeys } from "./account-keys.js";
import {
  amountSharedSecret,
  maskAmount,
  recomputeAmount,
  unmaskAmount,
  unmaskAmountWithAmountSecret,
} from "./amount.js";
import { crc32 } from "./crc32.js";
import { decryptFogHint, encryptFogHint, fakeFogHint } from "./fog-hint.js";
import { DOMAIN, hashToPoint } from "./hash-to.js";
import { applyMemoCipher, ctr64beKeystream } from "./memo-crypto.js";
import {
  createOnetimeKeys,
  keyImageOf,
  onetimePrivateKey,
  recoverSubaddressSpendPublicKey,
  sharedSecretFor,
} from "./onetime-keys.js";
import { Ristretto, Scalars } from "./ristretto.js";

const SEED = 1004;
const code = (c: string) => (e: unknown) => isCodedError(e, [c]);

describe("TxOut crypto against MobileCoin intermediates", () => {
  it("reproduces shared secret, masks and commitment of tx_out_records line 0", () => {
    const a = Scalars.fromCanonicalBytes(
      fromHex("c76ec8723f3b198bf8bde76fca07cf98082189ad30a057d25271faabdd105e09"),
    );
    const R = Ristretto.fromBytes(
      fromHex("febd16fcd5c235b87565149b9a5e71dd05b2bedd19082567556d25b4101c7603"),
    );
    const ss = sharedSecretFor(a, R);
    assert.equal(toHex(ss), "a4915d0f1ce7c8ceecf5d4b96657c2495eceeb5f001757f51b7d5a2f3e12ae36");
    const r = recomputeAmount(1, 3779311894536034792n, fromHex("cf29351517665a70"), ss);
    assert.deepEqual(r.amount, { value: 10n, tokenId: 0n });
    assert.equal(
      toHex(Scalars.toBytes(r.blinding)),
      "00d2937ca1abb419e88f80b390a3669200c0a05605207d42e026df4b64e32f0a",
    );
    assert.equal(
      toHex(r.commitment),
      "f8d1d80bb73745dd7ef9c8966540f9c21b291aff858c1ccc8a11ebb1c82a423e",
    );
    assert.equal(crc32(r.commitment), 3502915896);
  });
});

describe("TxOut crypto round trips", () => {
  const rng = new SeededRandom(SEED);
  const account = accountKeyFromRootEntropy(rng.bytes(32));
  const sub = subaddressKeys(account, 7n);

  it("one-time keys: the recipient recognises and can spend the output", () => {
    const r = Scalars.random(rng);
    const keys = createOnetimeKeys(r, sub);
    const ss = sharedSecretFor(account.viewPrivateKey, keys.publicKey);
    assert.equal(toHex(ss), toHex(keys.sharedSecret), `seed ${SEED}`);
    assert.ok(recoverSubaddressSpendPublicKey(ss, keys.targetKey).equals(sub.spendPublicKey));
    const x = onetimePrivateKey(ss, sub.spendPrivateKey);
    assert.ok(Ristretto.multiplyBase(x).equals(keys.targetKey));
    const image = keyImageOf(x);
    const base = hashToPoint(DOMAIN.ONETIME_KEY_TO_POINT, keys.targetKey.toBytes());
    assert.equal(toHex(image), toHex(base.multiply(x).toBytes()));
    const other = accountKeyFromRootEntropy(rng.bytes(32));
    const wrong = sharedSecretFor(other.viewPrivateKey, keys.publicKey);
    assert.ok(!recoverSubaddressSpendPublicKey(wrong, keys.targetKey).equals(sub.spendPublicKey));
  });

  it("masked amounts v1 and v2 unmask with the right secret only", () => {
    const ss = rng.bytes(32);
    for (const version of [1, 2] as const) {
      const amount = { value: 123456789n, tokenId: version === 1 ? 0n : 8192n };
      const { masked, blinding } = maskAmount(version, amount, ss);
      const back = unmaskAmount(masked, ss);
      assert.deepEqual(back.amount, amount);
      assert.equal(back.blinding, blinding);
      assert.throws(() => unmaskAmount(masked, rng.bytes(32)), code("INVALID_AMOUNT"));
      assert.throws(
        () => unmaskAmount({ ...masked, maskedTokenId: new Uint8Array(3) }, ss),
        code("INVALID_AMOUNT"),
      );
    }
    const v2 = maskAmount(2, { value: 5n, tokenId: 1n }, ss).masked;
    assert.equal(unmaskAmountWithAmountSecret(v2, amountSharedSecret(ss)).amount.value, 5n);
    const v1NoToken = maskAmount(1, { value: 0n, tokenId: 0n }, ss, false).masked;
    assert.equal(v1NoToken.maskedTokenId.length, 0);
    assert.deepEqual(unmaskAmount(v1NoToken, ss).amount, { value: 0n, tokenId: 0n });
    assert.throws(
      () => maskAmount(1, { value: 1n, tokenId: 2n }, ss, false),
      code("INVALID_AMOUNT"),
    );
    assert.throws(() => maskAmount(1, { value: -1n, tokenId: 0n }, ss), code("OUT_OF_RANGE"));
  });

  it("memo cipher is an involution and matches AES-CTR away from the counter wrap", () => {
    const ss = rng.bytes(32);
    const payload = rng.bytes(66);
    const sealed = applyMemoCipher(ss, payload);
    assert.notEqual(toHex(sealed), toHex(payload));
    assert.equal(toHex(applyMemoCipher(ss, sealed)), toHex(payload));
    assert.throws(() => applyMemoCipher(ss, new Uint8Array(65)), code("INVALID_LENGTH"));
  });

  it("memo counter wraps in 64 bits like Ctr64BE", () => {
    // Drive the keystream helper through a known IV by checking against a manual computation:
    // with OpenSSL's 128-bit counter the 2nd block would carry into the high half; ours must not.
    const key = rng.bytes(32);
    const iv = fromHex("0011223344556677ffffffffffffffff");
    const ecb = createCipheriv("aes-256-ecb", key, null);
    ecb.setAutoPadding(false);
    const expected = new Uint8Array(
      ecb.update(fromHex("0011223344556677ffffffffffffffff00112233445566770000000000000000")),
    );
    assert.equal(toHex(ctr64beKeystream(key, iv, 32)), toHex(expected));
    const ctr = createCipheriv("aes-256-ctr", key, iv);
    const openssl = new Uint8Array(ctr.update(new Uint8Array(32)));
    assert.equal(toHex(openssl.subarray(0, 16)), toHex(expected.subarray(0, 16)));
    assert.notEqual(toHex(openssl.subarray(16)), toHex(expected.subarray(16)));
    // Away from the wrap, it is plain AES-256-CTR.
    const iv2 = rng.bytes(16);
    iv2[8] = 0;
    const plain = new Uint8Array(
      createCipheriv("aes-256-ctr", key, iv2).update(new Uint8Array(66)),
    );
    assert.equal(toHex(ctr64beKeystream(key, iv2, 66)), toHex(plain));
  });

  it("fog hints open with the ingest key only, and fail typed when tampered", () => {
    const ingestPrivate = Scalars.random(rng);
    const ingestPublic = Ristretto.multiplyBase(ingestPrivate);
    const hint = encryptFogHint(ingestPublic, sub.viewPublicKey, rng);
    assert.equal(hint.length, 84);
    assert.equal(toHex(decryptFogHint(ingestPrivate, hint)), toHex(sub.viewPublicKey.toBytes()));
    assert.throws(() => decryptFogHint(Scalars.random(rng), hint), code("DECRYPTION_FAILED"));
    for (const i of [0, 40, 70, 82]) {
      const bad = hint.slice();
      bad[i]! ^= 1;
      assert.throws(
        () => decryptFogHint(ingestPrivate, bad),
        (e: unknown) => isCodedError(e, ["DECRYPTION_FAILED"]),
      );
    }
    const fake = fakeFogHint(rng);
    assert.equal(fake.length, 84);
    assert.throws(() => decryptFogHint(ingestPrivate, fake), code("DECRYPTION_FAILED"));
  });
});
