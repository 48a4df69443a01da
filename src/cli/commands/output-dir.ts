import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { describeFsError, directoryProblem } from "../../node/index.js";
import { UsageError } from "../command.js";

/** The files LMDB creates in a ledger directory. */
export const LMDB_FILES: readonly string[] = ["data.mdb", "lock.mdb"];

/**
 * A directory a command writes into, checked before anything is written: not a file, not under a
 * file, and writable as far as can be seen without writing. `create()` makes it (and its missing
 * parents) and remembers what it made, so `removeCreated()` can leave nothing behind; a creation
 * that fails anyway (a filesystem that refuses even root) becomes one line naming the flag.
 */
export class OutputDir {
  readonly path: string;
  private readonly flag: string;
  private createdRoot: string | undefined;

  constructor(flag: string, dir: string) {
    this.flag = flag;
    this.path = path.resolve(dir);
    const problem = directoryProblem(this.path);
    if (problem !== undefined) throw new UsageError(`${flag} ${dir}: ${problem}`);
  }

  create(): void {
    try {
      this.createdRoot = mkdirSync(this.path, { recursive: true }) ?? this.createdRoot;
    } catch (error) {
      throw this.failure(error);
    }
  }

  /** An error from writing into the directory, as one line naming the flag. */
  failure(error: unknown): UsageError {
    return new UsageError(`${this.flag} ${this.path}: ${describeFsError(error)}`);
  }

  /** Remove the directories `create()` made, or else only the named files inside. */
  removeCreated(files: readonly string[]): void {
    if (this.createdRoot !== undefined) {
      rmSync(this.createdRoot, { recursive: true, force: true });
      return;
    }
    for (const name of files) {
      const file = path.join(this.path, name);
      if (existsSync(file)) rmSync(file, { force: true });
    }
  }
}
