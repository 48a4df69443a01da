import { sha256 } from "../crypto/index.js";
import {
  type Json,
  messageFromJson,
  messageToJson,
  type NodeOutput,
  type RebroadcastingNode,
  type ValueList,
  valuesFromJson,
} from "../scp/index.js";
import { isCodedError, SeededRandom, toHex, utf8 } from "../util/index.js";
import { SimError } from "./errors.js";
import {
  applySync,
  BYZANTINE_KINDS,
  type ByzantineKind,
  decidedPrefix,
  makeHost,
  memoizedPriorityHash,
  OPTIONAL_NUMERIC_OPTIONS,
  type SimOptions,
} from "./simulator.js";
import { buildTopology, TOPOLOGY_KINDS, type TopologyKind } from "./topology.js";

/**
 * Replay of a simulator trace: rebuild the honest nodes from the header, feed them the recorded
 * inputs (proposals, message batches, timer firings, ledger syncs) at the recorded virtual times,
 * and compare every output (each message sent, each externalization) with the recorded one, in
 * order. Byzantine nodes need no replay: what they sent is part of the honest nodes' inputs.
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

/** Replay trace lines (JSON objects, one per line; blank lines ignored). */
export function replayTrace(lines: readonly string[]): ReplayResult {
  const records: Record<string, unknown>[] = [];
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
    records.push(r as Record<string, unknown>);
  });
  const header = records[0];
  if (header?.event !== "header")
    throw new SimError("BAD_TRACE", "the first record must be the header");
  const options = optionsFromJson(header.options);
  const ids = Array.from({ length: options.nodes }, (_, i) => `n${i + 1}`);
  const byz = new Set(ids.slice(ids.length - options.byzantine));
  const topo = buildTopology(
    {
      kind: options.topology,
      nodes: options.nodes,
      ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
      ...(options.orgs !== undefined ? { orgs: options.orgs } : {}),
      ...(options.perOrg !== undefined ? { perOrg: options.perOrg } : {}),
      faulty: [...byz],
    },
    new SeededRandom(options.seed).fork("topology"),
  );
  const honest = topo.ids.filter((id) => !byz.has(id));
  const hosts = new Map<string, RebroadcastingNode>();
  const hash = memoizedPriorityHash();
  for (const id of honest) hosts.set(id, makeHost(id, topo.qsets.get(id) as never, options, hash));

  // Expected outputs per node, in order.
  const expected = new Map<string, string[]>(honest.map((id) => [id, []]));
  for (const r of records) {
    if (r.event === "send")
      expected.get(nodeOf(r, hosts))?.push(`send ${JSON.stringify(r.message)}`);
    if (r.event === "externalize")
      expected.get(nodeOf(r, hosts))?.push(`externalize ${r.slot} ${JSON.stringify(r.value)}`);
  }
  const cursor = new Map<string, number>(honest.map((id) => [id, 0]));
  const ledgers = new Map<string, (ValueList | undefined)[]>(honest.map((id) => [id, []]));
  let compared = 0;
  let mismatch: string | null = null;
  const check = (node: string, actual: string, at: number): void => {
    const list = expected.get(node) as string[];
    const i = cursor.get(node) as number;
    cursor.set(node, i + 1);
    compared += 1;
    if (mismatch === null && list[i] !== actual)
      mismatch = `${node} at ${at} ms, output ${i + 1}: expected ${list[i] ?? "nothing"}, replay gave ${actual}`;
  };
  const outputs = (
    node: string,
    out: Pick<NodeOutput, "messages" | "externalized">,
    at: number,
  ): void => {
    for (const e of out.externalized) {
      (ledgers.get(node) as (ValueList | undefined)[])[e.slot] = e.values;
      check(node, `externalize ${e.slot} ${JSON.stringify(e.values.map(toHex))}`, at);
    }
    for (const m of out.messages) check(node, `send ${JSON.stringify(messageToJson(m))}`, at);
  };

  let events = 0;
  try {
    for (const r of records) {
      const kind = r.event;
      if (
        kind !== "propose" &&
        kind !== "deliver" &&
        kind !== "timeout" &&
        kind !== "sync" &&
        kind !== "restart"
      )
        continue;
      const node = nodeOf(r, hosts);
      if (kind === "restart") {
        if (typeof r.slot !== "number" || typeof r.virtual_ms !== "number")
          throw new SimError("BAD_TRACE", "restart record without slot or virtual_ms");
        const restarted = makeHost(
          node,
          topo.qsets.get(node) as never,
          options,
          hash,
          r.slot,
          r.virtual_ms,
        );
        hosts.set(node, restarted);
        if (r.restore !== null && r.restore !== undefined)
          outputs(
            node,
            restarted.node.restore(messageFromJson(r.restore), r.virtual_ms),
            r.virtual_ms,
          );
        events += 1;
        continue;
      }
      const host = hosts.get(node) as RebroadcastingNode;
      const at = r.virtual_ms;
      if (typeof at !== "number")
        throw new SimError("BAD_TRACE", `${kind} record without virtual_ms`);
      events += 1;
      if (kind === "propose") outputs(node, host.propose(valuesFromJson(r.values), at), at);
      else if (kind === "deliver") {
        if (!Array.isArray(r.messages))
          throw new SimError("BAD_TRACE", "deliver record without messages");
        outputs(node, host.handleMessages(r.messages.map(messageFromJson), at), at);
      } else if (kind === "timeout") outputs(node, host.processTimeouts(at), at);
      else {
        const slot = r.slot;
        if (typeof slot !== "number") throw new SimError("BAD_TRACE", "sync record without slot");
        const value = valuesFromJson(r.value);
        outputs(node, { messages: [], externalized: [{ slot, values: value }] }, at);
        outputs(node, applySync(host, slot, at), at);
      }
    }
  } catch (error) {
    if (isCodedError(error) && !(error instanceof SimError))
      throw new SimError("BAD_TRACE", `malformed record: ${error.message}`);
    throw error;
  }
  for (const id of honest) {
    const left = (expected.get(id) as string[]).length - (cursor.get(id) as number);
    if (left > 0 && mismatch === null)
      mismatch = `${id}: ${left} recorded outputs were not reproduced`;
  }

  let agreement = true;
  for (let s = 1; s <= options.slots; s++) {
    const seen = new Set<string>();
    for (const id of honest) {
      const v = ledgers.get(id)?.[s];
      if (v) seen.add(v.map(toHex).join(","));
    }
    if (seen.size > 1) agreement = false;
  }
  const crashed = new Set(records.filter((r) => r.event === "crash").map((r) => String(r.node)));
  const decided = honest
    .filter((id) => !crashed.has(id))
    .map((id) => Math.min(options.slots, decidedPrefix(ledgers.get(id) ?? [])));
  const minDecided = decided.length > 0 ? Math.min(...decided) : 0;
  const digestText = honest
    .map((id) => {
      const l = ledgers.get(id) ?? [];
      const parts: string[] = [id];
      for (let s = 1; s <= options.slots; s++)
        parts.push(`${s}:${(l[s] ?? []).map(toHex).join(",")}`);
      return parts.join(";");
    })
    .join("\n");
  const summary = records.find((r) => r.event === "summary");
  return {
    seed: options.seed,
    topology: options.topology,
    nodes: options.nodes,
    slots: options.slots,
    events,
    outputs_compared: compared,
    matches: mismatch === null,
    first_mismatch: mismatch,
    agreement,
    live: minDecided >= options.slots,
    slots_decided_min: minDecided,
    digest: toHex(sha256(utf8(digestText))),
    recorded_digest: typeof summary?.digest === "string" ? summary.digest : null,
  };
}

