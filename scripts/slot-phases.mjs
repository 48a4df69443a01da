#!/usr/bin/env node
// Where a slot's time goes, from SCP debug dumps (format v1, src/node/scp-debug-dump.ts): for every
// node and slot, the wall-clock steps between the first statement the node saw for the slot and its
// own Externalize, and the gap from one Externalize to the next slot's first statement. A
// "stalled" slot is one where the node's first statement came ≥ STALL_MS after the slot's first
// message: it had nothing to echo until a nomination round timed out (leaders disagree; see
// reference scp.md §2.5). Slots up to --skip are left out (start-up). With the node's log beside
// its dump (a testnet folder's node-I/service.log), also the time from its Externalize to the
// block being appended (the log line "Slot N ended"): form_block in the enclave and the append.
// Usage: node scripts/slot-phases.mjs [--skip N] [--json] TESTNET_DIR|DUMP_DIR ...
//   (a testnet folder made with `consensus-tool testnet --scp-debug-dump`, or dump folders)
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const STALL_MS = 800;
const STEPS = [
  ["first message → own first statement", "first", "own"],
  ["own first → NominatePrepare (a value confirmed nominated)", "own", "NominatePrepare"],
  ["NominatePrepare → Prepare (nomination over)", "NominatePrepare", "Prepare"],
  ["Prepare → Commit", "Prepare", "Commit"],
  ["Commit → Externalize", "Commit", "Externalize"],
  ["slot (first message → Externalize)", "first", "Externalize"],
  ["Externalize → block appended (service log)", "Externalize", "appended"],
];
const SLOT_ENDED = /^Slot (\d+) ended with /;

function dumpDirs(arg) {
  const nodes = readdirSync(arg).filter((d) => /^node-\d+$/.test(d));
  const inTestnet = nodes.map((d) => path.join(arg, d, "scp-debug-dump")).filter(existsSync);
  return inTestnet.length > 0 ? inTestnet : [arg];
}

function records(dir) {
  const out = [];
  for (const f of readdirSync(dir)
    .filter((n) => /^scp-dump-\d{8}\.jsonl$/.test(n))
    .sort()) {
    for (const line of readFileSync(path.join(dir, f), "utf8").split("\n")) {
      if (line === "") continue;
      try {
        const r = JSON.parse(line);
        if (r.kind === "incoming" || r.kind === "outgoing") out.push(r);
      } catch {
        // A torn last line (the node died mid-write).
      }
    }
  }
  return out;
}

/** Slot → when the node logged "Slot N ended" (its block appended), from the log beside `dir`. */
function appendedTimes(dir) {
  const log = path.join(dir, "..", "service.log");
  const out = new Map();
  if (!existsSync(log)) return out;
  for (const line of readFileSync(log, "utf8").split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const { msg, time } = JSON.parse(line);
      const m = SLOT_ENDED.exec(msg ?? "");
      if (m !== null && typeof time === "number") out.set(Number(m[1]), time);
    } catch {
      // Not a log record.
    }
  }
  return out;
}

/** Per slot: the instants of the first message, our first statement and each of our phases. */
function slotTimes(recs, appended) {
  const slots = new Map();
  for (const r of recs) {
    const t = slots.get(r.slot) ?? { first: r.atMs };
    slots.set(r.slot, t);
    if (r.kind !== "outgoing") continue;
    t.own ??= r.atMs;
    t[r.msg.topic.type] ??= r.atMs;
  }
  for (const [slot, t] of slots) if (appended.has(slot)) t.appended = appended.get(slot);
  return [...slots].sort((a, b) => a[0] - b[0]);
}

function collect(dirs, skip) {
  const steps = new Map(STEPS.map(([name]) => [name, []]));
  const gaps = [];
  let slots = 0;
  let stalled = 0;
  for (const dir of dirs) {
    let lastExternalize;
    for (const [slot, t] of slotTimes(records(dir), appendedTimes(dir))) {
      if (slot > skip && t.Externalize !== undefined && t.own !== undefined) {
        slots++;
        if (t.own - t.first >= STALL_MS) stalled++;
        for (const [name, from, to] of STEPS)
          if (t[from] !== undefined && t[to] !== undefined) steps.get(name).push(t[to] - t[from]);
        if (lastExternalize !== undefined) gaps.push(t.first - lastExternalize);
      }
      lastExternalize = t.Externalize ?? lastExternalize;
    }
  }
  steps.set("Externalize → next slot's first message", gaps);
  return { dumps: dirs.length, slots, stalled, steps };
}

const quantile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

function summary(values) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return { n: 0, p50: null, p90: null, mean: null };
  const mean = Math.round(s.reduce((a, b) => a + b, 0) / s.length);
  return { n: s.length, p50: quantile(s, 0.5), p90: quantile(s, 0.9), mean };
}

function main(argv) {
  let skip = 3;
  let json = false;
  const dirs = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--skip") skip = Number(argv[++i]);
    else if (argv[i] === "--json") json = true;
    else dirs.push(...dumpDirs(argv[i]));
  }
  if (dirs.length === 0 || !Number.isInteger(skip)) {
    process.stderr.write("usage: node scripts/slot-phases.mjs [--skip N] [--json] DIR ...\n");
    return 2;
  }
  const c = collect(dirs, skip);
  const rows = [...c.steps].map(([step, v]) => ({ step, ...summary(v) }));
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ dumps: c.dumps, slots: c.slots, stalled: c.stalled, rows })}\n`,
    );
    return 0;
  }
  process.stdout.write(
    `${c.dumps} dumps, ${c.slots} node-slots, ${c.stalled} stalled (own first statement ≥ ${STALL_MS} ms after the slot's first message)\n\n| step | n | p50 ms | p90 ms | mean ms |\n| --- | ---: | ---: | ---: | ---: |\n`,
  );
  for (const r of rows)
    process.stdout.write(`| ${r.step} | ${r.n} | ${r.p50} | ${r.p90} | ${r.mean} |\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
