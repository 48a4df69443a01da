/**
 * Goal: a signed contingent input (MCIP #31) made by one account can be completed by another
 * into a valid transaction, and only on the terms its rules set.
 * Method: one seeded ledger (block version 3) holding Alice's 1000 units of token 5 and Bob's
 * 1 MOB among mixins. Alice signs her input contingent on an output paying her 400 MOB; Bob adds
 * it to his builder with a MOB input, takes the 1000 token-5 units and his change, and the result
 * validates. A tampered revealed amount is refused before building, and the transaction without
 * the required output fails validation.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  accountKeyFromRootEntropy,
  CHANGE_SUBADDRESS_INDEX,
  fakeFogHint,
  Scalars,
  subaddressKeys,
} from "../crypto/index.js";
import { isCodedError, SeededRandom } from "../util/index.js";
import { TransactionBuilder } from "./builder.js";
import { TxValidationError } from "./errors.js";
import { defaultFeeMap, MOB_MINIMUM_FEE } from "./fee-map.js";
import { plainAddress } from "./public-address.js";
import { chooseRing, type RingCandidate } from "./ring-selection.js";
import { InMemoryLedgerView } from "./sample-spend.js";
import { signContingentInput } from "./signed-contingent-input.js";
import { createTxOut } from "./tx-out.js";
import { validateTxForLedger } from "./validate.js";

const V = 3;
const TOKEN = 5n;
const rng = new SeededRandom("sci-v3");
const alice = accountKeyFromRootEntropy(rng.bytes(32));
const bob = accountKeyFromRootEntropy(rng.bytes(32));
const mixer = accountKeyFromRootEntropy(rng.bytes(32));
const ledger = new InMemoryLedgerView(10n);
const ALICE_AT = 7;
const BOB_AT = 23;
for (let g = 0; g < 40; g++) {
  const owner = g === ALICE_AT ? alice : g === BOB_AT ? bob : mixer;
  const amount =
    g === ALICE_AT
      ? { value: 1000n, tokenId: TOKEN }
      : g === BOB_AT
        ? { value: 10n ** 12n, tokenId: 0n }
        : { value: 1n + BigInt(g), tokenId: g % 2 === 0 ? 0n : TOKEN };
  ledger.append(
    createTxOut({
      blockVersion: V,
      amount,
      recipient: subaddressKeys(owner, 0n),
      txPrivateKey: Scalars.random(rng),
      eFogHint: fakeFogHint(rng),
    }).txOut,
  );
}
const candidates: RingCandidate[] = ledger.txOuts.map((txOut, g) => ({
  txOut,
  proof: ledger.tree.proof(BigInt(g)),
}));
const config = { blockVersion: V, feeMap: new Map([...defaultFeeMap(), [TOKEN, 1024n]]) };

function aliceOffer() {
  const payAlice = createTxOut({
    blockVersion: V,
    amount: { value: 400n, tokenId: 0n },
    recipient: subaddressKeys(alice, 0n),
    txPrivateKey: Scalars.random(rng),
    eFogHint: fakeFogHint(rng),
  });
  return signContingentInput({
    blockVersion: V,
    input: chooseRing({
      real: candidates[ALICE_AT]!,
      candidates,
      account: alice,
      subaddressIndex: 0n,
      rng,
    }),
    requiredOutputs: [
      { txOut: payAlice.txOut, amount: { value: 400n, tokenId: 0n, blinding: payAlice.blinding } },
    ],
    maxTombstoneBlock: 100n,
    rng,
  });
}

function bobBuilder() {
  const builder = new TransactionBuilder({
    blockVersion: V,
    fee: { value: MOB_MINIMUM_FEE, tokenId: 0n },
    rng,
    feeMap: config.feeMap,
  });
  builder.addInput(
    chooseRing({ real: candidates[BOB_AT]!, candidates, account: bob, subaddressIndex: 0n, rng }),
  );
  return builder;
}

test("Bob completes Alice's contingent input into a valid transaction (seed sci-v3)", () => {
  const sci = aliceOffer();
  const builder = bobBuilder();
  builder.addPresignedInput(sci);
  builder.addOutput({ value: 1000n, tokenId: TOKEN }, plainAddress(subaddressKeys(bob, 0n)));
  builder.addChangeOutput(
    { value: 10n ** 12n - 400n - MOB_MINIMUM_FEE, tokenId: 0n },
    {
      changeAddress: plainAddress(subaddressKeys(bob, CHANGE_SUBADDRESS_INDEX)),
      primaryAddress: plainAddress(subaddressKeys(bob, 0n)),
    },
  );
  builder.setTombstoneBlock(60n);
  const tx = builder.build();
  assert.equal(tx.prefix.inputs.length, 2);
  assert.equal(tx.prefix.outputs.length, 3);
  validateTxForLedger(tx, ledger, config);

  // Dropping Alice's required output invalidates the transaction (Bob's MLSAG no longer matches
  // the prefix; with a re-signed prefix her rules would fail, see validation-codes.test.ts).
  const withoutPayment = {
    ...tx,
    prefix: {
      ...tx.prefix,
      outputs: tx.prefix.outputs.filter((o) => o !== sci.txIn.inputRules!.requiredOutputs[0]),
    },
  };
  assert.throws(
    () => validateTxForLedger(withoutPayment, ledger, config),
    (e: unknown) => e instanceof TxValidationError,
  );
});

test("a contingent input whose revealed amounts do not open its outputs is refused", () => {
  const sci = aliceOffer();
  const lying = {
    ...sci,
    requiredOutputAmounts: [{ ...sci.requiredOutputAmounts[0]!, value: 1n }],
  };
  assert.throws(
    () => bobBuilder().addPresignedInput(lying),
    (e: unknown) => isCodedError(e) && e.code === "INVALID_BUILD",
  );
  const wrongPseudo = { ...sci, pseudoOutputAmount: { ...sci.pseudoOutputAmount, value: 999n } };
  assert.throws(
    () => bobBuilder().addPresignedInput(wrongPseudo),
    (e: unknown) => isCodedError(e) && e.code === "INVALID_BUILD",
  );
});
