/**
 * The logging interface every component takes. It is a subset of pino's, so `node/` passes a pino
 * logger directly; tests pass `nullLogger` or a recording logger. Structured fields first, message
 * second, as pino expects.
 */
export interface LogFn {
  (fields: Readonly<Record<string, unknown>>, message?: string): void;
  (message: string): void;
}

export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  /** A logger that adds `bindings` to every line, e.g. `{ module: "scp" }`. */
  child(bindings: Readonly<Record<string, unknown>>): Logger;
}

const ignore: LogFn = () => {};

/** A logger that drops everything. */
export const nullLogger: Logger = {
  trace: ignore,
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  fatal: ignore,
  child: () => nullLogger,
};

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal";

export interface LogRecord {
  level: LogLevel;
  fields: Readonly<Record<string, unknown>>;
  message: string | undefined;
}

/** A logger that keeps every line in memory, for tests that assert on logging. */
export class RecordingLogger implements Logger {
  readonly records: LogRecord[];
  private readonly bindings: Readonly<Record<string, unknown>>;

  constructor(records: LogRecord[] = [], bindings: Readonly<Record<string, unknown>> = {}) {
    this.records = records;
    this.bindings = bindings;
  }

  private log(level: LogLevel): LogFn {
    return ((fieldsOrMessage: Readonly<Record<string, unknown>> | string, message?: string) => {
      if (typeof fieldsOrMessage === "string") {
        this.records.push({ level, fields: { ...this.bindings }, message: fieldsOrMessage });
      } else {
        this.records.push({ level, fields: { ...this.bindings, ...fieldsOrMessage }, message });
      }
    }) as LogFn;
  }

  trace = this.log("trace");
  debug = this.log("debug");
  info = this.log("info");
  warn = this.log("warn");
  error = this.log("error");
  fatal = this.log("fatal");

  child(bindings: Readonly<Record<string, unknown>>): Logger {
    return new RecordingLogger(this.records, { ...this.bindings, ...bindings });
  }
}
