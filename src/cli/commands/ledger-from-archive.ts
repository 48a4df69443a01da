import { existsSync } from "node:fs";
import path from "node:path";
import {
  ARCHIVE_LIMITS,
  ArchiveError,
  type BlockDecoder,
  openArchiveSource,
  type RetryPolicy,
  realSleep,
  type SourceOutcome,
  SourceSet,
  syncFromArchive,
  WorkerDecoder,
} from "../../archive/index.js";
import { archiveBlockPath, MAX_ARCHIVE_BLOCK_BYTES } from "../../blockchain/index.js";
import type { Ledger } from "../../ledger/index.js";
import { bytesEqual, describeError, parseU64 } from "../../util/index.js";
import {
  type Command,
  type CommandContext,
  EXIT_BAD_INPUT,
  EXIT_NEGATIVE,
  EXIT_OK,
  intFlag,
  oneLine,
  parseFlags,
  UsageError,
} from "../command.js";
import { openLedgerAt, stderrLogger } from "./ledger-distribution.js";
import { LMDB_FILES, OutputDir } from "./output-dir.js";
import { SUMMARIES } from "./summaries.js";

const DEFAULT_LEDGER_DB = "/tmp/ledgerdb";
/** A progress line on stderr every this many imported blocks. */
const PROGRESS_EVERY_BLOCKS = 10_000n;

const HELP = `Usage: consensus-tool ledger-from-archive --ledger-db DIR --tx-source-url URL [--tx-source-url URL ...]
                                        [--num-blocks N] [--json]

Builds or extends an LMDB ledger from block archives (MobileCoin's ledger-from-archive). Creates
the ledger if DIR holds none (its origin block is archive block 0), then appends blocks in order
from the ledger's next index. Merged files (merged-10000/, -1000/, -100/) are used where one
starts at the next index, single files otherwise. Every block passes every check (block id,
contents hash, signature and metadata when present, canonical encoding, parent link, the ledger's
append validation); the first block that fails one stops the import: nothing after it is
imported, and the exit is non-zero with one line naming the block. A merged file that fails a
check is set aside and its blocks are read from single files instead. Transient failures (5xx,
429, timeouts, dropped connections) are retried with exponential backoff, rotating over the URLs.
The import ends when the next block is absent from every URL (404).

When nothing new was imported, the ledger counts as complete only if a source holds the ledger's
last block (index N-1 of a ledger of N blocks, the same block id) and none holds block N: that source's highest block
is already in the ledger. A source without the block the ledger needs next, and without that last
block either (a wrong URL, a 404, a missing file:// folder, an empty archive), is a failure (exit 1):
there was nothing to import from it. A ledger this run created is removed again when nothing was
imported into it.

A source that keeps failing (5xx, timeouts) is retried within --retry-budget-ms per read, each
request cut off after --request-timeout-ms; then it is given up on for the rest of the run. At the
end one line per source says what it did (files served, files absent, failures).

Options (each also read from its environment variable):
  --ledger-db DIR       the LMDB ledger directory (default ${DEFAULT_LEDGER_DB})          [MC_LEDGER_DB]
  --tx-source-url URL   file:///DIR, http(s)://HOST/PATH/ or s3://BUCKET/PATH[?region=&endpoint=];
                        repeatable or comma-separated                                   [MC_TX_SOURCE_URL]
  --num-blocks N        stop once the ledger holds N blocks; fail if the archive ends sooner
                                                                                        [MC_NUM_BLOCKS]
  --retry-budget-ms MS  total time one read may spend retrying a failing source
                        (default ${ARCHIVE_LIMITS.fetchRetryBudgetMs})                  [MC_RETRY_BUDGET_MS]
  --request-timeout-ms MS  deadline of one request, body included
                        (default ${ARCHIVE_LIMITS.requestTimeoutMs})                   [MC_REQUEST_TIMEOUT_MS]
  --json                print a summary on stdout: {"start_blocks", "num_blocks", "imported",
                        "from_merged_files", "from_single_files", "merged_files_rejected",
                        "requests", "retries", "stopped"}; on failure
                        {"ok": false, "error", "message", "index", "num_blocks"}

Exit codes: 0 done (blocks imported up to the archive's end, the ledger already complete, or N
              blocks reached);
            1 the archive stayed unavailable, had nothing to import, or ended before --num-blocks;
            2 bad arguments or paths, or a block refused (one line naming its index).

Example:
  consensus-tool ledger-from-archive --ledger-db /tmp/ledgerdb \\
    --tx-source-url https://s3-us-west-1.amazonaws.com/mobilecoin.chain/node1.test.mobilecoin.com/`;

