import { closestName } from "../quorum/index.js";
import {
  type CommandContext,
  EXIT_BAD_INPUT,
  EXIT_OK,
  processContext,
  runCommand,
} from "./command.js";
import { COMMANDS } from "./commands/index.js";
import { ParentPipeError, watchParentPipe } from "./parent-pipe.js";

/** `consensus-tool`: everything around the validator daemon (SPEC §4.3). */
export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    "Usage: consensus-tool <command> [options]",
    "",
    "Tools for operating and testing a MobileCoin-compatible consensus network.",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `consensus-tool <command> --help` for a command's options.",
    "Exit codes: 0 success, 1 negative verdict, 2 bad arguments or input.",
  ].join("\n");
}

export async function main(
  argv: readonly string[],
  context: CommandContext = processContext,
): Promise<number> {
  try {
    watchParentPipe(context.env);
  } catch (error) {
    if (!(error instanceof ParentPipeError)) throw error;
    context.stderr.write(`consensus-tool: ${error.message}\n`);
    return EXIT_BAD_INPUT;
  }
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    context.stdout.write(`${usage()}\n`);
    return name === undefined ? EXIT_BAD_INPUT : EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    const near = closestName(
      name,
      COMMANDS.map((c) => c.name),
    );
    const hint = near === undefined ? "" : ` (did you mean ${near}?)`;
    context.stderr.write(
      `consensus-tool: unknown command ${JSON.stringify(name)}${hint}; see consensus-tool --help\n`,
    );
    return EXIT_BAD_INPUT;
  }
  return runCommand(command, rest, context);
}
