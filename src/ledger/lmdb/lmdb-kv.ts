import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import path from "node:path";
import { type Database, open, type RootDatabase } from "lmdb";
import { LedgerError } from "../errors.js";
import { ALL_TABLES, type KvStore, type KvWriter, type TableName } from "../kv.js";

export interface LmdbOptions {
  /**
   * `true` (default): every committed block is flushed to disk before `appendBlock` returns, so a
   * power loss cannot take back a block the node has acted on. `false` skips the flush (faster bulk
   * imports); a killed process still leaves a consistent ledger, only an OS crash can lose the tail.
   */
  durable?: boolean;
  /** Open without write access (tools that only read). */
  readOnly?: boolean;
}

/** Upper bound on the ledger's size: LMDB reserves address space for it, not disk. */
export const LMDB_MAP_SIZE_BYTES = 2 ** 40;

/** LMDB's meta-page magic, little-endian at byte 24 of each of the first two pages. */
const LMDB_MAGIC = 0xbeefc0de;
const LMDB_MAGIC_OFFSET = 24;
const LMDB_PAGE_BYTES = 4096;

/**
 * The native LMDB library trusts its file and crashes the process on garbage. So before opening,
 * an existing `data.mdb` must look like an LMDB environment: both meta pages present and marked.
 * (This catches a wrong or truncated file, not a deliberately forged one.)
 */
export function checkLmdbFile(directory: string, readOnly: boolean): void {
  const file = path.join(directory, "data.mdb");
  if (!existsSync(file)) {
    if (readOnly)
      throw new LedgerError("NOT_FOUND", `no ledger at ${directory} (data.mdb is missing)`);
    return;
  }
  const size = statSync(file).size;
  if (size === 0) {
    if (readOnly) throw new LedgerError("CORRUPT", `${file} is empty`);
    return;
  }
  if (size < 2 * LMDB_PAGE_BYTES)
    throw new LedgerError("CORRUPT", `${file} is too short to be an LMDB database`);
  const header = Buffer.alloc(2 * LMDB_PAGE_BYTES);
  const fd = openSync(file, "r");
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  for (const page of [0, 1]) {
    if (header.readUInt32LE(page * LMDB_PAGE_BYTES + LMDB_MAGIC_OFFSET) !== LMDB_MAGIC) {
      throw new LedgerError(
        "CORRUPT",
        `${file} is not an LMDB database (meta page ${page} has no LMDB magic)`,
      );
    }
  }
}

/**
 * `KvStore` on LMDB (lmdb-js): one environment, `data.mdb` in the ledger directory, one named
 * database per table with binary keys and values. Writes run in synchronous write transactions.
 */
export class LmdbKvStore implements KvStore {
  private readonly root: RootDatabase;
  private readonly dbs = new Map<TableName, Database<Buffer, Buffer>>();
  private readonly directory: string;

  constructor(directory: string, options: LmdbOptions = {}) {
    this.directory = directory;
    checkLmdbFile(directory, options.readOnly ?? false);
    this.root = open({
      path: directory,
      maxDbs: ALL_TABLES.length + 4,
      mapSize: LMDB_MAP_SIZE_BYTES,
      noSync: options.durable === false,
      readOnly: options.readOnly ?? false,
      encoding: "binary",
      keyEncoding: "binary",
      compression: false,
      cache: false,
      // One file (data.mdb) in the directory, as MobileCoin's ledger and --origin-block-path expect.
      noSubdir: false,
    });
    for (const name of ALL_TABLES) {
      this.dbs.set(
        name,
        this.root.openDB<Buffer, Buffer>({
          name,
          encoding: "binary",
          keyEncoding: "binary",
          cache: false,
        }),
      );
    }
  }

  private db(name: TableName): Database<Buffer, Buffer> {
    const db = this.dbs.get(name);
    if (db === undefined) throw new RangeError(`no table ${name}`);
    return db;
  }

  get(table: TableName, key: Uint8Array): Uint8Array | undefined {
    const value = this.db(table).getBinary(Buffer.from(key.buffer, key.byteOffset, key.byteLength));
    return value === undefined ? undefined : new Uint8Array(value);
  }

  write<T>(body: (txn: KvWriter) => T): T {
    return this.root.transactionSync(() => {
      const txn: KvWriter = {
        get: (table, key) => this.get(table, key),
        put: (table, key, value) => {
          this.db(table).putSync(Buffer.from(key), Buffer.from(value));
        },
      };
      return body(txn);
    });
  }

  diskBytes(): number | undefined {
    try {
      return statSync(path.join(this.directory, "data.mdb")).size;
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.root.close();
  }
}
