import type { Json } from "../scp/index.js";
import { SimError } from "./errors.js";
import type { ReplayResult } from "./replay.js";
import { runWholeNode } from "./whole-node.js";
import { wholeNodeOptionsFromHeader } from "./whole-node-options.js";

/** Recorded lines a mismatch message quotes at most, characters. */
const QUOTE_MAX = 200;

/** A whole-node trace (its first record is a header with `whole_node: true`). */
export function isWholeNodeTrace(lines: readonly string[]): boolean {
  const first = lines.find((l) => l.trim() !== "");
  if (first === undefined) return false;
  try {
    return (JSON.parse(first) as { whole_node?: unknown }).whole_node === true;
  } catch {
    return false;
  }
}

/**
 * Replay a whole-node trace: run the recorded options again and compare every record the run
 * writes (submits, crashes, restarts, externalized block ids) with the recorded one, in order.
 * Whole validators are deterministic functions of their options, so the inputs are regenerated
 * rather than read back; a difference means the code (or the trace) changed.
 */
export async function replayWholeNode(lines: readonly string[]): Promise<ReplayResult> {
  const recorded = parseLines(lines);
  const header = recorded[0];
  if (header?.event !== "header")
    throw new SimError("BAD_TRACE", "the first record must be the header");
  const options = wholeNodeOptionsFromHeader(header);
  let compared = 0;
  let mismatch: string | null = null;
  const check = (record: Record<string, Json>) => {
    if (mismatch !== null) return;
    const want = recorded[compared];
    const got = JSON.stringify(record);
    if (want === undefined)
      mismatch = `record ${compared + 1}: not recorded, replay wrote ${quote(got)}`;
    else if (JSON.stringify(want) !== got)
      mismatch = `record ${compared + 1}: recorded ${quote(JSON.stringify(want))}, replay wrote ${quote(got)}`;
    compared++;
  };
  const result = await runWholeNode(options, check);
  if (mismatch === null && compared < recorded.length)
    mismatch = `record ${compared + 1}: recorded but not written by the replay`;
  return {
    seed: result.seed,
    topology: result.topology,
    nodes: result.nodes,
    slots: result.slots,
    events: recorded.length,
    outputs_compared: compared,
    matches: mismatch === null,
    first_mismatch: mismatch,
    agreement: result.agreement,
    live: result.live,
    slots_decided_min: result.slots_decided_min,
    digest: result.digest,
    recorded_digest: null,
  };
}

function quote(s: string): string {
  return s.length <= QUOTE_MAX ? s : `${s.slice(0, QUOTE_MAX)}…`;
}

function parseLines(lines: readonly string[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
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
    out.push(r as Record<string, unknown>);
  });
  return out;
}
