/**
 * Goal: the builder's own rules — fog hints for fog recipients (and the tombstone capped by the
 * fog key's expiry), fake hints otherwise, change fog hints for the primary address, and refusals
 * of transactions it must not build (unbalanced amounts, an unowned input, outputs after change,
 * a fog recipient without a resolver, no tombstone).
 * Method: a seeded ledger with one spendable output; small builds at block version 4, reading
 * the fog hints back with the ingest private key.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  accountKeyFromRootEntropy,
  CHANGE_SUBADDRESS_INDEX,
  decryptFogHint,
  fakeFogHint,
  Ristretto,
  Scalars,
  subaddressKeys,
} from "../crypto/index.js";
import { bytesEqual, isCodedError, SeededRandom } from "../util/index.js";
import { TransactionBuilder } from "./builder.js";
import { defaultFeeMap, MOB_MINIMUM_FEE } from "./fee-map.js";
import { plainAddress } from "./public-address.js";
import { chooseRing, type RingCandidate } from "./ring-selection.js";
import { InMemoryLedgerView } from "./sample-spend.js";
import { createTxOut } from "./tx-out.js";
import { validateTxForLedger } from "./validate.js";

const rng = new SeededRandom("builder-v4");
const sender = accountKeyFromRootEntropy(rng.bytes(32));
const other = accountKeyFromRootEntropy(rng.bytes(32));
const ledger = new InMemoryLedgerView(10n);
const VALUE = 10n ** 12n;
for (let g = 0; g < 20; g++) {
  ledger.append(
    createTxOut({
      blockVersion: 4,
      amount: { value: g === 0 ? VALUE : 5n, tokenId: 0n },
      recipient: subaddressKeys(g === 0 ? sender : other, BigInt(g)),
      txPrivateKey: Scalars.random(rng),
      eFogHint: fakeFogHint(rng),
    }).txOut,
  );
}
const candidates: RingCandidate[] = ledger.txOuts.map((txOut, g) => ({
  txOut,
  proof: ledger.tree.proof(BigInt(g)),
}));
const ingestPrivate = Scalars.random(rng);
const ingestPublic = Ristretto.multiplyBase(ingestPrivate);
const recipientKeys = subaddressKeys(other, 0n);
const fogRecipient = { ...plainAddress(recipientKeys), fogReportUrl: "fog://fog.example.net" };
const change = {
  changeAddress: plainAddress(subaddressKeys(sender, CHANGE_SUBADDRESS_INDEX)),
  primaryAddress: plainAddress(subaddressKeys(sender, 0n)),
};

function builder(withResolver: boolean) {
  const b = new TransactionBuilder({
    blockVersion: 4,
    fee: { value: MOB_MINIMUM_FEE, tokenId: 0n },
    rng,
    feeMap: defaultFeeMap(),
    ...(withResolver
      ? { fogResolver: { ingestKey: () => ({ publicKey: ingestPublic, expiry: 30n }) } }
      : {}),
  });
  b.addInput(
    chooseRing({ real: candidates[0]!, candidates, account: sender, subaddressIndex: 0n, rng }),
  );
  return b;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return "OK";
  } catch (error) {
    assert.ok(isCodedError(error), `untyped failure: ${String(error)}`);
    return error.code;
  }
}

test("a fog recipient gets a real hint and the tombstone is capped by the key's expiry (seed builder-v4)", () => {
  const b = builder(true);
  const paid = b.addOutput({ value: 1000n, tokenId: 0n }, fogRecipient);
  const kept = b.addChangeOutput({ value: VALUE - 1000n - MOB_MINIMUM_FEE, tokenId: 0n }, change);
  b.setTombstoneBlock(500n);
  assert.equal(b.tombstoneBlock, 30n);
  const tx = b.build();
  assert.equal(tx.prefix.tombstoneBlock, 30n);
  const plaintext = decryptFogHint(ingestPrivate, paid.txOut.eFogHint);
  assert.ok(bytesEqual(plaintext.subarray(0, 32), recipientKeys.viewPublicKey.toBytes()));
  // The change output's hint is a fake one: the sender's primary address has no fog here.
  assert.notEqual(
    codeOf(() => decryptFogHint(ingestPrivate, kept.txOut.eFogHint)),
    "OK",
  );
  validateTxForLedger(tx, ledger, { blockVersion: 4, feeMap: defaultFeeMap() });
});

test("the builder refuses what it must not build", () => {
  assert.equal(
    codeOf(() => builder(false).addOutput({ value: 1n, tokenId: 0n }, fogRecipient)),
    "INVALID_BUILD",
  );
  const unbalanced = builder(false);
  unbalanced.addOutput({ value: 1n, tokenId: 0n }, plainAddress(recipientKeys));
  unbalanced.setTombstoneBlock(20n);
  assert.equal(
    codeOf(() => unbalanced.build()),
    "INVALID_BUILD",
  );
  const afterChange = builder(false);
  afterChange.addChangeOutput({ value: 1n, tokenId: 0n }, change);
  assert.equal(
    codeOf(() => afterChange.addOutput({ value: 1n, tokenId: 0n }, plainAddress(recipientKeys))),
    "INVALID_BUILD",
  );
  const noTombstone = builder(false);
  noTombstone.addChangeOutput({ value: VALUE - MOB_MINIMUM_FEE, tokenId: 0n }, change);
  assert.equal(
    codeOf(() => noTombstone.build()),
    "INVALID_BUILD",
  );
  const notOurs = new TransactionBuilder({
    blockVersion: 4,
    fee: { value: MOB_MINIMUM_FEE, tokenId: 0n },
    rng,
  });
  const input = chooseRing({
    real: candidates[0]!,
    candidates,
    account: sender,
    subaddressIndex: 0n,
    rng,
  });
  notOurs.addInput({ ...input, onetimePrivateKey: Scalars.random(rng) });
  notOurs.addChangeOutput({ value: VALUE - MOB_MINIMUM_FEE, tokenId: 0n }, change);
  notOurs.setTombstoneBlock(20n);
  assert.equal(
    codeOf(() => notOurs.build()),
    "INPUT_NOT_OWNED",
  );
  assert.equal(
    codeOf(() => new TransactionBuilder({ blockVersion: 1, fee: { value: 1n, tokenId: 5n }, rng })),
    "INVALID_BUILD",
  );
});
