import { CodedError } from "../util/index.js";

export type ConfigErrorCode = "CONFIG_MISSING" | "CONFIG_INVALID" | "CONFIG_UNSUPPORTED";

/**
 * A configuration problem found before anything starts. `where` names the flag (and its variable)
 * or the file and field, so the operator sees exactly what to fix on one line.
 */
export class ConfigError extends CodedError<ConfigErrorCode, { where: string }> {
  constructor(code: ConfigErrorCode, where: string, message: string) {
    super(code, { where }, `${where}: ${message}`);
    this.name = "ConfigError";
  }
}

export type RuntimeErrorCode =
  /** The node is closing or behind: it does not take transactions now (MobileCoin `Unavailable`). */
  | "NOT_SERVING"
  /** A peer we have no connection to (not configured). */
  | "NO_SUCH_PEER";

/** A request the running node refuses for its own state, not for the request's content. */
export class RuntimeError extends CodedError<RuntimeErrorCode> {
  constructor(code: RuntimeErrorCode, message: string) {
    super(code, {}, message);
    this.name = "RuntimeError";
  }
}
