import { pino } from "pino";
import type { Logger } from "../util/index.js";
import { RuntimeLogFilter } from "./log-filter.js";

const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;

/**
 * The service's pino logger: JSON lines on `stream` (stdout), so that stderr carries only the one
 * line a failed start prints. The level is `MC_LOG`, else `RUST_LOG` (MobileCoin copies one to the
 * other), else info; a filter like `info,mc_foo=debug` uses its first bare level.
 */
export function serviceLogLevel(env: Readonly<Record<string, string | undefined>>): string {
  const text = env.MC_LOG ?? env.RUST_LOG ?? "";
  const level = text
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .find((t) => (LEVELS as readonly string[]).includes(t));
  return level ?? "info";
}

export function serviceLogger(
  env: Readonly<Record<string, string | undefined>>,
  stream: { write(text: string): void },
  bindings: Readonly<Record<string, unknown>> = {},
): Logger {
  return pino({ level: serviceLogLevel(env), base: { ...bindings } }, stream) as unknown as Logger;
}

/** The service's root logger and the filter `SetRustLog` changes at run time. */
export interface ServiceLogging {
  readonly logger: Logger;
  readonly filter: RuntimeLogFilter;
}

/**
 * Like `serviceLogger`, with the root built through a `RuntimeLogFilter` (the text is `MC_LOG`,
 * else `RUST_LOG`, else info), so admin `SetRustLog` changes what every logger of the tree writes.
 * A filter text that does not parse falls back to info rather than stopping the node.
 */
export function serviceLogging(
  env: Readonly<Record<string, string | undefined>>,
  stream: { write(text: string): void },
  bindings: Readonly<Record<string, unknown>> = {},
): ServiceLogging {
  const text = env.MC_LOG ?? env.RUST_LOG ?? "info";
  let filter: RuntimeLogFilter;
  try {
    filter = new RuntimeLogFilter(text === "" ? "info" : text);
  } catch {
    filter = new RuntimeLogFilter("info");
  }
  const root = pino({ ...filter.pinoOptions(), base: { ...bindings } }, stream);
  filter.attach(root);
  return { logger: root as unknown as Logger, filter };
}
