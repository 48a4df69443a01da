import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Ed25519Signer } from "../crypto/index.js";
import { closestName } from "../quorum/index.js";
import { MAX_BLOCK_VERSION } from "../transaction/index.js";
import {
  describeError,
  parseResponderId,
  parseServiceUri,
  type ServiceUri,
} from "../util/index.js";
import { parseAdminHttpUri } from "./admin-http.js";
import { ConfigError } from "./errors.js";
import { parseMsgSignerKey } from "./msg-signer-key.js";
import { SERVICE_FLAGS, type ServiceFlag } from "./service-flags.js";

export interface EnclaveSettings {
  sgxMode: "SW";
  iasMode: "DEV" | "PROD";
  enclaveSignedPath: string | null;
  enclaveCssPath: string | null;
}

/** A validated `consensus-service` configuration. Nothing is opened or bound while building it. */
export interface ServiceConfig {
  peerResponderId: string;
  clientResponderId: string;
  msgSigner: Ed25519Signer;
  networkPath: string;
  ledgerPath: string;
  sealedBlockSigningKeyPath: string;
  /** The seal secret file the enclave process reads (default `<ledger-path>.seal-secret`). */
  sealSecretPath: string;
  /** Connect to an enclave serving this Unix socket instead of spawning one; null: spawn. */
  enclaveSocketPath: string | null;
  chainId: string | null;
  peerListenUri: ServiceUri;
  clientListenUri: ServiceUri;
  adminListenUri: ServiceUri | null;
  /** `--admin-http-listen-uri` as given (checked by `parseAdminHttpUri`), or null. */
  adminHttpListenUri: string | null;
  originBlockPath: string | null;
  scpDebugDumpPath: string | null;
  clientAuthTokenSecret: Uint8Array | null;
  clientAuthTokenMaxLifetimeSec: number;
  tokensPath: string | null;
  blockVersion: number;
  clientTrackingCapacity: number;
  iasApiKey: string | null;
  iasSpid: string | null;
  /** The attestation authority service (IAS_MODE=PROD). */
  attestationAuthorityUrl: string | null;
  /** The root that certifies attestation authorities (a release-signed enclave needs it). */
  attestationRoot: Uint8Array | null;
  enclave: EnclaveSettings;
}

type Env = Readonly<Record<string, string | undefined>>;

function where(flag: ServiceFlag): string {
  return `--${flag.name} (${flag.env})`;
}

/** Flag value, else the environment variable, else the default; empty strings count as unset. */
function rawValues(argv: readonly string[], env: Env): Map<string, string | undefined> {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = Object.fromEntries(
      SERVICE_FLAGS.map((f) => [f.name, { type: "string" as const }]),
    );
    const parsed = parseArgs({ args: [...argv], options, allowPositionals: false, strict: true });
    values = parsed.values;
  } catch (error) {
    const message = describeError(error).replace(/\s+/g, " ");
    const unknown = /Unknown option '--([^'=]+)/.exec(message)?.[1];
    const known = [...SERVICE_FLAGS.map((f) => f.name), "check-config", "help"];
    const near = unknown === undefined ? undefined : closestName(unknown, known);
    const hint = near === undefined ? "" : ` (did you mean --${near}?)`;
    throw new ConfigError("CONFIG_INVALID", "command line", `${message}${hint}`);
  }
  const out = new Map<string, string | undefined>();
  for (const flag of SERVICE_FLAGS) {
    const given = values[flag.name];
    const fromFlag = typeof given === "string" && given !== "" ? given : undefined;
    const fromEnv = env[flag.env] !== undefined && env[flag.env] !== "" ? env[flag.env] : undefined;
    const value = fromFlag ?? fromEnv ?? flag.defaultValue;
    if (value === undefined && flag.required)
      throw new ConfigError("CONFIG_MISSING", where(flag), "required but not given");
    out.set(flag.name, value);
  }
  return out;
}

function flagNamed(name: string): ServiceFlag {
  const flag = SERVICE_FLAGS.find((f) => f.name === name);
  if (flag === undefined) throw new RangeError(`no such service flag: ${name}`);
  return flag;
}

function guard<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError("CONFIG_INVALID", where(flagNamed(name)), describeError(error));
  }
}

