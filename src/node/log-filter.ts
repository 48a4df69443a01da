import type { LoggerOptions, Logger as PinoLogger } from "pino";
import { CodedError } from "../util/index.js";

/**
 * A RUST_LOG-style filter for pino, changeable at run time (admin `SetRustLog`). Supported, as in
 * env_logger/slog-envlogger: comma-separated directives, each `level` (the default for all
 * lines), `module=level`, or a bare `module` (everything from it). Levels are error, warn, info,
 * debug, trace and off, any case. A module directive applies to lines of a child logger whose
 * `module` binding equals it or starts with it followed by `::`, `.` or `/`; the longest match
 * wins. Without a bare level, lines of no matching module are dropped (env_logger's rule); the
 * empty text means `info` (our service default). Not supported: `/regex` suffixes (refused).
 */
export const LOG_FILTER_ERROR_CODES = ["LOG_FILTER_INVALID"] as const;
export type LogFilterErrorCode = (typeof LOG_FILTER_ERROR_CODES)[number];

export class LogFilterError extends CodedError<LogFilterErrorCode> {
  constructor(message: string, payload: Readonly<Record<string, unknown>> = {}) {
    super("LOG_FILTER_INVALID", payload, message);
    this.name = "LogFilterError";
  }
}

export const LOG_FILTER_LIMITS = {
  /** Longest filter text accepted, characters. */
  maxTextLength: 1024,
  /** Most directives in one filter. */
  maxDirectives: 64,
} as const;

/** pino's numeric levels by Rust level name; `off` lets nothing through. */
const LEVEL_VALUES: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  off: Number.POSITIVE_INFINITY,
};
const MODULE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_:.-]*$/;

export interface ModuleDirective {
  readonly module: string;
  readonly level: number;
}

export interface ParsedLogFilter {
  readonly text: string;
  /** For lines of no matching module; `off` when the text has no bare level. */
  readonly defaultLevel: number;
  /** Longest module name first. */
  readonly modules: readonly ModuleDirective[];
}

function levelOf(word: string, text: string): number | undefined {
  if (word.length === 0) return undefined;
  const value = LEVEL_VALUES[word.toLowerCase()];
  if (value === undefined && word.includes("="))
    throw new LogFilterError("bad directive", { text });
  return value;
}

function moduleDirective(part: string, text: string): ModuleDirective {
  const eq = part.indexOf("=");
  const module = eq < 0 ? part : part.slice(0, eq);
  if (!MODULE_NAME.test(module)) throw new LogFilterError(`bad module name '${module}'`, { text });
  if (eq < 0) return { module, level: LEVEL_VALUES["trace"]! };
  const level = levelOf(part.slice(eq + 1), text);
  if (level === undefined) throw new LogFilterError(`bad level in '${part}'`, { text });
  return { module, level };
}

/** Parse a filter text; a text that is not a filter is a `LOG_FILTER_INVALID` refusal. */
export function parseLogFilter(text: string): ParsedLogFilter {
  if (text.length > LOG_FILTER_LIMITS.maxTextLength) {
    throw new LogFilterError("filter text too long", { length: text.length });
  }
  if (text.includes("/")) throw new LogFilterError("regex filters are not supported", { text });
  const parts = text
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length > LOG_FILTER_LIMITS.maxDirectives) {
    throw new LogFilterError("too many directives", { count: parts.length });
  }
  if (parts.length === 0) return { text, defaultLevel: LEVEL_VALUES["info"]!, modules: [] };
  let defaultLevel = LEVEL_VALUES["off"]!;
  const modules: ModuleDirective[] = [];
  for (const part of parts) {
    const level = part.includes("=") ? undefined : levelOf(part, text);
    if (level !== undefined) defaultLevel = level;
    else modules.push(moduleDirective(part, text));
  }
  modules.sort((a, b) => b.module.length - a.module.length);
  return { text, defaultLevel, modules };
}

function matches(directive: string, module: string): boolean {
  if (module === directive) return true;
  if (!module.startsWith(directive)) return false;
  const next = module.slice(directive.length);
  return next.startsWith("::") || next.startsWith(".") || next.startsWith("/");
}

/** Whether a line at pino level `level` from `module` passes `filter`. */
export function allows(
  filter: ParsedLogFilter,
  module: string | undefined,
  level: number,
): boolean {
  const directive =
    module === undefined ? undefined : filter.modules.find((d) => matches(d.module, module));
  return level >= (directive?.level ?? filter.defaultLevel);
}

/** The pino level name for the lowest level any directive lets through. */
function rootLevel(filter: ParsedLogFilter): string {
  const lowest = Math.min(filter.defaultLevel, ...filter.modules.map((d) => d.level));
  const name = Object.entries(LEVEL_VALUES).find(([, v]) => v === lowest)?.[0] ?? "off";
  return name === "off" ? "silent" : name;
}

/**
 * The filter of one process. Create the root pino logger with `pinoOptions()` (a level and a
 * `logMethod` hook), `attach` it, then `set` changes what every logger of the tree writes: pino
 * children follow the root's level, and the hook applies module directives.
 */
export class RuntimeLogFilter {
  #filter: ParsedLogFilter;
  #root: PinoLogger | undefined;
  readonly #moduleOf = new WeakMap<object, string | undefined>();

  constructor(initialText: string) {
    this.#filter = parseLogFilter(initialText);
  }

  get text(): string {
    return this.#filter.text;
  }

  pinoOptions(): Pick<LoggerOptions, "level" | "hooks"> {
    const self = this;
    return {
      level: rootLevel(this.#filter),
      hooks: {
        logMethod(this: PinoLogger, args, method, level) {
          if (allows(self.#filter, self.#module(this), level)) method.apply(this, args);
        },
      },
    };
  }

  attach(root: PinoLogger): void {
    this.#root = root;
    root.level = rootLevel(this.#filter);
  }

  /** Replace the filter; a bad text leaves the current one in force and throws. */
  set(text: string): void {
    const next = parseLogFilter(text);
    this.#filter = next;
    if (this.#root !== undefined) this.#root.level = rootLevel(next);
  }

  #module(logger: PinoLogger): string | undefined {
    if (this.#filter.modules.length === 0) return undefined;
    if (!this.#moduleOf.has(logger)) {
      const module = logger.bindings()["module"];
      this.#moduleOf.set(logger, typeof module === "string" ? module : undefined);
    }
    return this.#moduleOf.get(logger);
  }
}
