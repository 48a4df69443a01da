import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import type { ValidatorAction, ValidatorInput } from "../consensus/index.js";
import { decodeConsensusMsgPayload } from "../peers/index.js";
import {
  type Ballot,
  type Json,
  messageToJson,
  type QuorumSet,
  quorumSetToJson,
  type ScpMessage,
  type Slot,
} from "../scp/index.js";
import { type Logger, nullLogger, toHex } from "../util/index.js";
import { errorFields } from "./log-lines.js";
import { OBSERVABILITY_LIMITS } from "./observability-limits.js";
import type { ValidatorObserver } from "./validator-observer.js";

/**
 * `--scp-debug-dump DIR`: the SCP traffic and slot states of this node, for offline debugging
 * (MobileCoin's `LoggingScpNode`, consensus/scp/src/scp_log.rs, records the same events: node
 * settings when a newer slot starts, incoming and outgoing messages, nominations, timeouts, and
 * the slot state after each; it writes one bincode file per message and keeps 10 slot-state
 * files). Ours is JSON lines, bounded by OBSERVABILITY_LIMITS.dump*.
 *
 * FORMAT, version 1 (what `consensus-tool scp-dump` reads; `readScpDebugDump` below):
 * - Files `scp-dump-NNNNNNNN.jsonl` (8-digit sequence); read them in name order. A new file is
 *   started when the current one would pass `dumpMaxFileBytes` and on every start of the node;
 *   the oldest are deleted so at most `dumpMaxFiles` remain. Other files in DIR are never touched.
 * - One JSON object per line: `{"v":1,"seq":N,"atMs":T,"kind":K,...}` where `seq` counts records
 *   of this run from 0 and `atMs` is the node's wall clock in ms. Kinds and their fields:
 *   - `start`     `{node, quorumSet, slot}` — on open and whenever a newer slot is seen;
 *   - `incoming`  `{from, slot, msg}` — a verified message, relayed to us by `from`;
 *   - `outgoing`  `{slot, msg}` — our own statement;
 *   - `nominate`  `{slot, values}` — values we proposed (hex);
 *   - `timeouts`  `{slot, msgs}` — statements produced by timers;
 *   - `slot-state`  `{slot, state}` — `{phase, round, leaders, x, y, z, b?, p?, pp?, h?, c?}` with
 *     ballots as `{n, x: [hex]}` (x/y/z: counts of voted/accepted/confirmed nominated values);
 *   - `marker`    `{text}`;
 *   - `truncated` `{of, bytes}` — a record longer than `dumpMaxRecordBytes`, left out.
 *   Messages (`msg`, `msgs[]`) are `messageToJson` of scp/json.ts: `{sender, slot, qset, topic}`.
 * - The last line may be cut short if the process died mid-write; readers skip it.
 * A write error disables the dump (logged once); it never stops the node.
 */
export const SCP_DUMP_FORMAT_VERSION = 1;
const FILE_RE = /^scp-dump-(\d{8})\.jsonl$/;

export interface ScpDebugDumpOptions {
  readonly dir: string;
  readonly nowMs: () => number;
  /** This node's responder id and quorum set, for `start` records. */
  readonly node: string;
  readonly quorumSet: QuorumSet;
  readonly log?: Logger;
  readonly maxFileBytes?: number;
  readonly maxFiles?: number;
  readonly maxRecordBytes?: number;
}

export type SlotState = ReturnType<Slot["snapshot"]>;

/** Opening creates DIR if needed and throws if it is unusable (a start-up error, as in MobileCoin). */
export class ScpDebugDump implements ValidatorObserver {
  private fd: number | undefined;
  private fileSeq: number;
  private fileBytes = 0;
  private seq = 0;
  private highestSlot = 0;
  private broken = false;
  private readonly maxFileBytes: number;
  private readonly maxFiles: number;
  private readonly maxRecordBytes: number;
  private readonly log: Logger;

  constructor(private readonly o: ScpDebugDumpOptions) {
    this.maxFileBytes = o.maxFileBytes ?? OBSERVABILITY_LIMITS.dumpMaxFileBytes;
    this.maxFiles = Math.max(1, o.maxFiles ?? OBSERVABILITY_LIMITS.dumpMaxFiles);
    this.maxRecordBytes = o.maxRecordBytes ?? OBSERVABILITY_LIMITS.dumpMaxRecordBytes;
    this.log = o.log ?? nullLogger;
    mkdirSync(o.dir, { recursive: true });
    this.fileSeq = Math.max(0, ...dumpFileSeqs(o.dir));
    this.marker("scp debug dump opened");
  }

  /** False after a write error disabled the dump. */
  get working(): boolean {
    return !this.broken;
  }

  incoming(from: string, msg: ScpMessage): void {
    this.atSlot(msg.slot, { kind: "incoming", from, slot: msg.slot, msg: messageToJson(msg) });
  }

  outgoing(msg: ScpMessage): void {
    this.atSlot(msg.slot, { kind: "outgoing", slot: msg.slot, msg: messageToJson(msg) });
  }

  nominate(slot: number, values: readonly Uint8Array[]): void {
    this.atSlot(slot, { kind: "nominate", slot, values: values.map(toHex) });
  }

  timeouts(slot: number, msgs: readonly ScpMessage[]): void {
    this.atSlot(slot, { kind: "timeouts", slot, msgs: msgs.map(messageToJson) });
  }

