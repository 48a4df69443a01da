import { pino } from "pino";
import type { Logger } from "../util/index.js";

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
