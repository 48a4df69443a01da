import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  ARCHIVE_LIMITS,
  ArchiveError,
  ArchivePublisher,
  DEFAULT_MERGE_BUCKETS,
  openArchiveDestination,
  type RetryPolicy,
} from "../../archive/index.js";
import { type Ledger, type LmdbOptions, openLmdbLedger } from "../../ledger/index.js";
import { directoryProblem } from "../../node/index.js";
import { describeError, type LogFn, type Logger } from "../../util/index.js";
import {
  type Command,
  type CommandContext,
  EXIT_NEGATIVE,
  EXIT_OK,
  oneLine,
  parseFlags,
  UsageError,
} from "../command.js";
import { SUMMARIES } from "./summaries.js";

const HELP = `Usage: consensus-tool ledger-distribution --ledger-path DIR --dest URL
                                        [--merge-buckets 100,1000,10000] [--once] [--json]

Publishes a ledger's blocks to a block archive (MobileCoin's ledger-distribution): each block as
an ArchiveBlock at 00/00/00/00/00/00/00/{index:016x}.pb, and when block i completes a bucket of b
blocks ((i+1) % b == 0), the ArchiveBlocks of the last b blocks under merged-{b}/. On start it
finds the highest block already at the destination (exponential + binary search on existence),
checks that it is this ledger's block, and resumes after it. Writes are idempotent; failed
uploads are retried with exponential backoff.

Options (each also read from its environment variable):
  --ledger-path DIR     the LMDB ledger directory, holding data.mdb; opened read-only  [MC_LEDGER_PATH]
  --dest URL            file:///DIR or s3://BUCKET/PATH[?region=R&endpoint=URL&acl=A]  [MC_DEST]
                        s3: endpoint= selects an S3-compatible server (path-style addressing);
                        region and endpoint also from AWS_REGION and AWS_ENDPOINT_URL;
                        credentials from the standard AWS variables or profile;
                        acl= public-read (default, as MobileCoin), private or none
  --merge-buckets LIST  comma-separated merged bucket sizes; values <= 1 are ignored
                        (default 100,1000,10000; at most 10000)                        [MC_MERGE_BUCKETS]
  --once                publish the blocks that exist and exit; otherwise keep polling the ledger
                        every ${ARCHIVE_LIMITS.ledgerPollIntervalMs} ms until SIGINT or SIGTERM
  --json                print a summary on stdout:
                        {"resumed_at", "blocks_published", "merged_files_written", "archived_blocks"}

With MC_PARENT_PIPE_FD=N (a pipe from a supervisor such as consensus-tool testnet) it stops as on
SIGTERM when that pipe closes, so it never outlives the supervisor.

Exit codes: 0 done (or stopped by a signal); 1 the destination stayed unavailable;
            2 bad arguments, no ledger, or a destination that holds another chain.

Example:
  consensus-tool ledger-distribution --ledger-path /tmp/ledger-db-1 --dest file:///var/archive --once`;

/** A logger that writes one line per message to stderr (info and above). */
export function stderrLogger(context: CommandContext, command: string): Logger {
  const line =
    (level: string): LogFn =>
    (fieldsOrMessage: Readonly<Record<string, unknown>> | string, message?: string) => {
      const fields = typeof fieldsOrMessage === "string" ? {} : fieldsOrMessage;
      const text = typeof fieldsOrMessage === "string" ? fieldsOrMessage : (message ?? "");
      const extra =
        Object.keys(fields).length > 0
          ? ` ${JSON.stringify(fields, (_k, v) => (typeof v === "bigint" ? String(v) : v))}`
          : "";
      context.stderr.write(`${command}: ${level} ${text}${extra}\n`);
    };
  const ignore: LogFn = () => {};
  const logger: Logger = {
    trace: ignore,
    debug: ignore,
    info: line("info"),
    warn: line("warn"),
    error: line("error"),
    fatal: line("fatal"),
    child: () => logger,
  };
  return logger;
}

/** Parse `--merge-buckets` ("100,1000,10000"); values <= 1 are dropped, as MobileCoin does. */
export function parseMergeBuckets(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(",")) {
    const item = part.trim();
    if (item === "") continue;
    if (!/^[0-9]+$/.test(item))
      throw new UsageError(
        `--merge-buckets: ${JSON.stringify(item)} is not a non-negative integer`,
      );
    const n = Number(item);
    if (n > ARCHIVE_LIMITS.maxBucket)
      throw new UsageError(
        `--merge-buckets: ${n} exceeds the largest bucket a reader accepts (${ARCHIVE_LIMITS.maxBucket})`,
      );
    if (n > 1) out.push(n);
  }
  return out;
}

