/**
 * Goal: every ProposeTxResult code that validation can produce without a network is produced, by
 * the rule MobileCoin checks it with, and only after every earlier rule passed.
 * Method: one valid seeded transaction (block version 3, 2 inputs, 2 outputs) and its sample
 * ledger; each test makes ONE corruption — of the transaction, of the ledger view, or of the node
 * configuration — and expects exactly one code. Corruptions of signed fields are re-signed with the
 * original secrets so that the signature passes and the intended later rule is what fails.
 * Codes that MobileCoin's `validate` can no longer produce (deprecated or shadowed) are listed at
 * the end with the reason.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { amountSharedSecret, fakeFogHint, Scalars, subaddressKeys } from "../crypto/index.js";
import { compareBytes, SeededRandom, toHex } from "../util/index.js";
import {
  LocalLedgerError,
  PROPOSE_TX_RESULT,
  type TxValidationCode,
  TxValidationError,
} from "./errors.js";
import type { TxOutMembershipProof } from "./merkle.js";
import { InMemoryLedgerView, makeSampleSpend } from "./sample-spend.js";
import { type OutputSecret, type SignableInputRing, signRctBulletproofs } from "./signature.js";
import type { InputRules, Tx, TxIn, TxPrefix } from "./tx.js";
import { createTxOut, type TxOut } from "./tx-out.js";
import {
  type AcceptanceConfig,
  type LedgerView,
  validateTombstone,
  validateTx,
  validateTxForLedger,
} from "./validate.js";

const SEED = "codes-v3";
const base = makeSampleSpend({
  blockVersion: 3,
  inputs: 2,
  outputs: 2,
  rng: new SeededRandom(SEED),
});
const baseLedger = base.ledger as InMemoryLedgerView;

function ledgerWith(overrides: Partial<LedgerView>): LedgerView {
  return {
    numBlocks: overrides.numBlocks ?? baseLedger.numBlocks,
    numTxOuts: overrides.numTxOuts ?? baseLedger.numTxOuts,
    rootProof: overrides.rootProof ?? ((i) => baseLedger.rootProof(i)),
    containsKeyImage: overrides.containsKeyImage ?? ((k) => baseLedger.containsKeyImage(k)),
    containsTxOutPublicKey:
      overrides.containsTxOutPublicKey ?? ((p) => baseLedger.containsTxOutPublicKey(p)),
  };
}

function codeOf(tx: Tx, ledger: LedgerView = base.ledger, config: AcceptanceConfig = base.config) {
  try {
    validateTxForLedger(tx, ledger, config);
  } catch (error) {
    assert.ok(error instanceof TxValidationError, `untyped failure: ${String(error)}`);
    return { code: error.code as string, reason: error.reason as string | undefined };
  }
  return { code: "Ok", reason: undefined };
}

function expectCode(
  tx: Tx,
  code: TxValidationCode,
  reason?: string,
  ledger?: LedgerView,
  config?: AcceptanceConfig,
): void {
  const got = codeOf(tx, ledger, config);
  assert.equal(got.code, code, `seed ${SEED}: expected ${code}, got ${got.code} (${got.reason})`);
  if (reason !== undefined) assert.equal(got.reason, reason);
  constructed.add(code);
}

const constructed = new Set<string>();

function withPrefix(tx: Tx, prefix: Partial<TxPrefix>): Tx {
  return { ...tx, prefix: { ...tx.prefix, ...prefix } };
}

function withInput(tx: Tx, i: number, input: Partial<TxIn>): Tx {
  const inputs = tx.prefix.inputs.slice();
  inputs[i] = { ...inputs[i]!, ...input };
  return withPrefix(tx, { inputs });
}

/** Sign `prefix` again with the spend's secrets (outputs replaced by `outputSecrets` if given). */
function resign(
  prefix: TxPrefix,
  blockVersion = 3,
  outputSecrets: readonly OutputSecret[] = base.outputSecrets,
  rings: readonly SignableInputRing[] = base.rings,
): Tx {
  const signature = signRctBulletproofs(
    blockVersion,
    prefix,
    rings,
    outputSecrets,
    new SeededRandom(`${SEED}-resign`),
  );
  return { ...base.tx, prefix, signature };
}

