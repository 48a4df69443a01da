import {
  acceptsCommit,
  acceptsPrepared,
  type Ballot,
  isNewer,
  isQuorumSlice,
  type Json,
  messageFromJson,
  type QuorumSet,
  quorumSetFromJson,
  quorumSetNodes,
  type ScpMessage,
  topicToJson,
  votesOrAcceptsCommit,
  votesOrAcceptsPrepared,
} from "../scp/index.js";
import { toHex } from "../util/index.js";
import type { ScpDumpRecord } from "./scp-debug-dump.js";

/**
 * The stuck-slot view (`GET /scp`, `consensus-tool scp-dump`), pure: the current slot's phase and
 * ballots, every node's latest statement on it with what it voted and accepted, and why the node
 * waits. The live node and an offline `--scp-debug-dump` folder build the same `ScpViewInput`.
 */
export interface SlotStateJson {
  readonly phase: string;
  readonly round: number;
  readonly leaders: readonly string[];
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly b?: BallotJson;
  readonly p?: BallotJson;
  readonly pp?: BallotJson;
  readonly h?: BallotJson;
  readonly c?: BallotJson;
}
export interface BallotJson {
  readonly n: number;
  readonly x: readonly string[];
}

export interface ScpViewInput {
  readonly local: string;
  readonly quorumSet: QuorumSet;
  readonly slot: number;
  readonly state: SlotStateJson | undefined;
  /** Latest statement per node (ours included) on `slot`. */
  readonly statements: ReadonlyMap<string, ScpMessage>;
  readonly sync?: string;
  readonly pendingValues?: number;
  /** Transaction fetches in flight: the peer asked and for how long. */
  readonly fetches?: readonly {
    readonly peer: string;
    readonly txs: number;
    readonly forMs: number;
  }[];
}

/** Why a slot waits (`/scp`, `consensus-tool scp-dump`); documented in docs/OPERATIONS.md. */
export const WAIT_CODES = [
  "BEHIND",
  "TX_FETCH",
  "EXTERNALIZED",
  "IDLE",
  "NO_QUORUM_ON_SLOT",
  "NO_QUORUM_FOR_NOMINATION",
  "NO_QUORUM_FOR_PREPARE",
  "NO_QUORUM_FOR_COMMIT",
] as const;

export interface WaitReason {
  readonly code: (typeof WAIT_CODES)[number];
  readonly text: string;
}

export interface ScpView {
  readonly node: string;
  readonly slot: number;
  readonly state: SlotStateJson | null;
  readonly statements: readonly { readonly node: string; readonly topic: Json }[];
  readonly waiting: readonly WaitReason[];
}

export function scpView(i: ScpViewInput): ScpView {
  const statements = [...i.statements]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([node, m]) => ({ node, topic: topicToJson(m.topic) }));
  return {
    node: i.local,
    slot: i.slot,
    state: i.state ?? null,
    statements,
    waiting: waitReasons(i),
  };
}

const short = (hex: string) => hex.slice(0, 12);
const describeBallot = (b: BallotJson) => `(${b.n}, [${b.x.map(short).join(", ")}])`;

function waitReasons(i: ScpViewInput): WaitReason[] {
  const out: WaitReason[] = [];
  if (i.sync === "IsBehind" || i.sync === "MaybeBehind")
    out.push({ code: "BEHIND", text: `behind the network (${i.sync}): catching up before voting` });
  for (const f of i.fetches ?? [])
    out.push({
      code: "TX_FETCH",
      text: `blocked on tx fetch from ${f.peer} (${f.txs} transactions, ${Math.round(f.forMs / 1000)} s)`,
    });
  const on = new Set([...i.statements.keys()].filter((id) => id !== i.local));
  if (i.state?.phase === "Externalize") {
    out.push({
      code: "EXTERNALIZED",
      text: `slot ${i.slot} externalized; forming and appending its block`,
    });
    return out;
  }
  if (i.pendingValues === 0 && i.statements.size === 0 && (i.state?.x ?? 0) === 0) {
    out.push({ code: "IDLE", text: "nothing to nominate: no values pending" });
    return out;
  }
  if (!isQuorumSlice(i.quorumSet, on)) {
    const members = quorumSetNodes(i.quorumSet);
    out.push({
      code: "NO_QUORUM_ON_SLOT",
      text: `heard on slot ${i.slot} from [${[...on].sort().join(", ")}] only; the quorum set needs ${i.quorumSet.threshold} of [${members.join(", ")}]${leadersText(i.state)}`,
    });
    return out;
  }
  out.push(phaseReason(i));
  return out;
}

