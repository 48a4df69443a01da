// Goal: the small primitives under MobileCoin's encodings give MobileCoin's values. Method: known
// answers — the H(0)/H(1) generators and burn key from reference transactions.md §3.4/§2.5, the
// HKDF-Blake2b-256 intermediate of the root-entropy vector (§10), CRC-32 and base58 check values,
// and the ShortAddressHash that sits in the first sender-memo vector.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromHex, isCodedError, SeededRandom, toHex, utf8 } from "../util/index.js";
import { base58Decode, base58Encode } from "./base58.js";
import { crc32 } from "./crc32.js";
import { D, digest32 } from "./digestible.js";
import { pedersenCommit, pedersenGens } from "./generators.js";
import { DOMAIN, hashToPoint } from "./hash-to.js";
import { hkdfDerive, hmacSha512 } from "./kdf.js";
import { Ristretto, Scalars } from "./ristretto.js";

describe("Pedersen generators and hash-to-point", () => {
  it("reproduce H(0), H(1) and the burn address spend key", () => {
    assert.equal(
      toHex(pedersenGens(0n).B.toBytes()),
      "806024d8f41f25e280a0ca45fa2fa28c0529f7b0cbaf182dc195fa23cc58c82b",
    );
    assert.equal(
      toHex(pedersenGens(1n).B.toBytes()),
      "6e736cab24540ffd7a74ea23db4d394e3a8290c2d62cf944c56dd63669cc593b",
    );
    assert.ok(pedersenGens(7n).B_blinding.equals(Ristretto.BASE));
    assert.equal(
      toHex(hashToPoint(DOMAIN.BURN_ADDRESS_SPEND_PUBLIC).toBytes()),
      "ba527ad0b690f5bf3e92cd54f037af2ea7933ee695d293e940a89f5e060e2620",
    );
  });

  it("commit to value 0 and blinding 0 as the identity, and add homomorphically", () => {
    assert.ok(pedersenCommit(0n, 0n, 0n).isIdentity());
    const rng = new SeededRandom(41);
    const b1 = Scalars.random(rng);
    const b2 = Scalars.random(rng);
    const sum = pedersenCommit(3n, 5n, b1).add(pedersenCommit(3n, 7n, b2));
    assert.ok(sum.equals(pedersenCommit(3n, 12n, Scalars.add(b1, b2))));
    assert.ok(!sum.equals(pedersenCommit(4n, 12n, Scalars.add(b1, b2))));
  });
});

describe("KDFs", () => {
  it("HKDF-Blake2b-256 gives the root-entropy intermediates", () => {
    const zero = new Uint8Array(32);
    assert.equal(
      toHex(hkdfDerive("blake2b256", zero, new Uint8Array(0), utf8("spend"), 32)),
      "0933a6eb6b50867e728ce105ae30848f0d88e021dcf81fc84e6a9ca2cb68e197",
    );
    assert.equal(
      toHex(hkdfDerive("blake2b256", zero, new Uint8Array(0), utf8("view"), 32)),
      "b0146de8cd8f5b7962f9e74a5ef0f3e58a9550c9527ac144f38729f0fd3fed0e",
    );
  });

  it("HMAC-SHA512 matches RFC 4231 test case 2", () => {
    assert.equal(
      toHex(hmacSha512(utf8("Jefe"), utf8("what do ya want "), utf8("for nothing?"))),
      "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
    );
  });
});

describe("CRC-32 and base58", () => {
  it("CRC-32 check value", () => {
    assert.equal(crc32(utf8("123456789")), 0xcbf43926);
    assert.equal(crc32(new Uint8Array(0)), 0);
  });

  it("base58 known answers and round trips", () => {
    assert.equal(base58Encode(utf8("Hello World!")), "2NEpo7TZRRrLZSi2U");
    assert.equal(base58Encode(new Uint8Array([0, 0, 1])), "112");
    assert.equal(base58Encode(new Uint8Array(0)), "");
    const rng = new SeededRandom(58);
    for (let i = 0; i < 50; i++) {
      const b = rng.bytes(rng.nextInt(40));
      if (i % 7 === 0 && b.length > 0) b[0] = 0;
      assert.equal(toHex(base58Decode(base58Encode(b))), toHex(b));
    }
    assert.throws(
      () => base58Decode("abc0"),
      (e: unknown) => isCodedError(e, ["INVALID_BASE58"]),
    );
  });
});

describe("Digestible", () => {
  it("ShortAddressHash of the first sender-memo vector's sender address", () => {
    // correct_encrypted_sender_memos.jsonl line 0: prost bytes 0a22 0a20 <C> 12 22 0a20 <D>.
    const proto = fromHex(
      "0a220a20269f76626e8eaa1e466fe45f57cc100b5f9ec696ce922e34095294db2581ee7012220a202683a173c59787b013c2e0a5486c6b82b8736b3411a52caa45a293e83d79b355",
    );
    const view = proto.slice(4, 36);
    const spend = proto.slice(40, 72);
    const node = D.agg("PublicAddress", [
      D.field("view_public_key", D.ristretto(view)),
      D.field("spend_public_key", D.ristretto(spend)),
      D.field("fog_report_url", D.str(""), true),
      D.field("fog_report_id", D.str(""), true),
      D.field("fog_authority_sig", D.bytes(new Uint8Array(0)), true),
    ]);
    assert.equal(
      toHex(digest32("mc-address", node).slice(0, 16)),
      "af450111d92495617c547937ac4b69c5",
    );
  });

  it("applies the omission rules", () => {
    const withNone = D.agg("A", [D.field("x", D.u64(1n)), D.field("y", undefined)]);
    const withEmpty = D.agg("A", [D.field("x", D.u64(1n)), D.field("y", D.seq([]))]);
    const withEmptyBytes = D.agg("A", [
      D.field("x", D.u64(1n)),
      D.field("y", D.bytes(new Uint8Array(0))),
    ]);
    const without = D.agg("A", [D.field("x", D.u64(1n))]);
    const h = toHex(digest32("c", without));
    assert.equal(toHex(digest32("c", withNone)), h);
    assert.equal(toHex(digest32("c", withEmpty)), h);
    assert.equal(toHex(digest32("c", withEmptyBytes)), h);
    // never_omit keeps an empty field; an integer zero is never omitted.
    const kept = D.agg("A", [
      D.field("x", D.u64(1n)),
      D.field("y", D.bytes(new Uint8Array(0)), true),
    ]);
    assert.notEqual(toHex(digest32("c", kept)), h);
    const zero = D.agg("A", [D.field("x", D.u64(1n)), D.field("y", D.u64(0n))]);
    assert.notEqual(toHex(digest32("c", zero)), h);
    // At top level an empty sequence is `none`, distinct from a one-element sequence.
    assert.notEqual(toHex(digest32("c", D.seq([]))), toHex(digest32("c", D.seq([D.u64(0n)]))));
  });
});
