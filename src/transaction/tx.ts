import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  D,
  type DigestNode,
  digest32,
  type RingMLSAG,
  type Scalar,
  Scalars,
} from "../crypto/index.js";
import {
  type CompressedRistretto,
  CompressedRistrettoSchema,
  CurveScalarSchema,
  type InputRules as InputRulesProto,
  InputRulesSchema,
  KeyImageSchema,
  type RevealedTxOut as RevealedTxOutProto,
  RevealedTxOutSchema,
  type RingMLSAG as RingMLSAGProto,
  RingMLSAGSchema,
  type SignatureRctBulletproofs as SignatureProto,
  SignatureRctBulletproofsSchema,
  type TxIn as TxInProto,
  TxInSchema,
  type TxPrefix as TxPrefixProto,
  TxPrefixSchema,
  type Tx as TxProto,
  TxSchema,
} from "../proto/external_pb.js";
import { compareBytes } from "../util/index.js";
import { TransactionError } from "./errors.js";
import {
  membershipProofDigestNode,
  membershipProofFromProto,
  membershipProofToProto,
  type TxOutMembershipProof,
} from "./merkle.js";
import { checkStrictWire } from "./strict-wire.js";
import { type TxOut, txOutDigestNode, txOutFromProto, txOutToProto } from "./tx-out.js";

/**
 * The transaction types (MobileCoin `Tx`, `TxPrefix`, `TxIn`, `InputRules`,
 * `SignatureRctBulletproofs`), their protobuf conversion and their Digestible shapes.
 * Decoding never trusts its input: every failure is a `TransactionError`.
 */

/** Largest encoded `Tx` we decode (a 16-input, 16-output tx with long proofs is ~300 KiB). */
export const MAX_TX_ENCODED_BYTES = 4 * 1024 * 1024;

/** `RevealedTxOut`: an output plus its amount shared secret (partial fills, MCIP #42). */
export interface RevealedTxOut {
  readonly txOut: TxOut;
  readonly amountSharedSecret: Uint8Array;
}

/** `InputRules` of a signed contingent input (MCIP #31). */
export interface InputRules {
  readonly requiredOutputs: readonly TxOut[];
  readonly maxTombstoneBlock: bigint;
  readonly partialFillOutputs: readonly RevealedTxOut[];
  readonly partialFillChange: RevealedTxOut | undefined;
  readonly minPartialFillValue: bigint;
}

/** `TxIn`: a ring of 11 outputs with one membership proof each. */
export interface TxIn {
  readonly ring: readonly TxOut[];
  readonly proofs: readonly TxOutMembershipProof[];
  readonly inputRules: InputRules | undefined;
}

/** `TxPrefix`: everything the signature signs. */
export interface TxPrefix {
  readonly inputs: readonly TxIn[];
  readonly outputs: readonly TxOut[];
  readonly fee: bigint;
  readonly tombstoneBlock: bigint;
  readonly feeTokenId: bigint;
}

/** `SignatureRctBulletproofs`. */
export interface SignatureRctBulletproofs {
  readonly ringSignatures: readonly RingMLSAG[];
  readonly pseudoOutputCommitments: readonly Uint8Array[];
  /** One aggregated proof before block version 3; empty from then on. */
  readonly rangeProofBytes: Uint8Array;
  /** One proof per token (ascending token id) from block version 3; empty before. */
  readonly rangeProofs: readonly Uint8Array[];
  readonly pseudoOutputTokenIds: readonly bigint[];
  readonly outputTokenIds: readonly bigint[];
}

/** `Tx`. */
export interface Tx {
  readonly prefix: TxPrefix;
  readonly signature: SignatureRctBulletproofs;
  /** Empty, or the digest of the fee map the client built against. */
  readonly feeMapDigest: Uint8Array;
}

// --- Digestible shapes (reference transactions.md §5.3) ---

function revealedTxOutNode(r: RevealedTxOut): DigestNode {
  return D.agg("RevealedTxOut", [
    D.field("tx_out", txOutDigestNode(r.txOut)),
    D.field("amount_shared_secret", D.bytes(r.amountSharedSecret)),
  ]);
}