function withRules(rules: Partial<InputRules>): TxPrefix {
  const full: InputRules = {
    requiredOutputs: [],
    maxTombstoneBlock: 0n,
    partialFillOutputs: [],
    partialFillChange: undefined,
    minPartialFillValue: 0n,
    ...rules,
  };
  return withInput(base.tx, 0, { inputRules: full }).prefix;
}

const tx = base.tx;
/** The same transaction without a pinned fee map (the digest is not signed), for config changes. */
const unpinned: Tx = { ...tx, feeMapDigest: new Uint8Array(0) };

test(`the base transaction is valid (seed ${SEED})`, () => {
  assert.equal(codeOf(tx).code, "Ok");
});

test("Ledger: a block version above the maximum", () => {
  expectCode(tx, "Ledger", undefined, undefined, { ...base.config, blockVersion: 5 });
});

test("NoInputs / TooManyInputs", () => {
  expectCode(withPrefix(tx, { inputs: [] }), "NoInputs");
  const many = Array.from({ length: 17 }, () => tx.prefix.inputs[0]!);
  expectCode(withPrefix(tx, { inputs: many }), "TooManyInputs");
  // Kept on purpose (see fetchRootProofs): with more proofs than a valid transaction can have,
  // the host fetches none, so a proof beyond our ledger is not reported (MobileCoin's host would
  // answer LedgerTxOutIndexOutOfBounds first).
  const p = tx.prefix.inputs[0]!.proofs[0]!;
  const beyond = { ...p, highestIndex: baseLedger.numTxOuts + 5n };
  const first = {
    ...tx.prefix.inputs[0]!,
    proofs: [beyond, ...tx.prefix.inputs[0]!.proofs.slice(1)],
  };
  expectCode(withPrefix(tx, { inputs: [first, ...many.slice(1)] }), "TooManyInputs");
});

test("NoOutputs / TooManyOutputs", () => {
  expectCode(withPrefix(tx, { outputs: [] }), "NoOutputs");
  const many = Array.from({ length: 17 }, () => tx.prefix.outputs[0]!);
  expectCode(withPrefix(tx, { outputs: many }), "TooManyOutputs");
});

test("ExcessiveRingSize / InsufficientRingSize", () => {
  const input = tx.prefix.inputs[0]!;
  const extra = tx.prefix.inputs[1]!;
  expectCode(
    withInput(tx, 0, {
      ring: [...input.ring, extra.ring[0]!],
      proofs: [...input.proofs, extra.proofs[0]!],
    }),
    "ExcessiveRingSize",
  );
  expectCode(
    withInput(tx, 0, { ring: input.ring.slice(1), proofs: input.proofs.slice(1) }),
    "InsufficientRingSize",
  );
});

test("DuplicateRingElements: two inputs share their ring", () => {
  expectCode(withInput(tx, 1, tx.prefix.inputs[0]!), "DuplicateRingElements");
});

test("UnsortedRingElements: two ring members swapped", () => {
  const { ring, proofs } = tx.prefix.inputs[0]!;
  const swap = <T>(xs: readonly T[]): T[] => [xs[1]!, xs[0]!, ...xs.slice(2)];
  expectCode(withInput(tx, 0, { ring: swap(ring), proofs: swap(proofs) }), "UnsortedRingElements");
});

test("UnsortedInputs: inputs reversed", () => {
  expectCode(withPrefix(tx, { inputs: tx.prefix.inputs.slice().reverse() }), "UnsortedInputs");
});

test("MissingTxOutMembershipProof: a ring member without a proof", () => {
  const input = tx.prefix.inputs[0]!;
  expectCode(withInput(tx, 0, { proofs: input.proofs.slice(1) }), "MissingTxOutMembershipProof");
});

test("InvalidLedgerContext: the host supplies too few root proofs", () => {
  const rootProofs = tx.prefix.inputs.flatMap((i) =>
    i.proofs.map((p) => baseLedger.rootProof(p.highestIndex)),
  );
  assert.throws(
    () =>
      validateTx(tx, {
        currentBlockIndex: baseLedger.numBlocks - 1n,
        blockVersion: 3,
        rootProofs: rootProofs.slice(1),
        minimumFee: 400_000_000n,
      }),
    (e: unknown) => e instanceof TxValidationError && e.code === "InvalidLedgerContext",
  );
  constructed.add("InvalidLedgerContext");
});