function integer(name: string, text: string, min: number, max: number): number {
  return guard(name, () => {
    if (!/^[0-9]+$/.test(text)) throw new Error(`expected an integer, got ${JSON.stringify(text)}`);
    const n = Number(text);
    if (n < min || n > max) throw new Error(`must be between ${min} and ${max}, got ${text}`);
    return n;
  });
}

function existingFile(name: string, file: string): string {
  return guard(name, () => {
    if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`no such file: ${file}`);
    return file;
  });
}

function enclaveSettings(env: Env): EnclaveSettings {
  const sgxMode = (env.SGX_MODE ?? "SW").toUpperCase();
  if (sgxMode === "HW") {
    throw new ConfigError(
      "CONFIG_UNSUPPORTED",
      "SGX_MODE",
      "HW is not supported: this validator runs a software enclave (no SGX hardware attestation); set SGX_MODE=SW",
    );
  }
  if (sgxMode !== "SW")
    throw new ConfigError(
      "CONFIG_INVALID",
      "SGX_MODE",
      `must be SW, got ${JSON.stringify(env.SGX_MODE)}`,
    );
  const iasMode = (env.IAS_MODE ?? "DEV").toUpperCase();
  if (iasMode !== "DEV" && iasMode !== "PROD") {
    throw new ConfigError(
      "CONFIG_INVALID",
      "IAS_MODE",
      `must be DEV or PROD, got ${JSON.stringify(env.IAS_MODE)}`,
    );
  }
  const bundle = (name: "CONSENSUS_ENCLAVE_SIGNED" | "CONSENSUS_ENCLAVE_CSS"): string | null => {
    const file = env[name];
    if (file === undefined || file === "") return null;
    if (!existsSync(file)) throw new ConfigError("CONFIG_INVALID", name, `no such file: ${file}`);
    return file;
  };
  return {
    sgxMode: "SW",
    iasMode,
    enclaveSignedPath: bundle("CONSENSUS_ENCLAVE_SIGNED"),
    enclaveCssPath: bundle("CONSENSUS_ENCLAVE_CSS"),
  };
}

/**
 * Parse and check the daemon's flags and environment. Throws `ConfigError` naming the flag or
 * variable; reads the message-signing key file if one is named, and otherwise only file metadata
 * (`checkServiceConfig` reads and checks the network and tokens files and the paths).
 */
