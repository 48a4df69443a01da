import path from "node:path";
import { TESTNET_LIMITS } from "../../testnet/index.js";
import {
  type CommandContext,
  EXIT_NEGATIVE,
  EXIT_OK,
  intFlag,
  parseFlags,
  UsageError,
} from "../command.js";
import { sleep, stopSignals } from "../stop-signals.js";
import { type E2eOptions, runE2e } from "./e2e.js";
import { E2E_DEFAULTS } from "./e2e-limits.js";
import type { Figure } from "./harness.js";

function rate(value: string | undefined): number {
  if (value === undefined) return E2E_DEFAULTS.txRate;
  const r = Number(value);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || r <= 0 || r > TESTNET_LIMITS.maxTxRate)
    throw new UsageError(
      `--tx-rate must be a number above 0 and at most ${TESTNET_LIMITS.maxTxRate}, got ${JSON.stringify(value)}`,
    );
  return r;
}

export function e2eOptions(args: readonly string[]): E2eOptions & { json: boolean } {
  const { values } = parseFlags(args, {
    nodes: { type: "string" },
    duration: { type: "string" },
    warmup: { type: "string" },
    "tx-rate": { type: "string" },
    "closed-loop": { type: "boolean" },
    "in-flight": { type: "string" },
    "poll-ms": { type: "string" },
    dir: { type: "string" },
    json: { type: "boolean" },
  });
  if (values["closed-loop"] === true && values["tx-rate"] !== undefined)
    throw new UsageError("give --tx-rate or --closed-loop, not both");
  if (values["in-flight"] !== undefined && values["closed-loop"] !== true)
    throw new UsageError("--in-flight goes with --closed-loop");
  const nodes = intFlag("nodes", values.nodes, E2E_DEFAULTS.nodes, 1);
  if (nodes > TESTNET_LIMITS.maxNodes)
    throw new UsageError(`--nodes must be between 1 and ${TESTNET_LIMITS.maxNodes}, got ${nodes}`);
  return {
    nodes,
    durationMs: intFlag("duration", values.duration, E2E_DEFAULTS.durationS, 1) * 1000,
    warmupMs: intFlag("warmup", values.warmup, E2E_DEFAULTS.warmupS) * 1000,
    txRate: rate(values["tx-rate"]),
    inFlight:
      values["closed-loop"] === true
        ? intFlag("in-flight", values["in-flight"], E2E_DEFAULTS.inFlight, 1)
        : undefined,
    pollMs: intFlag("poll-ms", values["poll-ms"], E2E_DEFAULTS.pollMs, 10),
    dir: values.dir === undefined ? undefined : path.resolve(values.dir),
    json: values.json === true,
  };
}

/** `bench e2e …`: figures on stdout (JSON lines with --json), progress on stderr. */
export async function runE2eCommand(
  args: readonly string[],
  context: CommandContext,
  table: (figures: readonly Figure[]) => string,
): Promise<number> {
  const o = e2eOptions(args);
  const signals = stopSignals();
  try {
    const result = await runE2e(o, {
      note: (line) => context.stderr.write(`${line}\n`),
      stop: signals.stop,
      hurry: signals.hurry,
      sleep,
    });
    if (o.json) for (const f of result.figures) context.stdout.write(`${JSON.stringify(f)}\n`);
    else if (result.figures.length > 0) context.stdout.write(`${table(result.figures)}\n`);
    for (const p of result.problems) context.stderr.write(`bench e2e: ${p}\n`);
    return result.problems.length === 0 ? EXIT_OK : EXIT_NEGATIVE;
  } finally {
    signals.dispose();
  }
}
