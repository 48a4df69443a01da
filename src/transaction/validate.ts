import { type PreparedRangeProof, verifyPrepared } from "../crypto/index.js";
import { bytesEqual, isCodedError, toHex } from "../util/index.js";
import { BlockVersionFeatures, MAX_BLOCK_VERSION } from "./block-version.js";
import { MAX_INPUTS, MAX_OUTPUTS, MAX_TOMBSTONE_BLOCKS, RING_SIZE } from "./constants.js";
import { LocalLedgerError, signatureError, TxValidationError } from "./errors.js";
import { type FeeMap, feeMapDigest } from "./fee-map.js";
import { checkInputRules } from "./input-rules.js";
import {
  computeImpliedMerkleRoot,
  deriveProofAtIndex,
  isMembershipProofValid,
  type TxOutMembershipElement,
  type TxOutMembershipProof,
} from "./merkle.js";
import { type VerifyOptions, verifyRctBulletproofs } from "./signature.js";
import { type Tx, txKeyImages, txOutputPublicKeys } from "./tx.js";
import type { TxOut } from "./tx-out.js";

/**
 * Transaction validation in MobileCoin's order (`mc_transaction_core::validation::validate`,
 * reference transactions.md §6.3), returning the first broken rule as a `TxValidationError` whose
 * code is the client's `ProposeTxResult`. Pure: the ledger-dependent parts take their data (root
 * proofs, a `LedgerView`) as arguments.
 */

/** Most root proofs fetched for one transaction: one per ring member of a maximal transaction. */
export const MAX_ROOT_PROOFS = MAX_INPUTS * RING_SIZE;

/** The context `validate` needs besides the transaction. */
export interface ValidationContext {
  /** Index of the block being built (or the latest block at submission). */
  readonly currentBlockIndex: bigint;
  readonly blockVersion: number;
  /** One "root proof" per ring member, in input/ring order, fetched by the host from its ledger. */
  readonly rootProofs: readonly TxOutMembershipProof[];
  /** Minimum fee for the transaction's fee token. */
  readonly minimumFee: bigint;
}

function fail(code: ConstructorParameters<typeof TxValidationError>[0], message: string): never {
  throw new TxValidationError(code, message);
}

/**
 * A string equal for two TxOuts exactly when Rust's derived `Eq` holds: every field, byte for
 * byte, with absent and present optional fields distinguished. Cheaper than a Digestible hash.
 */
function txOutKey(o: TxOut): string {
  const a = o.maskedAmount;
  const amount =
    a === undefined
      ? "-"
      : `${a.version}:${toHex(a.commitment)}:${a.maskedValue}:${toHex(a.maskedTokenId)}`;
  const memo = o.eMemo === undefined ? "-" : toHex(o.eMemo);
  return `${amount}|${toHex(o.targetKey)}|${toHex(o.publicKey)}|${toHex(o.eFogHint)}|${memo}`;
}

/** Structural equality of two TxOuts (Rust's derived `Eq`): all fields, byte for byte. */
export function txOutsEqual(a: TxOut, b: TxOut): boolean {
  return txOutKey(a) === txOutKey(b);
}

function checkUniqueKeys(keys: readonly string[], code: "DuplicateRingElements"): void {
  if (new Set(keys).size !== keys.length) fail(code, "ring elements repeat");
}

function strictlyAscending(keys: readonly Uint8Array[]): boolean {
  for (let i = 1; i < keys.length; i++) {
    const a = keys[i - 1]!;
    const b = keys[i]!;
    let cmp = 0;
    for (let k = 0; k < 32 && cmp === 0; k++) cmp = a[k]! - b[k]!;
    if (!(cmp < 0)) return false;
  }
  return true;
}

/** How `validateTx` checks the signature. */
export interface ValidateOptions extends VerifyOptions {
  /**
   * The signature and range proofs of these very bytes were verified at this block version
   * already, by the same trusted code (the enclave's form_block after its own tx_is_well_formed):
   * rule 9 is skipped, every other rule runs. Its outcome depends on nothing but the transaction
   * and the block version.
   */
  readonly signatureVerified?: boolean;
}

