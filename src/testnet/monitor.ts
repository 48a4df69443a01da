import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import { AdminAPI } from "../proto/admin_pb.js";
import { channelSettingsFor, RpcClient } from "../rpc/index.js";
import { describeError, parseServiceUri } from "../util/index.js";
import { NodeClient } from "../wallet/index.js";
import { TESTNET_LIMITS } from "./limits.js";

/** What the view shows of one node; fields stay undefined until the node has answered. */
export interface NodeView {
  readonly index: number;
  readonly clientUri: string;
  readonly adminUri: string;
  readonly dashboardUri: string | undefined;
  blockCount: bigint | undefined;
  /** SCP phase of the current slot (admin metrics `cur_slot_phase`). */
  phase: string | undefined;
  /** Admin GetInfo's sync_status is "synced". */
  inSync: boolean | undefined;
  /** The last failure to reach it, cleared by the next answer. */
  error: string | undefined;
}

/** MobileCoin's `cur_slot_phase` gauge values (src/node/metrics-prom.ts SLOT_PHASE_VALUE). */
const PHASES: Readonly<Record<string, string>> = {
  "2": "Nominate",
  "3": "Prepare",
  "4": "Commit",
  "5": "Externalize",
};

/** The SCP phase in a Prometheus text exposition, if the gauge is there. */
export function phaseFromMetrics(text: string): string | undefined {
  const m = /^consensus_scp_gauge\{[^}]*op="cur_slot_phase"[^}]*\}\s+(\d+)/m.exec(text);
  return m === null ? undefined : (PHASES[m[1] as string] ?? `phase ${m[1]}`);
}

/** `sync_status` of admin GetInfo's config_json, as a boolean. */
export function inSyncFromInfo(configJson: string): boolean | undefined {
  try {
    const status = (JSON.parse(configJson) as { status?: { sync_status?: unknown } }).status;
    return status?.sync_status === undefined ? undefined : status.sync_status === "synced";
  } catch {
    return undefined;
  }
}

/** Polls one node's client API (block count) and admin API (phase, sync status). */
export class NodeMonitor {
  readonly view: NodeView;
  readonly #client: NodeClient;
  readonly #admin: RpcClient;
  #busy = false;

  constructor(p: {
    index: number;
    clientUri: string;
    adminUri: string;
    dashboardUri: string | undefined;
  }) {
    this.view = {
      ...p,
      blockCount: undefined,
      phase: undefined,
      inSync: undefined,
      error: undefined,
    };
    this.#client = new NodeClient(p.clientUri);
    const admin = channelSettingsFor(parseServiceUri(p.adminUri, "admin"));
    this.#admin = new RpcClient(admin.address, admin.credentials, admin.options);
  }

  /** One look (skipped while the previous one is still out). */
  async poll(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      this.view.blockCount = (await this.#client.chainInfo()).blockCount;
      this.view.error = undefined;
      await this.#pollAdmin();
    } catch (error) {
      this.view.error = describeError(error).split("\n")[0];
    } finally {
      this.#busy = false;
    }
  }

  async #pollAdmin(): Promise<void> {
    const options = { deadlineMs: TESTNET_LIMITS.monitorCallDeadlineMs };
    try {
      const metrics = await this.#admin.unary(
        AdminAPI.method.getPrometheusMetrics,
        create(EmptySchema),
        options,
      );
      this.view.phase = phaseFromMetrics(metrics.metrics);
      const info = await this.#admin.unary(AdminAPI.method.getInfo, create(EmptySchema), options);
      this.view.inSync = inSyncFromInfo(info.configJson);
    } catch {
      // The admin API is optional extra detail; the client API's answer stands.
    }
  }

  close(): void {
    this.#client.close();
    this.#admin.close();
  }
}

/** The lowest block count over all nodes, when every node has answered. */
export function minBlockCount(views: readonly NodeView[]): bigint | undefined {
  let min: bigint | undefined;
  for (const v of views) {
    if (v.blockCount === undefined) return undefined;
    if (min === undefined || v.blockCount < min) min = v.blockCount;
  }
  return min;
}