function nodeOf(r: Record<string, unknown>, hosts: ReadonlyMap<string, unknown>): string {
  const node = r.node;
  if (typeof node !== "string" || !hosts.has(node))
    throw new SimError(
      "BAD_TRACE",
      `${String(r.event)} record names unknown or non-honest node ${JSON.stringify(node)}`,
    );
  return node;
}

/** Read the options back from a trace header. */
export function optionsFromJson(j: unknown): SimOptions {
  if (typeof j !== "object" || j === null)
    throw new SimError("BAD_TRACE", "header without options");
  const o = j as Record<string, Json | undefined>;
  const num = (k: string): number => {
    const v = o[k];
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new SimError("BAD_TRACE", `header option ${k} must be a number`);
    return v;
  };
  const opt = (k: string): number | undefined => (o[k] === undefined ? undefined : num(k));
  const topology = o.topology as TopologyKind;
  if (!TOPOLOGY_KINDS.includes(topology))
    throw new SimError("BAD_TRACE", "header has an unknown topology");
  const byzantineKind = o.byzantineKind as ByzantineKind;
  if (!BYZANTINE_KINDS.includes(byzantineKind))
    throw new SimError("BAD_TRACE", "header has an unknown Byzantine kind");
  if (typeof o.seed !== "string") throw new SimError("BAD_TRACE", "header seed must be a string");
  const options: SimOptions = {
    topology,
    nodes: num("nodes"),
    slots: num("slots"),
    valuesPerSlot: num("valuesPerSlot"),
    loss: num("loss"),
    duplicate: num("duplicate"),
    delayMinMs: num("delayMinMs"),
    delayMaxMs: num("delayMaxMs"),
    byzantine: num("byzantine"),
    byzantineKind,
    crashes: [],
    partitions: [],
    baseTimeoutMs: num("baseTimeoutMs"),
    timeLimitMs: num("timeLimitMs"),
    seed: o.seed,
  };
  for (const k of OPTIONAL_NUMERIC_OPTIONS) {
    const v = opt(k);
    if (v !== undefined) options[k] = v;
  }
  if (o.sync === false) options.sync = false;
  return options;
}
