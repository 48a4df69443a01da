import type { PublicAddressKeys } from "./account-keys.js";
import { blake2b256 } from "./hash.js";
import { DOMAIN, hashToPoint, hashToScalar } from "./hash-to.js";
import { Ristretto, type RistrettoPoint, type Scalar, Scalars } from "./ristretto.js";

/**
 * One-time keys of a TxOut. The sender picks `r` and publishes `R = r·D` and
 * `P = Hs(tag ‖ r·C)·G + D` for the recipient subaddress (C, D); the recipient, knowing the
 * account view key `a`, gets the same shared secret as `a·R` and recognises `P`.
 */

/** The TxOut keys and the shared secret (compressed `r·C`, 32 bytes). */
export interface OnetimeKeys {
  readonly targetKey: RistrettoPoint;
  readonly publicKey: RistrettoPoint;
  readonly sharedSecret: Uint8Array;
}

function onetimeScalar(sharedSecret: Uint8Array): Scalar {
  return hashToScalar(DOMAIN.ONETIME_KEY_TO_SCALAR, sharedSecret);
}

/** Sender side: one-time target key, tx public key and shared secret for `recipient`. */
export function createOnetimeKeys(txPrivateKey: Scalar, recipient: PublicAddressKeys): OnetimeKeys {
  const sharedSecret = recipient.viewPublicKey.multiply(txPrivateKey).toBytes();
  const targetKey = Ristretto.multiplyBase(onetimeScalar(sharedSecret)).add(
    recipient.spendPublicKey,
  );
  return { targetKey, publicKey: recipient.spendPublicKey.multiply(txPrivateKey), sharedSecret };
}

/** Recipient side: the shared secret `a·R` (compressed). */
export function sharedSecretFor(viewPrivateKey: Scalar, txPublicKey: RistrettoPoint): Uint8Array {
  return txPublicKey.multiply(viewPrivateKey).toBytes();
}

/**
 * The subaddress spend public key a TxOut was sent to: `P − Hs(tag ‖ a·R)·G`. The output is ours
 * iff this equals one of our `D_i`.
 */
export function recoverSubaddressSpendPublicKey(
  sharedSecret: Uint8Array,
  targetKey: RistrettoPoint,
): RistrettoPoint {
  return targetKey.subtract(Ristretto.multiplyBase(onetimeScalar(sharedSecret)));
}

/** The one-time private key `x = Hs(tag ‖ a·R) + d_i`, with `x·G = P`. */
export function onetimePrivateKey(
  sharedSecret: Uint8Array,
  subaddressSpendPrivate: Scalar,
): Scalar {
  return Scalars.add(onetimeScalar(sharedSecret), subaddressSpendPrivate);
}

/** The key-image base `Hp("mc_onetime_key_hash_to_point" ‖ P)` for a compressed one-time key. */
export function keyImageBase(targetKeyBytes: Uint8Array): RistrettoPoint {
  return hashToPoint(DOMAIN.ONETIME_KEY_TO_POINT, targetKeyBytes);
}

/** The key image `x·Hp(x·G)` (compressed, 32 bytes). */
export function keyImageOf(onetimePrivate: Scalar): Uint8Array {
  const p = Ristretto.multiplyBase(onetimePrivate).toBytes();
  return keyImageBase(p).multiply(onetimePrivate).toBytes();
}

/** The receipt confirmation number `Blake2b-256("mc_tx_out_confirmation_number" ‖ ss)`. */
export function confirmationNumber(sharedSecret: Uint8Array): Uint8Array {
  return blake2b256(DOMAIN.TX_OUT_CONFIRMATION_NUMBER, sharedSecret);
}
