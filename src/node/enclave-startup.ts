import {
  authorityKeyId,
  type BlockchainConfig,
  callOk,
  connectSocketEnclave,
  decodeEvidence,
  devAuthoritySigner,
  type EnclaveHost,
  type EnclaveHostError,
  type EnclaveIdentity,
  initializeEnclave,
  loadEnclaveIdentity,
  startChildEnclave,
} from "../enclave/index.js";
import { defaultFeeMap } from "../transaction/index.js";
import { type Logger, toHex } from "../util/index.js";
import { ConfigError } from "./errors.js";
import { EvidenceRefresher, statementSource } from "./evidence.js";
import { readConfigText } from "./network.js";
import type { ServiceConfig } from "./service-config.js";
import { parseTokensConfig } from "./tokens-file.js";

/**
 * The service's start-up up to a running enclave with evidence installed (reference
 * mobilecoin-service.md §1.3 steps 3–4 and the report cache of step 8; enclave-attest.md §9.5–9.6):
 * the identity and its label, the enclave process with the seal secret, `enclave_init` with the
 * sealed key file, and one round of evidence. Nothing here retries: every failure is thrown for
 * the caller to print on one line, and the enclave process is closed before it is thrown.
 */

/** The label of the attestation this node gives (reference §9.6). */
export type AttestationLabel = "SW-DEV" | "SW-PROD";

/**
 * IAS_MODE=DEV without `--ias-spid`/`--ias-api-key`: the built-in development authority enrols
 * this pair instead. It is no secret; the development authority is no authority at all.
 */
export const DEV_ENROLMENT = { spid: "00000000000000000000000000000000", apiKey: "development" };

export interface EnclaveLabel {
  readonly mode: AttestationLabel;
  readonly measurement: Uint8Array;
  readonly signer: Uint8Array;
  /** Known before start-up for the development authority; from the statement under PROD. */
  readonly authorityKeyId: Uint8Array | undefined;
}

export interface StartedEnclave {
  readonly host: EnclaveHost;
  readonly identity: EnclaveIdentity;
  readonly label: EnclaveLabel;
  readonly signerPublicKey: Uint8Array;
  readonly reusedSealedKey: boolean;
  /** The refresher that installed the first evidence; the running node keeps calling it. */
  readonly evidence: EvidenceRefresher;
}

export interface EnclaveStartupOptions {
  readonly config: ServiceConfig;
  readonly logger: Logger;
  readonly nowMs: () => number;
  /** Told once if the enclave process dies after it started (not after `host.close()`). */
  readonly onEnclaveExit: (error: EnclaveHostError) => void;
}

/** The enclave identity the service runs, checked against IAS_MODE before anything starts. */
export function enclaveIdentityFor(config: ServiceConfig): EnclaveIdentity {
  const e = config.enclave;
  const identity = loadEnclaveIdentity({
    CONSENSUS_ENCLAVE_SIGNED: e.enclaveSignedPath ?? undefined,
    CONSENSUS_ENCLAVE_CSS: e.enclaveCssPath ?? undefined,
  });
  if (e.iasMode === "PROD" && identity.development) {
    throw new ConfigError(
      "CONFIG_INVALID",
      "IAS_MODE",
      "PROD needs a release-signed enclave (CONSENSUS_ENCLAVE_CSS from consensus-tool enclave-bundle); this one is signed with the published development key",
    );
  }
  if (e.iasMode === "DEV" && !identity.development) {
    throw new ConfigError(
      "CONFIG_INVALID",
      "IAS_MODE",
      "DEV runs the development-signed enclave; a release-signed CONSENSUS_ENCLAVE_CSS needs IAS_MODE=PROD",
    );
  }
  if (!identity.development && config.attestationRoot === null) {
    throw new ConfigError(
      "CONFIG_MISSING",
      "--attestation-root (MC_ATTESTATION_ROOT)",
      "required for a release-signed enclave",
    );
  }
  return identity;
}

export function enclaveLabel(config: ServiceConfig, identity: EnclaveIdentity): EnclaveLabel {
  const dev = config.enclave.iasMode === "DEV";
  return {
    mode: dev ? "SW-DEV" : "SW-PROD",
    measurement: identity.measurement,
    signer: identity.signer,
    authorityKeyId: dev ? authorityKeyId(devAuthoritySigner().publicKey) : undefined,
  };
}