/** Retries for archive reads, with the named limits and a total time budget per read. */
export function fetchRetryPolicy(
  sleep: (ms: number) => Promise<void>,
  budgetMs: number = ARCHIVE_LIMITS.fetchRetryBudgetMs,
): RetryPolicy {
  return {
    maxAttempts: ARCHIVE_LIMITS.fetchMaxAttempts,
    baseDelayMs: ARCHIVE_LIMITS.fetchBaseDelayMs,
    maxDelayMs: ARCHIVE_LIMITS.fetchMaxDelayMs,
    sleep,
    jitter: Math.random,
    budgetMs,
    now: () => performance.now(),
  };
}

/** One line per source: what it did during the run. */
function describeOutcome(o: SourceOutcome): string {
  const parts = [`served ${o.served} files`, `${o.absent} absent`];
  if (o.failures > 0)
    parts.push(`${o.failures} failed requests (last: ${oneLine(o.lastError ?? "")})`);
  const verdict = o.unavailable
    ? "unavailable"
    : o.served > 0
      ? "ok"
      : o.failures > 0
        ? "failing"
        : "had nothing";
  return `source ${o.url}: ${verdict}: ${parts.join(", ")}`;
}

/**
 * Nothing new was found: the ledger is complete when a source holds the ledger's last block (the
 * same block, by id), so that source's highest block is already in the ledger. Otherwise the
 * sources had nothing for this ledger: a wrong URL, an empty archive, or another chain.
 */
async function checkComplete(
  ledger: Ledger,
  sources: SourceSet,
  decoder: BlockDecoder,
): Promise<void> {
  const next = ledger.numBlocks();
  const last = next === 0n ? undefined : next - 1n;
  const bytes =
    last === undefined
      ? undefined
      : await sources.get(archiveBlockPath(last), MAX_ARCHIVE_BLOCK_BYTES);
  if (last !== undefined && bytes !== undefined) {
    const archived = await decoder.decode(bytes).catch(() => undefined);
    if (archived !== undefined && bytesEqual(archived.block.id, ledger.getBlock(last).id)) return;
    throw new ArchiveError(
      "MISSING_BLOCK",
      `nothing to import: the sources' block ${last} is not the ledger's block ${last} (another chain?), and no source has block ${next}`,
      { index: String(next) },
    );
  }
  throw new ArchiveError(
    "MISSING_BLOCK",
    `nothing to import: no source has block ${next}, which the ledger needs next${last === undefined ? "" : `, nor block ${last}, its last`} (check --tx-source-url)`,
    { index: String(next) },
  );
}

function msFlag(name: string, text: string | undefined, fallback: number): number {
  const ms = intFlag(name, text, fallback, 1);
  if (ms > 24 * 3600 * 1000) throw new UsageError(`--${name} must be at most one day in ms`);
  return ms;
}

/** `--tx-source-url` values, each possibly comma-separated. */
export function splitSourceUrls(values: readonly string[]): string[] {
  const urls = values
    .flatMap((v) => v.split(","))
    .map((u) => u.trim())
    .filter((u) => u !== "");
  if (urls.length > ARCHIVE_LIMITS.maxSources)
    throw new UsageError(`at most ${ARCHIVE_LIMITS.maxSources} --tx-source-url values`);
  return urls;
}

interface Options {
  output: OutputDir;
  urls: string[];
  numBlocks: bigint | undefined;
  budgetMs: number;
  timeoutMs: number;
  json: boolean;
}

/** Every flag checked, before anything is created or fetched. */
function parseOptions(args: readonly string[], env: CommandContext["env"]): Options {
  const { values, positionals } = parseFlags(args, {
    "ledger-db": { type: "string" },
    "tx-source-url": { type: "string", multiple: true },
    "num-blocks": { type: "string" },
    "retry-budget-ms": { type: "string" },
    "request-timeout-ms": { type: "string" },
    json: { type: "boolean" },
  });
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const output = new OutputDir(
    "--ledger-db",
    values["ledger-db"] ?? env.MC_LEDGER_DB ?? DEFAULT_LEDGER_DB,
  );
  const urls = splitSourceUrls(
    values["tx-source-url"] ?? (env.MC_TX_SOURCE_URL === undefined ? [] : [env.MC_TX_SOURCE_URL]),
  );
  if (urls.length === 0) throw new UsageError("--tx-source-url (or MC_TX_SOURCE_URL) is required");
  const numBlocksText = values["num-blocks"] ?? env.MC_NUM_BLOCKS;
  let numBlocks: bigint | undefined;
  if (numBlocksText !== undefined) {
    try {
      numBlocks = parseU64(numBlocksText);
    } catch {
      throw new UsageError(
        `--num-blocks must be a non-negative integer, got ${JSON.stringify(numBlocksText)}`,
      );
    }
  }
  return {
    output,
    urls,
    numBlocks,
    budgetMs: msFlag(
      "retry-budget-ms",
      values["retry-budget-ms"] ?? env.MC_RETRY_BUDGET_MS,
      ARCHIVE_LIMITS.fetchRetryBudgetMs,
    ),
    timeoutMs: msFlag(
      "request-timeout-ms",
      values["request-timeout-ms"] ?? env.MC_REQUEST_TIMEOUT_MS,
      ARCHIVE_LIMITS.requestTimeoutMs,
    ),
    json: values.json === true,
  };
}

