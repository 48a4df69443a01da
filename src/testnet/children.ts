import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TESTNET_LIMITS } from "./limits.js";

/** The environment variable the executables watch (src/cli/parent-pipe.ts); the pipe is fd 3. */
export const PARENT_PIPE_ENV = "MC_PARENT_PIPE_FD";
const PARENT_PIPE_FD = 3;

/** The package root: the nearest folder above this module with a package.json (src/ or dist/). */
export function packageRoot(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
  }
  return path.resolve(start, "../..");
}

/** `bin/consensus-service.mjs` or `bin/consensus-tool.mjs` of this package. */
export function executable(name: "consensus-service" | "consensus-tool"): string {
  return path.join(packageRoot(), "bin", `${name}.mjs`);
}

export interface ChildSpec {
  /** Shown in the view and in messages, e.g. `node 2`. */
  readonly name: string;
  readonly executable: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** stdout and stderr are appended here. */
  readonly logFile: string;
}

export interface Child {
  readonly spec: ChildSpec;
  readonly process: ChildProcess;
  readonly pid: number;
  /** Resolves when it has exited, with its code or signal. */
  readonly exited: Promise<string>;
  /** Set once it has exited. */
  exitStatus: string | undefined;
}

/**
 * The processes of a testnet. Each child gets the read end of a pipe as fd 3 (and
 * `MC_PARENT_PIPE_FD=3`) and exits when it closes, so that a testnet killed with SIGKILL leaves
 * nothing running; each runs in its own process group, so a Ctrl-C at the terminal reaches the
 * testnet alone, which then stops its children in order.
 */
export class Children {
  readonly #children: Child[] = [];
  #stopping = false;

  constructor(private readonly onUnexpectedExit: (child: Child) => void) {}

  get all(): readonly Child[] {
    return this.#children;
  }

  start(spec: ChildSpec): Child {
    const log = openSync(spec.logFile, "a");
    let proc: ChildProcess;
    try {
      proc = spawn(process.execPath, [spec.executable, ...spec.args], {
        env: { ...process.env, ...spec.env, [PARENT_PIPE_ENV]: String(PARENT_PIPE_FD) },
        stdio: ["ignore", log, log, "pipe"],
        detached: true,
      });
    } finally {
      closeSync(log);
    }
    const child: Child = {
      spec,
      process: proc,
      pid: proc.pid ?? -1,
      exitStatus: undefined,
      exited: new Promise((resolve) => {
        proc.once("exit", (code, signal) => {
          child.exitStatus = signal === null ? `code ${code}` : `signal ${signal}`;
          if (!this.#stopping) this.onUnexpectedExit(child);
          resolve(child.exitStatus);
        });
      }),
    };
    // A spawn failure (no such file) shows up as an exit of the child.
    proc.once("error", () => {
      if (child.exitStatus === undefined) proc.emit("exit", null, "SIGKILL");
    });
    this.#children.push(child);
    return child;
  }

  /**
   * SIGTERM to every child still running (in reverse start order), then SIGKILL to any that has
   * not exited `stopGraceMs` later; resolves when all have exited.
   */
  async stopAll(graceMs: number = TESTNET_LIMITS.stopGraceMs): Promise<void> {
    this.#stopping = true;
    const running = this.#children.filter((c) => c.exitStatus === undefined).reverse();
    for (const c of running) signal(c, "SIGTERM");
    const timer = setTimeout(() => {
      for (const c of running) if (c.exitStatus === undefined) signal(c, "SIGKILL");
    }, graceMs);
    try {
      await Promise.all(running.map((c) => c.exited));
    } finally {
      clearTimeout(timer);
    }
  }
}

function signal(child: Child, name: NodeJS.Signals): void {
  try {
    child.process.kill(name);
  } catch {
    // Already gone.
  }
}

/** The last lines of a child's log (from its last `logTailBytes`), to say why it stopped. */
export function logTail(file: string, lines: number = TESTNET_LIMITS.logTailLines): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const size = fstatSync(fd).size;
    const length = Math.min(size, TESTNET_LIMITS.logTailBytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString("utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
