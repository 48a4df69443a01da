import {
  decompressCached,
  generateRangeProofs,
  type PedersenGens,
  type PreparedRangeProof,
  pedersenGens,
  prepareMobileCoinRangeProof,
  type ReducedTxOut,
  type RingMLSAG,
  Ristretto,
  type RistrettoPoint,
  type Scalar,
  Scalars,
  signMlsag,
  verifyMlsag,
  verifyPrepared,
} from "../crypto/index.js";
import { isCodedError, type RandomSource, toHex } from "../util/index.js";
import { BlockVersionFeatures } from "./block-version.js";
import {
  type RingCtReason,
  signatureError,
  TransactionError,
  TxValidationError,
} from "./errors.js";
import { mlsagSigningDigest } from "./signing-digest.js";
import { type SignatureRctBulletproofs, type TxPrefix, txInSignedDigest } from "./tx.js";

/**
 * `SignatureRctBulletproofs`: one RingMLSAG per input, pseudo-output commitments, and Bulletproofs
 * range proofs over pseudo outputs and outputs (one aggregated proof before block version 3, one
 * per token from then on). Verification follows MobileCoin's order exactly (reference
 * transactions.md §4.6), so the same transaction fails with the same reason.
 */

/** `FEE_BLINDING`: the fee is an implicit output with blinding zero. */
export const FEE_BLINDING = 0n;

/** The secrets for spending one input. */
export interface InputSecret {
  readonly onetimePrivateKey: Scalar;
  readonly value: bigint;
  readonly tokenId: bigint;
  readonly blinding: Scalar;
}

/** One input ring as the signer sees it. */
export interface SignableInputRing {
  readonly members: readonly ReducedTxOut[];
  readonly realIndex: number;
  readonly secret: InputSecret;
}

/**
 * An input signed in advance by someone else (a signed contingent input, MCIP #31): its MLSAG
 * signs only its own TxIn, and its pseudo output's amount and blinding are revealed so that the
 * rest of the transaction can balance against it.
 */
export interface PresignedInputRing {
  readonly mlsag: RingMLSAG;
  readonly pseudoOutput: {
    readonly value: bigint;
    readonly tokenId: bigint;
    readonly blinding: Scalar;
  };
}

/** Either kind of input the signer handles. */
export type InputRingToSign = SignableInputRing | PresignedInputRing;

function isPresigned(r: InputRingToSign): r is PresignedInputRing {
  return "mlsag" in r;
}

function amountOf(r: InputRingToSign): { value: bigint; tokenId: bigint } {
  return isPresigned(r) ? r.pseudoOutput : r.secret;
}

/** The secrets of one output. */
export interface OutputSecret {
  readonly value: bigint;
  readonly tokenId: bigint;
  readonly blinding: Scalar;
}

function randomScalar(rng: RandomSource): Scalar {
  return Scalars.fromBytesModOrderWide(rng.fillBytes(new Uint8Array(64)));
}

function commit(tokenId: bigint, value: bigint, blinding: Scalar): RistrettoPoint {
  return Ristretto.msm([pedersenGens(tokenId).B, Ristretto.BASE], [value, blinding]);
}

/**
 * Sign a transaction prefix (`SignatureRctBulletproofs::sign`, all inputs signable): choose
 * pseudo-output blindings that balance against the outputs, prove ranges per block version,
 * compute the signing digest and sign one MLSAG per input. `rings[i]` is `prefix.inputs[i]`'s ring.
 */
