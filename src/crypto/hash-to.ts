import { utf8 } from "../util/index.js";
import { blake2b512 } from "./hash.js";
import { Ristretto, type RistrettoPoint, type Scalar, Scalars } from "./ristretto.js";

/**
 * MobileCoin's hash-to-scalar (`Hs`) and hash-to-point (`Hp`): Blake2b-512 over the raw
 * concatenation of the inputs (domain tags carry no length prefix), then a wide reduction mod ℓ
 * or the RFC 9496 element derivation.
 */

/** Domain tags fed to `Hs` / `Hp` (reference transactions.md §1.1). */
export const DOMAIN = {
  SUBADDRESS: utf8("mc_subaddress"),
  ONETIME_KEY_TO_SCALAR: utf8("mc_onetime_key_hash_to_scalar"),
  ONETIME_KEY_TO_POINT: utf8("mc_onetime_key_hash_to_point"),
  RING_MLSAG_CHALLENGE: utf8("mc_ring_mlsag_challenge"),
  AMOUNT_VALUE: utf8("mc_amount_value"),
  AMOUNT_TOKEN_ID: utf8("mc_amount_token_id"),
  AMOUNT_BLINDING: utf8("mc_amount_blinding"),
  AMOUNT_SHARED_SECRET: utf8("mc_amount_shared_secret"),
  AMOUNT_BLINDING_FACTORS: utf8("mc_amount_blinding_factors"),
  BURN_ADDRESS_SPEND_PUBLIC: utf8("mc_burn_address_spend_public"),
  TX_OUT_CONFIRMATION_NUMBER: utf8("mc_tx_out_confirmation_number"),
} as const;

/** `Hs(parts…)` = Blake2b-512(parts…) reduced mod ℓ wide (dalek `Scalar::from_hash`). */
export function hashToScalar(...parts: readonly Uint8Array[]): Scalar {
  return Scalars.fromBytesModOrderWide(blake2b512(...parts));
}

/** `Hp(parts…)` = element derivation of Blake2b-512(parts…) (dalek `RistrettoPoint::from_hash`). */
export function hashToPoint(...parts: readonly Uint8Array[]): RistrettoPoint {
  return Ristretto.fromUniformBytes(blake2b512(...parts));
}