test("signatureVerified skips rule 9 only: a broken signature passes, the other rules still fail", () => {
  // What the enclave's form_block passes for a transaction its own tx_is_well_formed verified.
  const rootProofs = tx.prefix.inputs.flatMap((i) =>
    i.proofs.map((p) => baseLedger.rootProof(p.highestIndex)),
  );
  const ctx = {
    currentBlockIndex: baseLedger.numBlocks - 1n,
    blockVersion: 3,
    rootProofs,
    minimumFee: 400_000_000n,
  };
  const proof = tx.signature.rangeProofs[0]!.slice();
  proof[200]! ^= 0x10;
  const broken = { ...tx, signature: { ...tx.signature, rangeProofs: [proof] } };
  const codeWith = (t: Tx, options: { signatureVerified?: boolean }, c = ctx) => {
    try {
      validateTx(t, c, options);
      return "Ok";
    } catch (error) {
      assert.ok(error instanceof TxValidationError);
      return error.code;
    }
  };
  assert.equal(codeWith(broken, {}), "InvalidTransactionSignature");
  assert.equal(codeWith(broken, { signatureVerified: true }), "Ok");
  const late = { ...ctx, currentBlockIndex: tx.prefix.tombstoneBlock };
  assert.equal(codeWith(tx, { signatureVerified: true }, late), "TombstoneBlockExceeded");
  const tooLow = { ...ctx, minimumFee: tx.prefix.fee + 1n };
  assert.equal(codeWith(tx, { signatureVerified: true }, tooLow), "TxFeeError");
  assert.equal(
    codeWith(tx, { signatureVerified: true }, { ...ctx, rootProofs: [] }),
    "InvalidLedgerContext",
  );
});

test("the host's root proofs must imply one root (enclave tx_is_well_formed)", () => {
  // The same ledger one TxOut longer: its proofs imply another root, yet each still rolls back
  // to the root the client's proof was made against, so only the one-root check can tell.
  const longer = new InMemoryLedgerView(baseLedger.numBlocks);
  for (const o of baseLedger.txOuts) longer.append(o);
  longer.append(base.ledgerTxOuts[0]!);
  const allLonger = ledgerWith({ rootProof: (i) => longer.rootProof(i) });
  assert.equal(codeOf(tx, allLonger).code, "Ok", "proofs from one later state are fine");
  let calls = 0;
  const mixed = ledgerWith({
    rootProof: (i) => (calls++ % 2 === 0 ? baseLedger.rootProof(i) : longer.rootProof(i)),
  });
  assert.throws(
    () => validateTxForLedger(tx, mixed, base.config),
    (e: unknown) => e instanceof LocalLedgerError && e.code === "INVALID_LOCAL_MEMBERSHIP_PROOF",
  );
});

function withProof(i: number, j: number, proof: TxOutMembershipProof): Tx {
  const proofs = tx.prefix.inputs[i]!.proofs.slice();
  proofs[j] = proof;
  return withInput(tx, i, { proofs });
}

test("MembershipProofValidationError: a proof whose first element is not its leaf", () => {
  const p = tx.prefix.inputs[0]!.proofs[3]!;
  const elements = p.elements.slice(1);
  expectCode(withProof(0, 3, { ...p, elements }), "MembershipProofValidationError");
});

test("InvalidTxOutMembershipProof: a sibling hash changed", () => {
  const p = tx.prefix.inputs[1]!.proofs[5]!;
  const elements = p.elements.slice();
  const hash = elements[1]!.hash.slice();
  hash[0]! ^= 1;
  elements[1] = { ...elements[1]!, hash };
  expectCode(withProof(1, 5, { ...p, elements }), "InvalidTxOutMembershipProof");
});

test("LedgerTxOutIndexOutOfBounds: a proof made against a longer ledger than ours", () => {
  const p = tx.prefix.inputs[0]!.proofs[0]!;
  expectCode(
    withProof(0, 0, { ...p, highestIndex: baseLedger.numTxOuts + 5n }),
    "LedgerTxOutIndexOutOfBounds",
  );
});