/** `validate`: every rule in order; throws the first failure. */
export function validateTx(tx: Tx, ctx: ValidationContext, options: ValidateOptions = {}): void {
  const { prefix } = tx;
  const v = ctx.blockVersion;
  // 1. Block version.
  if (!Number.isInteger(v) || v < 0 || v > MAX_BLOCK_VERSION) {
    fail("Ledger", `Invalid block version: ${v}`);
  }
  // 2–3. Counts.
  if (prefix.inputs.length === 0) fail("NoInputs", "no inputs");
  if (prefix.inputs.length > MAX_INPUTS) fail("TooManyInputs", `more than ${MAX_INPUTS} inputs`);
  if (prefix.outputs.length === 0) fail("NoOutputs", "no outputs");
  if (prefix.outputs.length > MAX_OUTPUTS)
    fail("TooManyOutputs", `more than ${MAX_OUTPUTS} outputs`);
  // 4. Ring sizes.
  for (const input of prefix.inputs) {
    if (input.ring.length > RING_SIZE) fail("ExcessiveRingSize", "ring larger than 11");
    if (input.ring.length < RING_SIZE) fail("InsufficientRingSize", "ring smaller than 11");
  }
  // 5. Unique ring elements: across all normal rings, and within each ring with input rules.
  const hashes = prefix.inputs.map((input) => input.ring.map(txOutKey));
  checkUniqueKeys(
    prefix.inputs.flatMap((input, i) => (input.inputRules === undefined ? hashes[i]! : [])),
    "DuplicateRingElements",
  );
  prefix.inputs.forEach((input, i) => {
    if (input.inputRules !== undefined) checkUniqueKeys(hashes[i]!, "DuplicateRingElements");
  });
  // 6. Sorted rings.
  for (const input of prefix.inputs) {
    if (!strictlyAscending(input.ring.map((o) => o.publicKey))) {
      fail("UnsortedRingElements", "ring members are not sorted by public key");
    }
  }
  // 7. Sorted inputs.
  if (!strictlyAscending(prefix.inputs.map((input) => input.ring[0]!.publicKey))) {
    fail("UnsortedInputs", "inputs are not sorted by their first ring member");
  }
  // 8. Membership proofs.
  validateMembershipProofs(tx, ctx.rootProofs);
  // 9. Signature.
  if (options.signatureVerified !== true) verifyRctBulletproofs(v, prefix, tx.signature, options);
  // 10. Fee.
  if (prefix.fee < ctx.minimumFee) fail("TxFeeError", "fee below the minimum");
  // 11. Key images unique.
  const keyImages = txKeyImages(tx).map(toHex);
  if (new Set(keyImages).size !== keyImages.length) fail("DuplicateKeyImages", "key images repeat");
  // 12. Output public keys unique.
  const outputKeys = txOutputPublicKeys(tx).map(toHex);
  if (new Set(outputKeys).size !== outputKeys.length) {
    fail("DuplicateOutputPublicKey", "output public keys repeat");
  }
  // 13. Tombstone.
  validateTombstone(ctx.currentBlockIndex, prefix.tombstoneBlock);
  // 14. Per-output rules.
  for (const o of prefix.outputs) {
    if (BlockVersionFeatures.eMemoRequired(v)) {
      if (o.eMemo === undefined) fail("MissingMemo", "an output has no memo");
    } else if (o.eMemo !== undefined) {
      fail("MemosNotAllowed", "memos before block version 1");
    }
    const maskedTokenId = o.maskedAmount?.maskedTokenId ?? new Uint8Array(0);
    if (BlockVersionFeatures.maskedTokenIdRequired(v)) {
      if (maskedTokenId.length !== 8)
        fail("MissingMaskedTokenId", "an output has no masked token id");
    } else if (maskedTokenId.length !== 0) {
      fail("MaskedTokenIdNotAllowed", "masked token ids before block version 2");
    }
  }
  // 15. Sorted outputs.
  if (BlockVersionFeatures.outputsMustBeSorted(v)) {
    if (!strictlyAscending(prefix.outputs.map((o) => o.publicKey))) {
      fail("UnsortedOutputs", "outputs are not sorted by public key");
    }
  }
  // 16. Input rules.
  if (BlockVersionFeatures.signedInputRules(v)) {
    for (const input of prefix.inputs) {
      if (input.inputRules !== undefined) checkInputRules(input.inputRules, tx);
    }
  } else if (prefix.inputs.some((input) => input.inputRules !== undefined)) {
    fail("InputRulesNotAllowed", "input rules before block version 3");
  }
}