export function signRctBulletproofs(
  blockVersion: number,
  prefix: TxPrefix,
  rings: readonly InputRingToSign[],
  outputSecrets: readonly OutputSecret[],
  rng: RandomSource,
): SignatureRctBulletproofs {
  if (rings.length === 0 || rings.length !== prefix.inputs.length) {
    throw new TransactionError("INVALID_BUILD", "one signable ring per prefix input is required");
  }
  if (outputSecrets.length === 0 || outputSecrets.length !== prefix.outputs.length) {
    throw new TransactionError("INVALID_BUILD", "one output secret per prefix output is required");
  }
  const feeTokenId = prefix.feeTokenId;
  if (!BlockVersionFeatures.maskedTokenIdRequired(blockVersion) && feeTokenId !== 0n) {
    throw new TransactionError("INVALID_BUILD", "fee token must be 0 before block version 2");
  }
  // Presigned inputs keep their blinding; signable ones get random blindings except the last,
  // which makes Σ pseudo blindings = Σ output blindings (+ FEE_BLINDING).
  const lastSignable = rings.map(isPresigned).lastIndexOf(false);
  if (lastSignable < 0) {
    throw new TransactionError("INVALID_BUILD", "at least one input must be signed here");
  }
  const outputBlindingSum = outputSecrets.reduce((acc, o) => Scalars.add(acc, o.blinding), 0n);
  const pseudoBlindings: Scalar[] = rings.map((r) =>
    isPresigned(r) ? r.pseudoOutput.blinding : randomScalar(rng),
  );
  let partial = FEE_BLINDING;
  pseudoBlindings.forEach((b, i) => {
    if (i !== lastSignable) partial = Scalars.add(partial, b);
  });
  pseudoBlindings[lastSignable] = Scalars.sub(outputBlindingSum, partial);
  const pseudoOutputs = rings.map((r, i) => {
    const { value, tokenId } = amountOf(r);
    return commit(tokenId, value, pseudoBlindings[i]!).toBytes();
  });

  let rangeProofBytes: Uint8Array = new Uint8Array(0);
  const rangeProofs: Uint8Array[] = [];
  let pseudoOutputTokenIds: bigint[] = [];
  let outputTokenIds: bigint[] = [];
  if (!BlockVersionFeatures.mixedTransactions(blockVersion)) {
    const tokens = [
      ...rings.map((r) => amountOf(r).tokenId),
      ...outputSecrets.map((o) => o.tokenId),
    ];
    if (tokens.some((t) => t !== feeTokenId)) {
      throw new TransactionError(
        "MIXED_TRANSACTIONS_NOT_ALLOWED",
        "every input and output must use the fee token before block version 3",
      );
    }
    rangeProofBytes = generateRangeProofs(
      [...rings.map((r) => amountOf(r).value), ...outputSecrets.map((o) => o.value)],
      [...pseudoBlindings, ...outputSecrets.map((o) => o.blinding)],
      pedersenGens(feeTokenId),
      rng,
    ).proof;
  } else {
    pseudoOutputTokenIds = rings.map((r) => amountOf(r).tokenId);
    outputTokenIds = outputSecrets.map((o) => o.tokenId);
    for (const token of tokenSet(feeTokenId, pseudoOutputTokenIds, outputTokenIds)) {
      const values: bigint[] = [];
      const blindings: Scalar[] = [];
      rings.forEach((r, i) => {
        const amount = amountOf(r);
        if (amount.tokenId === token) {
          values.push(amount.value);
          blindings.push(pseudoBlindings[i]!);
        }
      });
      for (const o of outputSecrets) {
        if (o.tokenId === token) {
          values.push(o.value);
          blindings.push(o.blinding);
        }
      }
      if (values.length === 0) {
        throw new TransactionError("INVALID_BUILD", "the fee token has no inputs or outputs", {
          token,
        });
      }
      rangeProofs.push(generateRangeProofs(values, blindings, pedersenGens(token), rng).proof);
    }
  }

  const digest = mlsagSigningDigest(
    blockVersion,
    prefix,
    pseudoOutputs,
    rangeProofBytes,
    rangeProofs,
  );
  const ringSignatures = rings.map((r, i) =>
    isPresigned(r)
      ? r.mlsag
      : signMlsag(
          // An input with rules signs only its own TxIn (MCIP #31), like a presigned input.
          txInSignedDigest(prefix.inputs[i]!) ?? digest,
          r.members,
          {
            realIndex: r.realIndex,
            onetimePrivateKey: r.secret.onetimePrivateKey,
            value: r.secret.value,
            blinding: r.secret.blinding,
            outputBlinding: pseudoBlindings[i]!,
            valueGenerator: pedersenGens(r.secret.tokenId).B,
          },
          rng,
        ),
  );
  return {
    ringSignatures,
    pseudoOutputCommitments: pseudoOutputs,
    rangeProofBytes,
    rangeProofs,
    pseudoOutputTokenIds,
    outputTokenIds,
  };
}