test("FeeMapDigestMismatch: the client pinned another fee map", () => {
  expectCode({ ...tx, feeMapDigest: new Uint8Array(32).fill(7) }, "FeeMapDigestMismatch");
});

test("TokenNotYetConfigured: the node has no minimum fee for the fee token", () => {
  expectCode(unpinned, "TokenNotYetConfigured", undefined, undefined, {
    ...base.config,
    feeMap: new Map([[5n, 1024n]]),
  });
});

test("TxFeeError: the node's minimum fee is above the fee paid", () => {
  expectCode(unpinned, "TxFeeError", undefined, undefined, {
    ...base.config,
    feeMap: new Map([[0n, 400_000_000n + 128n]]),
  });
});

test("InvalidTransactionSignature: one reason per check of SignatureRctBulletproofs::verify", () => {
  const sig = tx.signature;
  const withSig = (s: Partial<Tx["signature"]>): Tx => ({ ...tx, signature: { ...sig, ...s } });
  // A response changed.
  const ring0 = sig.ringSignatures[0]!;
  const responses = ring0.responses.slice();
  responses[4] = Scalars.add(responses[4]!, 1n);
  expectCode(
    withSig({ ringSignatures: [{ ...ring0, responses }, ...sig.ringSignatures.slice(1)] }),
    "InvalidTransactionSignature",
    "InvalidSignature",
  );
  // The key image is not a point.
  expectCode(
    withSig({
      ringSignatures: [
        { ...ring0, keyImage: new Uint8Array(32).fill(0xff) },
        ...sig.ringSignatures.slice(1),
      ],
    }),
    "InvalidTransactionSignature",
    "InvalidKeyImage",
  );
  expectCode(
    withSig({ ringSignatures: sig.ringSignatures.slice(1) }),
    "InvalidTransactionSignature",
    "LengthMismatch",
  );
  expectCode(
    withSig({ ringSignatures: [ring0, { ...sig.ringSignatures[1]!, keyImage: ring0.keyImage }] }),
    "InvalidTransactionSignature",
    "DuplicateKeyImage",
  );
  expectCode(
    withSig({ pseudoOutputTokenIds: [0n] }),
    "InvalidTransactionSignature",
    "MissingPseudoOutputTokenIds",
  );
  expectCode(
    withSig({ outputTokenIds: [] }),
    "InvalidTransactionSignature",
    "MissingOutputTokenIds",
  );
  expectCode(
    withSig({
      pseudoOutputCommitments: [new Uint8Array(32).fill(0xff), sig.pseudoOutputCommitments[1]!],
    }),
    "InvalidTransactionSignature",
    "InvalidCurvePoint",
  );
  expectCode(
    withSig({ rangeProofBytes: sig.rangeProofs[0]! }),
    "InvalidTransactionSignature",
    "UnexpectedRangeProof",
  );
  expectCode(withSig({ rangeProofs: [] }), "InvalidTransactionSignature", "MissingRangeProofs");
  const proof = sig.rangeProofs[0]!.slice();
  proof[200]! ^= 0x10;
  expectCode(withSig({ rangeProofs: [proof] }), "InvalidTransactionSignature", "RangeProof");
  expectCode(
    withSig({ rangeProofs: [sig.rangeProofs[0]!.subarray(0, 100)] }),
    "InvalidTransactionSignature",
    "RangeProofDeserialization",
  );
  // Every input carrying rules: nothing signs the whole transaction.
  const rules: InputRules = {
    requiredOutputs: [],
    maxTombstoneBlock: 0n,
    partialFillOutputs: [],
    partialFillChange: undefined,
    minPartialFillValue: 0n,
  };
  expectCode(
    withPrefix(tx, { inputs: tx.prefix.inputs.map((i) => ({ ...i, inputRules: rules })) }),
    "InvalidTransactionSignature",
    "AllRingsPresigned",
  );
});