/** `validate_tombstone`: `current < tombstone ≤ current + MAX_TOMBSTONE_BLOCKS`. */
export function validateTombstone(currentBlockIndex: bigint, tombstoneBlock: bigint): void {
  if (currentBlockIndex >= tombstoneBlock) {
    fail("TombstoneBlockExceeded", "the tombstone block has passed");
  }
  if (tombstoneBlock > currentBlockIndex + MAX_TOMBSTONE_BLOCKS) {
    fail("TombstoneBlockTooFar", "the tombstone block is too far in the future");
  }
}

/** `validate_membership_proofs`: each ring member's proof against the root its root proof implies. */
export function validateMembershipProofs(
  tx: Tx,
  rootProofs: readonly TxOutMembershipProof[],
): void {
  const pairs: { txOut: TxOut; proof: TxOutMembershipProof }[] = [];
  for (const input of tx.prefix.inputs) {
    if (input.ring.length !== input.proofs.length) {
      fail("MissingTxOutMembershipProof", "one membership proof per ring member is required");
    }
    input.ring.forEach((txOut, i) => {
      pairs.push({ txOut, proof: input.proofs[i]! });
    });
  }
  if (pairs.length !== rootProofs.length) {
    fail("InvalidLedgerContext", "one root proof per ring member is required");
  }
  for (const root of rootProofs) {
    if (root.elements.some((e) => e.range.from > e.range.to)) {
      fail("MembershipProofValidationError", "a root proof has a malformed range");
    }
  }
  pairs.forEach(({ txOut, proof }, i) => {
    let rootHash: Uint8Array;
    try {
      rootHash = computeImpliedMerkleRoot(deriveProofAtIndex(rootProofs[i]!)).hash;
    } catch (error) {
      if (!isCodedError(error)) throw error;
      fail("InvalidLedgerContext", "a root proof cannot be rolled back");
    }
    let valid: boolean;
    try {
      valid = isMembershipProofValid(txOut, proof, rootHash);
    } catch (error) {
      if (!isCodedError(error)) throw error;
      fail("MembershipProofValidationError", "a membership proof is malformed");
    }
    if (!valid) fail("InvalidTxOutMembershipProof", "a membership proof does not reach the root");
  });
}

/**
 * The ledger as the host sees it, for the checks MobileCoin runs outside `validate`: root proofs,
 * spent key images, existing output keys, the current height.
 */
export interface LedgerView {
  /** Number of blocks in the ledger. */
  readonly numBlocks: bigint;
  /** Number of TxOuts in the ledger. */
  readonly numTxOuts: bigint;
  /** The membership proof of the TxOut at `index` against the current ledger (a "root proof"). */
  rootProof(index: bigint): TxOutMembershipProof;
  containsKeyImage(keyImage: Uint8Array): boolean;
  containsTxOutPublicKey(publicKey: Uint8Array): boolean;
}

/** The node's transaction-acceptance configuration. */
export interface AcceptanceConfig {
  readonly blockVersion: number;
  /** Minimum fee per configured token; a token absent here is not yet configured. */
  readonly feeMap: FeeMap;
}

// A node keeps one fee map for a long time; its digest is a Merlin pass worth not repeating.
// Keyed by content (not identity) so that a map changed in place is never served a stale digest.
const FEE_MAP_DIGEST_CACHE_LIMIT = 64;
const feeMapDigests = new Map<string, Uint8Array>();

