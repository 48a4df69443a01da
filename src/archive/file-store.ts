import { mkdir, open, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { ArchiveError } from "./errors.js";
import { type ArchiveDestination, checkArchivePath } from "./store.js";

/** Error codes of a missing file or directory: the archive does not have the block. */
const MISSING = new Set(["ENOENT", "ENOTDIR"]);
/** Error codes a retry may cure: resource exhaustion rather than a broken file. */
const TRANSIENT = new Set(["EMFILE", "ENFILE", "EAGAIN", "EBUSY", "EINTR"]);

function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

let tempCounter = 0;

/**
 * A `file://` archive: a local directory laid out exactly like the S3 bucket. Writes go to a
 * temporary file beside the target and are renamed over it, so a reader (or a crash) never sees a
 * half-written block.
 */
export class FileArchive implements ArchiveDestination {
  readonly url: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.url = `file://${this.root}`;
  }

  private resolve(archivePath: string): string {
    checkArchivePath(archivePath);
    return path.join(this.root, ...archivePath.split("/"));
  }

  async get(archivePath: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const file = this.resolve(archivePath);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(file, "r");
    } catch (error) {
      if (MISSING.has(errnoCode(error) ?? "")) return undefined;
      throw this.failure("FETCH_FAILED", file, error);
    }
    try {
      const { size } = await handle.stat();
      if (size > maxBytes) {
        throw new ArchiveError("TOO_LARGE", `${file}: ${size} bytes exceeds ${maxBytes}`, {
          path: archivePath,
        });
      }
      const bytes = new Uint8Array(size);
      let read = 0;
      while (read < size) {
        const { bytesRead } = await handle.read(bytes, read, size - read, read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      if (read !== size) throw new ArchiveError("TRANSIENT", `${file}: changed while being read`);
      return bytes;
    } catch (error) {
      if (error instanceof ArchiveError) throw error;
      throw this.failure("FETCH_FAILED", file, error);
    } finally {
      await handle.close();
    }
  }

  async exists(archivePath: string): Promise<boolean> {
    const file = this.resolve(archivePath);
    try {
      return (await stat(file)).isFile();
    } catch (error) {
      if (MISSING.has(errnoCode(error) ?? "")) return false;
      throw this.failure("FETCH_FAILED", file, error);
    }
  }

  async put(archivePath: string, bytes: Uint8Array): Promise<void> {
    const file = this.resolve(archivePath);
    const temp = `${file}.tmp-${process.pid}-${++tempCounter}`;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(temp, bytes);
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw this.failure("WRITE_FAILED", file, error);
    }
  }

  async close(): Promise<void> {}

  private failure(
    code: "FETCH_FAILED" | "WRITE_FAILED",
    file: string,
    error: unknown,
  ): ArchiveError {
    const errno = errnoCode(error);
    const message = `${file}: ${(error as Error)?.message ?? String(error)}`;
    return new ArchiveError(
      errno !== undefined && TRANSIENT.has(errno) ? "TRANSIENT" : code,
      message,
      { errno },
      { cause: error },
    );
  }
}