test("InvalidTransactionSignature: reasons that depend on the block version", () => {
  const configWith = (blockVersion: number, tokens: readonly bigint[] = []): AcceptanceConfig => ({
    blockVersion,
    feeMap: new Map([[0n, 400_000_000n], ...tokens.map((t): [bigint, bigint] => [t, 1024n])]),
  });
  // A fee token other than MOB before block version 2.
  expectCode(
    withPrefix(unpinned, { feeTokenId: 5n }),
    "InvalidTransactionSignature",
    "TokenIdNotAllowed",
    undefined,
    configWith(1, [5n]),
  );
  // Token-id lists and per-token proofs before block version 3.
  expectCode(
    unpinned,
    "InvalidTransactionSignature",
    "PseudoOutputTokenIdsNotAllowed",
    undefined,
    configWith(2),
  );
  const noPseudoIds = { ...unpinned, signature: { ...tx.signature, pseudoOutputTokenIds: [] } };
  expectCode(
    noPseudoIds,
    "InvalidTransactionSignature",
    "OutputTokenIdsNotAllowed",
    undefined,
    configWith(2),
  );
  const noIds = { ...noPseudoIds, signature: { ...noPseudoIds.signature, outputTokenIds: [] } };
  expectCode(noIds, "InvalidTransactionSignature", "TooManyRangeProofs", undefined, configWith(2));
  // A fee token with no inputs or outputs: its range proof has nothing to cover.
  const feeIn5 = withPrefix(unpinned, { feeTokenId: 5n });
  const twoProofs = {
    ...feeIn5,
    signature: {
      ...feeIn5.signature,
      rangeProofs: [...tx.signature.rangeProofs, tx.signature.rangeProofs[0]!],
    },
  };
  expectCode(
    twoProofs,
    "InvalidTransactionSignature",
    "NoCommitmentsForTokenId",
    undefined,
    configWith(3, [5n]),
  );
});

test("InvalidTransactionSignature / ValueNotConserved: the prefix claims a larger fee", () => {
  expectCode(
    resign({ ...tx.prefix, fee: tx.prefix.fee + 1n }),
    "InvalidTransactionSignature",
    "ValueNotConserved",
  );
});

test("UnknownMaskedAmountVersion: an output without a masked amount", () => {
  const outputs = tx.prefix.outputs.slice();
  outputs[1] = { ...outputs[1]!, maskedAmount: undefined };
  expectCode(resign({ ...tx.prefix, outputs }), "UnknownMaskedAmountVersion");
});

test("DuplicateOutputPublicKey: two outputs with the same tx public key", () => {
  // Split the first output into two outputs to the same recipient with the same tx private key.
  const rng = new SeededRandom(`${SEED}-dup`);
  const recipient = subaddressKeys(base.recipient, 0n);
  const r = Scalars.random(rng);
  const first = base.outputSecrets[0]!;
  const parts = [first.value / 2n, first.value - first.value / 2n].map((value) =>
    createTxOut({
      blockVersion: 3,
      amount: { value, tokenId: first.tokenId },
      recipient,
      txPrivateKey: r,
      eFogHint: fakeFogHint(rng),
    }),
  );
  const outputs: TxOut[] = [parts[0]!.txOut, parts[1]!.txOut, tx.prefix.outputs[1]!];
  const secrets: OutputSecret[] = [
    { value: first.value / 2n, tokenId: first.tokenId, blinding: parts[0]!.blinding },
    { value: first.value - first.value / 2n, tokenId: first.tokenId, blinding: parts[1]!.blinding },
    base.outputSecrets[1]!,
  ];
  expectCode(resign({ ...tx.prefix, outputs }, 3, secrets), "DuplicateOutputPublicKey");
});

test("TombstoneBlockExceeded: the ledger has moved past the tombstone", () => {
  expectCode(tx, "TombstoneBlockExceeded", undefined, ledgerWith({ numBlocks: 500n }));
  // The host's own check uses the next block: a ledger at exactly the tombstone fails there.
  expectCode(
    tx,
    "TombstoneBlockExceeded",
    undefined,
    ledgerWith({ numBlocks: tx.prefix.tombstoneBlock }),
  );
});

test("TombstoneBlockTooFar: a tombstone more than 20160 blocks ahead", () => {
  expectCode(
    resign({ ...tx.prefix, tombstoneBlock: baseLedger.numBlocks + 20_200n }),
    "TombstoneBlockTooFar",
  );
});