/** Open (creating if needed) the ledger; a ledger this run created is removed if opening fails. */
function openOrCreateLedger(output: OutputDir, hadLedger: boolean): Ledger {
  output.create();
  try {
    // A bulk import that can be re-run: skip the per-block flush (a killed process still leaves a
    // consistent prefix; see LmdbOptions.durable). MobileCoin's ledger always runs this way.
    return openLedgerAt(output.path, "--ledger-db", { durable: false });
  } catch (error) {
    if (!hadLedger) output.removeCreated(LMDB_FILES);
    throw error;
  }
}

function failureReport(
  error: ArchiveError,
  ledger: Ledger,
  json: boolean,
  context: CommandContext,
) {
  context.stderr.write(`ledger-from-archive: ${oneLine(describeError(error))}\n`);
  if (json)
    context.stdout.write(
      `${JSON.stringify({
        ok: false,
        error: error.code,
        message: oneLine(error.message),
        index: error.payload.index ?? null,
        num_blocks: String(ledger.numBlocks()),
      })}\n`,
    );
  return error.code === "UNAVAILABLE" || error.code === "MISSING_BLOCK"
    ? EXIT_NEGATIVE
    : EXIT_BAD_INPUT;
}

export const ledgerFromArchiveCommand: Command = {
  name: "ledger-from-archive",
  summary: SUMMARIES["ledger-from-archive"],
  help: HELP,
  async run(args, context) {
    const options = parseOptions(args, context.env);
    const { output, numBlocks } = options;
    const logger = stderrLogger(context, "ledger-from-archive");
    const sources = new SourceSet(
      options.urls.map((url) =>
        openArchiveSource(url, { env: context.env, timeoutMs: options.timeoutMs }),
      ),
      fetchRetryPolicy(realSleep, options.budgetMs),
      logger,
    );
    const hadLedger = existsSync(path.join(output.path, "data.mdb"));
    const ledger = openOrCreateLedger(output, hadLedger);
    let keep = true;
    // Blocks are checked on a worker thread while this one appends (same checks, in parallel).
    const decoder = new WorkerDecoder();
    const reportSources = () => {
      for (const o of sources.outcomes())
        context.stderr.write(`ledger-from-archive: ${describeOutcome(o)}\n`);
    };
    try {
      const summary = await syncFromArchive(ledger, sources, {
        ...(numBlocks === undefined ? {} : { numBlocks }),
        decoder,
        logger,
        onBlock: (index) => {
          if ((index + 1n) % PROGRESS_EVERY_BLOCKS === 0n)
            logger.info({ num_blocks: String(index + 1n) }, "imported blocks");
        },
      });
      const nothingNew = summary.imported === 0 && summary.stopped === "end-of-archive";
      if (nothingNew) await checkComplete(ledger, sources, decoder);
      reportSources();
      if (options.json) context.stdout.write(`${JSON.stringify(summary)}\n`);
      else
        context.stdout.write(
          nothingNew
            ? `the ledger is complete: it holds ${summary.num_blocks} blocks, the last of them the sources' highest\n`
            : `imported ${summary.imported} blocks; the ledger holds ${summary.num_blocks} blocks (${summary.stopped})\n`,
        );
      return EXIT_OK;
    } catch (error) {
      if (!(error instanceof ArchiveError)) throw error;
      keep = hadLedger || ledger.numBlocks() > 0n;
      reportSources();
      return failureReport(error, ledger, options.json, context);
    } finally {
      await decoder.close();
      ledger.close();
      await sources.close();
      if (!keep) output.removeCreated(LMDB_FILES);
    }
  },
};
