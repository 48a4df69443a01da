import {
  messageFromJson,
  messageToJson,
  type NodeOutput,
  type QuorumSet,
  type RebroadcastingNode,
  type ValueList,
  valuesFromJson,
} from "../scp/index.js";
import { isCodedError, toHex } from "../util/index.js";
import { AgreementChecker, LivenessChecker } from "./checkers.js";
import { SimError } from "./errors.js";
import { applySync, makeHost, memoizedPriorityHash } from "./node-harness.js";
import { castFor, optionsFromJson, type SimCast, type SimOptions } from "./options.js";
import type { TopologyKind } from "./topology.js";

/**
 * Replay of a simulator trace: rebuild the honest nodes from the header, feed them the recorded
 * inputs (proposals, message batches, timer firings, ledger syncs) at the recorded virtual times,
 * and compare every output (each message sent, each externalization) with the recorded one, in
 * order. Byzantine nodes need no replay: what they sent is part of the honest nodes' inputs.
 * Agreement, liveness and the digest come from the same checkers as a live run, fed with the
 * replayed decisions.
 */
export interface ReplayResult {
  seed: string;
  topology: TopologyKind;
  nodes: number;
  slots: number;
  events: number;
  outputs_compared: number;
  matches: boolean;
  first_mismatch: string | null;
  agreement: boolean;
  live: boolean;
  slots_decided_min: number;
  digest: string;
  recorded_digest: string | null;
}

type TraceLine = Record<string, unknown>;

/** Replay trace lines (JSON objects, one per line; blank lines ignored). */
export function replayTrace(lines: readonly string[]): ReplayResult {
  const records = parseRecords(lines);
  const header = records[0];
  if (header?.event !== "header")
    throw new SimError("BAD_TRACE", "the first record must be the header");
  const replayer = new Replayer(optionsFromJson(header.options), records);
  try {
    for (const r of records) replayer.input(r);
  } catch (error) {
    if (isCodedError(error) && !(error instanceof SimError))
      throw new SimError("BAD_TRACE", `malformed record: ${error.message}`);
    throw error;
  }
  return replayer.result();
}

function parseRecords(lines: readonly string[]): TraceLine[] {
  const records: TraceLine[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let r: unknown;
    try {
      r = JSON.parse(line);
    } catch {
      throw new SimError("BAD_TRACE", `line ${i + 1}: not JSON`);
    }
    if (typeof r !== "object" || r === null || typeof (r as { event?: unknown }).event !== "string")
      throw new SimError("BAD_TRACE", `line ${i + 1}: not a trace record`);
    records.push(r as TraceLine);
  });
  return records;
}

const INPUT_EVENTS = new Set(["propose", "deliver", "timeout", "sync", "restart"]);

class Replayer {
  private readonly cast: SimCast;
  private readonly hosts = new Map<string, RebroadcastingNode>();
  private readonly hash = memoizedPriorityHash();
  /** Recorded outputs per node, in order, and how many the replay has reproduced. */
  private readonly expected: Map<string, string[]>;
  private readonly cursor: Map<string, number>;
  private readonly agreement = new AgreementChecker<ValueList>((v) => v.map(toHex).join(","));
  private readonly liveness = new LivenessChecker<ValueList>((v) => v.map(toHex));
  private compared = 0;
  private events = 0;
  private mismatch: string | null = null;

  constructor(
    private readonly options: SimOptions,
    private readonly records: readonly TraceLine[],
  ) {
    this.cast = castFor(options);
    for (const id of this.cast.honest)
      this.hosts.set(id, makeHost(id, this.qset(id), options, this.hash));
    this.expected = new Map(this.cast.honest.map((id) => [id, []]));
    this.cursor = new Map(this.cast.honest.map((id) => [id, 0]));
    for (const r of records) {
      if (r.event === "send")
        this.expected.get(this.nodeOf(r))?.push(`send ${JSON.stringify(r.message)}`);
      if (r.event === "externalize")
        this.expected.get(this.nodeOf(r))?.push(`externalize ${r.slot} ${JSON.stringify(r.value)}`);
    }
  }