/** Aggregate `InputRules`. */
export function inputRulesDigestNode(rules: InputRules): DigestNode {
  return D.agg("InputRules", [
    D.field("required_outputs", D.seq(rules.requiredOutputs.map(txOutDigestNode))),
    D.field("max_tombstone_block", D.u64(rules.maxTombstoneBlock)),
    D.field("partial_fill_outputs", D.seq(rules.partialFillOutputs.map(revealedTxOutNode))),
    D.field(
      "partial_fill_change",
      rules.partialFillChange === undefined
        ? undefined
        : revealedTxOutNode(rules.partialFillChange),
    ),
    D.field("min_partial_fill_value", D.u64(rules.minPartialFillValue)),
  ]);
}

/** `InputRules::canonical_digest` (context `mc-input-rules`), part of `TxInSummary`. */
export function inputRulesDigest(rules: InputRules): Uint8Array {
  return digest32("mc-input-rules", inputRulesDigestNode(rules));
}

/** Aggregate `TxIn`. */
export function txInDigestNode(input: TxIn): DigestNode {
  return D.agg("TxIn", [
    D.field("ring", D.seq(input.ring.map(txOutDigestNode))),
    D.field("proofs", D.seq(input.proofs.map(membershipProofDigestNode))),
    D.field(
      "input_rules",
      input.inputRules === undefined ? undefined : inputRulesDigestNode(input.inputRules),
    ),
  ]);
}

/**
 * `TxIn::signed_digest`: what a signed contingent input's MLSAG signs, the TxIn's digest with its
 * membership proofs cleared (context `mc-input-rules-digest`). Undefined without input rules.
 */
export function txInSignedDigest(input: TxIn): Uint8Array | undefined {
  if (input.inputRules === undefined) return undefined;
  return digest32("mc-input-rules-digest", txInDigestNode({ ...input, proofs: [] }));
}

/** Aggregate `TxPrefix` (`fee_token_id` omitted when 0). */
export function txPrefixDigestNode(prefix: TxPrefix): DigestNode {
  return D.agg("TxPrefix", [
    D.field("inputs", D.seq(prefix.inputs.map(txInDigestNode))),
    D.field("outputs", D.seq(prefix.outputs.map(txOutDigestNode))),
    D.field("fee", D.u64(prefix.fee)),
    D.field("tombstone_block", D.u64(prefix.tombstoneBlock)),
    D.field("fee_token_id", prefix.feeTokenId === 0n ? undefined : D.u64(prefix.feeTokenId)),
  ]);
}

/** `TxPrefix::hash` (context `mobilecoin-tx-prefix`): the "message" of the signature. */
export function txPrefixHash(prefix: TxPrefix): Uint8Array {
  return digest32("mobilecoin-tx-prefix", txPrefixDigestNode(prefix));
}

function ringMlsagNode(sig: RingMLSAG): DigestNode {
  return D.agg("RingMLSAG", [
    D.field("c_zero", D.scalar(Scalars.toBytes(sig.cZero))),
    D.field("responses", D.seq(sig.responses.map((r) => D.scalar(Scalars.toBytes(r))))),
    D.field("key_image", D.ristretto(sig.keyImage)),
  ]);
}

/** Aggregate `SignatureRctBulletproofs` (`range_proof_bytes` is never omitted). */
export function signatureDigestNode(sig: SignatureRctBulletproofs): DigestNode {
  return D.agg("SignatureRctBulletproofs", [
    D.field("ring_signatures", D.seq(sig.ringSignatures.map(ringMlsagNode))),
    D.field("pseudo_output_commitments", D.seq(sig.pseudoOutputCommitments.map(D.ristretto))),
    D.field("range_proof_bytes", D.bytes(sig.rangeProofBytes), true),
    D.field("range_proofs", D.seq(sig.rangeProofs.map(D.bytes))),
    D.field("pseudo_output_token_ids", D.seq(sig.pseudoOutputTokenIds.map(D.u64))),
    D.field("output_token_ids", D.seq(sig.outputTokenIds.map(D.u64))),
  ]);
}

/** Aggregate `Tx`. */
export function txDigestNode(tx: Tx): DigestNode {
  return D.agg("Tx", [
    D.field("prefix", txPrefixDigestNode(tx.prefix)),
    D.field("signature", signatureDigestNode(tx.signature)),
    D.field("fee_map_digest", D.bytes(tx.feeMapDigest)),
  ]);
}

