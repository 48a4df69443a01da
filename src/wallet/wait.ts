import type { LedgerReader } from "../ledger/index.js";
import { RpcCallError } from "../rpc/index.js";
import { WalletError } from "./errors.js";
import { WALLET_LIMITS } from "./limits.js";
import type { NodeClient } from "./node.js";

/** Time for the waiting loops: injected so that tests run them on a virtual clock. */
export interface WaitClock {
  readonly nowMs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const realWaitClock: WaitClock = {
  nowMs: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A node that is restarting or unreachable is waited for, not reported; anything else is. */
function isTransient(error: unknown): boolean {
  return (
    error instanceof RpcCallError ||
    (error instanceof WalletError && error.code === "NODE_REPLY_INVALID")
  );
}

/** Poll until the node's block count exceeds `block`; the last count seen, or undefined. */
export async function waitForBlock(p: {
  readonly node: NodeClient;
  readonly block: bigint;
  readonly timeoutMs: number;
  readonly clock: WaitClock;
}): Promise<{ readonly reached: boolean; readonly blockCount: bigint | undefined }> {
  const deadline = p.clock.nowMs() + p.timeoutMs;
  let blockCount: bigint | undefined;
  for (;;) {
    try {
      blockCount = (await p.node.chainInfo()).blockCount;
      if (blockCount > p.block) return { reached: true, blockCount };
    } catch (error) {
      if (!isTransient(error)) throw error;
    }
    if (p.clock.nowMs() >= deadline) return { reached: false, blockCount };
    await p.clock.sleep(WALLET_LIMITS.pollIntervalMs);
  }
}

export type TxFate =
  | { readonly status: "included"; readonly blockIndex: bigint }
  /** Another transaction spent one of its inputs: it can never land. */
  | { readonly status: "conflict"; readonly blockIndex: bigint }
  /** The chain reached its tombstone block without it. */
  | { readonly status: "expired" }
  | { readonly status: "timeout" };

/** Where the transaction stands in one look at a ledger. */
export function txFateIn(
  ledger: LedgerReader,
  tx: { readonly outputPublicKey: Uint8Array; readonly keyImages: readonly Uint8Array[] },
  tombstoneBlock: bigint,
): TxFate | undefined {
  const index = ledger.findTxOutIndexByPublicKey(tx.outputPublicKey);
  if (index !== undefined)
    return { status: "included", blockIndex: ledger.getBlockIndexByTxOutIndex(index) };
  for (const keyImage of tx.keyImages) {
    const spentIn = ledger.checkKeyImage(keyImage);
    if (spentIn !== undefined) return { status: "conflict", blockIndex: spentIn };
  }
  return ledger.numBlocks() >= tombstoneBlock ? { status: "expired" } : undefined;
}

/**
 * Follow the chain through a ledger directory until the transaction's outputs appear in it. The
 * ledger is opened afresh for each look (`openLedger`), so that a node's LMDB written by another
 * process is read as it grows; a ledger that does not follow the chain just times out.
 */
export async function waitForTx(p: {
  readonly openLedger: () => LedgerReader & { close(): void };
  readonly tx: { readonly outputPublicKey: Uint8Array; readonly keyImages: readonly Uint8Array[] };
  readonly tombstoneBlock: bigint;
  readonly timeoutMs: number;
  readonly clock: WaitClock;
}): Promise<TxFate> {
  const deadline = p.clock.nowMs() + p.timeoutMs;
  for (;;) {
    const ledger = p.openLedger();
    let fate: TxFate | undefined;
    try {
      fate = txFateIn(ledger, p.tx, p.tombstoneBlock);
    } finally {
      ledger.close();
    }
    if (fate !== undefined) return fate;
    if (p.clock.nowMs() >= deadline) return { status: "timeout" };
    await p.clock.sleep(WALLET_LIMITS.pollIntervalMs);
  }
}
