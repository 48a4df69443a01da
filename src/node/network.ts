import { readFileSync, statSync } from "node:fs";
import {
  type NetworkConfig,
  type NetworkFileOptions,
  networkFileFormat,
  parseNetworkConfig,
  unresolvedMembers,
} from "../quorum/index.js";
import { describeError, isCodedError, LIMITS } from "../util/index.js";
import { ConfigError } from "./errors.js";

export interface LoadNetworkOptions extends NetworkFileOptions {
  /** Refuse quorum-set members no peer entry names (the service needs every member's key). */
  readonly requireResolvedMembers?: boolean;
  /** How the file is named in messages, e.g. `--network /etc/mc-network.toml`. */
  readonly label?: string;
}

/**
 * Read and validate a network file: the one set of rules `consensus-service` (at every start and
 * with `--check-config`) and `check-quorum` apply. Throws a one-line `ConfigError` naming the file,
 * the field and the problem.
 */
export function loadNetworkFile(file: string, options: LoadNetworkOptions = {}): NetworkConfig {
  const label = options.label ?? file;
  const text = readConfigText(file, label);
  let config: NetworkConfig;
  try {
    config = parseNetworkConfig(text, networkFileFormat(file), options);
  } catch (error) {
    if (!isCodedError(error)) throw error;
    throw new ConfigError("CONFIG_INVALID", label, error.message);
  }
  if (options.requireResolvedMembers === true) {
    const missing = unresolvedMembers(config);
    if (missing.length > 0)
      throw new ConfigError(
        "CONFIG_INVALID",
        label,
        `quorum_set: ${missing.join(", ")} named by no entry of broadcast_peers or known_peers (its consensus-msg-key is needed)`,
      );
  }
  return config;
}

/** A configuration file's text, bounded by `LIMITS.configFileBytesMax`. */
export function readConfigText(file: string, label: string): string {
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new Error("is a directory, not a file");
    if (stat.size > LIMITS.configFileBytesMax)
      throw new Error(`larger than ${LIMITS.configFileBytesMax} bytes`);
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError("CONFIG_INVALID", label, `cannot read: ${describeError(error)}`);
  }
}