/** Retries for uploads and existence checks, with the named limits. */
export function uploadRetryPolicy(sleep: (ms: number) => Promise<void>): RetryPolicy {
  return {
    maxAttempts: ARCHIVE_LIMITS.uploadMaxAttempts,
    baseDelayMs: ARCHIVE_LIMITS.uploadBaseDelayMs,
    maxDelayMs: ARCHIVE_LIMITS.uploadMaxDelayMs,
    sleep,
    jitter: Math.random,
  };
}

/** A sleep that ends early when `signal` aborts, so a stop request is not kept waiting. */
function abortableSleep(signal: AbortSignal): (ms: number) => Promise<void> {
  return (ms) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done, { once: true });
    });
}

/**
 * Open the existing LMDB ledger (this tool never creates one), turning any failure into one line
 * naming the flag and directory. The ledger itself refuses a missing, empty or non-LMDB data.mdb.
 */
export function openLedgerAt(dir: string, flag: string, options: LmdbOptions): Ledger {
  try {
    return openLmdbLedger(path.resolve(dir), options);
  } catch (error) {
    throw new ArchiveError("LEDGER_NOT_FOUND", `${flag} ${dir}: ${describeError(error)}`);
  }
}

/** A file:// destination that is a file or lies under one: one line before anything is opened. */
function checkFileDestination(dest: string): void {
  if (!/^file:/i.test(dest)) return;
  let dir: string;
  try {
    dir = fileURLToPath(dest);
  } catch {
    return; // openArchiveDestination names the malformed URL.
  }
  const problem = directoryProblem(dir);
  if (problem !== undefined) throw new UsageError(`--dest ${dest}: ${problem}`);
}

export const ledgerDistributionCommand: Command = {
  name: "ledger-distribution",
  summary: SUMMARIES["ledger-distribution"],
  help: HELP,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      "ledger-path": { type: "string" },
      dest: { type: "string" },
      "merge-buckets": { type: "string" },
      once: { type: "boolean" },
      json: { type: "boolean" },
    });
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const ledgerPath = values["ledger-path"] ?? context.env.MC_LEDGER_PATH;
    const dest = values.dest ?? context.env.MC_DEST;
    if (ledgerPath === undefined || ledgerPath === "")
      throw new UsageError("--ledger-path (or MC_LEDGER_PATH) is required");
    if (dest === undefined || dest === "") throw new UsageError("--dest (or MC_DEST) is required");
    const buckets = parseMergeBuckets(
      values["merge-buckets"] ?? context.env.MC_MERGE_BUCKETS ?? DEFAULT_MERGE_BUCKETS.join(","),
    );
    checkFileDestination(dest);
    const destination = openArchiveDestination(dest, { env: context.env });
    const ledger = openLedgerAt(ledgerPath, "--ledger-path", {
      readOnly: true,
    });
    const logger = stderrLogger(context, "ledger-distribution");
    const controller = new AbortController();
    const stop = () => controller.abort();
    const once = values.once === true;
    if (!once) {
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    }
    const sleep = abortableSleep(controller.signal);
    try {
      const publisher = new ArchivePublisher(ledger, destination, {
        buckets,
        retry: uploadRetryPolicy(sleep),
        logger,
      });
      if (!once) logger.info({ dest: destination.url }, "publishing; stop with SIGINT or SIGTERM");
      const summary = await publisher.run({ once, signal: controller.signal, sleep });
      if (values.json) context.stdout.write(`${JSON.stringify(summary)}\n`);
      else
        context.stdout.write(
          `published ${summary.blocks_published} blocks and ${summary.merged_files_written} merged files to ${destination.url}; it holds ${summary.archived_blocks} blocks\n`,
        );
      return EXIT_OK;
    } catch (error) {
      if (error instanceof ArchiveError && error.code === "UNAVAILABLE") {
        context.stderr.write(`ledger-distribution: ${oneLine(describeError(error))}\n`);
        return EXIT_NEGATIVE;
      }
      throw error;
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      ledger.close();
      await destination.close();
    }
  },
};