test("validate_tombstone's bounds: current < tombstone ≤ current + 20160", () => {
  const current = 1_000n;
  const codeAt = (tombstone: bigint) => {
    try {
      validateTombstone(current, tombstone);
      return "Ok";
    } catch (error) {
      assert.ok(error instanceof TxValidationError);
      return error.code;
    }
  };
  assert.equal(codeAt(current), "TombstoneBlockExceeded");
  assert.equal(codeAt(current + 1n), "Ok");
  assert.equal(codeAt(current + 20_160n), "Ok");
  assert.equal(codeAt(current + 20_161n), "TombstoneBlockTooFar");
});

test("the tombstone limit of a submitted transaction: N + 20159 accepted, N + 20160 refused", () => {
  // The enclave validates against the latest block (N − 1 for a ledger of N blocks), so the last
  // tombstone a node accepts is N − 1 + 20160; the host's own check (against N) is looser.
  const n = baseLedger.numBlocks;
  assert.equal(codeOf(resign({ ...tx.prefix, tombstoneBlock: n + 20_159n })).code, "Ok");
  expectCode(resign({ ...tx.prefix, tombstoneBlock: n + 20_160n }), "TombstoneBlockTooFar");
});

test("a fee equal to the minimum fee is accepted", () => {
  const feeMap = new Map([[0n, tx.prefix.fee]]);
  assert.equal(codeOf(unpinned, undefined, { ...base.config, feeMap }).code, "Ok");
  const above = new Map([[0n, tx.prefix.fee + 128n]]);
  assert.equal(codeOf(unpinned, undefined, { ...base.config, feeMap: above }).code, "TxFeeError");
});

/**
 * The base transaction with one of input 0's mixins also in input 1's ring (in place of one of
 * input 1's mixins), input 0 carrying `rules`; re-signed, so that only ring uniqueness can fail.
 */
function sharingRingMember(rules: InputRules | undefined): Tx {
  const [in0, in1] = [tx.prefix.inputs[0]!, tx.prefix.inputs[1]!];
  const [ring0, ring1] = [base.rings[0]!, base.rings[1]!];
  const shared = ring0.realIndex === 1 ? 2 : 1;
  const dropped = ring1.realIndex === 10 ? 9 : 10;
  const members = in1.ring.map((o, j) => (j === dropped ? in0.ring[shared]! : o));
  const proofs = in1.proofs.map((p, j) => (j === dropped ? in0.proofs[shared]! : p));
  const order = members.map((_o, j) => j);
  order.sort((a, b) => compareBytes(members[a]!.publicKey, members[b]!.publicKey));
  const ring = order.map((j) => members[j]!);
  const signable: SignableInputRing = {
    ...ring1,
    members: ring.map((o) => ({ targetKey: o.targetKey, commitment: o.maskedAmount!.commitment })),
    realIndex: order.indexOf(ring1.realIndex),
  };
  const inputs = [
    { input: { ...in0, inputRules: rules }, signing: ring0 },
    {
      input: { ring, proofs: order.map((j) => proofs[j]!), inputRules: undefined },
      signing: signable,
    },
  ].sort((a, b) => compareBytes(a.input.ring[0]!.publicKey, b.input.ring[0]!.publicKey));
  return resign(
    { ...tx.prefix, inputs: inputs.map((i) => i.input) },
    3,
    base.outputSecrets,
    inputs.map((i) => i.signing),
  );
}

test("MCIP #57: a ring member shared with an input that has rules is not a duplicate", () => {
  const rules: InputRules = {
    requiredOutputs: [],
    maxTombstoneBlock: 0n,
    partialFillOutputs: [],
    partialFillChange: undefined,
    minPartialFillValue: 0n,
  };
  assert.equal(codeOf(sharingRingMember(rules)).code, "Ok");
  // Between two inputs without rules the same sharing is a duplicate.
  expectCode(sharingRingMember(undefined), "DuplicateRingElements");
});

test("MemosNotAllowed / MaskedTokenIdNotAllowed: outputs too new for the block version", () => {
  const config0 = { ...base.config, blockVersion: 0 };
  expectCode(resign(tx.prefix, 0), "MemosNotAllowed", undefined, undefined, config0);
  const config1 = { ...base.config, blockVersion: 1 };
  expectCode(resign(tx.prefix, 1), "MaskedTokenIdNotAllowed", undefined, undefined, config1);
});

