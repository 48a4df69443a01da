/**
 * `MC_PARENT_PIPE_FD=N`: the process was started by a supervisor (`consensus-tool testnet`) that
 * gave it the read end of a pipe as file descriptor N and keeps the write end open for as long as
 * it lives. When the pipe closes — the supervisor exited, crashed or was killed with SIGKILL — the
 * process stops as if sent SIGTERM (its own handler, if any, shuts it down cleanly), and exits at
 * the latest `PARENT_GONE_EXIT_MS` later. Nothing is ever read from or written to the pipe; an
 * unset variable changes nothing.
 */
export const PARENT_PIPE_ENV = "MC_PARENT_PIPE_FD";

/** Time a process whose supervisor went away gets for its SIGTERM shutdown before it exits. */
export const PARENT_GONE_EXIT_MS = 10_000;

/** The exit status when the deadline above forces the exit. */
const PARENT_GONE_STATUS = 1;

/** Thrown (and reported as one line, exit 2) when the variable holds no usable descriptor. */
export class ParentPipeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ParentPipeError";
  }
}

/** The descriptor named by `MC_PARENT_PIPE_FD`, or undefined when unset. */
export function parentPipeFd(
  env: Readonly<Record<string, string | undefined>>,
): number | undefined {
  const text = env[PARENT_PIPE_ENV];
  if (text === undefined || text === "") return undefined;
  if (!/^[0-9]{1,4}$/.test(text) || Number(text) < 3)
    throw new ParentPipeError(
      `${PARENT_PIPE_ENV} must be a file descriptor number ≥ 3, got ${JSON.stringify(text)}`,
    );
  return Number(text);
}

/**
 * Watch the supervisor's pipe named by the environment; `onParentGone` runs once when it closes
 * (default: SIGTERM to this process, then a forced exit after `PARENT_GONE_EXIT_MS`). The watch
 * never keeps the process alive by itself. `node:net` is loaded only when the variable is set, so
 * the `--help` fronts that call this load no module.
 */
export async function watchParentPipe(
  env: Readonly<Record<string, string | undefined>>,
  onParentGone: () => void = stopLikeSigterm,
): Promise<void> {
  const fd = parentPipeFd(env);
  if (fd === undefined) return;
  const { Socket } = await import("node:net");
  let socket: InstanceType<typeof Socket>;
  try {
    socket = new Socket({ fd, readable: true, writable: false });
  } catch (error) {
    throw new ParentPipeError(
      `${PARENT_PIPE_ENV}=${fd}: not an open pipe (${(error as Error).message})`,
    );
  }
  let gone = false;
  const closed = () => {
    if (gone) return;
    gone = true;
    onParentGone();
  };
  socket.on("end", closed);
  socket.on("close", closed);
  socket.on("error", closed);
  socket.resume();
  socket.unref();
}

function stopLikeSigterm(): void {
  setTimeout(() => process.exit(PARENT_GONE_STATUS), PARENT_GONE_EXIT_MS).unref();
  process.kill(process.pid, "SIGTERM");
}
