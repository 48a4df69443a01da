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
