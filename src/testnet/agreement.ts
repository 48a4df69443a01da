import { bytesEqual, describeError, toHex } from "../util/index.js";
import { openLedgerReadOnly } from "../wallet/index.js";

/** Each node's chain as its LMDB holds it, read after the nodes stopped. */
export interface LedgerReport {
  readonly node: number;
  readonly blockCount: bigint;
  /** Hex id of its last block. */
  readonly lastBlockId: string | undefined;
  /** Why the ledger could not be read. */
  readonly error: string | undefined;
}

export interface Agreement {
  /** Every ledger readable, with the same number of blocks and the same block id at every index. */
  readonly agreement: boolean;
  readonly ledgers: readonly LedgerReport[];
  /** The first index where two ledgers hold different blocks, if any. */
  readonly firstDifference: bigint | undefined;
}

/**
 * Compare the nodes' ledgers block by block (ids), opening each read-only. Ledgers of different
 * lengths do not agree even when one is a prefix of the other: the run waits for every node to
 * reach the same height before it stops them, so a difference in length is a node left behind.
 */
export function compareLedgers(ledgerDirs: readonly { node: number; dir: string }[]): Agreement {
  const ids: Uint8Array[][] = [];
  const ledgers: LedgerReport[] = [];
  for (const { node, dir } of ledgerDirs) {
    try {
      const ledger = openLedgerReadOnly(dir);
      try {
        const count = ledger.numBlocks();
        const chain: Uint8Array[] = [];
        for (let i = 0n; i < count; i++) chain.push(ledger.getBlock(i).id);
        ids.push(chain);
        const last = chain[chain.length - 1];
        ledgers.push({
          node,
          blockCount: count,
          lastBlockId: last === undefined ? undefined : toHex(last),
          error: undefined,
        });
      } finally {
        ledger.close();
      }
    } catch (error) {
      ledgers.push({ node, blockCount: 0n, lastBlockId: undefined, error: describeError(error) });
    }
  }
  const firstDifference = firstDifferentIndex(ids);
  const sameLength = ids.every((c) => c.length === ids[0]?.length);
  const readable = ledgers.every((l) => l.error === undefined);
  return {
    agreement: readable && sameLength && firstDifference === undefined && ids.length > 0,
    ledgers,
    firstDifference,
  };
}

/** The lowest index at which two chains hold different ids (over their common length). */
export function firstDifferentIndex(
  chains: readonly (readonly Uint8Array[])[],
): bigint | undefined {
  const common = Math.min(...chains.map((c) => c.length));
  for (let i = 0; i < common; i++) {
    const first = chains[0]?.[i] as Uint8Array;
    if (chains.some((c) => !bytesEqual(c[i] as Uint8Array, first))) return BigInt(i);
  }
  return undefined;
}
