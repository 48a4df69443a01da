import { decodeConsensusMsgPayload } from "../peers/index.js";
import { isNewer, type ScpMessage } from "../scp/index.js";
import { toHex } from "../util/index.js";

/**
 * Scenario 27 (reference scp.md): a node never sends a statement contradicting one it sent before
 * a crash. Checked over what each node issued, tagged with its incarnation.
 */

/** `later` contradicts `earlier` (same sender and slot): older, or a commit moved to another value. */
export function contradicts(earlier: ScpMessage, later: ScpMessage): boolean {
  if (isNewer(earlier.topic, later.topic)) return true;
  const e = committedValue(earlier);
  const l = committedValue(later);
  return e !== undefined && l !== undefined && e !== l;
}

function committedValue(m: ScpMessage): string | undefined {
  const t = m.topic;
  if (t.type === "Commit") return t.commit.b.x.map(toHex).join();
  if (t.type === "Externalize") return t.externalize.c.x.map(toHex).join();
  return undefined;
}

export interface IssuedStatement {
  readonly payload: Uint8Array;
  readonly incarnation: number;
}

export interface RestartCheck {
  /** Distinct own statements of later incarnations compared with earlier ones. */
  checked: number;
  violations: string[];
}

/** Violations a check reports at most. */
const MAX_VIOLATIONS = 20;

/** Every own statement of `node` after a restart against its statements of earlier incarnations. */
export function checkRestarts(node: string, issued: readonly IssuedStatement[]): RestartCheck {
  const bySlot = new Map<number, { m: ScpMessage; incarnation: number }[]>();
  const seen = new Set<string>();
  for (const s of issued) {
    const key = `${s.incarnation}/${toHex(s.payload)}`;
    if (seen.has(key)) continue; // the same statement sent to several peers
    seen.add(key);
    const m = decodeConsensusMsgPayload(s.payload).scpMsg;
    if (m.sender.id !== node) continue;
    const list = bySlot.get(m.slot) ?? [];
    list.push({ m, incarnation: s.incarnation });
    bySlot.set(m.slot, list);
  }
  const out: RestartCheck = { checked: 0, violations: [] };
  for (const [slot, list] of bySlot)
    for (const later of list) {
      const before = list.filter((e) => e.incarnation < later.incarnation);
      if (before.length > 0) out.checked++;
      for (const earlier of before)
        if (contradicts(earlier.m, later.m) && out.violations.length < MAX_VIOLATIONS)
          out.violations.push(
            `${node} slot ${slot}: incarnation ${later.incarnation} sent ${later.m.topic.type} contradicting its ${earlier.m.topic.type} of incarnation ${earlier.incarnation}`,
          );
    }
  return out;
}
