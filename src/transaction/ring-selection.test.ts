/**
 * Goal: ring selection draws distinct mixins from the candidates, never repeats the real output
 * or a public key, refuses too few candidates and outputs it does not own, and the resulting
 * input builds a valid transaction.
 * Method: a seeded ledger of 30 outputs (one owned by the sender's subaddress 3, plus one exact
 * duplicate candidate); choose rings under several seeds and check their membership; build and
 * validate one transaction from them.
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
import { isCodedError, SeededRandom, toHex } from "../util/index.js";
import { TransactionBuilder } from "./builder.js";
import { defaultFeeMap, MOB_MINIMUM_FEE } from "./fee-map.js";
import { plainAddress } from "./public-address.js";
import { chooseRing, type RingCandidate } from "./ring-selection.js";
import { InMemoryLedgerView } from "./sample-spend.js";
import { createTxOut } from "./tx-out.js";
import { validateTxForLedger } from "./validate.js";

const rng = new SeededRandom("ring-selection");
const owner = accountKeyFromRootEntropy(rng.bytes(32));
const other = accountKeyFromRootEntropy(rng.bytes(32));
const ledger = new InMemoryLedgerView(5n);
const REAL = 17;
for (let g = 0; g < 30; g++) {
  const created = createTxOut({
    blockVersion: 4,
    amount: { value: g === REAL ? 10n ** 12n : 1000n + BigInt(g), tokenId: 0n },
    recipient: subaddressKeys(g === REAL ? owner : other, g === REAL ? 3n : BigInt(g)),
    txPrivateKey: Scalars.random(rng),
    eFogHint: fakeFogHint(rng),
  });
  ledger.append(created.txOut);
}
const candidates: RingCandidate[] = ledger.txOuts.map((txOut, g) => ({
  txOut,
  proof: ledger.tree.proof(BigInt(g)),
}));
const real = candidates[REAL]!;
// A repeated candidate (same output twice) must not yield a repeated ring member.
const withDuplicate = [...candidates, candidates[3]!];

test("rings hold the real output and 10 distinct mixins from the candidates (seeds ring-0..19)", () => {
  const allowed = new Set(candidates.map((c) => toHex(c.txOut.publicKey)));
  const rings = new Set<string>();
  for (let s = 0; s < 20; s++) {
    const input = chooseRing({
      real,
      candidates: withDuplicate,
      account: owner,
      subaddressIndex: 3n,
      rng: new SeededRandom(`ring-${s}`),
    });
    const keys = input.ring.map((o) => toHex(o.publicKey));
    assert.equal(keys.length, 11);
    assert.equal(new Set(keys).size, 11, `seed ring-${s}: repeated member`);
    assert.equal(keys[input.realIndex], toHex(real.txOut.publicKey));
    for (const k of keys) assert.ok(allowed.has(k));
    input.ring.forEach((o, i) => {
      assert.equal(input.membershipProofs[i]!.index, BigInt(ledger.txOuts.indexOf(o)));
    });
    rings.add(keys.slice().sort().join(","));
  }
  assert.ok(rings.size > 15, "different seeds should pick different mixins");
});

test("too few candidates, or an output the account does not own, are refused", () => {
  const failsWith = (fn: () => unknown, code: string) =>
    assert.throws(fn, (e: unknown) => isCodedError(e) && e.code === code);
  failsWith(
    () =>
      chooseRing({
        real,
        candidates: candidates.slice(0, 9),
        account: owner,
        subaddressIndex: 3n,
        rng,
      }),
    "INVALID_BUILD",
  );
  failsWith(
    () => chooseRing({ real, candidates, account: owner, subaddressIndex: 0n, rng }),
    "INPUT_NOT_OWNED",
  );
});

test("a transaction built from a chosen ring is valid (seed ring-build)", () => {
  const buildRng = new SeededRandom("ring-build");
  const input = chooseRing({
    real,
    candidates,
    account: owner,
    subaddressIndex: 3n,
    rng: buildRng,
  });
  const builder = new TransactionBuilder({
    blockVersion: 4,
    fee: { value: MOB_MINIMUM_FEE, tokenId: 0n },
    rng: buildRng,
    feeMap: defaultFeeMap(),
  });
  builder.addInput(input);
  builder.addOutput({ value: 10n ** 11n, tokenId: 0n }, plainAddress(subaddressKeys(other, 0n)));
  builder.addChangeOutput(
    { value: 10n ** 12n - 10n ** 11n - MOB_MINIMUM_FEE, tokenId: 0n },
    {
      changeAddress: plainAddress(subaddressKeys(owner, CHANGE_SUBADDRESS_INDEX)),
      primaryAddress: plainAddress(subaddressKeys(owner, 0n)),
    },
  );
  builder.setTombstoneBlock(50n);
  const tx = builder.build();
  validateTxForLedger(tx, ledger, { blockVersion: 4, feeMap: defaultFeeMap() });
});
