import { parse as parseToml } from "smol-toml";
import {
  type QuorumSet,
  quorumSetFromJson,
  quorumSetNodes,
  validateQuorumSet,
} from "../scp/index.js";
import { isCodedError } from "../util/index.js";
import { QuorumError } from "./errors.js";

/**
 * The validator's network file (`network.toml` / `network.json`, MobileCoin's `NetworkConfig`):
 * `broadcast_peers`, `known_peers`, `quorum_set`, `tx_source_urls`. Parsing is pure (text in);
 * callers read the file. Every error names the field and what is wrong.
 */
export interface NetworkConfig {
  readonly broadcastPeers: readonly PeerEntry[];
  readonly knownPeers: readonly PeerEntry[];
  readonly quorumSet: QuorumSet;
  readonly txSourceUrls: readonly string[];
}

/** A peer URI and the responder id it names. */
export interface PeerEntry {
  readonly uri: string;
  readonly responderId: string;
  /** The `consensus-msg-key` query parameter, if present (decoded by the peers layer). */
  readonly consensusMsgKey?: string;
}

export type NetworkFileFormat = "toml" | "json";

const PEER_SCHEMES: Readonly<Record<string, number>> = { "mcp:": 8443, "insecure-mcp:": 8080 };

/** MobileCoin picks the format by extension only. */
export function networkFileFormat(path: string): NetworkFileFormat {
  const base = path.split(/[\\/]/).pop() ?? path;
  const dot = base.lastIndexOf(".");
  if (dot <= 0)
    throw new QuorumError(
      "FILE_EXTENSION",
      "cannot figure out file extension (expected .toml or .json)",
    );
  const ext = base.slice(dot + 1).toLowerCase();
  if (ext === "toml" || ext === "json") return ext;
  throw new QuorumError(
    "FILE_EXTENSION",
    `unrecognized file extension .${ext} (expected .toml or .json)`,
  );
}

/** Parse and validate a network file's text. */
export function parseNetworkConfig(text: string, format: NetworkFileFormat): NetworkConfig {
  let raw: unknown;
  try {
    raw = format === "json" ? JSON.parse(text) : parseToml(text);
  } catch (error) {
    const msg = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new QuorumError("FILE_SYNTAX", `not valid ${format.toUpperCase()}: ${msg}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new QuorumError("FILE_FIELD", "the file must hold a table/object of settings");
  const o = raw as Record<string, unknown>;

  if (o.quorum_set === undefined) throw new QuorumError("FILE_FIELD", "quorum_set: missing");
  let quorumSet: QuorumSet;
  try {
    quorumSet = quorumSetFromJson(o.quorum_set);
    validateQuorumSet(quorumSet, { allowEmpty: true });
  } catch (error) {
    if (isCodedError(error))
      throw new QuorumError("INVALID_QUORUM_SET", `quorum_set: ${error.message}`, {
        cause: error.code,
      });
    throw error;
  }
  const broadcastPeers = peers(o.broadcast_peers, "broadcast_peers", true);
  const knownPeers = peers(o.known_peers, "known_peers", false);
  const txSourceUrls = strings(o.tx_source_urls, "tx_source_urls", true);

  const seen = new Set<string>();
  for (const p of [...broadcastPeers, ...knownPeers]) {
    if (seen.has(p.responderId))
      throw new QuorumError(
        "DUPLICATE_PEER",
        `duplicate responder id in network configuration: ${p.responderId}`,
      );
    seen.add(p.responderId);
  }
  if (broadcastPeers.length > 0 && txSourceUrls.length === 0)
    throw new QuorumError(
      "MISSING_TX_SOURCE",
      "tx_source_urls: must not be empty when broadcast_peers is not",
    );
  return { broadcastPeers, knownPeers, quorumSet, txSourceUrls };
}

/** Quorum-set members that no peer entry names (MobileCoin refuses to start with any). */
export function unresolvedMembers(config: NetworkConfig): string[] {
  const known = new Set([...config.broadcastPeers, ...config.knownPeers].map((p) => p.responderId));
  return quorumSetNodes(config.quorumSet).filter((id) => !known.has(id));
}

function strings(v: unknown, field: string, required: boolean): string[] {
  if (v === undefined) {
    if (required) throw new QuorumError("FILE_FIELD", `${field}: missing (may be an empty list)`);
    return [];
  }
  if (!Array.isArray(v)) throw new QuorumError("FILE_FIELD", `${field}: must be a list of strings`);
  return v.map((s, i) => {
    if (typeof s !== "string")
      throw new QuorumError("FILE_FIELD", `${field}[${i}]: must be a string`);
    return s;
  });
}

function peers(v: unknown, field: string, required: boolean): PeerEntry[] {
  return strings(v, field, required).map((uri, i) => parsePeerUri(uri, `${field}[${i}]`));
}

/** A peer URI's responder id: the `responder-id` parameter, else `host:port` (default port per scheme). */
export function parsePeerUri(uri: string, field = "peer"): PeerEntry {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new QuorumError("FILE_FIELD", `${field}: not a URI: ${uri}`);
  }
  const defaultPort = PEER_SCHEMES[url.protocol];
  if (defaultPort === undefined)
    throw new QuorumError(
      "FILE_FIELD",
      `${field}: scheme must be mcp:// or insecure-mcp://, got ${url.protocol}//`,
    );
  if (url.hostname === "") throw new QuorumError("FILE_FIELD", `${field}: URI has no host`);
  const param = (name: string): string | undefined => {
    const value = url.searchParams.get(name);
    return value === null || value === "" ? undefined : value;
  };
  const responderId =
    param("responder-id") ?? `${url.hostname}:${url.port === "" ? defaultPort : url.port}`;
  const key = param("consensus-msg-key");
  return key === undefined ? { uri, responderId } : { uri, responderId, consensusMsgKey: key };
}
