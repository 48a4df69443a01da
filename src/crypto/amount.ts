import { bytesEqual, leBytesToU64, u64ToLeBytes } from "../util/index.js";
import { CryptoError } from "./errors.js";
import { pedersenCommit } from "./generators.js";
import { blake2b512 } from "./hash.js";
import { DOMAIN, hashToScalar } from "./hash-to.js";
import { hkdfDerive } from "./kdf.js";
import { type Scalar, Scalars } from "./ristretto.js";

/**
 * Masked amounts: a Pedersen commitment to (value, token id) plus the value and token id XORed
 * with masks derived from the TxOut shared secret. Version 1 (block versions 0–2) derives masks by
 * hashing; version 2 (block version ≥ 3) by HKDF-SHA512 from an "amount shared secret" that can be
 * revealed without revealing the TxOut shared secret (MCIP #42).
 */

export type MaskedAmountVersion = 1 | 2;

export interface MaskedAmount {
  readonly version: MaskedAmountVersion;
  /** Compressed commitment `value·H_token + blinding·G`. */
  readonly commitment: Uint8Array;
  readonly maskedValue: bigint;
  /** 8 bytes, or empty for v1 amounts created before block version 2 (meaning token 0). */
  readonly maskedTokenId: Uint8Array;
}

export interface Amount {
  readonly value: bigint;
  readonly tokenId: bigint;
}

interface Masks {
  readonly valueMask: bigint;
  readonly tokenIdMask: bigint;
  readonly blinding: Scalar;
}

const U64_MASK = 2n ** 64n - 1n;

function masksV1(sharedSecret: Uint8Array): Masks {
  // The value mask is read after the mod-ℓ reduction; the token mask from the raw hash.
  const valueScalar = hashToScalar(DOMAIN.AMOUNT_VALUE, sharedSecret);
  return {
    valueMask: leBytesToU64(Scalars.toBytes(valueScalar).subarray(0, 8)),
    tokenIdMask: leBytesToU64(blake2b512(DOMAIN.AMOUNT_TOKEN_ID, sharedSecret).subarray(0, 8)),
    blinding: hashToScalar(DOMAIN.AMOUNT_BLINDING, sharedSecret),
  };
}

/** The v2 amount shared secret: the first 32 bytes of Blake2b-512("mc_amount_shared_secret" ‖ ss). */
export function amountSharedSecret(sharedSecret: Uint8Array): Uint8Array {
  return blake2b512(DOMAIN.AMOUNT_SHARED_SECRET, sharedSecret).slice(0, 32);
}

function masksV2(amountSecret: Uint8Array): Masks {
  const salt = DOMAIN.AMOUNT_BLINDING_FACTORS;
  return {
    valueMask: leBytesToU64(hkdfDerive("sha512", amountSecret, salt, DOMAIN.AMOUNT_VALUE, 8)),
    tokenIdMask: leBytesToU64(hkdfDerive("sha512", amountSecret, salt, DOMAIN.AMOUNT_TOKEN_ID, 8)),
    blinding: Scalars.fromBytesModOrderWide(
      hkdfDerive("sha512", amountSecret, salt, DOMAIN.AMOUNT_BLINDING, 64),
    ),
  };
}

function checkSecret(secret: Uint8Array): void {
  if (!(secret instanceof Uint8Array) || secret.length !== 32) {
    throw new CryptoError("INVALID_LENGTH", "shared secret must be 32 bytes");
  }
}

function checkAmount(amount: Amount): void {
  for (const v of [amount.value, amount.tokenId]) {
    if (typeof v !== "bigint" || v < 0n || v > U64_MASK) {
      throw new CryptoError("OUT_OF_RANGE", "amount value and token id must be u64");
    }
  }
}

/**
 * Mask an amount with a TxOut shared secret (compressed `r·C`). `withTokenId` false clears the
 * masked token id (v1 at block versions 0–1), which requires token 0.
 */
