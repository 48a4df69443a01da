import { pbkdf2Sync } from "node:crypto";
import { entropyToMnemonic, mnemonicToEntropy } from "@scure/bip39";
import { wordlist as english } from "@scure/bip39/wordlists/english.js";
import { utf8 } from "../util/index.js";
import { CryptoError } from "./errors.js";
import { DOMAIN, hashToPoint, hashToScalar } from "./hash-to.js";
import { hkdfDerive, hmacSha512 } from "./kdf.js";
import { Ristretto, type RistrettoPoint, type Scalar, Scalars } from "./ristretto.js";

/**
 * MobileCoin account keys and subaddresses. An account is a view private key `a` and a spend
 * private key `b`; every address handed out is a subaddress `i` with spend public `D_i = B + s_i·G`
 * and view public `C_i = a·D_i`, where `s_i = Hs("mc_subaddress" ‖ a ‖ i as a scalar)`.
 */

export const DEFAULT_SUBADDRESS_INDEX = 0n;
export const CHANGE_SUBADDRESS_INDEX = 2n ** 64n - 2n;
export const GIFT_CODE_SUBADDRESS_INDEX = 2n ** 64n - 3n;
export const INVALID_SUBADDRESS_INDEX = 2n ** 64n - 1n;

/** SLIP-10 path `m/44'/866'/account'`. */
const USAGE_BIP44 = 44;
const COINTYPE_MOBILECOIN = 866;

/** The optional fog fields of an account (empty `reportUrl` means no fog). */
export interface FogInfo {
  readonly reportUrl: string;
  readonly reportId: string;
  /** DER SubjectPublicKeyInfo of the fog authority, signed by each subaddress view key. */
  readonly authoritySpki: Uint8Array;
}

export interface AccountKey {
  readonly viewPrivateKey: Scalar;
  readonly spendPrivateKey: Scalar;
  readonly fog?: FogInfo;
}

/** The four keys of one subaddress. */
export interface SubaddressKeys {
  /** `c_i = a·d_i`. */
  readonly viewPrivateKey: Scalar;
  /** `d_i = s_i + b`. */
  readonly spendPrivateKey: Scalar;
  readonly viewPublicKey: RistrettoPoint;
  readonly spendPublicKey: RistrettoPoint;
}

/** A recipient's public keys (the crypto content of a `PublicAddress`). */
export interface PublicAddressKeys {
  readonly viewPublicKey: RistrettoPoint;
  readonly spendPublicKey: RistrettoPoint;
}

function checkIndex(index: bigint): void {
  if (typeof index !== "bigint" || index < 0n || index >= 2n ** 64n) {
    throw new CryptoError("OUT_OF_RANGE", "subaddress index must be a u64");
  }
}

/** Legacy `RootIdentity`: HKDF-Blake2b-256 of 32 bytes of entropy, infos `view` / `spend`. */
export function accountKeyFromRootEntropy(entropy: Uint8Array): AccountKey {
  if (!(entropy instanceof Uint8Array) || entropy.length !== 32) {
    throw new CryptoError("INVALID_LENGTH", "root entropy must be 32 bytes");
  }
  const noSalt = new Uint8Array(0);
  const derive = (info: string) =>
    Scalars.fromBytesModOrder(hkdfDerive("blake2b256", entropy, noSalt, utf8(info), 32));
  return { viewPrivateKey: derive("view"), spendPrivateKey: derive("spend") };
}

/** SLIP-10 Ed25519 derivation (all indices hardened); returns the 32-byte key. */
export function slip10DeriveEd25519(seed: Uint8Array, path: readonly number[]): Uint8Array {
  let i = hmacSha512(utf8("ed25519 seed"), seed);
  for (const index of path) {
    const data = new Uint8Array(37);
    data.set(i.subarray(0, 32), 1);
    new DataView(data.buffer).setUint32(33, (index | 0x80000000) >>> 0, false);
    i = hmacSha512(i.subarray(32), data);
  }
  return i.slice(0, 32);
}

/** Account keys from a SLIP-10 key: HKDF-SHA512 with MobileCoin's salts, reduced wide. */
export function accountKeyFromSlip10Key(key: Uint8Array): AccountKey {
  const derive = (salt: string) =>
    Scalars.fromBytesModOrderWide(hkdfDerive("sha512", key, utf8(salt), new Uint8Array(0), 64));
  return {
    viewPrivateKey: derive("mobilecoin-ristretto255-view"),
    spendPrivateKey: derive("mobilecoin-ristretto255-spend"),
  };
}