/** `Tx::tx_hash` (context `mobilecoin-tx`). */
export function txHash(tx: Tx): Uint8Array {
  return digest32("mobilecoin-tx", txDigestNode(tx));
}

/** Key images of a transaction, one per input, in input order. */
export function txKeyImages(tx: Tx): Uint8Array[] {
  return tx.signature.ringSignatures.map((s) => s.keyImage);
}

/** Output public keys, in output order. */
export function txOutputPublicKeys(tx: Tx): Uint8Array[] {
  return tx.prefix.outputs.map((o) => o.publicKey);
}

/** Lexicographic order of two 32-byte keys (the builder's and validator's sort order). */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  return compareBytes(a, b);
}

// --- protobuf conversion ---

function bad(message: string, payload: Readonly<Record<string, unknown>> = {}): TransactionError {
  return new TransactionError("INVALID_FIELD", message, payload);
}

function bytes32(value: { data: Uint8Array } | undefined, what: string): Uint8Array {
  if (value === undefined) throw bad(`${what} is missing`);
  if (value.data.length !== 32)
    throw bad(`${what} must be 32 bytes`, { length: value.data.length });
  return value.data;
}

function compressed(data: Uint8Array): CompressedRistretto {
  return create(CompressedRistrettoSchema, { data });
}

function curveScalar(value: { data: Uint8Array } | undefined, what: string): Scalar {
  // `CurveScalar` parsing reduces mod ℓ (non-canonical encodings are accepted, as MobileCoin does).
  return Scalars.fromBytesModOrder(bytes32(value, what));
}

function revealedFromProto(p: RevealedTxOutProto): RevealedTxOut {
  if (p.txOut === undefined) throw bad("RevealedTxOut.tx_out is missing");
  return { txOut: txOutFromProto(p.txOut), amountSharedSecret: p.amountSharedSecret };
}

function inputRulesFromProto(p: InputRulesProto): InputRules {
  return {
    requiredOutputs: p.requiredOutputs.map(txOutFromProto),
    maxTombstoneBlock: p.maxTombstoneBlock,
    partialFillOutputs: p.partialFillOutputs.map(revealedFromProto),
    partialFillChange:
      p.partialFillChange === undefined ? undefined : revealedFromProto(p.partialFillChange),
    minPartialFillValue: p.minPartialFillValue,
  };
}

function txInFromProto(p: TxInProto): TxIn {
  return {
    ring: p.ring.map(txOutFromProto),
    proofs: p.proofs.map(membershipProofFromProto),
    inputRules: p.inputRules === undefined ? undefined : inputRulesFromProto(p.inputRules),
  };
}

/** Convert a decoded `external.TxPrefix`. */
export function txPrefixFromProto(p: TxPrefixProto): TxPrefix {
  return {
    inputs: p.inputs.map(txInFromProto),
    outputs: p.outputs.map(txOutFromProto),
    fee: p.fee,
    tombstoneBlock: p.tombstoneBlock,
    feeTokenId: p.feeTokenId,
  };
}

function ringMlsagFromProto(p: RingMLSAGProto): RingMLSAG {
  return {
    cZero: curveScalar(p.cZero, "RingMLSAG.c_zero"),
    responses: p.responses.map((r) => curveScalar(r, "RingMLSAG.responses")),
    keyImage: bytes32(p.keyImage, "RingMLSAG.key_image"),
  };
}

/** Convert a decoded `external.SignatureRctBulletproofs`. */
export function signatureFromProto(p: SignatureProto): SignatureRctBulletproofs {
  return {
    ringSignatures: p.ringSignatures.map(ringMlsagFromProto),
    pseudoOutputCommitments: p.pseudoOutputCommitments.map((c) =>
      bytes32(c, "pseudo_output_commitments"),
    ),
    rangeProofBytes: p.rangeProofBytes,
    rangeProofs: p.rangeProofs,
    pseudoOutputTokenIds: p.pseudoOutputTokenIds,
    outputTokenIds: p.outputTokenIds,
  };
}

/** Convert a decoded `external.Tx`; throws `TransactionError` on a malformed field. */
export function txFromProto(p: TxProto): Tx {
  if (p.prefix === undefined) throw bad("Tx.prefix is missing");
  if (p.signature === undefined) throw bad("Tx.signature is missing");
  return {
    prefix: txPrefixFromProto(p.prefix),
    signature: signatureFromProto(p.signature),
    feeMapDigest: p.feeMapDigest,
  };
}

