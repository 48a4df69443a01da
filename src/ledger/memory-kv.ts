import { toHex } from "../util/index.js";
import { ALL_TABLES, type KvStore, type KvWriter, type TableName } from "./kv.js";

/**
 * An in-memory `KvStore`: one Map per table. A write transaction collects its writes in an overlay
 * and applies them only if the body returns, so a refused block leaves no trace, as in LMDB.
 */
export class MemoryKvStore implements KvStore {
  private readonly tables = new Map<TableName, Map<string, Uint8Array>>(
    ALL_TABLES.map((t) => [t, new Map()]),
  );
  private closed = false;

  private table(name: TableName): Map<string, Uint8Array> {
    const t = this.tables.get(name);
    if (t === undefined || this.closed)
      throw new RangeError(`no table ${name}, or the store is closed`);
    return t;
  }

  get(table: TableName, key: Uint8Array): Uint8Array | undefined {
    return this.table(table).get(toHex(key));
  }

  write<T>(body: (txn: KvWriter) => T): T {
    const overlay = new Map<TableName, Map<string, Uint8Array>>();
    const txn: KvWriter = {
      get: (table, key) => overlay.get(table)?.get(toHex(key)) ?? this.get(table, key),
      put: (table, key, value) => {
        let t = overlay.get(table);
        if (t === undefined) {
          t = new Map();
          overlay.set(table, t);
        }
        t.set(toHex(key), value.slice());
      },
    };
    const result = body(txn);
    for (const [table, writes] of overlay) {
      const target = this.table(table);
      for (const [k, v] of writes) target.set(k, v);
    }
    return result;
  }

  diskBytes(): number | undefined {
    return undefined;
  }

  close(): void {
    this.closed = true;
  }
}