/** Checks a BIP39 English mnemonic (words and checksum) and returns its entropy. */
export function mnemonicEntropy(mnemonic: string): Uint8Array {
  try {
    return mnemonicToEntropy(mnemonic.normalize("NFKD"), english);
  } catch (e) {
    throw new CryptoError("INVALID_MNEMONIC", `invalid BIP39 mnemonic: ${(e as Error).message}`);
  }
}

/** The English mnemonic for BIP39 entropy (16–32 bytes, a multiple of 4). */
export function entropyMnemonic(entropy: Uint8Array): string {
  try {
    return entropyToMnemonic(entropy, english);
  } catch (e) {
    throw new CryptoError("INVALID_MNEMONIC", `invalid BIP39 entropy: ${(e as Error).message}`);
  }
}

/**
 * Account keys from a BIP39 mnemonic and account index (`m/44'/866'/account'`). MobileCoin uses
 * an empty passphrase only.
 */
export function accountKeyFromMnemonic(mnemonic: string, accountIndex: number): AccountKey {
  if (!Number.isInteger(accountIndex) || accountIndex < 0 || accountIndex > 0xffffffff) {
    throw new CryptoError("OUT_OF_RANGE", "account index must be a u32");
  }
  mnemonicEntropy(mnemonic); // rejects unknown words and bad checksums with a typed error
  const normalized = mnemonic.normalize("NFKD");
  const seed = new Uint8Array(pbkdf2Sync(normalized, "mnemonic", 2048, 64, "sha512"));
  const key = slip10DeriveEd25519(seed, [
    USAGE_BIP44,
    COINTYPE_MOBILECOIN,
    (accountIndex & 0x7fffffff) >>> 0,
  ]);
  return accountKeyFromSlip10Key(key);
}

/** `s_i = Hs("mc_subaddress" ‖ a ‖ i)` with `i` as a 32-byte little-endian scalar. */
function subaddressScalar(viewPrivateKey: Scalar, index: bigint): Scalar {
  checkIndex(index);
  return hashToScalar(DOMAIN.SUBADDRESS, Scalars.toBytes(viewPrivateKey), Scalars.toBytes(index));
}

/** Subaddress keys through the private path. */
export function subaddressKeys(account: AccountKey, index: bigint): SubaddressKeys {
  const d = Scalars.add(subaddressScalar(account.viewPrivateKey, index), account.spendPrivateKey);
  const c = Scalars.mul(account.viewPrivateKey, d);
  const spendPublicKey = Ristretto.multiplyBase(d);
  return {
    viewPrivateKey: c,
    spendPrivateKey: d,
    spendPublicKey,
    viewPublicKey: Ristretto.multiplyBase(c),
  };
}

/** Subaddress public keys from a view-only account (`a`, `B`): `D_i = B + s_i·G`, `C_i = a·D_i`. */
export function viewOnlySubaddress(
  viewPrivateKey: Scalar,
  spendPublicKey: RistrettoPoint,
  index: bigint,
): PublicAddressKeys {
  const s = subaddressScalar(viewPrivateKey, index);
  const d = spendPublicKey.add(Ristretto.multiplyBase(s));
  return { spendPublicKey: d, viewPublicKey: d.multiply(viewPrivateKey) };
}

/** The account's spend public key `B = b·G` (what a view-only account holds). */
export function spendPublicKeyOf(account: AccountKey): RistrettoPoint {
  return Ristretto.multiplyBase(account.spendPrivateKey);
}

/** The burn address: view private all `0x01` bytes, spend public `Hp(tag)`; no fog. */
export function burnAddressKeys(): PublicAddressKeys & { readonly viewPrivateKey: Scalar } {
  const viewPrivateKey = Scalars.fromCanonicalBytes(new Uint8Array(32).fill(1));
  const spendPublicKey = hashToPoint(DOMAIN.BURN_ADDRESS_SPEND_PUBLIC);
  return { viewPrivateKey, spendPublicKey, viewPublicKey: spendPublicKey.multiply(viewPrivateKey) };
}