function revealedToProto(r: RevealedTxOut): RevealedTxOutProto {
  return create(RevealedTxOutSchema, {
    txOut: txOutToProto(r.txOut),
    amountSharedSecret: r.amountSharedSecret,
  });
}

function inputRulesToProto(rules: InputRules): InputRulesProto {
  return create(InputRulesSchema, {
    requiredOutputs: rules.requiredOutputs.map(txOutToProto),
    maxTombstoneBlock: rules.maxTombstoneBlock,
    partialFillOutputs: rules.partialFillOutputs.map(revealedToProto),
    ...(rules.partialFillChange === undefined
      ? {}
      : { partialFillChange: revealedToProto(rules.partialFillChange) }),
    minPartialFillValue: rules.minPartialFillValue,
  });
}

/** Convert to `external.TxPrefix`. */
export function txPrefixToProto(prefix: TxPrefix): TxPrefixProto {
  return create(TxPrefixSchema, {
    inputs: prefix.inputs.map((input) =>
      create(TxInSchema, {
        ring: input.ring.map(txOutToProto),
        proofs: input.proofs.map(membershipProofToProto),
        ...(input.inputRules === undefined
          ? {}
          : { inputRules: inputRulesToProto(input.inputRules) }),
      }),
    ),
    outputs: prefix.outputs.map(txOutToProto),
    fee: prefix.fee,
    tombstoneBlock: prefix.tombstoneBlock,
    feeTokenId: prefix.feeTokenId,
  });
}

/** Convert to `external.SignatureRctBulletproofs`. */
export function signatureToProto(sig: SignatureRctBulletproofs): SignatureProto {
  return create(SignatureRctBulletproofsSchema, {
    ringSignatures: sig.ringSignatures.map((s) =>
      create(RingMLSAGSchema, {
        cZero: create(CurveScalarSchema, { data: Scalars.toBytes(s.cZero) }),
        responses: s.responses.map((r) => create(CurveScalarSchema, { data: Scalars.toBytes(r) })),
        keyImage: create(KeyImageSchema, { data: s.keyImage }),
      }),
    ),
    pseudoOutputCommitments: sig.pseudoOutputCommitments.map(compressed),
    rangeProofBytes: sig.rangeProofBytes,
    rangeProofs: [...sig.rangeProofs],
    pseudoOutputTokenIds: [...sig.pseudoOutputTokenIds],
    outputTokenIds: [...sig.outputTokenIds],
  });
}

/** Convert to `external.Tx`. */
export function txToProto(tx: Tx): TxProto {
  return create(TxSchema, {
    prefix: txPrefixToProto(tx.prefix),
    signature: signatureToProto(tx.signature),
    feeMapDigest: tx.feeMapDigest,
  });
}

/** The protobuf encoding of a `Tx`. */
export function encodeTx(tx: Tx): Uint8Array {
  return toBinary(TxSchema, txToProto(tx));
}

/**
 * Decode untrusted bytes into a `Tx`. Every failure (protobuf syntax, a field of the wrong shape,
 * oversize input) is a `TransactionError`; nothing else escapes.
 */
export function decodeTx(bytes: Uint8Array): Tx {
  if (bytes.length > MAX_TX_ENCODED_BYTES) {
    throw new TransactionError("LIMIT_EXCEEDED", "encoded transaction is too large", {
      length: bytes.length,
      max: MAX_TX_ENCODED_BYTES,
    });
  }
  // Unknown fields are refused (prost would drop them): every byte a client sends is either
  // understood and bound by the tx hash, or rejected.
  checkStrictWire(bytes, TxSchema);
  let proto: TxProto;
  try {
    proto = fromBinary(TxSchema, bytes);
  } catch (error) {
    throw new TransactionError("INVALID_ENCODING", "not a protobuf Tx", {
      cause: error instanceof Error ? error.message : String(error),
    });
  }
  try {
    return txFromProto(proto);
  } catch (error) {
    if (error instanceof TransactionError) throw error;
    // Conversions below us (TxOut, membership proofs) throw their own coded errors; keep the
    // contract that decoding fails only with a TransactionError.
    throw new TransactionError("INVALID_FIELD", "malformed field in Tx", {
      cause: error instanceof Error ? error.message : String(error),
    });
  }
}