/** `{fee token} ∪ pseudo-output tokens ∪ output tokens`, ascending (a `BTreeSet`). */
function tokenSet(
  feeTokenId: bigint,
  pseudoOutputTokenIds: readonly bigint[],
  outputTokenIds: readonly bigint[],
): bigint[] {
  const set = new Set<bigint>([feeTokenId, ...pseudoOutputTokenIds, ...outputTokenIds]);
  return [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function ringCtFailure(error: unknown, fallback: RingCtReason): never {
  if (isCodedError(error)) {
    const reason: RingCtReason =
      error.code === "INVALID_CURVE_POINT"
        ? "InvalidCurvePoint"
        : error.code === "INVALID_KEY_IMAGE"
          ? "InvalidKeyImage"
          : error.code === "LENGTH_MISMATCH"
            ? "LengthMismatch"
            : error.code === "RANGE_PROOF_FORMAT"
              ? "RangeProofDeserialization"
              : fallback;
    throw signatureError(reason, error.message, { code: error.code });
  }
  throw error;
}

function checkDecompresses(points: readonly Uint8Array[]): void {
  for (const p of points) {
    try {
      decompressCached(p);
    } catch {
      throw signatureError("InvalidCurvePoint", "a commitment does not decompress");
    }
  }
}

/** Options of `verifyRctBulletproofs`. */
export interface VerifyOptions {
  /**
   * Defer the range proofs' final multi-scalar check: proofs are parsed and their transcripts run
   * (so format errors still surface here, in order), then pushed to this list for the caller to
   * check together with other transactions' proofs in one MSM (`verifyPrepared`).
   */
  readonly rangeProofSink?: PreparedRangeProof[];
}

/**
 * `SignatureRctBulletproofs::verify` for the transaction with `prefix`, in MobileCoin's order.
 * Rings and output commitments come from the prefix; a TxOut without a masked amount fails with
 * `UnknownMaskedAmountVersion` (as the ring conversion before verification does). Throws `TxValidationError("InvalidTransactionSignature")` with the
 * `ring_ct::Error` variant as `reason`.
 */
export function verifyRctBulletproofs(
  blockVersion: number,
  prefix: TxPrefix,
  sig: SignatureRctBulletproofs,
  options: VerifyOptions = {},
): void {
  const rings: ReducedTxOut[][] = prefix.inputs.map((input) =>
    input.ring.map((o) => {
      if (o.maskedAmount === undefined) {
        throw new TxValidationError("UnknownMaskedAmountVersion", "a ring member has no amount");
      }
      return { targetKey: o.targetKey, commitment: o.maskedAmount.commitment };
    }),
  );
  const outputCommitments = prefix.outputs.map((o) => {
    if (o.maskedAmount === undefined) {
      throw new TxValidationError("UnknownMaskedAmountVersion", "an output has no amount");
    }
    return o.maskedAmount.commitment;
  });
  const feeTokenId = prefix.feeTokenId;

  // 1. Fee token.
  if (!BlockVersionFeatures.maskedTokenIdRequired(blockVersion) && feeTokenId !== 0n) {
    throw signatureError("TokenIdNotAllowed", "fee token must be 0 before block version 2");
  }
  // 2. At least one normal input.
  const presigned = prefix.inputs.map(txInSignedDigest);
  if (presigned.length > 0 && presigned.every((d) => d !== undefined)) {
    throw signatureError("AllRingsPresigned", "every input has input rules");
  }
  // 3. Lengths.
  if (rings.length !== sig.ringSignatures.length) {
    throw signatureError("LengthMismatch", "one ring signature per input", {
      rings: rings.length,
      signatures: sig.ringSignatures.length,
    });
  }
  if (rings.length !== sig.pseudoOutputCommitments.length) {
    throw signatureError("LengthMismatch", "one pseudo output per input", {
      rings: rings.length,
      pseudoOutputs: sig.pseudoOutputCommitments.length,
    });
  }
  // 4. Token-id lists.
  const mixed = BlockVersionFeatures.mixedTransactions(blockVersion);
  if (mixed) {
    if (sig.pseudoOutputTokenIds.length !== rings.length) {
      throw signatureError("MissingPseudoOutputTokenIds", "one pseudo-output token id per input");
    }
    if (sig.outputTokenIds.length !== outputCommitments.length) {
      throw signatureError("MissingOutputTokenIds", "one output token id per output");
    }
  } else {
    if (sig.pseudoOutputTokenIds.length !== 0) {
      throw signatureError("PseudoOutputTokenIdsNotAllowed", "token ids before block version 3");
    }
    if (sig.outputTokenIds.length !== 0) {
      throw signatureError("OutputTokenIdsNotAllowed", "token ids before block version 3");
    }
  }
  // 5. Key images unique.
  const seen = new Set<string>();
  for (const s of sig.ringSignatures) {
    const key = toHex(s.keyImage);
    if (seen.has(key)) throw signatureError("DuplicateKeyImage", "a key image repeats");
    seen.add(key);
  }
  // 6. Commitments decompress.
  checkDecompresses(outputCommitments);
  checkDecompresses(sig.pseudoOutputCommitments);
  // 7. Range proofs, all checked in one multi-scalar multiplication.
  verifyRangeProofs(sig, outputCommitments, feeTokenId, mixed, options.rangeProofSink);
  // 8. Balance: Σ outputs + fee·H_fee − Σ pseudo outputs = 0.
  let balance = Ristretto.IDENTITY;
  for (const c of outputCommitments) balance = balance.add(decompressCached(c));
  for (const c of sig.pseudoOutputCommitments) balance = balance.subtract(decompressCached(c));
  if (prefix.fee !== 0n) {
    balance = balance.add(pedersenGens(feeTokenId).B.multiply(Scalars.fromBigint(prefix.fee)));
  }
  if (!balance.isIdentity()) throw signatureError("ValueNotConserved", "inputs and outputs differ");
  // 9. MLSAGs over the signing digest (or the input's own signed digest for presigned inputs).
  const digest = mlsagSigningDigest(
    blockVersion,
    prefix,
    sig.pseudoOutputCommitments,
    sig.rangeProofBytes,
    sig.rangeProofs,
  );
  sig.ringSignatures.forEach((ringSignature, i) => {
    try {
      verifyMlsag(
        ringSignature,
        presigned[i] ?? digest,
        rings[i]!,
        sig.pseudoOutputCommitments[i]!,
      );
    } catch (error) {
      ringCtFailure(error, "InvalidSignature");
    }
  });
}

function verifyRangeProofs(
  sig: SignatureRctBulletproofs,
  outputCommitments: readonly Uint8Array[],
  feeTokenId: bigint,
  mixed: boolean,
  sink: PreparedRangeProof[] | undefined,
): void {
  const batch: { proof: Uint8Array; commitments: Uint8Array[]; gens: PedersenGens }[] = [];
  if (!mixed) {
    if (sig.rangeProofs.length !== 0) {
      throw signatureError("TooManyRangeProofs", "per-token range proofs before block version 3");
    }
    batch.push({
      proof: sig.rangeProofBytes,
      commitments: [...sig.pseudoOutputCommitments, ...outputCommitments],
      gens: pedersenGens(feeTokenId),
    });
  } else {
    if (sig.rangeProofBytes.length !== 0) {
      throw signatureError("UnexpectedRangeProof", "a single range proof at block version ≥ 3");
    }
    const tokens = tokenSet(feeTokenId, sig.pseudoOutputTokenIds, sig.outputTokenIds);
    if (sig.rangeProofs.length !== tokens.length) {
      throw signatureError("MissingRangeProofs", "one range proof per token", {
        expected: tokens.length,
        found: sig.rangeProofs.length,
      });
    }
    tokens.forEach((token, k) => {
      const commitments: Uint8Array[] = [];
      sig.pseudoOutputTokenIds.forEach((t, i) => {
        if (t === token) commitments.push(sig.pseudoOutputCommitments[i]!);
      });
      sig.outputTokenIds.forEach((t, i) => {
        if (t === token) commitments.push(outputCommitments[i]!);
      });
      if (commitments.length === 0) {
        throw signatureError("NoCommitmentsForTokenId", "a token has no commitments", { token });
      }
      batch.push({ proof: sig.rangeProofs[k]!, commitments, gens: pedersenGens(token) });
    });
  }
  try {
    const prepared = batch.map((b) => prepareMobileCoinRangeProof(b.proof, b.commitments, b.gens));
    if (sink === undefined) verifyPrepared(prepared);
    else sink.push(...prepared);
  } catch (error) {
    ringCtFailure(error, "RangeProof");
  }
}
