// Four validators in one process (memory-world.ts: memory transport, attested in-process enclaves,
// memory ledgers, one virtual clock) with the operator views attached to each: a StatementTracker
// observing its driver and an AdminStatus over it. Shared by the admin tests.
import {
  AdminStatus,
  fanOutObserver,
  type NodeRuntime,
  ScpDebugDump,
  StatementTracker,
} from "../../src/node/index.js";
import type { PreparedWallet } from "../../src/sim/index.js";
import {
  closeWorld,
  MEMORY_IDS,
  type MemoryNode,
  type MemoryWorld,
  makeMemoryWorld,
  runUntil,
  spent,
  stopNode,
  submit,
} from "./memory-world.js";
import { EPOCH_MS } from "./virtual-timers.js";

export { closeWorld, runUntil, spent, stopNode, submit };

/** Timers fired before a scenario is declared stuck. */
const MAX_TIMER_FIRINGS = 20_000;
/** Evidence valid for a day of virtual time. */
export const EVIDENCE_NOT_AFTER_MS = EPOCH_MS + 24 * 3600_000;

export interface AdminNode extends MemoryNode {
  tracker: StatementTracker;
  status: AdminStatus;
}

export type AdminWorld = MemoryWorld<AdminNode>;

export const ADMIN_IDS = MEMORY_IDS;

export function makeAdminWorld(
  seed: string,
  wallet: PreparedWallet,
  /** n0 also writes an --scp-debug-dump here. */
  dumpDir?: string,
): Promise<AdminWorld> {
  return makeMemoryWorld<AdminNode>(seed, wallet, {
    label: "admin-world",
    maxTimerFirings: MAX_TIMER_FIRINGS,
    forkPerIncarnation: false,
    observe: (w, n) => {
      n.tracker = tracker(w, n);
      const dump =
        dumpDir === undefined || n.id !== w.ids[0]
          ? undefined
          : new ScpDebugDump({
              dir: dumpDir,
              nowMs: () => w.timers.nowMs(),
              node: n.id,
              quorumSet: w.quorum(n.id),
            });
      return fanOutObserver(n.tracker, dump);
    },
    attach: (w, n) => {
      n.status = new AdminStatus({
        local: n.id,
        quorumSet: w.quorum(n.id),
        validator: n.runtime.validator,
        driver: n.runtime.driver,
        ledger: n.ledger,
        tracker: n.tracker,
        nowMs: () => w.timers.nowMs(),
        evidenceNotAfterMs: () => EVIDENCE_NOT_AFTER_MS,
        enclaveAnswers: async () => !n.stopped,
      });
    },
  });
}

/** Built before the node's runtime, so it reads the runtime only once that exists. */
function tracker(w: AdminWorld, n: AdminNode): StatementTracker {
  return new StatementTracker({
    local: n.id,
    peers: w.ids.filter((x) => x !== n.id),
    nowMs: () => w.timers.nowMs(),
    blockIdAt: (i) =>
      i >= 0 && i < Number(n.ledger.numBlocks()) ? n.ledger.getBlock(BigInt(i)).id : undefined,
    pendingValues: () =>
      (n.runtime as NodeRuntime | undefined)?.validator.worker.pending.length ?? 0,
  });
}