function leadersText(s: SlotStateJson | undefined): string {
  return s === undefined ? "" : `; nomination round ${s.round} leaders [${s.leaders.join(", ")}]`;
}

function phaseReason(i: ScpViewInput): WaitReason {
  const s = i.state;
  const b = s?.b;
  if (s === undefined || b === undefined) {
    if ((i.pendingValues ?? 0) === 0 && (s?.x ?? 0) === 0)
      return { code: "IDLE", text: "nothing to nominate: no values pending" };
    const voted = who(i, (m) => nominated(m).x > 0 || nominated(m).y > 0);
    const accepted = who(i, (m) => nominated(m).y > 0);
    return {
      code: "NO_QUORUM_FOR_NOMINATION",
      text: `no quorum has confirmed a nominated value yet: voted by [${voted}], accepted by [${accepted}]`,
    };
  }
  const ballot = ballotOf(b);
  if (s.phase !== "Commit") {
    const voted = who(i, (m) => votesOrAcceptsPrepared(m.topic, ballot));
    const accepted = who(i, (m) => acceptsPrepared(m.topic, ballot));
    return {
      code: "NO_QUORUM_FOR_PREPARE",
      text: `no quorum for prepare ${describeBallot(b)}: voted or accepted by [${voted}], accepted by [${accepted}]`,
    };
  }
  const voted = who(i, (m) => votesOrAcceptsCommit(m.topic, ballot.x, b.n, b.n));
  const accepted = who(i, (m) => acceptsCommit(m.topic, ballot.x, b.n, b.n));
  return {
    code: "NO_QUORUM_FOR_COMMIT",
    text: `no quorum for commit ${describeBallot(b)}: voted or accepted by [${voted}], accepted by [${accepted}]`,
  };
}

function nominated(m: ScpMessage): { x: number; y: number } {
  const t = m.topic;
  return t.type === "Nominate" || t.type === "NominatePrepare"
    ? { x: t.nominate.x.length, y: t.nominate.y.length }
    : { x: 0, y: 0 };
}

function who(i: ScpViewInput, test: (m: ScpMessage) => boolean): string {
  return [...i.statements]
    .filter(([, m]) => test(m))
    .map(([id]) => id)
    .sort()
    .join(", ");
}

function ballotOf(b: BallotJson): Ballot {
  return { n: b.n, x: b.x.map((h) => Uint8Array.from(Buffer.from(h, "hex"))) };
}

/** The latest statement per node on `slot`, from any list of statements. */
export function latestOnSlot(msgs: Iterable<ScpMessage>, slot: number): Map<string, ScpMessage> {
  const out = new Map<string, ScpMessage>();
  for (const m of msgs) {
    if (m.slot !== slot) continue;
    const old = out.get(m.sender.id);
    if (old === undefined || isNewer(m.topic, old.topic)) out.set(m.sender.id, m);
  }
  return out;
}

/** The view of the newest slot an `--scp-debug-dump` folder recorded (as read by readScpDebugDump). */
export function scpViewInputFromDump(records: readonly ScpDumpRecord[]): ScpViewInput | undefined {
  const start = [...records].reverse().find((r) => r.kind === "start");
  if (start === undefined) return undefined;
  const slot = start.slot as number;
  const msgs: ScpMessage[] = [];
  let state: SlotStateJson | undefined;
  for (const r of records) {
    if (r.slot !== slot) continue;
    if (r.kind === "incoming" || r.kind === "outgoing") msgs.push(messageFromJson(r.msg));
    else if (r.kind === "timeouts") msgs.push(...(r.msgs as unknown[]).map(messageFromJson));
    else if (r.kind === "slot-state") state = r.state as SlotStateJson;
  }
  return {
    local: start.node as string,
    quorumSet: quorumSetFromJson(start.quorumSet),
    slot,
    state,
    statements: latestOnSlot(msgs, slot),
  };
}

/** `Slot.snapshot()` with its ballots as hex (the dump's `slot-state` shape). */
export function slotStateJson(s: {
  phase: string;
  round: number;
  leaders: readonly string[];
  x: number;
  y: number;
  z: number;
  b?: Ballot;
  p?: Ballot;
  pp?: Ballot;
  h?: Ballot;
  c?: Ballot;
}): SlotStateJson {
  const j = (b: Ballot | undefined) =>
    b === undefined ? undefined : { n: b.n, x: b.x.map(toHex) };
  const out: Record<string, unknown> = {
    phase: s.phase,
    round: s.round,
    leaders: [...s.leaders],
    x: s.x,
    y: s.y,
    z: s.z,
  };
  for (const k of ["b", "p", "pp", "h", "c"] as const) if (s[k] !== undefined) out[k] = j(s[k]);
  return out as unknown as SlotStateJson;
}
