import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  frameText,
  progressLine,
  runTestnet,
  type Snapshot,
  TESTNET_LIMITS,
  TestnetError,
  type TestnetResult,
  testnetPassed,
} from "../../testnet/index.js";
import {
  type Command,
  type CommandContext,
  EXIT_NEGATIVE,
  EXIT_OK,
  intFlag,
  type Output,
  parseFlags,
  UsageError,
} from "../command.js";
import { sleep, stopSignals } from "../stop-signals.js";
import { SUMMARIES } from "./summaries.js";

const HELP = `Usage: consensus-tool testnet [--nodes N] [--dir DIR] [--duration S] [--tx-rate R]
                              [--scp-debug-dump] [--json]

Runs a local network of validators closing blocks of wallet payments, on nothing but this package:
  - a folder (--dir, or a fresh temporary one) with ${TESTNET_LIMITS.accounts} sample accounts, an origin ledger paying them, and
    per node an Ed25519 message-signing key, a network.toml (a mesh that tolerates one faulty node
    in four: each node trusts the others with the largest threshold that stays live with
    floor((N-1)/3) nodes down), its LMDB ledger and its sealed block-signing key;
  - N consensus-service processes on free loopback ports, each with its enclave process
    (SGX_MODE=SW, IAS_MODE=DEV: the software enclave, no confidentiality against this machine);
  - one ledger-distribution per node into DIR/archive-I, which the other nodes use as tx_source_urls;
  - a wallet paying between the sample accounts at --tx-rate, through every node in turn.
On a terminal it redraws a live view (per node: blocks, SCP phase, in sync, client/admin/dashboard
addresses; overall: blocks, payments submitted and included, tx/s, latency p50/p99); otherwise it
prints plain progress lines. Logs are in DIR/node-I/*.log. The folder is kept: --dir DIR starts the
same network again from its ledgers.

Ctrl-C or SIGTERM stops the load, waits (up to ${TESTNET_LIMITS.drainTimeoutMs / 1000} s; a second Ctrl-C skips it) for accepted
payments to reach every node, and stops every child. The children also exit by themselves when this
process dies, even by SIGKILL (each watches a pipe from it: MC_PARENT_PIPE_FD).

Options:
  --nodes N      validators (1–${TESTNET_LIMITS.maxNodes}, default 4; an existing --dir keeps its own)
  --dir DIR      the testnet folder: new or empty, or one made by testnet (then restarted)
  --duration S   stop after S seconds (default: run until Ctrl-C)
  --tx-rate R    payments per second over the whole network (default ${TESTNET_LIMITS.defaultTxRate}, 0 for none,
                 at most ${TESTNET_LIMITS.maxTxRate})
  --scp-debug-dump
                 each node records its SCP traffic in DIR/node-I/scp-debug-dump (consensus-service
                 --scp-debug-dump; read with consensus-tool scp-dump, or per slot phase with
                 node scripts/slot-phases.mjs DIR)
  --json         print at the end (progress goes to stderr):
                 {"nodes", "duration_s", "blocks", "transactions_submitted", "transactions_included",
                  "tx_per_s", "latency_ms": {"p50", "p99"}, "agreement", "dir",
                  "transactions_accepted", "transactions_refused", "block_count", "pids"}
                 blocks: closed during the run; latency: submit to the block on every node.

Exit codes: 0 the ledgers agree (identical block ids on every node) and every accepted payment was
            included; 1 they do not, or a node stopped; 2 bad arguments or --dir.

Example:
  consensus-tool testnet --nodes 4 --duration 60 --json`;

/** `--tx-rate`: a non-negative decimal. */
function rateFlag(value: string | undefined): number {
  if (value === undefined) return TESTNET_LIMITS.defaultTxRate;
  const rate = Number(value);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || rate > TESTNET_LIMITS.maxTxRate)
    throw new UsageError(
      `--tx-rate must be a number from 0 to ${TESTNET_LIMITS.maxTxRate}, got ${JSON.stringify(value)}`,
    );
  return rate;
}