function cachedFeeMapDigest(map: FeeMap): Uint8Array {
  const key = [...map.entries()]
    .map(([token, fee]) => `${token}:${fee}`)
    .sort()
    .join(",");
  let digest = feeMapDigests.get(key);
  if (digest === undefined) {
    digest = feeMapDigest(map);
    if (feeMapDigests.size >= FEE_MAP_DIGEST_CACHE_LIMIT) feeMapDigests.clear();
    feeMapDigests.set(key, digest);
  }
  return digest;
}

/**
 * The enclave's first check in `tx_is_well_formed` (and, over a whole block, in `form_block`):
 * every root proof the host supplied implies the same Merkle root element, i.e. all were taken
 * from one state of the ledger. A root proof that implies no root is `InvalidLedgerContext`; two
 * different roots are a `LocalLedgerError` (the host's fault, not the client's). Returns the one
 * root, or undefined for an empty list: upstream refuses that too, but the only transactions
 * without root proofs are ones `validate` refuses anyway (no inputs, empty rings, or more proofs
 * than `MAX_ROOT_PROOFS`), so we let it name the client's defect instead.
 */
export function checkRootProofsAgree(
  rootProofs: readonly TxOutMembershipProof[],
): TxOutMembershipElement | undefined {
  let root: TxOutMembershipElement | undefined;
  for (const proof of rootProofs) {
    let implied: TxOutMembershipElement;
    try {
      implied = computeImpliedMerkleRoot(proof);
    } catch (error) {
      if (!isCodedError(error)) throw error;
      fail("InvalidLedgerContext", "a root proof implies no root");
    }
    if (root === undefined) {
      root = implied;
    } else if (
      root.range.from !== implied.range.from ||
      root.range.to !== implied.range.to ||
      !bytesEqual(root.hash, implied.hash)
    ) {
      throw new LocalLedgerError(
        "INVALID_LOCAL_MEMBERSHIP_PROOF",
        "the host's root proofs imply different Merkle roots",
        {
          ranges: [
            `${root.range.from}-${root.range.to}`,
            `${implied.range.from}-${implied.range.to}`,
          ],
        },
      );
    }
  }
  return root;
}

/**
 * The host's part of well-formedness: one fresh root proof per membership proof, fetched from the
 * ledger by the proof's highest index.
 */
export function fetchRootProofs(tx: Tx, ledger: LedgerView): TxOutMembershipProof[] {
  // A transaction with more proofs than a valid one can have fails `validate` before the root
  // proofs are used, so none are fetched for it (fetching is ledger work an attacker could
  // otherwise multiply). On purpose this changes one answer: 17 inputs of 11 ring members with a
  // proof beyond our ledger get `TooManyInputs` (from `validate`), where MobileCoin's host
  // fetches first and answers `LedgerTxOutIndexOutOfBounds`. Both refuse the transaction.
  const proofCount = tx.prefix.inputs.reduce((n, input) => n + input.proofs.length, 0);
  if (proofCount > MAX_ROOT_PROOFS) return [];
  const rootProofs: TxOutMembershipProof[] = [];
  for (const input of tx.prefix.inputs) {
    for (const proof of input.proofs) {
      if (proof.highestIndex >= ledger.numTxOuts) {
        fail("LedgerTxOutIndexOutOfBounds", "a proof refers to TxOuts beyond the ledger");
      }
      rootProofs.push(ledger.rootProof(proof.highestIndex));
    }
  }
  return rootProofs;
}

/**
 * The enclave's `tx_is_well_formed` on a decoded transaction: the host's root proofs agree on one
 * root, the fee token and every output token are configured, then `validate` at the latest block.
 */
