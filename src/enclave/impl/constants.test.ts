// Goal: the baked-in constants are what their documented origins give, so anyone can re-derive
// them (and a changed constant is a deliberate edit, which the measurement then records).
// Method: derive each from its published seed with the crypto layer.
import assert from "node:assert/strict";
import { it } from "node:test";
import {
  accountKeyFromRootEntropy,
  DEFAULT_SUBADDRESS_INDEX,
  Ed25519Signer,
  sha256,
  subaddressKeys,
} from "../../crypto/index.js";
import { utf8 } from "../../util/index.js";
import { BAKED_CONSTANTS } from "./constants.js";

it("fee recipient and minting trust root come from their published development seeds", () => {
  const account = accountKeyFromRootEntropy(sha256(utf8("mc-ts development fee recipient v1")));
  const keys = subaddressKeys(account, DEFAULT_SUBADDRESS_INDEX);
  assert.deepEqual(BAKED_CONSTANTS.feeSpendPublicKey, keys.spendPublicKey.toBytes());
  assert.deepEqual(BAKED_CONSTANTS.feeViewPublicKey, keys.viewPublicKey.toBytes());
  const root = Ed25519Signer.fromSeed(sha256(utf8("mc-ts development minting trust root v1")));
  assert.deepEqual(BAKED_CONSTANTS.mintingTrustRoot, root.publicKey);
  assert.equal(BAKED_CONSTANTS.productId, 1);
  assert.equal(BAKED_CONSTANTS.svn, 10);
});
