import { ArchiveError } from "./errors.js";
import { ARCHIVE_LIMITS } from "./limits.js";
import { type ArchiveSource, checkArchivePath } from "./store.js";

/** Statuses a retry may cure: timeouts, throttling and server-side failures. */
function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * An `http://` or `https://` archive (an S3 bucket's public URL, a CDN, any static server) read
 * with Node's built-in fetch. 404 and 410 mean "not there"; see `isTransientStatus` for retries.
 */
export class HttpArchiveSource implements ArchiveSource {
  readonly url: string;
  private readonly base: URL;
  private readonly timeoutMs: number;

  constructor(url: string, timeoutMs: number = ARCHIVE_LIMITS.requestTimeoutMs) {
    this.url = url;
    // A base without a trailing slash would make `new URL(path, base)` drop its last segment.
    this.base = new URL(url.endsWith("/") ? url : `${url}/`);
    this.timeoutMs = timeoutMs;
  }

  async get(
    archivePath: string,
    maxBytes: number,
    cancel?: AbortSignal,
  ): Promise<Uint8Array | undefined> {
    checkArchivePath(archivePath);
    const target = new URL(archivePath, this.base);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = cancel === undefined ? timeout : AbortSignal.any([timeout, cancel]);
    let response: Response;
    try {
      response = await fetch(target, { signal });
    } catch (error) {
      throw new ArchiveError(
        "TRANSIENT",
        `${target}: ${describeFetchError(error)}`,
        {},
        { cause: error },
      );
    }
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new ArchiveError(
        isTransientStatus(response.status) ? "TRANSIENT" : "FETCH_FAILED",
        `${target}: HTTP ${response.status}`,
        { status: response.status },
      );
    }
    const declared = Number(response.headers.get("content-length") ?? "NaN");
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel();
      throw new ArchiveError("TOO_LARGE", `${target}: ${declared} bytes exceeds ${maxBytes}`);
    }
    try {
      return await readCapped(response, maxBytes, target);
    } catch (error) {
      if (error instanceof ArchiveError) throw error;
      throw new ArchiveError(
        "TRANSIENT",
        `${target}: ${describeFetchError(error)}`,
        {},
        { cause: error },
      );
    }
  }

  async close(): Promise<void> {}
}

/** Read a body without ever holding more than `maxBytes` of it. */
async function readCapped(response: Response, maxBytes: number, target: URL): Promise<Uint8Array> {
  const body = response.body;
  if (body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      await body.cancel().catch(() => undefined);
      throw new ArchiveError("TOO_LARGE", `${target}: body exceeds ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : "";
    return `${error.message}${detail}`;
  }
  return String(error);
}
