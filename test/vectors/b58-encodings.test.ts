// Goal: public addresses print and parse exactly as MobileCoin's b58 (PrintableWrapper) strings,
// with and without fog, and the fog authority signatures in the vectors verify. Method: for each
// line encode the keys (and fog fields), compare the string, rebuild the whole address from the
// line's root entropy (re-signing the fog authority SPKI), decode it back, check the signature
// against the view public key over the empty SPKI, and check that a changed character is rejected
// with a typed error.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { accountKeyFromRootEntropy, Ristretto } from "../../src/crypto/index.js";
import {
  type PublicAddress,
  publicAddressFromB58,
  publicAddressOf,
  publicAddressToB58,
  verifyFogAuthoritySignature,
} from "../../src/transaction/index.js";
import { isCodedError, toHex } from "../../src/util/index.js";
import { arrayBytes, forEachVector } from "./lib.js";

interface Line {
  view_public_key: number[];
  spend_public_key: number[];
  fog_report_url?: string;
  fog_report_id?: string;
  fog_authority_sig?: number[];
  b58_encoded: string;
}

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

function addressOf(line: Line): PublicAddress {
  return {
    viewPublicKey: Ristretto.fromBytes(arrayBytes(line.view_public_key)),
    spendPublicKey: Ristretto.fromBytes(arrayBytes(line.spend_public_key)),
    fogReportUrl: line.fog_report_url ?? "",
    fogReportId: line.fog_report_id ?? "",
    fogAuthoritySig: arrayBytes(line.fog_authority_sig ?? []),
  };
}

function check(line: Line, index: number): void {
  const address = addressOf(line);
  assert.equal(publicAddressToB58(address), line.b58_encoded);
  // Line n is the default subaddress of root entropy [n; 32]; with fog, the signature over the
  // empty SPKI is regenerated deterministically (HC-128-finalised schnorrkel) byte for byte.
  const account = accountKeyFromRootEntropy(new Uint8Array(32).fill(index));
  const fog =
    line.fog_report_url === undefined
      ? {}
      : {
          fog: {
            reportUrl: line.fog_report_url,
            reportId: line.fog_report_id ?? "",
            authoritySpki: new Uint8Array(0),
          },
        };
  assert.equal(publicAddressToB58(publicAddressOf({ ...account, ...fog }, 0n)), line.b58_encoded);
  const back = publicAddressFromB58(line.b58_encoded);
  assert.ok(back.viewPublicKey.equals(address.viewPublicKey));
  assert.ok(back.spendPublicKey.equals(address.spendPublicKey));
  assert.equal(back.fogReportUrl, address.fogReportUrl);
  assert.equal(back.fogReportId, address.fogReportId);
  assert.equal(toHex(back.fogAuthoritySig), toHex(address.fogAuthoritySig));
  // A changed character breaks the checksum (or the base58 itself); never an untyped exception.
  const pos = (index * 7) % line.b58_encoded.length;
  const old = line.b58_encoded[pos]!;
  const replacement = ALPHABET[(ALPHABET.indexOf(old) + 1) % ALPHABET.length]!;
  const tampered = line.b58_encoded.slice(0, pos) + replacement + line.b58_encoded.slice(pos + 1);
  assert.throws(
    () => publicAddressFromB58(tampered),
    (e: unknown) => isCodedError(e, ["CHECKSUM_MISMATCH", "INVALID_BASE58"]),
  );
  assert.throws(
    () => publicAddressFromB58(`${line.b58_encoded.slice(0, -1)}0`),
    (e: unknown) => isCodedError(e, ["INVALID_BASE58"]),
  );
}

describe("b58_encodings vectors", () => {
  it("b58_encode_public_address_without_fog.jsonl", () => {
    forEachVector<Line>("b58_encodings/b58_encode_public_address_without_fog.jsonl", (line, i) => {
      assert.equal(line.fog_report_url, undefined);
      check(line, i);
      assert.equal(verifyFogAuthoritySignature(addressOf(line), new Uint8Array(0)), false);
    });
  });

  it("b58_encode_public_address_with_fog.jsonl (signatures verify with the view key)", () => {
    forEachVector<Line>("b58_encodings/b58_encode_public_address_with_fog.jsonl", (line, i) => {
      assert.equal(line.fog_report_url, "fog://example.com");
      check(line, i);
      const address = addressOf(line);
      assert.equal(verifyFogAuthoritySignature(address, new Uint8Array(0)), true);
      // The signature is bound to the SPKI and to the key.
      assert.equal(verifyFogAuthoritySignature(address, new Uint8Array([0x30])), false);
      const swapped = { ...address, viewPublicKey: address.spendPublicKey };
      assert.equal(verifyFogAuthoritySignature(swapped, new Uint8Array(0)), false);
      const sig = address.fogAuthoritySig.slice();
      sig[5]! ^= 1;
      assert.equal(
        verifyFogAuthoritySignature({ ...address, fogAuthoritySig: sig }, new Uint8Array(0)),
        false,
      );
    });
  });
});