  /** Feed one record to its node if it is an input; other records are skipped. */
  input(r: TraceLine): void {
    const kind = r.event as string;
    if (!INPUT_EVENTS.has(kind)) return;
    const node = this.nodeOf(r);
    if (kind === "restart") {
      this.restart(node, r);
      return;
    }
    const host = this.hosts.get(node) as RebroadcastingNode;
    const at = r.virtual_ms;
    if (typeof at !== "number")
      throw new SimError("BAD_TRACE", `${kind} record without virtual_ms`);
    this.events += 1;
    if (kind === "propose") this.outputs(node, host.propose(valuesFromJson(r.values), at), at);
    else if (kind === "deliver") {
      if (!Array.isArray(r.messages))
        throw new SimError("BAD_TRACE", "deliver record without messages");
      this.outputs(node, host.handleMessages(r.messages.map(messageFromJson), at), at);
    } else if (kind === "timeout") this.outputs(node, host.processTimeouts(at), at);
    else {
      const slot = r.slot;
      if (typeof slot !== "number") throw new SimError("BAD_TRACE", "sync record without slot");
      const value = valuesFromJson(r.value);
      this.outputs(node, { messages: [], externalized: [{ slot, values: value }] }, at);
      this.outputs(node, applySync(host, slot, at), at);
    }
  }

  private restart(node: string, r: TraceLine): void {
    if (typeof r.slot !== "number" || typeof r.virtual_ms !== "number")
      throw new SimError("BAD_TRACE", "restart record without slot or virtual_ms");
    const at = r.virtual_ms;
    const restarted = makeHost(node, this.qset(node), this.options, this.hash, r.slot, at);
    this.hosts.set(node, restarted);
    if (r.restore !== null && r.restore !== undefined)
      this.outputs(node, restarted.node.restore(messageFromJson(r.restore), at), at);
    this.events += 1;
  }

  private outputs(
    node: string,
    out: Pick<NodeOutput, "messages" | "externalized">,
    at: number,
  ): void {
    for (const e of out.externalized) {
      this.agreement.decided(node, e.slot, e.values);
      this.liveness.decided(node, e.slot, e.values);
      this.check(node, `externalize ${e.slot} ${JSON.stringify(e.values.map(toHex))}`, at);
    }
    for (const m of out.messages) this.check(node, `send ${JSON.stringify(messageToJson(m))}`, at);
  }

  private check(node: string, actual: string, at: number): void {
    const list = this.expected.get(node) as string[];
    const i = this.cursor.get(node) as number;
    this.cursor.set(node, i + 1);
    this.compared += 1;
    if (this.mismatch === null && list[i] !== actual)
      this.mismatch = `${node} at ${at} ms, output ${i + 1}: expected ${list[i] ?? "nothing"}, replay gave ${actual}`;
  }

  result(): ReplayResult {
    const o = this.options;
    const honest = this.cast.honest;
    for (const id of honest) {
      const left = (this.expected.get(id) as string[]).length - (this.cursor.get(id) as number);
      if (left > 0 && this.mismatch === null)
        this.mismatch = `${id}: ${left} recorded outputs were not reproduced`;
    }
    // Liveness counts only nodes the trace never shows crashing: unlike the live run, a node that
    // crashed and restarted is left out (kept as it was; the trace has the restart records).
    const crashed = new Set(
      this.records.filter((r) => r.event === "crash").map((r) => String(r.node)),
    );
    const minDecided = this.liveness.slotsDecidedMin(
      honest.filter((id) => !crashed.has(id)),
      o.slots,
    );
    const summary = this.records.find((r) => r.event === "summary");
    return {
      seed: o.seed,
      topology: o.topology,
      nodes: o.nodes,
      slots: o.slots,
      events: this.events,
      outputs_compared: this.compared,
      matches: this.mismatch === null,
      first_mismatch: this.mismatch,
      agreement: this.agreement.disagreements(honest, o.slots).length === 0,
      live: minDecided >= o.slots,
      slots_decided_min: minDecided,
      digest: this.agreement.digest(honest, o.slots),
      recorded_digest: typeof summary?.digest === "string" ? summary.digest : null,
    };
  }

  private qset(id: string): QuorumSet {
    return this.cast.topo.qsets.get(id) as QuorumSet;
  }

  private nodeOf(r: TraceLine): string {
    const node = r.node;
    if (typeof node !== "string" || !this.hosts.has(node))
      throw new SimError(
        "BAD_TRACE",
        `${String(r.event)} record names unknown or non-honest node ${JSON.stringify(node)}`,
      );
    return node;
  }
}
