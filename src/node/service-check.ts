import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { sealSecretFileProblem } from "../enclave/index.js";
import type { NetworkConfig } from "../quorum/index.js";
import { ConfigError } from "./errors.js";
import { loadNetworkFile, readConfigText } from "./network.js";
import { directoryProblem, fileProblem } from "./paths.js";
import type { ServiceConfig } from "./service-config.js";
import { parseTokensConfig } from "./tokens-file.js";

/** What `--check-config` found, for its one-line summary. */
export interface ServiceCheck {
  readonly network: NetworkConfig;
  /** Whether `--ledger-path` already holds a ledger (else it is copied from the origin). */
  readonly ledgerExists: boolean;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function checkPaths(config: ServiceConfig): boolean {
  const ledgerProblem = directoryProblem(config.ledgerPath);
  if (ledgerProblem !== undefined)
    throw new ConfigError("CONFIG_INVALID", `--ledger-path ${config.ledgerPath}`, ledgerProblem);
  const ledgerExists = isFile(path.join(config.ledgerPath, "data.mdb"));
  const origin = config.originBlockPath;
  if (origin !== null && !isFile(path.join(origin, "data.mdb")))
    throw new ConfigError(
      "CONFIG_INVALID",
      `--origin-block-path ${origin}`,
      existsSync(origin) ? "holds no data.mdb" : "no such directory",
    );
  if (!ledgerExists && origin === null)
    throw new ConfigError(
      "CONFIG_MISSING",
      `--ledger-path ${config.ledgerPath}`,
      "holds no ledger (data.mdb) and --origin-block-path is not set; make one with consensus-tool generate-sample-ledger or ledger-from-archive",
    );
  const sealed = fileProblem(config.sealedBlockSigningKeyPath);
  if (sealed !== undefined)
    throw new ConfigError(
      "CONFIG_INVALID",
      `--sealed-block-signing-key ${config.sealedBlockSigningKeyPath}`,
      sealed,
    );
  // An enclave behind --enclave-socket reads a seal secret this user cannot see.
  const secretProblem =
    config.enclaveSocketPath !== null
      ? undefined
      : (sealSecretFileProblem(config.sealSecretPath) ?? fileProblem(config.sealSecretPath));
  if (secretProblem !== undefined)
    throw new ConfigError(
      "CONFIG_INVALID",
      `--seal-secret-path ${config.sealSecretPath}`,
      secretProblem,
    );
  const dump = config.scpDebugDumpPath;
  const dumpProblem = dump === null ? undefined : directoryProblem(dump);
  if (dumpProblem !== undefined)
    throw new ConfigError("CONFIG_INVALID", `--scp-debug-dump ${dump}`, dumpProblem);
  return ledgerExists;
}

function checkTokens(file: string): void {
  const label = `--tokens ${file}`;
  try {
    parseTokensConfig(readConfigText(file, label));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError("CONFIG_INVALID", label, (error as Error).message);
  }
}

/**
 * Everything the service checks before it opens, creates or binds anything, at every start and for
 * `--check-config`: the network file in full (with this node's responder id, and every quorum-set
 * member resolved to a peer key), the ledger, origin, sealed-key and debug-dump paths, and the
 * tokens file (MobileCoin's rules). Throws one `ConfigError` naming the file or flag, the field and the problem.
 */
export function checkServiceConfig(config: ServiceConfig): ServiceCheck {
  const network = loadNetworkFile(config.networkPath, {
    selfResponderId: config.peerResponderId,
    requireResolvedMembers: true,
    label: `--network ${config.networkPath}`,
  });
  const ledgerExists = checkPaths(config);
  if (config.tokensPath !== null) checkTokens(config.tokensPath);
  return { network, ledgerExists };
}

/** The `--check-config` line. */
export function describeServiceCheck(config: ServiceConfig, check: ServiceCheck): string {
  const n = check.network;
  const q = n.quorumSet;
  return [
    `configuration is valid: node ${config.peerResponderId}`,
    `quorum set ${q.threshold} of ${q.members.length}`,
    `${n.broadcastPeers.length} broadcast peers, ${n.knownPeers.length} known peers, ${n.txSourceUrls.length} tx sources`,
    check.ledgerExists
      ? `ledger at ${config.ledgerPath}`
      : `ledger to be copied from ${config.originBlockPath}`,
  ].join("; ");
}