  slotState(slot: number, state: SlotState): void {
    this.atSlot(slot, { kind: "slot-state", slot, state: slotStateToJson(state) });
  }

  marker(text: string): void {
    this.record({ kind: "marker", text });
  }

  /** What the runtime fed the validator: verified consensus messages. */
  observeInput(input: ValidatorInput): void {
    if (input.kind !== "consensus-msg") return;
    this.incoming(input.verified.fromResponderId, input.verified.msg.scpMsg);
  }

  /** What the validator asked for: our own statements (persisted before they are sent). */
  observeActions(actions: readonly ValidatorAction[]): void {
    for (const a of actions) {
      if (a.kind !== "persist-statement") continue;
      try {
        this.outgoing(decodeConsensusMsgPayload(a.payload).scpMsg);
      } catch (error) {
        this.marker(`undecodable own statement for slot ${a.slot}: ${errorFields(error).err}`);
      }
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.broken = true;
  }

  /** MobileCoin drops records of older slots and restates the settings when a newer one starts. */
  private atSlot(slot: number, body: { [key: string]: Json }): void {
    if (slot < this.highestSlot) return;
    if (slot > this.highestSlot) {
      this.highestSlot = slot;
      this.record({
        kind: "start",
        node: this.o.node,
        quorumSet: quorumSetToJson(this.o.quorumSet),
        slot,
      });
    }
    this.record(body);
  }

  private record(body: { [key: string]: Json }): void {
    if (this.broken) return;
    const head = { v: SCP_DUMP_FORMAT_VERSION, seq: this.seq++, atMs: this.o.nowMs() };
    let line = `${JSON.stringify({ ...head, ...body })}\n`;
    if (Buffer.byteLength(line) > this.maxRecordBytes)
      line = `${JSON.stringify({ ...head, kind: "truncated", of: body.kind ?? null, bytes: Buffer.byteLength(line) })}\n`;
    try {
      this.append(line);
    } catch (error) {
      this.broken = true;
      this.log.warn(
        { event: "scp_debug_dump_failed", dir: this.o.dir, ...errorFields(error) },
        "SCP debug dump disabled after a write error",
      );
    }
  }

  private append(line: string): void {
    const bytes = Buffer.byteLength(line);
    if (this.fd === undefined || (this.fileBytes > 0 && this.fileBytes + bytes > this.maxFileBytes))
      this.rotate();
    writeSync(this.fd as number, line);
    this.fileBytes += bytes;
  }

  private rotate(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.fileSeq++;
    const keep = dumpFileSeqs(this.o.dir).sort((a, b) => a - b);
    for (const old of keep.slice(0, Math.max(0, keep.length - (this.maxFiles - 1))))
      rmSync(path.join(this.o.dir, dumpFileName(old)), { force: true });
    this.fd = openSync(path.join(this.o.dir, dumpFileName(this.fileSeq)), "a");
    this.fileBytes = 0;
  }
}

export function dumpFileName(seq: number): string {
  return `scp-dump-${String(seq).padStart(8, "0")}.jsonl`;
}

function dumpFileSeqs(dir: string): number[] {
  return readdirSync(dir)
    .map((f) => FILE_RE.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .map(Number);
}

function ballotJson(b: Ballot): Json {
  return { n: b.n, x: b.x.map(toHex) };
}

function slotStateToJson(s: SlotState): Json {
  const out: { [key: string]: Json } = {
    phase: s.phase,
    round: s.round,
    leaders: s.leaders,
    x: s.x,
    y: s.y,
    z: s.z,
  };
  for (const k of ["b", "p", "pp", "h", "c"] as const) {
    const b = s[k];
    if (b !== undefined) out[k] = ballotJson(b);
  }
  return out;
}

/** One record of a dump: the common head and the kind's fields (see FORMAT above). */
export interface ScpDumpRecord {
  readonly v: number;
  readonly seq: number;
  readonly atMs: number;
  readonly kind: string;
  readonly [field: string]: unknown;
}

export interface ScpDumpReadResult {
  readonly files: readonly string[];
  readonly records: readonly ScpDumpRecord[];
  /** Lines that did not parse as version-1 records (`file:line: why`), e.g. a torn last line. */
  readonly skipped: readonly string[];
}

/** Read a dump folder back, files in order; bad lines are reported, not fatal. */
export function readScpDebugDump(dir: string): ScpDumpReadResult {
  const files = dumpFileSeqs(dir)
    .sort((a, b) => a - b)
    .map(dumpFileName);
  const records: ScpDumpRecord[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    const lines = readFileSync(path.join(dir, file), "utf8").split("\n");
    lines.forEach((line, i) => {
      if (line.length === 0) return;
      const r = parseRecord(line);
      if (typeof r === "string") skipped.push(`${file}:${i + 1}: ${r}`);
      else records.push(r);
    });
  }
  return { files, records, skipped };
}

function parseRecord(line: string): ScpDumpRecord | string {
  let j: unknown;
  try {
    j = JSON.parse(line);
  } catch {
    return "not JSON";
  }
  if (typeof j !== "object" || j === null || Array.isArray(j)) return "not an object";
  const o = j as Record<string, unknown>;
  if (o.v !== SCP_DUMP_FORMAT_VERSION) return `unknown version ${JSON.stringify(o.v)}`;
  if (typeof o.seq !== "number" || typeof o.atMs !== "number" || typeof o.kind !== "string")
    return "missing seq, atMs or kind";
  return o as ScpDumpRecord;
}
