import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  type AccountKey,
  accountKeyFromMnemonic,
  DEFAULT_SUBADDRESS_INDEX,
  entropyMnemonic,
} from "../crypto/index.js";
import {
  decodePublicAddress,
  encodePublicAddress,
  type PublicAddress,
  publicAddressOf,
  publicAddressToB58,
} from "../transaction/index.js";
import { describeError, SeededRandom } from "../util/index.js";
import { ConfigError } from "./errors.js";

/** Largest key file we read. */
export const MAX_KEYFILE_BYTES = 64 * 1024;
/** Most accounts `sample-keys` writes or a keys directory may hold. */
export const MAX_SAMPLE_ACCOUNTS = 100_000;

/** MobileCoin's keyfile names: `account_keys_{i}`. */
export function keyfileName(i: number): string {
  return `account_keys_${i}`;
}

/**
 * Write `num` deterministic accounts as MobileCoin's `sample-keys` does: for each, a mnemonic
 * key file `account_keys_{i}.json` (`{"mnemonic", "account_index", "fog_report_url",
 * "fog_report_id", "fog_authority_spki"}`), the default subaddress's `PublicAddress` protobuf as
 * `.pub`, and its b58 form as `.b58pub`.
 */
export function writeSampleKeys(dir: string, num: number, seed: string): AccountKey[] {
  if (!Number.isInteger(num) || num < 1 || num > MAX_SAMPLE_ACCOUNTS) {
    throw new ConfigError(
      "CONFIG_INVALID",
      "--num",
      `must be between 1 and ${MAX_SAMPLE_ACCOUNTS}`,
    );
  }
  mkdirSync(dir, { recursive: true });
  const random = new SeededRandom(`sample-keys/${seed}`);
  const accounts: AccountKey[] = [];
  for (let i = 0; i < num; i++) {
    const mnemonic = entropyMnemonic(random.bytes(32));
    const account = accountKeyFromMnemonic(mnemonic, 0);
    const address = publicAddressOf(account, DEFAULT_SUBADDRESS_INDEX);
    const base = path.join(dir, keyfileName(i));
    const json = {
      mnemonic,
      account_index: 0,
      fog_report_url: null,
      fog_report_id: null,
      fog_authority_spki: null,
    };
    writeFileSync(`${base}.json`, JSON.stringify(json));
    writeFileSync(`${base}.pub`, encodePublicAddress(address));
    writeFileSync(`${base}.b58pub`, publicAddressToB58(address));
    accounts.push(account);
  }
  return accounts;
}

/** Sort `account_keys_9` before `account_keys_10`: by length, then by name (as MobileCoin does). */
function compareKeyfileNames(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function readBounded(file: string): Uint8Array {
  const size = statSync(file).size;
  if (size > MAX_KEYFILE_BYTES)
    throw new ConfigError("CONFIG_INVALID", file, `larger than ${MAX_KEYFILE_BYTES} bytes`);
  return new Uint8Array(readFileSync(file));
}

/** The public addresses of every `.pub` file in `dir`, in keyfile order. */
export function readPublicAddresses(dir: string): PublicAddress[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".pub"));
  } catch (error) {
    throw new ConfigError(
      "CONFIG_INVALID",
      dir,
      `cannot read the keys directory: ${describeError(error)}`,
    );
  }
  if (names.length > MAX_SAMPLE_ACCOUNTS)
    throw new ConfigError("CONFIG_INVALID", dir, `more than ${MAX_SAMPLE_ACCOUNTS} .pub files`);
  return names.sort(compareKeyfileNames).map((name) => {
    const file = path.join(dir, name);
    try {
      return decodePublicAddress(readBounded(file));
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError("CONFIG_INVALID", file, `not a PublicAddress: ${describeError(error)}`);
    }
  });
}

/** The account of a mnemonic key file written by `writeSampleKeys` (or MobileCoin's keyfile tools). */
export function readAccountKeyfile(file: string): AccountKey {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(readBounded(file)));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError("CONFIG_INVALID", file, `not JSON: ${describeError(error)}`);
  }
  const o = json as { mnemonic?: unknown; account_index?: unknown };
  if (typeof o.mnemonic !== "string" || typeof o.account_index !== "number") {
    throw new ConfigError(
      "CONFIG_INVALID",
      file,
      'expected {"mnemonic": string, "account_index": number}',
    );
  }
  try {
    return accountKeyFromMnemonic(o.mnemonic, o.account_index);
  } catch (error) {
    throw new ConfigError("CONFIG_INVALID", file, describeError(error));
  }
}
