import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { type ChannelCredentials, credentials, ServerCredentials } from "@grpc/grpc-js";
import type { ServiceUri } from "../util/index.js";
import { RpcError } from "./errors.js";
import { RPC_LIMITS } from "./limits.js";

/**
 * TLS from service URIs (reference mobilecoin-service.md §3.2): a secure listen URI names its PEM
 * chain and key (`tls-chain`, `tls-key`, both required); an outgoing secure URI may name a CA bundle
 * (`ca-bundle`, else the host's roots) and a name to verify instead of the host (`tls-hostname`).
 * Every unusable file is one `RPC_TLS_CONFIG` line naming the parameter and the path.
 * (MobileCoin also hot-reloads the server files on change; we load them once at start.)
 */
function tlsError(message: string, cause?: unknown): RpcError {
  return new RpcError("RPC_TLS_CONFIG", message, {}, { cause });
}

function readPemParam(uri: ServiceUri, param: string): Buffer {
  const path = uri.params.get(param);
  if (path === undefined)
    throw tlsError(`${uri.scheme}:// URI ${uri.host}:${uri.port} needs the ${param} parameter`);
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    throw tlsError(`${param} file ${path} cannot be read: ${(error as Error).message}`, error);
  }
  if (size > RPC_LIMITS.maxTlsFileBytes)
    throw tlsError(`${param} file ${path} is larger than ${RPC_LIMITS.maxTlsFileBytes} bytes`);
  return readFileSync(path);
}

/** Parse what grpc-js would only reject at bind or handshake time, for a clear message now. */
function checkServerPems(chainPath: string, chain: Buffer, keyPath: string, key: Buffer): void {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(chain);
  } catch (error) {
    throw tlsError(`tls-chain file ${chainPath} holds no PEM certificate`, error);
  }
  try {
    if (!cert.checkPrivateKey(createPrivateKey(key)))
      throw tlsError(`tls-key file ${keyPath} is not the key of the tls-chain certificate`);
  } catch (error) {
    if (error instanceof RpcError) throw error;
    throw tlsError(`tls-key file ${keyPath} holds no PEM private key`, error);
  }
}

/** Credentials to listen on `uri`: insecure for `insecure-*`, TLS from its files otherwise. */
export function serverCredentialsFor(uri: ServiceUri): ServerCredentials {
  if (!uri.useTls) return ServerCredentials.createInsecure();
  const chain = readPemParam(uri, "tls-chain");
  const key = readPemParam(uri, "tls-key");
  checkServerPems(uri.params.get("tls-chain") ?? "", chain, uri.params.get("tls-key") ?? "", key);
  return ServerCredentials.createSsl(null, [{ cert_chain: chain, private_key: key }], false);
}

function readCaBundle(uri: ServiceUri): Buffer {
  const path = uri.params.get("ca-bundle") ?? "";
  const pem = readPemParam(uri, "ca-bundle");
  try {
    new X509Certificate(pem);
  } catch (error) {
    throw tlsError(`ca-bundle file ${path} holds no PEM certificate`, error);
  }
  return pem;
}

/** How to connect to `uri`: the address, credentials and channel options for `RpcClient`. */
export interface ChannelSettings {
  readonly address: string;
  readonly credentials: ChannelCredentials;
  readonly options: Record<string, string | number>;
}

export function channelSettingsFor(uri: ServiceUri): ChannelSettings {
  const host = uri.host.includes(":") ? `[${uri.host}]` : uri.host;
  const address = `${host}:${uri.port}`;
  if (!uri.useTls) return { address, credentials: credentials.createInsecure(), options: {} };
  const roots = uri.params.has("ca-bundle") ? readCaBundle(uri) : null;
  const override = uri.params.get("tls-hostname");
  const options: Record<string, string> =
    override === undefined
      ? {}
      : { "grpc.ssl_target_name_override": override, "grpc.default_authority": override };
  return { address, credentials: credentials.createSsl(roots), options };
}
