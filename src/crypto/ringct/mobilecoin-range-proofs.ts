import type { RandomSource } from "../../util/index.js";
import type { PedersenGens } from "../generators.js";
import type { Scalar } from "../ristretto.js";
import { RingCtError } from "./errors.js";
import { MAX_RANGE_PROOF_PARTIES, RANGE_PROOF_BITS } from "./generators.js";
import {
  type PreparedRangeProof,
  prepareRangeProof,
  proveRange,
  verifyPrepared,
} from "./range-proof.js";

/**
 * Range proofs as MobileCoin uses them (`mc_crypto_ring_signature::range_proofs`): 64-bit values,
 * generators `B = H_token`, `B_blinding = G`, transcript label `mc_bulletproof_transcript`, and a
 * value count padded up to a power of two by repeating the last value and blinding (prover) or
 * the last commitment (verifier).
 */

/** MobileCoin's `BULLETPROOF_DOMAIN_TAG`. */
export const BULLETPROOF_TRANSCRIPT_LABEL = "mc_bulletproof_transcript";

function padded<T>(items: readonly T[]): T[] {
  if (items.length === 0) {
    throw new RingCtError("RANGE_PROOF_PARAMETERS", "a range proof needs at least one value");
  }
  let size = 1;
  while (size < items.length) size *= 2;
  if (size > MAX_RANGE_PROOF_PARTIES) {
    throw new RingCtError("RANGE_PROOF_PARAMETERS", "too many values for one range proof", {
      values: items.length,
    });
  }
  const out = items.slice();
  while (out.length < size) out.push(items[items.length - 1]!);
  return out;
}

/**
 * `generate_range_proofs`: one aggregated proof over `values` with `blindings`. Returns the proof
 * bytes and the commitments of the unpadded values.
 */
export function generateRangeProofs(
  values: readonly bigint[],
  blindings: readonly Scalar[],
  gens: PedersenGens,
  rng: RandomSource,
): { proof: Uint8Array; commitments: Uint8Array[] } {
  if (values.length !== blindings.length) {
    throw new RingCtError("LENGTH_MISMATCH", "one blinding per value is required", {
      values: values.length,
      blindings: blindings.length,
    });
  }
  const proven = proveRange(
    padded(values),
    padded(blindings),
    gens,
    BULLETPROOF_TRANSCRIPT_LABEL,
    RANGE_PROOF_BITS,
    rng,
  );
  return { proof: proven.proof, commitments: proven.commitments.slice(0, values.length) };
}

/** Prepare `check_range_proofs` for a batch: parse, run the transcript, pad the commitments. */
export function prepareMobileCoinRangeProof(
  proof: Uint8Array,
  commitments: readonly Uint8Array[],
  gens: PedersenGens,
): PreparedRangeProof {
  return prepareRangeProof(
    proof,
    padded(commitments),
    gens,
    BULLETPROOF_TRANSCRIPT_LABEL,
    RANGE_PROOF_BITS,
  );
}

/** `check_range_proofs` for one proof; throws RingCtError on failure. */
export function checkRangeProof(
  proof: Uint8Array,
  commitments: readonly Uint8Array[],
  gens: PedersenGens,
): void {
  verifyPrepared([prepareMobileCoinRangeProof(proof, commitments, gens)]);
}

/** Check several proofs (possibly for different tokens) in one multi-scalar multiplication. */
export function checkRangeProofBatch(
  proofs: readonly { proof: Uint8Array; commitments: readonly Uint8Array[]; gens: PedersenGens }[],
): void {
  verifyPrepared(proofs.map((p) => prepareMobileCoinRangeProof(p.proof, p.commitments, p.gens)));
}
