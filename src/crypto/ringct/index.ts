/** `crypto/ringct/`: RingMLSAG signatures and Bulletproofs range proofs as MobileCoin uses them. */
export { RingCtError, type RingCtErrorCode } from "./errors.js";
export {
  bulletproofGens,
  dalekDefaultPedersenGens,
  MAX_RANGE_PROOF_PARTIES,
  RANGE_PROOF_BITS,
} from "./generators.js";
export {
  clearKeyImageBaseCache,
  KEY_IMAGE_BASE_CACHE_LIMIT,
  type MlsagSecret,
  type ReducedTxOut,
  type RingMLSAG,
  signMlsag,
  verifyMlsag,
} from "./mlsag.js";
export {
  BULLETPROOF_TRANSCRIPT_LABEL,
  checkRangeProof,
  checkRangeProofBatch,
  generateRangeProofs,
  prepareMobileCoinRangeProof,
} from "./mobilecoin-range-proofs.js";
export { clearPointCache, decompressCached, POINT_CACHE_LIMIT } from "./point-cache.js";
export {
  type PreparedRangeProof,
  type ProvenRange,
  parseRangeProof,
  prepareRangeProof,
  proveRange,
  type RangeProof,
  serializeRangeProof,
  verifyPrepared,
  verifyRangeProof,
} from "./range-proof.js";
