import { mkdirSync } from "node:fs";
import path from "node:path";
import {
  ARCHIVE_LIMITS,
  ArchiveError,
  openArchiveSource,
  type RetryPolicy,
  realSleep,
  SourceSet,
  syncFromArchive,
  WorkerDecoder,
} from "../../archive/index.js";
import { describeError, parseU64 } from "../../util/index.js";
import {
  type Command,
  EXIT_BAD_INPUT,
  EXIT_NEGATIVE,
  EXIT_OK,
  oneLine,
  parseFlags,
  UsageError,
} from "../command.js";
import { openLedgerAt, stderrLogger } from "./ledger-distribution.js";

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

Options (each also read from its environment variable):
  --ledger-db DIR       the LMDB ledger directory (default ${DEFAULT_LEDGER_DB})          [MC_LEDGER_DB]
  --tx-source-url URL   file:///DIR, http(s)://HOST/PATH/ or s3://BUCKET/PATH[?region=&endpoint=];
                        repeatable or comma-separated                                   [MC_TX_SOURCE_URL]
  --num-blocks N        stop once the ledger holds N blocks; fail if the archive ends sooner
                                                                                        [MC_NUM_BLOCKS]
  --json                print a summary on stdout: {"start_blocks", "num_blocks", "imported",
                        "from_merged_files", "from_single_files", "merged_files_rejected",
                        "requests", "retries", "stopped"}; on failure
                        {"ok": false, "error", "message", "index", "num_blocks"}

Exit codes: 0 done (the archive ended, or N blocks reached);
            1 the archive stayed unavailable, or ended before --num-blocks;
            2 bad arguments, or a block refused (one line naming its index).`;

/** Retries for archive reads, with the named limits. */
export function fetchRetryPolicy(sleep: (ms: number) => Promise<void>): RetryPolicy {
  return {
    maxAttempts: ARCHIVE_LIMITS.fetchMaxAttempts,
    baseDelayMs: ARCHIVE_LIMITS.fetchBaseDelayMs,
    maxDelayMs: ARCHIVE_LIMITS.fetchMaxDelayMs,
    sleep,
    jitter: Math.random,
  };
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

export const ledgerFromArchiveCommand: Command = {
  name: "ledger-from-archive",
  summary: "create or extend an LMDB ledger from block archives, checking every block",
  help: HELP,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      "ledger-db": { type: "string" },
      "tx-source-url": { type: "string", multiple: true },
      "num-blocks": { type: "string" },
      json: { type: "boolean" },
    });
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const ledgerDb = path.resolve(
      values["ledger-db"] ?? context.env.MC_LEDGER_DB ?? DEFAULT_LEDGER_DB,
    );
    const urls = splitSourceUrls(
      values["tx-source-url"] ??
        (context.env.MC_TX_SOURCE_URL === undefined ? [] : [context.env.MC_TX_SOURCE_URL]),
    );
    if (urls.length === 0)
      throw new UsageError("--tx-source-url (or MC_TX_SOURCE_URL) is required");
    const numBlocksText = values["num-blocks"] ?? context.env.MC_NUM_BLOCKS;
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
    const logger = stderrLogger(context, "ledger-from-archive");
    const sources = new SourceSet(
      urls.map((url) => openArchiveSource(url, { env: context.env })),
      fetchRetryPolicy(realSleep),
      logger,
    );
    mkdirSync(ledgerDb, { recursive: true });
    // A bulk import that can be re-run: skip the per-block flush (a killed process still leaves a
    // consistent prefix; see LmdbOptions.durable). MobileCoin's ledger always runs this way.
    const ledger = openLedgerAt(ledgerDb, "--ledger-db", { durable: false });
    // Blocks are checked on a worker thread while this one appends (same checks, in parallel).
    const decoder = new WorkerDecoder();
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
      if (values.json) context.stdout.write(`${JSON.stringify(summary)}\n`);
      else
        context.stdout.write(
          `imported ${summary.imported} blocks; the ledger holds ${summary.num_blocks} blocks (${summary.stopped})\n`,
        );
      return EXIT_OK;
    } catch (error) {
      if (!(error instanceof ArchiveError)) throw error;
      context.stderr.write(`ledger-from-archive: ${oneLine(describeError(error))}\n`);
      if (values.json)
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
    } finally {
      await decoder.close();
      ledger.close();
      await sources.close();
    }
  },
};
