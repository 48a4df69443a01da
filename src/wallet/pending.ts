import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import type { LedgerReader } from "../ledger/index.js";
import { describeError, fromHex, toHex } from "../util/index.js";
import { WalletError } from "./errors.js";
import { WALLET_LIMITS } from "./limits.js";

/**
 * Outputs this account has submitted but the ledger does not show spent yet, so that the next
 * send picks others. Kept per account next to its key file (`account_keys_{i}.pending.json`),
 * because separate `wallet send` processes share nothing else. An entry leaves when one of its key
 * images reaches the ledger (spent; the scan now says so) or when the chain reaches its tombstone
 * block (it can never land; the outputs are free again). No clock is involved: a wallet whose
 * ledger stops following the chain keeps its entries, which only makes it more careful.
 */
export interface PendingEntry {
  readonly txHash: string;
  readonly keyImages: readonly string[];
  readonly tombstoneBlock: bigint;
}

interface PendingJson {
  tx_hash: string;
  key_images: string[];
  tombstone_block: string;
}

function invalid(file: string, why: string): WalletError {
  return new WalletError("PENDING_FILE_INVALID", `${file}: ${why} (delete it to start afresh)`, {
    file,
  });
}

function parseEntry(file: string, value: unknown): PendingEntry {
  const o = value as Partial<PendingJson> | null;
  const hex = (s: unknown) => typeof s === "string" && /^[0-9a-f]{64}$/.test(s);
  if (
    o === null ||
    typeof o !== "object" ||
    !hex(o.tx_hash) ||
    !Array.isArray(o.key_images) ||
    !o.key_images.every(hex) ||
    typeof o.tombstone_block !== "string" ||
    !/^[0-9]{1,20}$/.test(o.tombstone_block)
  ) {
    throw invalid(file, "an entry is not {tx_hash, key_images, tombstone_block}");
  }
  return {
    txHash: o.tx_hash as string,
    keyImages: o.key_images as string[],
    tombstoneBlock: BigInt(o.tombstone_block),
  };
}

export class PendingSpends {
  #entries: PendingEntry[];

  private constructor(
    readonly file: string,
    entries: PendingEntry[],
  ) {
    this.#entries = entries;
  }

  /** The file's entries, or none when it does not exist yet. */
  static load(file: string): PendingSpends {
    if (!existsSync(file)) return new PendingSpends(file, []);
    if (statSync(file).size > WALLET_LIMITS.maxPendingFileBytes)
      throw invalid(file, `larger than ${WALLET_LIMITS.maxPendingFileBytes} bytes`);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw invalid(file, `not JSON: ${describeError(error)}`);
    }
    if (!Array.isArray(json)) throw invalid(file, "expected an array");
    if (json.length > WALLET_LIMITS.maxPendingEntries)
      throw invalid(file, `more than ${WALLET_LIMITS.maxPendingEntries} entries`);
    return new PendingSpends(
      file,
      json.map((e) => parseEntry(file, e)),
    );
  }

  get entries(): readonly PendingEntry[] {
    return this.#entries;
  }

  /** Every key image still pending, as hex. */
  keyImages(): Set<string> {
    return new Set(this.#entries.flatMap((e) => e.keyImages));
  }

  /** Drop entries the ledger shows spent, and those past their tombstone at `chainBlockCount`. */
  prune(ledger: LedgerReader, chainBlockCount: bigint): void {
    const height = chainBlockCount > ledger.numBlocks() ? chainBlockCount : ledger.numBlocks();
    this.#entries = this.#entries.filter(
      (e) =>
        e.tombstoneBlock > height && !e.keyImages.some((k) => ledger.containsKeyImage(fromHex(k))),
    );
  }

  add(txHash: Uint8Array, keyImages: readonly Uint8Array[], tombstoneBlock: bigint): void {
    if (this.#entries.length >= WALLET_LIMITS.maxPendingEntries)
      throw invalid(this.file, `more than ${WALLET_LIMITS.maxPendingEntries} pending transactions`);
    this.#entries.push({ txHash: toHex(txHash), keyImages: keyImages.map(toHex), tombstoneBlock });
  }

  remove(txHash: Uint8Array): void {
    const hex = toHex(txHash);
    this.#entries = this.#entries.filter((e) => e.txHash !== hex);
  }

  /** Write the file whole (a temporary file renamed over it: a crash leaves the old or the new). */
  save(): void {
    const json: PendingJson[] = this.#entries.map((e) => ({
      tx_hash: e.txHash,
      key_images: [...e.keyImages],
      tombstone_block: e.tombstoneBlock.toString(),
    }));
    const temporary = `${this.file}.tmp-${process.pid}`;
    writeFileSync(temporary, `${JSON.stringify(json)}\n`);
    renameSync(temporary, this.file);
  }
}
