import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { AccountKey } from "../crypto/index.js";
import { type Ledger, openLmdbLedger } from "../ledger/index.js";
import { keyfileName, MAX_KEYFILE_BYTES, readAccountKeyfile } from "../node/index.js";
import {
  decodePublicAddress,
  type PublicAddress,
  publicAddressFromB58,
} from "../transaction/index.js";
import { describeError } from "../util/index.js";
import { WalletError } from "./errors.js";

/**
 * The sample accounts of a keys directory (`consensus-tool sample-keys`): account `i` is
 * `account_keys_{i}.json` (its mnemonic), its address `account_keys_{i}.pub`.
 */
export function accountKeyfile(keysDir: string, account: number): string {
  return path.join(keysDir, `${keyfileName(account)}.json`);
}

/** Where the account's pending spends are kept (see PendingSpends). */
export function pendingFile(keysDir: string, account: number): string {
  return path.join(keysDir, `${keyfileName(account)}.pending.json`);
}

export function loadAccount(keysDir: string, account: number): AccountKey {
  const file = accountKeyfile(keysDir, account);
  if (!existsSync(file))
    throw new WalletError("BAD_INPUT", `account ${account}: ${file} does not exist`);
  return readAccountKeyfile(file);
}

/** The default address of sample account `account` (its `.pub` file: no private key read). */
export function accountAddress(keysDir: string, account: number): PublicAddress {
  const file = path.join(keysDir, `${keyfileName(account)}.pub`);
  let bytes: Uint8Array;
  try {
    if (statSync(file).size > MAX_KEYFILE_BYTES) throw new Error("too large");
    bytes = new Uint8Array(readFileSync(file));
  } catch (error) {
    throw new WalletError("BAD_INPUT", `account ${account}: ${file}: ${describeError(error)}`);
  }
  try {
    return decodePublicAddress(bytes);
  } catch (error) {
    throw new WalletError("BAD_INPUT", `${file} is not a PublicAddress: ${describeError(error)}`);
  }
}

export function addressFromB58(text: string): PublicAddress {
  try {
    return publicAddressFromB58(text);
  } catch (error) {
    throw new WalletError("BAD_INPUT", `--to is not a b58 public address: ${describeError(error)}`);
  }
}

/** A ledger directory opened read-only: the wallet never writes a node's ledger. */
export function openLedgerReadOnly(dir: string): Ledger {
  return openLmdbLedger(path.resolve(dir), { readOnly: true });
}
