import { E2E_HELP } from "../bench/e2e-limits.js";
import { BENCHMARKS, type BenchOptions, defaultBenchOptions, type Figure } from "../bench/index.js";
import { type Command, EXIT_OK, intFlag, parseFlags, UsageError } from "../command.js";
import { SUMMARIES } from "./summaries.js";

function helpText(): string {
  const names = BENCHMARKS.map((b) => `  ${b.name.padEnd(16)} ${b.summary}`).join("\n");
  return `Usage: consensus-tool bench NAME [--json] [--runs N] [--warmup-ms MS] [--min-run-ms MS]

Runs a benchmark: a warm-up, then N timed runs of a calibrated number of operations each.
Reports min, median and max over the runs; "value" is the median.

Options:
  --json            one JSON object per figure and line:
                    {"bench","metric","unit","value","runs","min","median","max"}
  --runs N          timed runs per figure (default ${defaultBenchOptions.runs})
  --warmup-ms MS    untimed warm-up per figure (default ${defaultBenchOptions.warmupMs})
  --min-run-ms MS   minimum length of one timed run (default ${defaultBenchOptions.minRunMs})

Benchmarks:
${names}
  all              every benchmark above, one after another
  e2e              a real local network under a wallet load (not in "all"; its own flags below)

${E2E_HELP}

Example:
  consensus-tool bench tx-verify --json`;
}

function formatTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.bench,
    f.metric,
    String(f.value),
    f.unit,
    String(f.min),
    String(f.max),
    String(f.runs),
  ]);
  const header = ["bench", "metric", "median", "unit", "min", "max", "runs"];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r[i] as string).length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export const benchCommand: Command = {
  name: "bench",
  summary: SUMMARIES["bench"],
  get help() {
    return helpText();
  },
  async run(args, context) {
    const e2eAt = args.indexOf("e2e");
    if (e2eAt >= 0 && args.slice(0, e2eAt).every((a) => a === "--json")) {
      // Loaded on demand: it pulls in the testnet library (processes, gRPC, the wallet).
      const { runE2eCommand } = await import("../bench/e2e-command.js");
      return runE2eCommand(args.toSpliced(e2eAt, 1), context, formatTable);
    }
    const { values, positionals } = parseFlags(args, {
      json: { type: "boolean" },
      runs: { type: "string" },
      "warmup-ms": { type: "string" },
      "min-run-ms": { type: "string" },
    });
    if (positionals.length !== 1)
      throw new UsageError("expected exactly one benchmark name; see bench --help");
    const name = positionals[0] as string;
    const selected = name === "all" ? BENCHMARKS : BENCHMARKS.filter((b) => b.name === name);
    if (selected.length === 0) {
      throw new UsageError(
        `unknown benchmark ${JSON.stringify(name)}; known: ${BENCHMARKS.map((b) => b.name).join(", ")}, all`,
      );
    }
    const options: BenchOptions = {
      runs: intFlag("runs", values.runs, defaultBenchOptions.runs, 1),
      warmupMs: intFlag("warmup-ms", values["warmup-ms"], defaultBenchOptions.warmupMs),
      minRunMs: intFlag("min-run-ms", values["min-run-ms"], defaultBenchOptions.minRunMs, 1),
    };
    const figures: Figure[] = [];
    for (const benchmark of selected) {
      const result = await benchmark.run(options);
      if (values.json) for (const f of result) context.stdout.write(`${JSON.stringify(f)}\n`);
      figures.push(...result);
    }
    if (!values.json) context.stdout.write(`${formatTable(figures)}\n`);
    return EXIT_OK;
  },
};
