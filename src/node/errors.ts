import { CodedError } from "../util/index.js";

export const CONFIG_ERROR_CODES = [
  "CONFIG_MISSING",
  "CONFIG_INVALID",
  "CONFIG_UNSUPPORTED",
] as const;
export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

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

/**
 * The running node's own refusals. The codes are the ones `rpc/errors.ts` already maps (to
 * UNAVAILABLE, and MobileCoin's "Temporarily not serving requests" while behind).
 */
export const RUNTIME_ERROR_CODES = [
  /** The node is closing: it takes no new work. */
  "RPC_NOT_SERVING",
  /** The node is behind the network and catching up (MobileCoin `NotServing`). */
  "RPC_BEHIND",
] as const;
export type RuntimeErrorCode = (typeof RUNTIME_ERROR_CODES)[number];

/** A request the running node refuses for its own state, not for the request's content. */
export class RuntimeError extends CodedError<RuntimeErrorCode> {
  constructor(code: RuntimeErrorCode, message: string) {
    super(code, {}, message);
    this.name = "RuntimeError";
  }
}
