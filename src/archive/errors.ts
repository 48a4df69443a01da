import { CodedError } from "../util/index.js";

/** Why an archive read, write or sync did not succeed. */
export const ARCHIVE_ERROR_CODES = [
  /** An archive URL we cannot use (scheme, bucket, query parameter). */
  "INVALID_URL",
  /** A failure worth retrying: a 5xx or 429 answer, a timeout, a dropped connection. */
  "TRANSIENT",
  /** Transient failures that outlasted every retry. */
  "UNAVAILABLE",
  /** A failure that retrying will not fix (403, 400, a local I/O error). */
  "FETCH_FAILED",
  /** A write to the destination that failed for good. */
  "WRITE_FAILED",
  /** A file larger than the named limit for its kind. */
  "TOO_LARGE",
  /** A block (or a merged file) that failed a check: nothing from it or after it is imported. */
  "INVALID_BLOCK",
  /** `--num-blocks` asked for a block that no source has. */
  "MISSING_BLOCK",
  /** The destination holds blocks of another chain than the ledger being published. */
  "DEST_MISMATCH",
  /** No ledger where one was expected. */
  "LEDGER_NOT_FOUND",
] as const;
export type ArchiveErrorCode = (typeof ARCHIVE_ERROR_CODES)[number];

export class ArchiveError extends CodedError<ArchiveErrorCode> {
  constructor(
    code: ArchiveErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(code, payload, message, options);
    this.name = "ArchiveError";
  }
}

/** True for errors a retry may cure. */
export function isTransient(error: unknown): boolean {
  return error instanceof ArchiveError && error.code === "TRANSIENT";
}