test("MissingMemo / MissingMaskedTokenId: outputs too old for the block version", () => {
  const noMemo = tx.prefix.outputs.map((o) => ({ ...o, eMemo: undefined }));
  expectCode(resign({ ...tx.prefix, outputs: noMemo }), "MissingMemo");
  const noTokenId = tx.prefix.outputs.map((o) => ({
    ...o,
    maskedAmount: { ...o.maskedAmount!, maskedTokenId: new Uint8Array(0) },
  }));
  expectCode(resign({ ...tx.prefix, outputs: noTokenId }), "MissingMaskedTokenId");
});

test("UnsortedOutputs: outputs out of order from block version 3", () => {
  const outputs = tx.prefix.outputs.slice().reverse();
  expectCode(
    resign({ ...tx.prefix, outputs }, 3, base.outputSecrets.slice().reverse()),
    "UnsortedOutputs",
  );
});

test("InputRulesNotAllowed: input rules before block version 3", () => {
  const config2 = { ...base.config, blockVersion: 2 };
  const prefix = withRules({});
  const signed = resign(prefix, 2);
  expectCode(signed, "InputRulesNotAllowed", undefined, undefined, config2);
});

test("a transaction that satisfies an input's rules is valid (the input signs its own TxIn)", () => {
  const prefix = withRules({
    maxTombstoneBlock: tx.prefix.tombstoneBlock,
    requiredOutputs: [tx.prefix.outputs[1]!],
  });
  assert.equal(codeOf(resign(prefix)).code, "Ok");
});

test("InputRuleMaxTombstoneBlockExceeded / InputRuleMissingRequiredOutput", () => {
  expectCode(
    resign(withRules({ maxTombstoneBlock: tx.prefix.tombstoneBlock - 1n })),
    "InputRuleMaxTombstoneBlockExceeded",
  );
  expectCode(
    resign(withRules({ requiredOutputs: [base.ledgerTxOuts[0]!] })),
    "InputRuleMissingRequiredOutput",
  );
});

test("InputRulePartialFill / InputRuleInvalidAmountSharedSecret / InputRuleAmount / InputRuleTxOutConversion", () => {
  expectCode(
    resign(withRules({ minPartialFillValue: 5n })),
    "InputRulePartialFill",
    "MinPartialFillValueNotExpected",
  );
  const output = tx.prefix.outputs[0]!;
  expectCode(
    resign(
      withRules({ partialFillChange: { txOut: output, amountSharedSecret: new Uint8Array(5) } }),
    ),
    "InputRuleInvalidAmountSharedSecret",
  );
  expectCode(
    resign(
      withRules({
        partialFillChange: { txOut: output, amountSharedSecret: new Uint8Array(32).fill(9) },
      }),
    ),
    "InputRuleAmount",
  );
  expectCode(
    resign(
      withRules({
        partialFillChange: {
          txOut: { ...output, maskedAmount: undefined },
          amountSharedSecret: new Uint8Array(32),
        },
      }),
    ),
    "InputRuleTxOutConversion",
  );
});

test("InputRuleInvalidAmountSharedSecret before InputRuleTxOutConversion (try_reveal_amount order)", () => {
  // Upstream `try_reveal_amount` converts the secret to [u8; 32] before it reads the masked
  // amount, so a revealed output with both defects answers the secret's length.
  const output = tx.prefix.outputs[0]!;
  expectCode(
    resign(
      withRules({
        partialFillChange: {
          txOut: { ...output, maskedAmount: undefined },
          amountSharedSecret: new Uint8Array(5),
        },
      }),
    ),
    "InputRuleInvalidAmountSharedSecret",
  );
});

/**
 * Outputs of value 0 for partial-fill rules: a revealed TxOut (with its amount shared secret) and
 * a copy equal to it in everything but the amount (same tx private key and recipient), as a
 * counterparty would put in the transaction. Value-0 outputs keep the base transaction balanced.
 */
