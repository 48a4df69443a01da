import {
  type AccountKey,
  CHANGE_SUBADDRESS_INDEX,
  DEFAULT_SUBADDRESS_INDEX,
  keyImageOf,
  onetimePrivateKey,
  Ristretto,
  recoverSubaddressSpendPublicKey,
  sharedSecretFor,
  subaddressKeys,
  unmaskAmount,
} from "../crypto/index.js";
import type { LedgerReader } from "../ledger/index.js";
import type { TxOut } from "../transaction/index.js";
import { bytesEqual, toHex } from "../util/index.js";
import { WalletError } from "./errors.js";
import { WALLET_LIMITS } from "./limits.js";

/**
 * Finding an account's outputs in a ledger with its view key: for every TxOut, the subaddress
 * spend key it was sent to is recovered (`D = P − Hs(a·R)·G`) and compared with the account's
 * default and change subaddresses (the only two the sample wallet pays to). An owned output's key
 * image tells whether the ledger already holds its spend.
 */
export interface OwnedTxOut {
  /** Global TxOut index in the ledger. */
  readonly index: bigint;
  readonly txOut: TxOut;
  readonly value: bigint;
  readonly tokenId: bigint;
  readonly subaddressIndex: bigint;
  readonly keyImage: Uint8Array;
  /** The block that spent it, if the ledger holds its key image. */
  readonly spentInBlock: bigint | undefined;
}

const SCANNED_SUBADDRESSES = [DEFAULT_SUBADDRESS_INDEX, CHANGE_SUBADDRESS_INDEX] as const;

/** The account's scanned subaddresses with their spend public keys (derived once per scan). */
export interface ScanKeys {
  readonly account: AccountKey;
  readonly spendKeys: readonly { readonly index: bigint; readonly key: Uint8Array }[];
}

export function scanKeysOf(account: AccountKey): ScanKeys {
  return {
    account,
    spendKeys: SCANNED_SUBADDRESSES.map((index) => ({
      index,
      key: subaddressKeys(account, index).spendPublicKey.toBytes(),
    })),
  };
}

/** The subaddress of the account that `txOut` pays, or undefined when it is not ours. */
export function ownerSubaddress(txOut: TxOut, keys: ScanKeys): bigint | undefined {
  let bytes: Uint8Array;
  try {
    const shared = sharedSecretFor(
      keys.account.viewPrivateKey,
      Ristretto.fromBytes(txOut.publicKey),
    );
    bytes = recoverSubaddressSpendPublicKey(shared, Ristretto.fromBytes(txOut.targetKey)).toBytes();
  } catch {
    return undefined; // keys that are not valid points: no output anyone can spend
  }
  return keys.spendKeys.find((s) => bytesEqual(s.key, bytes))?.index;
}

/** What `account` can learn about one output it owns. */
export function openOwned(
  txOut: TxOut,
  index: bigint,
  account: AccountKey,
  subaddressIndex: bigint,
  ledger: LedgerReader,
): OwnedTxOut {
  if (txOut.maskedAmount === undefined)
    throw new WalletError("BAD_INPUT", `ledger TxOut ${index} has no masked amount`);
  const shared = sharedSecretFor(account.viewPrivateKey, Ristretto.fromBytes(txOut.publicKey));
  const { amount } = unmaskAmount(txOut.maskedAmount, shared);
  const spend = subaddressKeys(account, subaddressIndex).spendPrivateKey;
  const keyImage = keyImageOf(onetimePrivateKey(shared, spend));
  return {
    index,
    txOut,
    value: amount.value,
    tokenId: amount.tokenId,
    subaddressIndex,
    keyImage,
    spentInBlock: ledger.checkKeyImage(keyImage),
  };
}

/**
 * An account's outputs in one ledger, scanned incrementally: each `refresh` examines only the
 * TxOuts appended since the last one (the view-key work), and re-reads every owned output's spent
 * status (a key-image lookup). Keep one per account and ledger: a wallet sending many payments
 * (a load generator) then pays the scan once. A ledger that shrank is scanned again from zero.
 */
export class OwnedOutputs {
  readonly #keys: ScanKeys;
  #scanned = 0n;
  #owned: OwnedTxOut[] = [];

  constructor(readonly account: AccountKey) {
    this.#keys = scanKeysOf(account);
  }

  /** Every output of the account in `ledger`, spent or not, in ledger order. */
  refresh(ledger: LedgerReader): OwnedTxOut[] {
    const count = ledger.numTxOuts();
    if (count < this.#scanned) {
      this.#scanned = 0n;
      this.#owned = [];
    }
    for (let index = this.#scanned; index < count; index++) {
      const txOut = ledger.getTxOutByIndex(index);
      const subaddress = ownerSubaddress(txOut, this.#keys);
      if (subaddress === undefined) continue;
      if (this.#owned.length >= WALLET_LIMITS.maxOwnedTxOuts)
        throw new WalletError(
          "BAD_INPUT",
          `more than ${WALLET_LIMITS.maxOwnedTxOuts} owned outputs`,
        );
      this.#owned.push(openOwned(txOut, index, this.account, subaddress, ledger));
    }
    this.#scanned = count;
    return this.#owned.map((o) => ({ ...o, spentInBlock: ledger.checkKeyImage(o.keyImage) }));
  }
}

/** Every output of `account` in `ledger`, spent or not, in ledger order (one full scan). */
export function scanOwned(ledger: LedgerReader, account: AccountKey): OwnedTxOut[] {
  return new OwnedOutputs(account).refresh(ledger);
}

export interface Balance {
  /** Sum of unspent MOB outputs, picoMOB. */
  readonly balance: bigint;
  /** Unspent MOB outputs. */
  readonly txos: number;
  readonly blockCount: bigint;
}

/** The MOB balance of `account`: its outputs in the ledger whose key images the ledger lacks. */
export function balanceOf(
  ledger: LedgerReader,
  account: AccountKey,
  owned: OwnedOutputs = new OwnedOutputs(account),
): Balance {
  const unspent = owned
    .refresh(ledger)
    .filter((o) => o.spentInBlock === undefined && o.tokenId === 0n);
  return {
    balance: unspent.reduce((sum, o) => sum + o.value, 0n),
    txos: unspent.length,
    blockCount: ledger.numBlocks(),
  };
}

/** Hex key for sets of key images. */
export const keyImageHex = (o: { readonly keyImage: Uint8Array }): string => toHex(o.keyImage);