/** The error-level banner of every start (reference §9.6), as one structured log line. */
export function logBanner(logger: Logger, config: ServiceConfig, label: EnclaveLabel): void {
  const authority =
    label.authorityKeyId !== undefined
      ? `authority key id ${toHex(label.authorityKeyId)} (the built-in development authority)`
      : `authority ${config.attestationAuthorityUrl} (key id once its statement arrives)`;
  logger.error(
    {
      attestationMode: label.mode,
      measurement: toHex(label.measurement),
      enclaveSigner: toHex(label.signer),
      authorityKeyId: label.authorityKeyId === undefined ? null : toHex(label.authorityKeyId),
      authorityUrl: config.attestationAuthorityUrl,
    },
    `software enclave: no confidentiality or integrity against this machine's operator; mode ${label.mode}, measurement ${toHex(label.measurement)}, ${authority}`,
  );
}

/** MobileCoin's `BlockchainConfig` from the tokens file (MOB only without one). */
export function blockchainConfigOf(config: ServiceConfig): BlockchainConfig {
  const feeMap =
    config.tokensPath === null
      ? defaultFeeMap()
      : parseTokensConfig(readConfigText(config.tokensPath, `--tokens ${config.tokensPath}`))
          .feeMap;
  return {
    feeMap: [...feeMap].map(([tokenId, minimumFee]) => ({ tokenId, minimumFee })),
    blockVersion: config.blockVersion,
    governors: undefined,
  };
}

/**
 * One round of evidence at start (no Auth is served before it); returns the authority key id and
 * the refresher, whose next round is due when the statement nears its end.
 */
async function installEvidence(
  host: EnclaveHost,
  config: ServiceConfig,
  nowMs: number,
): Promise<{ keyId: Uint8Array; evidence: EvidenceRefresher }> {
  const source = statementSource({
    iasMode: config.enclave.iasMode,
    spid: config.iasSpid ?? DEV_ENROLMENT.spid,
    apiKey: config.iasApiKey ?? DEV_ENROLMENT.apiKey,
    measurement: host.measurement,
    ...(config.attestationAuthorityUrl === null
      ? {}
      : { authority: { url: config.attestationAuthorityUrl } }),
  });
  const evidence = new EvidenceRefresher({ host, source });
  const step = await evidence.step(nowMs);
  if (step.kind !== "installed") {
    const reason = step.kind === "failed" ? step.reason : "nothing was done";
    throw new ConfigError(
      "CONFIG_INVALID",
      "attestation",
      `cannot install attestation evidence: ${reason}`,
    );
  }
  const { evidence: installed } = await callOk(host, { call: "get_evidence" });
  return { keyId: decodeEvidence(installed).statementFields.authorityKeyId, evidence };
}

/**
 * The enclave process spawned here, or, with --enclave-socket, the enclave serving that socket
 * (run apart as its own user; it reads its own seal secret and attestation root).
 */
async function openEnclaveHost(
  options: EnclaveStartupOptions,
  identity: EnclaveIdentity,
): Promise<EnclaveHost> {
  const { config, logger } = options;
  if (config.enclaveSocketPath !== null) {
    const host = await connectSocketEnclave({
      socketPath: config.enclaveSocketPath,
      cssBytes: identity.cssBytes,
      onExit: options.onEnclaveExit,
    });
    logger.info({ enclaveSocket: config.enclaveSocketPath }, "enclave connected");
    return host;
  }
  const host = await startChildEnclave({
    sealSecretPath: config.sealSecretPath,
    cssBytes: identity.cssBytes,
    ...(config.attestationRoot === null ? {} : { attestationRoot: config.attestationRoot }),
    onExit: options.onEnclaveExit,
  });
  logger.info({ pid: host.pid, sealSecretPath: config.sealSecretPath }, "enclave process started");
  return host;
}

/**
 * Start the enclave process, initialise it with the sealed key file and install evidence. The
 * process is closed again if any step fails, so a failed start leaves no process behind.
 */
export async function startEnclave(options: EnclaveStartupOptions): Promise<StartedEnclave> {
  const { config, logger } = options;
  const identity = enclaveIdentityFor(config);
  const label = enclaveLabel(config, identity);
  logBanner(logger, config, label);
  const host = await openEnclaveHost(options, identity);
  try {
    const init = await initializeEnclave(host, {
      sealedKeyFile: config.sealedBlockSigningKeyPath,
      peerResponderId: config.peerResponderId,
      clientResponderId: config.clientResponderId,
      config: blockchainConfigOf(config),
    });
    const { keyId, evidence } = await installEvidence(host, config, options.nowMs());
    const installed = { ...label, authorityKeyId: keyId };
    logger.info(
      { attestationMode: label.mode, authorityKeyId: toHex(keyId) },
      "attestation evidence installed",
    );
    return { host, identity, label: installed, evidence, ...init };
  } catch (error) {
    await host.close();
    throw error;
  }
}