function revealedPair(label: string, ruleValue: bigint, txValue: bigint) {
  const rng = new SeededRandom(`${SEED}-${label}`);
  const params = {
    blockVersion: 3,
    recipient: subaddressKeys(base.sender, 0n),
    txPrivateKey: Scalars.random(rng),
    eFogHint: fakeFogHint(rng),
  };
  const inRules = createTxOut({ ...params, amount: { value: ruleValue, tokenId: 0n } });
  const inTx = createTxOut({ ...params, amount: { value: txValue, tokenId: 0n } });
  return {
    revealed: {
      txOut: inRules.txOut,
      amountSharedSecret: amountSharedSecret(inRules.sharedSecret),
    },
    output: inTx.txOut,
    secret: { value: txValue, tokenId: 0n, blinding: inTx.blinding },
  };
}

/** `prefix` with extra outputs, kept sorted, re-signed with their secrets. */
function resignWithOutputs(
  prefix: TxPrefix,
  extra: readonly { output: TxOut; secret: OutputSecret }[],
): Tx {
  const all = [
    ...tx.prefix.outputs.map((output, i) => ({ output, secret: base.outputSecrets[i]! })),
    ...extra,
  ].sort((a, b) => compareBytes(a.output.publicKey, b.output.publicKey));
  return resign(
    { ...prefix, outputs: all.map((o) => o.output) },
    3,
    all.map((o) => o.secret),
  );
}

test("InputRulePartialFill: a partial-fill change of value 0 (upstream ZeroPartialFillChange)", () => {
  const change = revealedPair("zero-change", 0n, 0n);
  const prefix = withRules({ partialFillChange: change.revealed });
  expectCode(resignWithOutputs(prefix, [change]), "InputRulePartialFill", "ZeroPartialFillChange");
});

test("InputRulePartialFill: a partial-fill output of value 0 (upstream U64Ratio::new(x, 0) fails)", () => {
  // Change 10 in the rules, 0 returned: fill fraction 10/10. The partial-fill output promises 0,
  // so the fraction of it delivered (0/0) has no value and upstream refuses.
  const change = revealedPair("change-10", 10n, 0n);
  const output = revealedPair("zero-output", 0n, 0n);
  const prefix = withRules({
    partialFillChange: change.revealed,
    partialFillOutputs: [output.revealed],
  });
  expectCode(
    resignWithOutputs(prefix, [change, output]),
    "InputRulePartialFill",
    "FractionalOutputAmountDoesNotRespectFillFraction",
  );
});

test("ContainsSpentKeyImage / ContainsExistingOutputPublicKey: the ledger already has them", () => {
  const keyImage = toHex(tx.signature.ringSignatures[1]!.keyImage);
  expectCode(
    tx,
    "ContainsSpentKeyImage",
    undefined,
    ledgerWith({ containsKeyImage: (k) => toHex(k) === keyImage }),
  );
  const publicKey = toHex(tx.prefix.outputs[0]!.publicKey);
  expectCode(
    tx,
    "ContainsExistingOutputPublicKey",
    undefined,
    ledgerWith({ containsTxOutPublicKey: (p) => toHex(p) === publicKey }),
  );
});

/**
 * Not produced by MobileCoin's validation at block versions 0–4, so not constructible here:
 * InputsProofsLengthMismatch, InsufficientInputSignatures, InvalidInputSignature, InvalidRangeProof,
 * UnequalRingSizes, UnsortedKeyImages, InvalidRistrettoPublicKey, KeyError (legacy variants kept
 * in the enum); DuplicateKeyImages (the signature check reports `DuplicateKeyImage` first).
 */
test("every other ProposeTxResult code was constructed above", () => {
  const unreachable = new Set([
    "Ok",
    "InputsProofsLengthMismatch",
    "InsufficientInputSignatures",
    "InvalidInputSignature",
    "InvalidRangeProof",
    "UnequalRingSizes",
    "UnsortedKeyImages",
    "InvalidRistrettoPublicKey",
    "KeyError",
    "DuplicateKeyImages",
  ]);
  const missing = Object.keys(PROPOSE_TX_RESULT).filter(
    (code) => !unreachable.has(code) && !constructed.has(code),
  );
  assert.deepEqual(missing, []);
});
