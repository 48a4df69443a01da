import type { Json } from "../scp/index.js";
import type { SimArchiveOptions } from "./catch-up.js";
import { SimError } from "./errors.js";
import { optionsFromJson, optionsToJson, type SimOptions } from "./options.js";

export interface WholeNodeOptions extends SimOptions, SimArchiveOptions {
  /** Transactions per virtual second. */
  readonly txRate: number;
  /** Deliberate double-spend attempts (each spends an already submitted output again elsewhere). */
  readonly doubleSpends?: number;
  /** Nodes that never relay transactions (peers must fetch the bodies their statements name). */
  readonly noTxRelay?: readonly string[];
  /**
   * Nodes that relay nothing and answer every GetTxs with NotInCache (a withholding peer). Their
   * own clients' transactions can never land, so the run's end and `live` leave those out.
   */
  readonly withholdTxs?: readonly string[];
}

/**
 * The first trace record of a whole-node run: every option, so that `--replay` can run it again
 * (a whole-node run is a function of its options: the wallet, the keys and the network draw from
 * seeded randomness only).
 */
export function wholeNodeHeader(o: WholeNodeOptions): Record<string, Json> {
  const whole: Record<string, Json> = {
    txRate: o.txRate,
    crashes: o.crashes.map((c) => ({ node: c.node, atMs: c.atMs })),
    restarts: (o.restarts ?? []).map((r) => ({ node: r.node, atMs: r.atMs })),
    partitions: o.partitions.map((p) => ({ groups: p.groups, startMs: p.startMs, endMs: p.endMs })),
  };
  if (o.doubleSpends !== undefined) whole.doubleSpends = o.doubleSpends;
  if (o.noTxRelay !== undefined) whole.noTxRelay = [...o.noTxRelay];
  if (o.withholdTxs !== undefined) whole.withholdTxs = [...o.withholdTxs];
  if (o.archive === true) whole.archive = true;
  if (o.corruptArchive === true) whole.corruptArchive = true;
  return {
    event: "header",
    whole_node: true,
    tx_rate: o.txRate,
    options: optionsToJson(o),
    whole_node_options: whole,
  };
}

/** The options a whole-node trace header recorded; `BAD_TRACE` when it holds none. */
export function wholeNodeOptionsFromHeader(header: Record<string, unknown>): WholeNodeOptions {
  const w = header.whole_node_options;
  if (header.whole_node !== true || typeof w !== "object" || w === null)
    throw new SimError("BAD_TRACE", "the header records no whole-node options");
  const o = w as Record<string, unknown>;
  const base = optionsFromJson(header.options);
  if (typeof o.txRate !== "number") throw new SimError("BAD_TRACE", "header txRate");
  return {
    ...base,
    txRate: o.txRate,
    crashes: timed(o.crashes, "crashes"),
    restarts: timed(o.restarts, "restarts"),
    partitions: partitions(o.partitions),
    ...(typeof o.doubleSpends === "number" ? { doubleSpends: o.doubleSpends } : {}),
    ...(o.noTxRelay !== undefined ? { noTxRelay: strings(o.noTxRelay, "noTxRelay") } : {}),
    ...(o.withholdTxs !== undefined ? { withholdTxs: strings(o.withholdTxs, "withholdTxs") } : {}),
    ...(o.archive === true ? { archive: true } : {}),
    ...(o.corruptArchive === true ? { corruptArchive: true } : {}),
  };
}

function strings(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string"))
    throw new SimError("BAD_TRACE", `header ${what} must be a list of node ids`);
  return v;
}

function timed(v: unknown, what: string): { node: string; atMs: number }[] {
  if (!Array.isArray(v)) throw new SimError("BAD_TRACE", `header ${what} must be a list`);
  return v.map((x) => {
    const r = x as { node?: unknown; atMs?: unknown };
    if (typeof r?.node !== "string" || typeof r.atMs !== "number")
      throw new SimError("BAD_TRACE", `header ${what}: {node, atMs} expected`);
    return { node: r.node, atMs: r.atMs };
  });
}

function partitions(v: unknown): SimOptions["partitions"] {
  if (!Array.isArray(v)) throw new SimError("BAD_TRACE", "header partitions must be a list");
  return v.map((x) => {
    const p = x as { groups?: unknown; startMs?: unknown; endMs?: unknown };
    const ok =
      Array.isArray(p?.groups) &&
      p.groups.every((g) => Array.isArray(g) && g.every((id) => typeof id === "string")) &&
      typeof p.startMs === "number" &&
      typeof p.endMs === "number";
    if (!ok) throw new SimError("BAD_TRACE", "header partitions: {groups, startMs, endMs}");
    return {
      groups: p.groups as string[][],
      startMs: p.startMs as number,
      endMs: p.endMs as number,
    };
  });
}
