import {
  appendNode,
  D,
  type DigestNode,
  extractDigest32,
  MerlinTranscript,
} from "../crypto/index.js";
import { bytesEqual, concatBytes, toHex } from "../util/index.js";
import { BlockVersionFeatures } from "./block-version.js";
import { TxValidationError } from "./errors.js";
import { inputRulesDigest, type TxPrefix, txPrefixHash } from "./tx.js";
import { maskedAmountDigestNode } from "./tx-out.js";

/**
 * What the MLSAGs sign, per block version (reference transactions.md §4.3, §5.5):
 * - 0–1: the extended message `prefix_hash ‖ pseudo outputs ‖ range_proof_bytes`;
 * - 2: its Merlin digest (`mc_extended_message`);
 * - 3+: a digest of that digest and the `TxSummary` (`mc_extended_message_and_tx_summary`).
 */

/**
 * `TxSummary::new(prefix, pseudo_output_commitments)` as a Digestible aggregate. An output is
 * "associated to input rules" when some input's rules name an output with the same public key
 * and target key.
 */
export function txSummaryDigestNode(
  prefix: TxPrefix,
  pseudoOutputCommitments: readonly Uint8Array[],
): DigestNode {
  if (prefix.inputs.length !== pseudoOutputCommitments.length) {
    throw new TxValidationError(
      "InvalidTransactionSignature",
      "LengthMismatch: one pseudo output per input",
      { reason: "LengthMismatch" },
    );
  }
  const associated = new Map<string, Uint8Array>();
  const inputs = prefix.inputs.map((input, i) => {
    const fields = [D.field("pseudo_output_commitment", D.ristretto(pseudoOutputCommitments[i]!))];
    const rules = input.inputRules;
    if (rules !== undefined) {
      fields.push(D.field("input_rules_digest", D.bytes(inputRulesDigest(rules))));
      const named = [
        ...rules.requiredOutputs,
        ...rules.partialFillOutputs.map((r) => r.txOut),
        ...(rules.partialFillChange === undefined ? [] : [rules.partialFillChange.txOut]),
      ];
      for (const o of named) associated.set(toHex(o.publicKey), o.targetKey);
    }
    return D.agg("TxInSummary", fields);
  });
  const outputs = prefix.outputs.map((o) => {
    const target = associated.get(toHex(o.publicKey));
    const isAssociated = target !== undefined && bytesEqual(target, o.targetKey);
    return D.agg("TxOutSummary", [
      D.field(
        "masked_amount",
        o.maskedAmount === undefined ? undefined : maskedAmountDigestNode(o.maskedAmount),
      ),
      D.field("target_key", D.ristretto(o.targetKey)),
      D.field("public_key", D.ristretto(o.publicKey)),
      D.field("associated_to_input_rules", D.bool(isAssociated)),
    ]);
  });
  return D.agg("TxSummary", [
    D.field("outputs", D.seq(outputs)),
    D.field("inputs", D.seq(inputs)),
    D.field("fee", D.u64(prefix.fee)),
    D.field("fee_token_id", D.u64(prefix.feeTokenId)),
    D.field("tombstone_block", D.u64(prefix.tombstoneBlock)),
  ]);
}

/** The block-version-2 extended message digest. */
export function extendedMessageDigest(
  prefixHash: Uint8Array,
  pseudoOutputCommitments: readonly Uint8Array[],
  rangeProofBytes: Uint8Array,
  rangeProofs: readonly Uint8Array[],
): Uint8Array {
  const t = new MerlinTranscript("mc_extended_message");
  appendNode(t, "message", D.bytes(prefixHash));
  appendNode(t, "pseudo_output_commitments", D.seq(pseudoOutputCommitments.map(D.ristretto)));
  if (rangeProofBytes.length > 0) appendNode(t, "range_proof_bytes", D.bytes(rangeProofBytes));
  if (rangeProofs.length > 0) appendNode(t, "range_proofs", D.seq(rangeProofs.map(D.bytes)));
  return extractDigest32(t);
}

/** `compute_mlsag_signing_digest`: the bytes every normal input's MLSAG signs. */
export function mlsagSigningDigest(
  blockVersion: number,
  prefix: TxPrefix,
  pseudoOutputCommitments: readonly Uint8Array[],
  rangeProofBytes: Uint8Array,
  rangeProofs: readonly Uint8Array[],
): Uint8Array {
  const prefixHash = txPrefixHash(prefix);
  if (!BlockVersionFeatures.mlsagsSignExtendedMessageDigest(blockVersion)) {
    return concatBytes(prefixHash, ...pseudoOutputCommitments, rangeProofBytes);
  }
  const extended = extendedMessageDigest(
    prefixHash,
    pseudoOutputCommitments,
    rangeProofBytes,
    rangeProofs,
  );
  if (!BlockVersionFeatures.mlsagsSignExtendedMessageAndTxSummaryDigest(blockVersion)) {
    return extended;
  }
  const t = new MerlinTranscript("mc_extended_message_and_tx_summary");
  appendNode(t, "extended_message", D.bytes(extended));
  appendNode(t, "tx_summary", txSummaryDigestNode(prefix, pseudoOutputCommitments));
  return extractDigest32(t);
}
