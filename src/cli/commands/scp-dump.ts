import { existsSync, statSync } from "node:fs";
import { readScpDebugDump, scpView, scpViewInputFromDump } from "../../node/index.js";
import { type Command, EXIT_NEGATIVE, EXIT_OK, parseFlags, UsageError } from "../command.js";
import { SUMMARIES } from "./summaries.js";

const HELP = `Usage: consensus-tool scp-dump DIR [--json]

Reads a folder written by consensus-service --scp-debug-dump DIR and prints the stuck-slot view of
the newest slot it recorded, as the node's admin HTTP GET /scp does: the slot's phase and ballots
(from its last slot-state record, when there is one), every node's latest statement on the slot,
and why the node waits (no quorum on the slot, no quorum for a nomination, a prepare or a commit).
Lines that do not parse (a torn last line) are counted, not fatal.

Output with --json:
  {"node", "slot", "state": {...} | null, "statements": [{"node", "topic"}],
   "waiting": [{"code", "text"}], "files": N, "records": N, "skipped": N}

Exit codes: 0 a view was printed; 1 the folder holds no dump records; 2 bad arguments.

Example:
  consensus-tool scp-dump /var/lib/mobilecoin/scp-debug --json`;

export const scpDumpCommand: Command = {
  name: "scp-dump",
  summary: SUMMARIES["scp-dump"],
  help: HELP,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, { json: { type: "boolean" } });
    if (positionals.length !== 1) throw new UsageError("expected one DIR; see scp-dump --help");
    const dir = positionals[0] as string;
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new UsageError(`${dir}: not a directory`);
    const read = readScpDebugDump(dir);
    const input = scpViewInputFromDump(read.records);
    if (input === undefined) {
      context.stderr.write(`${dir}: no SCP dump records (${read.files.length} files)\n`);
      return EXIT_NEGATIVE;
    }
    const view = scpView(input);
    const counts = {
      files: read.files.length,
      records: read.records.length,
      skipped: read.skipped.length,
    };
    if (values.json) {
      context.stdout.write(`${JSON.stringify({ ...view, ...counts })}\n`);
      return EXIT_OK;
    }
    const lines = [
      `node ${view.node}, slot ${view.slot}, phase ${view.state?.phase ?? "unknown"}`,
      ...view.statements.map((s) => `  ${s.node}: ${JSON.stringify(s.topic)}`),
      ...view.waiting.map((w) => `waiting: ${w.code}: ${w.text}`),
    ];
    context.stdout.write(`${lines.join("\n")}\n`);
    return EXIT_OK;
  },
};