export function txIsWellFormed(
  tx: Tx,
  rootProofs: readonly TxOutMembershipProof[],
  latestBlockIndex: bigint,
  config: AcceptanceConfig,
  options: VerifyOptions = {},
): void {
  checkRootProofsAgree(rootProofs);
  const minimumFee = config.feeMap.get(tx.prefix.feeTokenId);
  if (minimumFee === undefined) fail("TokenNotYetConfigured", "the fee token is not configured");
  for (const token of tx.signature.outputTokenIds) {
    if (!config.feeMap.has(token))
      fail("TokenNotYetConfigured", "an output token is not configured");
  }
  validateTx(
    tx,
    {
      currentBlockIndex: latestBlockIndex,
      blockVersion: config.blockVersion,
      rootProofs,
      minimumFee,
    },
    options,
  );
}

/**
 * Everything a node checks before it accepts a client's transaction (reference
 * mobilecoin-service.md §6.2 steps 3–5): the fee-map digest, root proofs from the ledger for every
 * proof's highest index, the enclave's well-formedness (one root, configured tokens, `validate` at
 * the latest block), then the ledger checks (tombstone against the next block, spent key images,
 * existing output public keys). Throws `TxValidationError`, or `LocalLedgerError` when the
 * ledger view contradicts itself.
 */
export function validateTxForLedger(
  tx: Tx,
  ledger: LedgerView,
  config: AcceptanceConfig,
  options: VerifyOptions = {},
): void {
  // Enclave step 1: the client's fee-map digest, if pinned, must be ours.
  if (
    tx.feeMapDigest.length !== 0 &&
    !bytesEqual(tx.feeMapDigest, cachedFeeMapDigest(config.feeMap))
  ) {
    fail("FeeMapDigestMismatch", "the transaction was built for another fee map");
  }
  txIsWellFormed(tx, fetchRootProofs(tx, ledger), ledger.numBlocks - 1n, config, options);
  // Host validity for the block being built.
  validateTombstone(ledger.numBlocks, tx.prefix.tombstoneBlock);
  for (const keyImage of txKeyImages(tx)) {
    if (ledger.containsKeyImage(keyImage)) fail("ContainsSpentKeyImage", "a key image is spent");
  }
  for (const publicKey of txOutputPublicKeys(tx)) {
    if (ledger.containsTxOutPublicKey(publicKey)) {
      fail("ContainsExistingOutputPublicKey", "an output public key is already in the ledger");
    }
  }
}

/**
 * `validateTxForLedger` for many transactions at once, with every range proof of every
 * transaction checked in ONE multi-scalar multiplication (the generators' terms merge, so each
 * extra proof adds only its own ~20 points). Returns, per transaction, undefined when it is
 * valid or the error that rejects it. If the joint check fails, the transactions that reached it
 * are re-checked one by one so that exactly the bad ones are rejected (with `RangeProof`).
 * Error order differs from one-by-one validation only in that a bad range proof is reported
 * after the rules that follow it. A `LocalLedgerError` (a ledger view that contradicts itself)
 * is thrown, not returned: it is no transaction's fault.
 */
export function validateTxsForLedger(
  txs: readonly Tx[],
  ledger: LedgerView,
  config: AcceptanceConfig,
): (TxValidationError | undefined)[] {
  const results: (TxValidationError | undefined)[] = [];
  const deferred: { index: number; proofs: PreparedRangeProof[] }[] = [];
  txs.forEach((tx, index) => {
    const proofs: PreparedRangeProof[] = [];
    try {
      validateTxForLedger(tx, ledger, config, { rangeProofSink: proofs });
      results.push(undefined);
      deferred.push({ index, proofs });
    } catch (error) {
      if (!(error instanceof TxValidationError)) throw error;
      results.push(error);
    }
  });
  try {
    verifyPrepared(deferred.flatMap((d) => d.proofs));
  } catch (error) {
    if (!isCodedError(error)) throw error;
    for (const { index, proofs } of deferred) {
      try {
        verifyPrepared(proofs);
      } catch (inner) {
        if (!isCodedError(inner)) throw inner;
        results[index] = signatureError("RangeProof", "a range proof does not verify");
      }
    }
  }
  return results;
}
