import { Gauge, type Registry } from "prom-client";
import type { Validator } from "../consensus/index.js";
import type { QuorumSet } from "../scp/index.js";
import { ADMIN_LIMITS } from "./admin-limits.js";
import { type HealthVerdict, liveness, readiness } from "./health.js";
import { IntersectionCache, type QuorumHealth, quorumHealth } from "./quorum-health.js";
import { latestOnSlot, type ScpView, scpView, slotStateJson } from "./scp-view.js";
import type { StatementTracker } from "./statement-tracker.js";

/**
 * The operator views of one running node: reads its state (validator, driver, ledger, tracker)
 * and hands it to the pure functions of health.ts, quorum-health.ts and scp-view.ts. The admin
 * HTTP server, the gRPC health service and the metrics all ask this one object.
 */
export interface AdminStatusSources {
  readonly local: string;
  readonly quorumSet: QuorumSet;
  readonly validator: Pick<Validator, "worker" | "broadcaster">;
  readonly driver: { readonly running: boolean };
  readonly ledger: { numBlocks(): bigint };
  readonly tracker: StatementTracker;
  readonly nowMs: () => number;
  /** The installed attestation evidence's notAfter, ms; undefined when none is installed. */
  readonly evidenceNotAfterMs: () => number | undefined;
  /** Resolves true when the enclave answers (the caller bounds the wait). */
  readonly enclaveAnswers: () => Promise<boolean>;
}

export class AdminStatus {
  private readonly cache = new IntersectionCache();

  constructor(readonly s: AdminStatusSources) {}

  quorum(fail?: readonly string[]): QuorumHealth {
    const s = this.s;
    return quorumHealth(
      {
        local: s.local,
        quorumSet: s.quorumSet,
        currentSlot: s.validator.worker.currentSlot,
        nodes: s.tracker.tracked,
        nowMs: s.nowMs(),
        ...(fail === undefined ? {} : { fail }),
      },
      this.cache,
    );
  }

  readiness(): HealthVerdict {
    const s = this.s;
    const w = s.validator.worker;
    const t = s.tracker;
    return readiness({
      nowMs: s.nowMs(),
      sync: w.sync.state.kind,
      blockHeight: Number(s.ledger.numBlocks()),
      networkBlockIndex: w.network.highestBlockIndexOnNetwork(),
      pendingValues: w.pending.length,
      pendingSinceMs: t.pendingSinceMs,
      lastProgressMs: t.lastBlockMs ?? t.startedMs,
      quorum: this.quorum(),
      evidenceNotAfterMs: s.evidenceNotAfterMs(),
      running: s.driver.running,
    });
  }

  async liveness(): Promise<HealthVerdict> {
    const timeout = new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), ADMIN_LIMITS.enclavePingTimeoutMs);
      t.unref();
    });
    const answers = await Promise.race([this.s.enclaveAnswers().catch(() => false), timeout]);
    return liveness({ running: this.s.driver.running, enclaveAnswers: answers });
  }

  scp(): ScpView {
    const s = this.s;
    const w = s.validator.worker;
    const snap = w.slotSnapshot();
    const now = s.nowMs();
    const latest = [...s.tracker.tracked.values()].flatMap((n) => (n.latest ? [n.latest] : []));
    return scpView({
      local: s.local,
      quorumSet: s.quorumSet,
      slot: snap.index,
      state: slotStateJson(snap),
      statements: latestOnSlot(latest, snap.index),
      sync: w.sync.state.kind,
      pendingValues: w.pending.length,
      fetches: [...s.tracker.fetches.values()].map((f) => ({
        peer: f.peer,
        txs: f.txs,
        forMs: now - f.sinceMs,
      })),
    });
  }

  /** What the dashboard polls besides the pinned paths. */
  status(): object {
    const s = this.s;
    const w = s.validator.worker;
    const snap = w.slotSnapshot();
    return {
      node: s.local,
      now_ms: s.nowMs(),
      block_height: Number(s.ledger.numBlocks()),
      current_slot: snap.index,
      phase: snap.phase,
      ballot_counter: snap.b?.n ?? 0,
      pending_values: w.pending.length,
      sync: w.sync.state.kind,
      blocks: s.tracker.blocks.map((b) => ({
        slot: b.slot,
        at_ms: b.atMs,
        tx_count: b.txCount,
        latencies_ms: b.latenciesMs,
      })),
      peers: [...s.tracker.tracked]
        .filter(([id]) => id !== s.local)
        .map(([id, n]) => ({
          id,
          last_heard_ms: n.lastHeardMs ?? null,
          queue: s.validator.broadcaster.pending(id),
        })),
    };
  }

  /** The gRPC health service's `ready` (serveHealthApi): the same verdict as `/readyz`. */
  readonly ready = (_service: string): boolean => this.readiness().ok;
}

/** Quorum and readiness gauges the alert rules use, computed when scraped. */
export function registerAdminGauges(registry: Registry, status: AdminStatus): void {
  const registers = [registry];
  new Gauge({
    name: "mcts_quorum_failures_tolerated",
    help: "More member failures the node survives: property=liveness (crashes) or safety (ill-behaved)",
    labelNames: ["property"],
    registers,
    collect() {
      const q = status.quorum();
      this.set({ property: "liveness" }, q.hasQuorum ? q.liveness.tolerates : -1);
      this.set({ property: "safety" }, q.safety.tolerates);
    },
  });
  new Gauge({
    name: "mcts_quorum_intersects",
    help: "1 when the declared quorum sets of the transitive quorum set intersect, 0 otherwise",
    registers,
    collect() {
      this.set(status.quorum().intersection.intersects === true ? 1 : 0);
    },
  });
  new Gauge({
    name: "mcts_quorum_members",
    help: "Members of the transitive quorum set by state (agreeing, delayed, missing, disagreeing)",
    labelNames: ["state"],
    registers,
    collect() {
      const counts = { agreeing: 0, delayed: 0, missing: 0, disagreeing: 0 };
      for (const m of status.quorum().members) if (m.state !== "self") counts[m.state]++;
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  new Gauge({
    name: "mcts_sync_is_behind",
    help: "1 while the node is behind the network and catching up",
    registers,
    collect() {
      this.set(status.s.validator.worker.sync.isBehind ? 1 : 0);
    },
  });
  new Gauge({
    name: "mcts_sync_blocks_behind",
    help: "The highest block a blocking set of peers externalized minus our last block (0 when level)",
    registers,
    collect() {
      const w = status.s.validator.worker;
      const network = w.network.highestBlockIndexOnNetwork();
      const ours = Number(status.s.ledger.numBlocks()) - 1;
      this.set(network === undefined ? 0 : Math.max(0, network - ours));
    },
  });
  new Gauge({
    name: "mcts_attestation_evidence_not_after",
    help: "When the installed attestation evidence expires, seconds since the Unix epoch (0: none)",
    registers,
    collect() {
      this.set(Math.floor((status.s.evidenceNotAfterMs() ?? 0) / 1000));
    },
  });
  new Gauge({
    name: "mcts_ready",
    help: "1 when /readyz answers 200",
    registers,
    collect() {
      this.set(status.readiness().ok ? 1 : 0);
    },
  });
}
