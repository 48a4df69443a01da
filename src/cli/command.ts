import { type ParseArgsConfig, parseArgs } from "node:util";
import { closestName } from "../quorum/index.js";
import { describeError, isCodedError } from "../util/index.js";

/**
 * The shape of a `consensus-tool` subcommand and the conventions they share (SPEC §4.3):
 * `--help` on each, `--json` for one JSON document on stdout, and exit codes 0 (success),
 * 1 (a negative verdict) and 2 (bad arguments or input, with a one-line reason on stderr).
 */
export const EXIT_OK = 0;
export const EXIT_NEGATIVE = 1;
export const EXIT_BAD_INPUT = 2;

export interface Output {
  write(text: string): void;
}

export interface CommandContext {
  stdout: Output;
  stderr: Output;
  /** Environment, for commands that honour `MC_*` variables. */
  env: Readonly<Record<string, string | undefined>>;
  /** stdout is a terminal (commands with a live view redraw it; otherwise they print lines). */
  stdoutIsTty?: boolean;
  stderrIsTty?: boolean;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full `--help` text. */
  help: string;
  run(args: readonly string[], context: CommandContext): Promise<number>;
}

/** Bad arguments or input: the runner prints the message on one line and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export type ParsedFlags<C extends ParseArgsConfig["options"]> = ReturnType<
  typeof parseArgs<{ options: C; allowPositionals: true; strict: true; args: string[] }>
>;

/** `node:util.parseArgs` with strict checking, turning its errors into `UsageError`s. */
export function parseFlags<C extends NonNullable<ParseArgsConfig["options"]>>(
  args: readonly string[],
  options: C,
): ParsedFlags<C> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = describeError(error).replace(/\s+/g, " ");
    // parseArgs adds advice about positionals starting with '-' that does not apply to a typo.
    const unknown = /Unknown option '[^']+'/.exec(message)?.[0];
    throw new UsageError(`${unknown ?? message}${suggestFlag(message, Object.keys(options))}`);
  }
}

/** " (did you mean --x?)" when parseArgs refused an unknown flag close to a known one. */
export function suggestFlag(message: string, known: readonly string[]): string {
  const unknown = /Unknown option '--([^'=]+)/.exec(message)?.[1];
  if (unknown === undefined) return "";
  const near = closestName(unknown, [...known, "help"]);
  return near === undefined ? "" : ` (did you mean --${near}?)`;
}

/** Parse a non-negative integer flag value. */
export function intFlag(
  name: string,
  value: string | undefined,
  fallback: number,
  min = 0,
): number {
  if (value === undefined) return fallback;
  if (!/^[0-9]+$/.test(value))
    throw new UsageError(`--${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${value}`);
  return n;
}

/** Run a command, mapping thrown errors to exit code 2 with a single line on stderr. */
export async function runCommand(
  command: Command,
  args: readonly string[],
  context: CommandContext,
): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    context.stdout.write(`${command.help.trimEnd()}\n`);
    return EXIT_OK;
  }
  try {
    return await command.run(args, context);
  } catch (error) {
    // A filesystem or network call that failed (errno and syscall set) is the operator's input
    // (a path, a permission), never a reason for a stack trace.
    if (error instanceof UsageError || isCodedError(error) || isSystemError(error)) {
      context.stderr.write(`${command.name}: ${oneLine(describeError(error))}\n`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }
}

function isSystemError(error: unknown): boolean {
  const e = error as { code?: unknown; syscall?: unknown } | null;
  return error instanceof Error && typeof e?.code === "string" && typeof e.syscall === "string";
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

export const processContext: CommandContext = {
  stdout: { write: (t) => process.stdout.write(t) },
  stderr: { write: (t) => process.stderr.write(t) },
  env: process.env,
  stdoutIsTty: process.stdout.isTTY === true,
  stderrIsTty: process.stderr.isTTY === true,
};
