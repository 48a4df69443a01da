import { CodedError } from "../../util/index.js";

/**
 * Codes for RingCT failures (MobileCoin `mc_crypto_ring_signature::Error` and the Bulletproofs
 * `ProofError`s it wraps). Callers branch on the code; the message is for logs only.
 */
export const RING_CT_ERROR_CODES = [
  /** A point encoding that does not decompress (`InvalidCurvePoint`). */
  "INVALID_CURVE_POINT",
  /** A key image that does not decompress (`InvalidKeyImage`). */
  "INVALID_KEY_IMAGE",
  /** A scalar that is not canonical where the format requires it. */
  "INVALID_CURVE_SCALAR",
  /** An MLSAG whose challenge chain does not close (`InvalidSignature`). */
  "INVALID_SIGNATURE",
  /** Lists whose lengths disagree (ring vs responses, values vs blindings, …). */
  "LENGTH_MISMATCH",
  /** A real-input index outside the ring. */
  "INDEX_OUT_OF_BOUNDS",
  /** The signer's pseudo output does not commit to the real input's value (`ValueNotConserved`). */
  "VALUE_NOT_CONSERVED",
  /** Range-proof bytes that do not parse (`RangeProofDeserialization`, dalek `FormatError`). */
  "RANGE_PROOF_FORMAT",
  /** A well-formed range proof that does not verify (dalek `VerificationError`). */
  "RANGE_PROOF_VERIFICATION",
  /** Parameters a range proof cannot have: bit size, party count, empty input. */
  "RANGE_PROOF_PARAMETERS",
] as const;
export type RingCtErrorCode = (typeof RING_CT_ERROR_CODES)[number];

/** A typed RingCT failure; never a programmer error. */
export class RingCtError extends CodedError<RingCtErrorCode> {
  constructor(
    code: RingCtErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, payload, message);
    this.name = "RingCtError";
  }
}
