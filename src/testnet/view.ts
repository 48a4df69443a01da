import type { NodeView } from "./monitor.js";

/** Everything one frame of the live view or one progress line shows. */
export interface Snapshot {
  readonly dir: string;
  readonly elapsedMs: number;
  /** The run's length, when `--duration` was given. */
  readonly durationMs: number | undefined;
  readonly nodes: readonly NodeView[];
  /** Blocks closed since the start (the highest node's count over the count at start). */
  readonly blocks: number;
  readonly submitted: number;
  readonly accepted: number;
  readonly included: number;
  readonly lost: number;
  readonly refused: ReadonlyMap<string, number>;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** What the run is doing now, e.g. "running", "draining", "stopping". */
  readonly state: string;
}

/** Included payments per second of elapsed time. */
export function txPerSecond(included: number, elapsedMs: number): number {
  return elapsedMs <= 0 ? 0 : included / (elapsedMs / 1000);
}

const ms = (v: number | null): string => (v === null ? "-" : `${Math.round(v)} ms`);
const clock = (elapsedMs: number): string => {
  const s = Math.floor(elapsedMs / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
};

function nodeRow(n: NodeView): string[] {
  const sync = n.inSync === undefined ? "-" : n.inSync ? "yes" : "no";
  return [
    String(n.index),
    n.blockCount === undefined ? "-" : String(n.blockCount),
    n.error === undefined ? (n.phase ?? "-") : "down",
    sync,
    n.clientUri,
    n.adminUri,
    n.dashboardUri ?? "-",
  ];
}

/** Columns padded to the widest cell. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd(),
  );
}

function totalsLine(s: Snapshot): string {
  const rate = txPerSecond(s.included, s.elapsedMs).toFixed(1);
  return `blocks ${s.blocks}  txs submitted ${s.submitted}  accepted ${s.accepted}  included ${s.included}  ${rate} tx/s  latency p50 ${ms(s.p50Ms)}  p99 ${ms(s.p99Ms)}`;
}

function refusedLine(s: Snapshot): string | undefined {
  const parts = [...s.refused].map(([name, count]) => `${name} ${count}`);
  if (s.lost > 0) parts.push(`lost after acceptance ${s.lost}`);
  return parts.length === 0 ? undefined : `refused: ${parts.join(", ")}`;
}

/** The live view's lines (a terminal redraws them in place). */
export function frameLines(s: Snapshot): string[] {
  const of = s.durationMs === undefined ? "" : ` of ${clock(s.durationMs)}`;
  const header = `consensus-tool testnet: ${s.nodes.length} nodes, ${clock(s.elapsedMs)}${of}, ${s.state}; Ctrl-C stops`;
  const rows = table([
    ["node", "blocks", "phase", "sync", "client", "admin", "dashboard"],
    ...s.nodes.map(nodeRow),
  ]);
  const refused = refusedLine(s);
  return [
    header,
    `dir ${s.dir}`,
    "",
    ...rows,
    "",
    totalsLine(s),
    ...(refused === undefined ? [] : [refused]),
  ];
}

/** One frame as terminal output: cursor home, each line cleared to its end, the rest erased. */
export function frameText(s: Snapshot): string {
  return `\x1b[H${frameLines(s)
    .map((l) => `${l}\x1b[K`)
    .join("\n")}\n\x1b[J`;
}

/** One plain progress line (no terminal). */
export function progressLine(s: Snapshot): string {
  const heights = s.nodes.map((n) => (n.blockCount === undefined ? "-" : String(n.blockCount)));
  return `testnet: ${Math.round(s.elapsedMs / 1000)}s ${s.state}; heights ${heights.join(",")}; ${totalsLine(s)}`;
}

/** The plain lines printed once the nodes answer: where each one is. */
export function addressLines(nodes: readonly NodeView[]): string[] {
  return nodes.map(
    (n) =>
      `testnet: node ${n.index} client ${n.clientUri} admin ${n.adminUri}${n.dashboardUri === undefined ? "" : ` dashboard ${n.dashboardUri}`}`,
  );
}
