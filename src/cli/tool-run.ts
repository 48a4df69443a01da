import { closestName } from "../quorum/index.js";
import { type CommandContext, EXIT_BAD_INPUT, runCommand } from "./command.js";
import { COMMANDS } from "./commands/index.js";

/**
 * The part of `consensus-tool` past `--help`: find the command (or suggest the nearest name) and
 * run it, loading only that command's module. Kept apart from consensus-tool.ts so that the help
 * does not load it.
 */
export async function runTool(
  name: string,
  args: readonly string[],
  context: CommandContext,
): Promise<number> {
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
  return runCommand(await command.load(), args, context);
}
