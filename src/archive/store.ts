/**
 * The two seams between archive logic and storage. Paths are archive-relative, `/`-separated, as
 * `archiveBlockPath` and `mergedArchivePath` produce them.
 *
 * Failures are `ArchiveError`s: "TRANSIENT" for what a retry may cure, "TOO_LARGE" past the limit
 * given, "FETCH_FAILED" / "WRITE_FAILED" otherwise. A missing file is not an error.
 */
export interface ArchiveSource {
  /** The URL, for messages. */
  readonly url: string;
  /**
   * The file's bytes, or `undefined` when the archive does not have it. An aborted `signal`
   * cancels a request in flight.
   */
  get(path: string, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array | undefined>;
  close(): Promise<void>;
}

/** Where ledger-distribution writes. Writing the same bytes twice is harmless. */
export interface ArchiveDestination extends ArchiveSource {
  exists(path: string): Promise<boolean>;
  /** Replace the file with `bytes` as one unit: a reader sees the old file or the new one. */
  put(path: string, bytes: Uint8Array): Promise<void>;
}

/** Reject paths that could step outside the archive root. */
export function checkArchivePath(path: string): void {
  if (
    path.length === 0 ||
    path.startsWith("/") ||
    path.split("/").some((p) => p === ".." || p === ".")
  ) {
    throw new RangeError(`not an archive path: ${JSON.stringify(path)}`);
  }
}
