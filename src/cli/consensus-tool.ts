import { type CommandContext, EXIT_BAD_INPUT, EXIT_OK, processContext } from "./command.js";
import { SUMMARIES } from "./commands/summaries.js";
import { ParentPipeError, watchParentPipe } from "./parent-pipe.js";

/** `consensus-tool`: everything around the validator daemon (SPEC §4.3). */
export function usage(): string {
  const list = Object.entries(SUMMARIES);
  const width = Math.max(...list.map(([name]) => name.length));
  const lines = list.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`);
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
    await watchParentPipe(context.env);
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
  // Loaded only past --help, so that the help starts without crypto, LMDB, gRPC or the AWS SDK.
  const { runTool } = await import("./tool-run.js");
  return runTool(name, rest, context);
}
