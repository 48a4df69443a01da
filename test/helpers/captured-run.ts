// Runs a CLI `main` in this process with its stdout and stderr captured as text.
import type { CommandContext } from "../../src/cli/command.js";

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

export type CliMain = (args: readonly string[], context: CommandContext) => Promise<number>;

/** `main ARGS` in this process, with `env` as its only environment. */
export async function runCaptured(
  main: CliMain,
  args: readonly string[],
  env: CommandContext["env"] = {},
): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const status = await main(args, {
    stdout: {
      write: (t) => {
        stdout += t;
      },
    },
    stderr: {
      write: (t) => {
        stderr += t;
      },
    },
    env,
  });
  return { status, stdout, stderr };
}
