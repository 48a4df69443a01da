import { ArchiveError } from "./errors.js";
import { type ArchiveDestination, checkArchivePath } from "./store.js";

/**
 * An archive in memory, laid out like the others (the simulator's archive, tests). Bytes are
 * copied in and out, as a disk or a wire would, and reads resolve on a later microtask.
 */
export class MemoryArchive implements ArchiveDestination {
  readonly url: string;
  private readonly files = new Map<string, Uint8Array>();

  constructor(name: string) {
    this.url = `memory://${name}`;
  }

  async get(path: string, maxBytes: number): Promise<Uint8Array | undefined> {
    checkArchivePath(path);
    await Promise.resolve();
    const bytes = this.files.get(path);
    if (bytes === undefined) return undefined;
    if (bytes.length > maxBytes)
      throw new ArchiveError("TOO_LARGE", `${this.url}/${path}: ${bytes.length} > ${maxBytes}`, {
        path,
      });
    return bytes.slice();
  }

  async exists(path: string): Promise<boolean> {
    checkArchivePath(path);
    return this.files.has(path);
  }

  async put(path: string, bytes: Uint8Array): Promise<void> {
    checkArchivePath(path);
    this.putNow(path, bytes);
  }

  /** `put` for a synchronous driver (the simulator writes as it appends). */
  putNow(path: string, bytes: Uint8Array): void {
    this.files.set(path, bytes.slice());
  }

  async close(): Promise<void> {}
}