export function parseServiceConfig(argv: readonly string[], env: Env): ServiceConfig {
  const enclave = enclaveSettings(env);
  const raw = rawValues(argv, env);
  const get = (name: string): string | undefined => raw.get(name);
  const req = (name: string): string => raw.get(name) as string;

  const networkPath = existingFile("network", req("network"));
  guard("network", () => {
    const ext = path.extname(networkPath).toLowerCase();
    if (ext === "")
      throw new Error(
        "cannot figure out the file format: the name has no extension (.toml or .json)",
      );
    if (ext !== ".toml" && ext !== ".json")
      throw new Error(`unrecognized file extension ${ext} (expected .toml or .json)`);
  });
  const tokensPath = get("tokens") === undefined ? null : existingFile("tokens", req("tokens"));
  if (tokensPath !== null && !tokensPath.endsWith(".json")) {
    throw new ConfigError(
      "CONFIG_INVALID",
      where(flagNamed("tokens")),
      "the tokens file must be .json",
    );
  }
  const secret = get("client-auth-token-secret");
  const adminUri = get("admin-listen-uri");
  const adminHttpUri = get("admin-http-listen-uri");
  return {
    peerResponderId: guard("peer-responder-id", () => parseResponderId(req("peer-responder-id"))),
    clientResponderId: guard("client-responder-id", () =>
      parseResponderId(req("client-responder-id")),
    ),
    msgSigner: guard("msg-signer-key", () => parseMsgSignerKey(req("msg-signer-key"))),
    networkPath,
    ledgerPath: req("ledger-path"),
    sealedBlockSigningKeyPath: req("sealed-block-signing-key"),
    sealSecretPath: sealSecretPath(get("seal-secret-path"), req("ledger-path")),
    enclaveSocketPath: enclaveSocket(get("enclave-socket"), get("seal-secret-path")),
    chainId: get("chain-id") ?? null,
    peerListenUri: guard("peer-listen-uri", () => parseServiceUri(req("peer-listen-uri"), "peer")),
    clientListenUri: guard("client-listen-uri", () =>
      parseServiceUri(req("client-listen-uri"), "client"),
    ),
    adminListenUri:
      adminUri === undefined
        ? null
        : guard("admin-listen-uri", () => parseServiceUri(adminUri, "admin")),
    adminHttpListenUri:
      adminHttpUri === undefined
        ? null
        : guard("admin-http-listen-uri", () => {
            parseAdminHttpUri(adminHttpUri);
            return adminHttpUri;
          }),
    originBlockPath: get("origin-block-path") ?? null,
    scpDebugDumpPath: get("scp-debug-dump") ?? null,
    clientAuthTokenSecret:
      secret === undefined
        ? null
        : guard("client-auth-token-secret", () => {
            if (!/^[0-9a-fA-F]{64}$/.test(secret))
              throw new Error("must be exactly 32 bytes of hex");
            return new Uint8Array(Buffer.from(secret, "hex"));
          }),
    clientAuthTokenMaxLifetimeSec: integer(
      "client-auth-token-max-lifetime",
      req("client-auth-token-max-lifetime"),
      1,
      10 * 365 * 86400,
    ),
    tokensPath,
    blockVersion: integer("block-version", req("block-version"), 0, MAX_BLOCK_VERSION),
    clientTrackingCapacity: integer(
      "client-tracking-capacity",
      req("client-tracking-capacity"),
      1,
      10_000_000,
    ),
    iasApiKey: enrolmentFlag("ias-api-key", get("ias-api-key"), enclave.iasMode),
    iasSpid:
      enrolmentFlag("ias-spid", get("ias-spid"), enclave.iasMode) === null
        ? null
        : guard("ias-spid", () => {
            const spid = req("ias-spid");
            if (!/^[0-9a-fA-F]{32}$/.test(spid)) throw new Error("must be 16 bytes of hex");
            return spid;
          }),
    attestationAuthorityUrl: authorityUrl(get("attestation-authority-url"), enclave.iasMode),
    attestationRoot:
      get("attestation-root") === undefined
        ? null
        : guard("attestation-root", () => {
            const hex = req("attestation-root");
            if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error("must be 32 bytes of hex");
            return new Uint8Array(Buffer.from(hex, "hex"));
          }),
    enclave,
  };
}

/** The default keeps the secret beside the ledger, never inside it (ledgers are copied around). */
function sealSecretPath(given: string | undefined, ledgerPath: string): string {
  if (given !== undefined && given !== flagNamed("seal-secret-path").defaultValue) return given;
  const ledger = path.resolve(ledgerPath);
  return path.join(path.dirname(ledger), `${path.basename(ledger)}.seal-secret`);
}

/** The enclave behind a socket reads its own seal secret: naming one here would mislead. */
function enclaveSocket(socket: string | undefined, sealSecret: string | undefined): string | null {
  if (socket === undefined) return null;
  if (sealSecret !== undefined && sealSecret !== flagNamed("seal-secret-path").defaultValue) {
    throw new ConfigError(
      "CONFIG_INVALID",
      where(flagNamed("seal-secret-path")),
      "not used with --enclave-socket: the enclave behind the socket reads its own seal secret (its --seal-secret)",
    );
  }
  return socket;
}

/** `--ias-spid` / `--ias-api-key`: the enrolment an IAS_MODE=PROD authority checks. */
function enrolmentFlag(name: string, value: string | undefined, iasMode: "DEV" | "PROD") {
  if (value === undefined && iasMode === "PROD") {
    throw new ConfigError("CONFIG_MISSING", where(flagNamed(name)), "required with IAS_MODE=PROD");
  }
  return value ?? null;
}

/** An http(s) URL; IAS_MODE=PROD cannot work without one. */
function authorityUrl(text: string | undefined, iasMode: "DEV" | "PROD"): string | null {
  if (text === undefined) {
    if (iasMode === "PROD") {
      throw new ConfigError(
        "CONFIG_MISSING",
        where(flagNamed("attestation-authority-url")),
        "required with IAS_MODE=PROD",
      );
    }
    return null;
  }
  return guard("attestation-authority-url", () => {
    const url = new URL(text);
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new Error(`must be an http:// or https:// URL, got ${JSON.stringify(text)}`);
    }
    return text;
  });
}
