import { AttestedRpcError, RpcCallError } from "../../rpc/index.js";
import { describeError, parseU64 } from "../../util/index.js";
import { type CommandContext, EXIT_NEGATIVE, intFlag, oneLine, UsageError } from "../command.js";

/** Flags and failures shared by `wallet`, `status` and `wait-for-block`. */

/** A picoMOB flag: a decimal u64. */
export function picoMobFlag(name: string, value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  try {
    return parseU64(value);
  } catch {
    throw new UsageError(
      `--${name} must be picoMOB as a decimal integer, got ${JSON.stringify(value)}`,
    );
  }
}

/** `--timeout-s S` in milliseconds (default `fallbackS`). */
export function timeoutFlag(value: string | undefined, fallbackS: number): number {
  const seconds = intFlag("timeout-s", value, fallbackS, 1);
  if (seconds > 7 * 24 * 3600) throw new UsageError("--timeout-s must be at most a week");
  return seconds * 1000;
}

/**
 * The node could not be reached, refused the attested session, or our side refused its evidence:
 * not the user's input but a negative answer, so exit 1 with one line. Undefined for other errors.
 */
export function nodeFailure(
  command: string,
  error: unknown,
  context: CommandContext,
): number | undefined {
  if (!(error instanceof RpcCallError) && !(error instanceof AttestedRpcError)) return undefined;
  context.stderr.write(`${command}: the node: ${oneLine(describeError(error))}\n`);
  return EXIT_NEGATIVE;
}