function options(args: readonly string[]) {
  const { values, positionals } = parseFlags(args, {
    nodes: { type: "string" },
    dir: { type: "string" },
    duration: { type: "string" },
    "tx-rate": { type: "string" },
    "scp-debug-dump": { type: "boolean" },
    json: { type: "boolean" },
  });
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const nodes = values.nodes === undefined ? undefined : intFlag("nodes", values.nodes, 4, 1);
  if (nodes !== undefined && nodes > TESTNET_LIMITS.maxNodes)
    throw new UsageError(`--nodes must be between 1 and ${TESTNET_LIMITS.maxNodes}, got ${nodes}`);
  const duration =
    values.duration === undefined ? undefined : intFlag("duration", values.duration, 0, 1);
  const txRate = rateFlag(values["tx-rate"]);
  // Every flag is checked before a temporary folder is made.
  return {
    nodes,
    dir: path.resolve(values.dir ?? mkdtempSync(path.join(tmpdir(), "mc-testnet-"))),
    durationMs: duration === undefined ? undefined : duration * 1000,
    txRate,
    scpDebugDump: values["scp-debug-dump"] === true,
    json: values.json === true,
  };
}

/** Where progress goes and how: a redrawn view on a terminal, plain lines otherwise. */
function progressSink(context: CommandContext, json: boolean) {
  const out: Output = json ? context.stderr : context.stdout;
  const live = !json && context.stdoutIsTty === true;
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    live,
    note: (line: string) => {
      if (!live) out.write(`${line}\n`);
    },
    show: (s: Snapshot, nowMs: number) => {
      const period = live ? TESTNET_LIMITS.redrawIntervalMs : TESTNET_LIMITS.progressIntervalMs;
      if (nowMs - last < period) return;
      last = nowMs;
      if (!live) {
        out.write(`${progressLine(s)}\n`);
        return;
      }
      // First frame: clear the screen and hide the cursor; later ones redraw in place.
      out.write(`${drawn ? "" : "\x1b[2J\x1b[?25l"}${frameText(s)}`);
      drawn = true;
    },
    end: () => {
      if (drawn) out.write("\x1b[?25h");
    },
  };
}

const ms = (v: number | null): string => (v === null ? "-" : `${v} ms`);

function report(result: TestnetResult, json: boolean, out: Output): void {
  const s = result.summary;
  if (json) {
    out.write(`${JSON.stringify(s)}\n`);
    return;
  }
  const last = result.agreement.ledgers[0]?.lastBlockId?.slice(0, 16) ?? "-";
  const verdict = s.agreement
    ? `${s.nodes === 1 ? "the ledger is whole" : `the ${s.nodes} ledgers agree`} (${s.block_count} blocks, last ${last}…)`
    : `the ledgers DO NOT agree: ${result.agreement.ledgers.map((l) => `node ${l.node} ${l.blockCount} blocks${l.error === undefined ? "" : ` (${l.error})`}`).join(", ")}`;
  out.write(
    [
      `testnet: ${s.duration_s} s, ${s.blocks} blocks closed, payments submitted ${s.transactions_submitted}, accepted ${s.transactions_accepted}, included ${s.transactions_included}; ${s.tx_per_s} tx/s, latency p50 ${ms(s.latency_ms.p50)} p99 ${ms(s.latency_ms.p99)}`,
      `testnet: ${verdict}`,
      ...result.failures.map((f) => `testnet: ${f}`),
      `testnet: folder ${s.dir} (start it again with --dir ${s.dir})`,
      "",
    ].join("\n"),
  );
}

export const testnetCommand: Command = {
  name: "testnet",
  summary: SUMMARIES.testnet,
  help: HELP,
  async run(args, context) {
    const o = options(args);
    const sink = progressSink(context, o.json);
    const signals = stopSignals();
    let result: TestnetResult;
    try {
      result = await runTestnet(o, {
        stop: signals.stop,
        hurry: signals.hurry,
        note: sink.note,
        show: (s) => sink.show(s, Date.now()),
        nowMs: () => Date.now(),
        sleep,
      });
    } catch (error) {
      if (error instanceof TestnetError && error.code === "CHILD_FAILED") {
        context.stderr.write(`testnet: ${error.message.replace(/\s*\n\s*/g, " ")}\n`);
        return EXIT_NEGATIVE;
      }
      throw error;
    } finally {
      sink.end();
      signals.dispose();
    }
    report(result, o.json, context.stdout);
    return testnetPassed(result.summary, result.failures) ? EXIT_OK : EXIT_NEGATIVE;
  },
};
