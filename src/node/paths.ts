import { accessSync, constants, type Stats, statSync } from "node:fs";
import path from "node:path";

function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** The path's stats, or `undefined` when it (or a parent) does not exist. Other errors throw. */
function statOrMissing(file: string): Stats | "missing" | "under-file" {
  try {
    return statSync(file);
  } catch (error) {
    const code = errnoOf(error);
    if (code === "ENOENT") return "missing";
    if (code === "ENOTDIR") return "under-file";
    throw error;
  }
}

/**
 * Why `dir` cannot be used as a directory to write into (creating it if missing), or `undefined`
 * when nothing stands in the way that can be seen without writing: it is a file, lies under a
 * file, or its nearest existing directory is not writable. Writing can still fail (a filesystem
 * that refuses even root); callers turn that error into one line too.
 */
export function directoryProblem(dir: string): string | undefined {
  const target = path.resolve(dir);
  let current = target;
  for (;;) {
    let found: ReturnType<typeof statOrMissing>;
    try {
      found = statOrMissing(current);
    } catch (error) {
      return `cannot inspect ${current}: ${(error as Error).message}`;
    }
    if (found === "missing" || found === "under-file") {
      const parent = path.dirname(current);
      if (parent === current) return "no existing directory above it";
      current = parent;
      continue;
    }
    if (!found.isDirectory())
      return current === target
        ? "is a file, not a directory"
        : `lies under ${current}, which is a file, not a directory`;
    try {
      accessSync(current, constants.W_OK);
    } catch {
      return current === target
        ? "is not writable"
        : `cannot be created: ${current} is not writable`;
    }
    return undefined;
  }
}

/** Why `file` cannot be written (created or replaced), or `undefined`; see `directoryProblem`. */
export function fileProblem(file: string): string | undefined {
  const target = path.resolve(file);
  let found: ReturnType<typeof statOrMissing>;
  try {
    found = statOrMissing(target);
  } catch (error) {
    return `cannot inspect: ${(error as Error).message}`;
  }
  if (found !== "missing" && found !== "under-file" && found.isDirectory())
    return "is a directory, not a file";
  const problem = directoryProblem(path.dirname(target));
  return problem === undefined ? undefined : `its directory ${problem}`;
}

/** A one-line description of a filesystem error (errno code and message, no stack). */
export function describeFsError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
