// Goal: addresses beyond the vectors: other PrintableWrapper payloads round-trip, a non-address
// payload is refused as an address, fog signatures bind the SPKI, the burn address is consistent,
// and short or malformed b58 fails with typed errors. Method: seeded accounts and direct checks.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import {
  accountKeyFromRootEntropy,
  burnAddressKeys,
  CHANGE_SUBADDRESS_INDEX,
  subaddressKeys,
} from "../crypto/index.js";
import { PrintableWrapperSchema } from "../proto/printable_pb.js";
import { isCodedError, SeededRandom, toHex } from "../util/index.js";
import {
  decodePrintable,
  encodePrintable,
  plainAddress,
  publicAddressFromB58,
  publicAddressOf,
  publicAddressToB58,
  publicAddressToProto,
  shortAddressHash,
  verifyFogAuthoritySignature,
} from "./public-address.js";

const rng = new SeededRandom(6060);
const account = accountKeyFromRootEntropy(rng.bytes(32));

describe("public addresses", () => {
  it("round-trips a payment request and refuses it where an address is expected", () => {
    const address = publicAddressOf(account, 0n);
    const text = encodePrintable(
      create(PrintableWrapperSchema, {
        wrapper: {
          case: "paymentRequest",
          value: { publicAddress: publicAddressToProto(address), value: 42n, memo: "coffee" },
        },
      }),
    );
    const back = decodePrintable(text);
    assert.equal(back.wrapper.case, "paymentRequest");
    if (back.wrapper.case === "paymentRequest") {
      assert.equal(back.wrapper.value.value, 42n);
      assert.equal(back.wrapper.value.memo, "coffee");
    }
    assert.throws(
      () => publicAddressFromB58(text),
      (e: unknown) => isCodedError(e, ["INVALID_FIELD"]),
    );
  });

  it("binds the fog authority signature to the SPKI and the subaddress", () => {
    const spki = rng.bytes(91);
    const withFog = {
      ...account,
      fog: { reportUrl: "fog://fog.example", reportId: "1", authoritySpki: spki },
    };
    const a7 = publicAddressOf(withFog, 7n);
    assert.ok(verifyFogAuthoritySignature(a7, spki));
    assert.ok(!verifyFogAuthoritySignature(a7, spki.subarray(1)));
    const a8 = publicAddressOf(withFog, 8n);
    assert.ok(!verifyFogAuthoritySignature({ ...a8, fogAuthoritySig: a7.fogAuthoritySig }, spki));
    assert.equal(publicAddressFromB58(publicAddressToB58(a7)).fogReportId, "1");
    // Fog fields enter the address hash.
    assert.notEqual(
      toHex(shortAddressHash(a7)),
      toHex(shortAddressHash(publicAddressOf(account, 7n))),
    );
  });

  it("derives a consistent burn address and change address", () => {
    const burn = burnAddressKeys();
    assert.ok(burn.viewPublicKey.equals(burn.spendPublicKey.multiply(burn.viewPrivateKey)));
    assert.equal(
      toHex(burn.spendPublicKey.toBytes()),
      "ba527ad0b690f5bf3e92cd54f037af2ea7933ee695d293e940a89f5e060e2620",
    );
    const text = publicAddressToB58(plainAddress(burn));
    assert.ok(publicAddressFromB58(text).spendPublicKey.equals(burn.spendPublicKey));
    const change = subaddressKeys(account, CHANGE_SUBADDRESS_INDEX);
    assert.ok(!change.spendPublicKey.equals(subaddressKeys(account, 0n).spendPublicKey));
  });

  it("rejects short and malformed b58 with typed errors", () => {
    for (const bad of ["", "1", "2NEpo", "0OIl", "é"]) {
      assert.throws(
        () => decodePrintable(bad),
        (e: unknown) => isCodedError(e, ["INVALID_BASE58", "CHECKSUM_MISMATCH"]),
        bad,
      );
    }
  });
});