export function maskAmount(
  version: MaskedAmountVersion,
  amount: Amount,
  sharedSecret: Uint8Array,
  withTokenId = true,
): { masked: MaskedAmount; blinding: Scalar } {
  checkSecret(sharedSecret);
  checkAmount(amount);
  if (!withTokenId && (version !== 1 || amount.tokenId !== 0n)) {
    throw new CryptoError("INVALID_AMOUNT", "only v1 amounts of token 0 may omit the token id");
  }
  const m = version === 1 ? masksV1(sharedSecret) : masksV2(amountSharedSecret(sharedSecret));
  const commitment = pedersenCommit(amount.tokenId, amount.value, m.blinding).toBytes();
  return {
    masked: {
      version,
      commitment,
      maskedValue: amount.value ^ m.valueMask,
      maskedTokenId: withTokenId ? u64ToLeBytes(amount.tokenId ^ m.tokenIdMask) : new Uint8Array(0),
    },
    blinding: m.blinding,
  };
}

function recomputeWith(
  version: MaskedAmountVersion,
  maskedValue: bigint,
  maskedTokenId: Uint8Array,
  m: Masks,
): { amount: Amount; blinding: Scalar; commitment: Uint8Array } {
  let tokenId: bigint;
  if (maskedTokenId.length === 8) {
    tokenId = leBytesToU64(maskedTokenId) ^ m.tokenIdMask;
  } else if (maskedTokenId.length === 0 && version === 1) {
    tokenId = 0n;
  } else {
    throw new CryptoError("INVALID_AMOUNT", "masked token id must be 8 bytes", {
      length: maskedTokenId.length,
    });
  }
  const amount = { value: (maskedValue ^ m.valueMask) & U64_MASK, tokenId };
  const commitment = pedersenCommit(tokenId, amount.value, m.blinding).toBytes();
  return { amount, blinding: m.blinding, commitment };
}

function unmaskWith(masked: MaskedAmount, m: Masks): { amount: Amount; blinding: Scalar } {
  const r = recomputeWith(masked.version, masked.maskedValue, masked.maskedTokenId, m);
  if (!bytesEqual(r.commitment, masked.commitment)) {
    throw new CryptoError("INVALID_AMOUNT", "commitment does not match the unmasked amount");
  }
  return { amount: r.amount, blinding: r.blinding };
}

/** Unmask with the TxOut shared secret; throws `INVALID_AMOUNT` if the commitment disagrees. */
export function unmaskAmount(
  masked: MaskedAmount,
  sharedSecret: Uint8Array,
): { amount: Amount; blinding: Scalar } {
  checkSecret(sharedSecret);
  const m =
    masked.version === 1 ? masksV1(sharedSecret) : masksV2(amountSharedSecret(sharedSecret));
  return unmaskWith(masked, m);
}

/** Unmask a v2 amount with its revealed amount shared secret. */
export function unmaskAmountWithAmountSecret(
  masked: MaskedAmount,
  amountSecret: Uint8Array,
): { amount: Amount; blinding: Scalar } {
  checkSecret(amountSecret);
  if (masked.version !== 2) {
    throw new CryptoError("INVALID_AMOUNT", "only v2 amounts have an amount shared secret");
  }
  return unmaskWith(masked, masksV2(amountSecret));
}

/**
 * The masks alone, for callers that must recompute a commitment without comparing (Fog records
 * carry only a CRC of the commitment).
 */
export function recomputeAmount(
  version: MaskedAmountVersion,
  maskedValue: bigint,
  maskedTokenId: Uint8Array,
  sharedSecret: Uint8Array,
): { amount: Amount; blinding: Scalar; commitment: Uint8Array } {
  checkSecret(sharedSecret);
  const m = version === 1 ? masksV1(sharedSecret) : masksV2(amountSharedSecret(sharedSecret));
  return recomputeWith(version, maskedValue, maskedTokenId, m);
}
