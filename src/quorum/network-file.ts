import { parse as parseToml } from "smol-toml";
import { parseConsensusMsgKey } from "../crypto/index.js";
import {
  type QuorumSet,
  quorumSetFromJson,
  quorumSetNodes,
  SCP_LIMITS,
  validateQuorumSet,
} from "../scp/index.js";
import { describeError, isCodedError } from "../util/index.js";
import { closestName } from "./closest.js";
import { QuorumError, type QuorumErrorCode } from "./errors.js";

/**
 * The validator's network file (`network.toml` / `network.json`, MobileCoin's `NetworkConfig`):
 * `broadcast_peers`, `known_peers`, `quorum_set`, `tx_source_urls`. Parsing is pure (text in);
 * callers read the file. Every error is one line starting with the field (`known_peers[0]`,
 * `quorum_set.members[2].args`) and saying what is wrong.
 *
 * Stricter than MobileCoin on purpose: it ignores unknown keys (a `brodcast_peers` typo silently
 * leaves the node without peers) and only finds a missing or bad `consensus-msg-key` when it
 * panics at start; both are refused here, before anything starts.
 */
export interface NetworkConfig {
  readonly broadcastPeers: readonly PeerEntry[];
  readonly knownPeers: readonly PeerEntry[];
  readonly quorumSet: QuorumSet;
  readonly txSourceUrls: readonly string[];
}

/** A peer URI, the responder id it names and its decoded message-signing key. */
export interface PeerEntry {
  readonly uri: string;
  readonly responderId: string;
  /** The `consensus-msg-key` query parameter as written. */
  readonly consensusMsgKey: string;
  /** The raw 32-byte Ed25519 public key it decodes to. */
  readonly publicKey: Uint8Array;
}

export interface NetworkFileOptions {
  /** This node's peer responder id: no peer entry and no quorum-set member may name it. */
  readonly selfResponderId?: string;
}

export type NetworkFileFormat = "toml" | "json";

/** The keys of each object in a network file (MobileCoin's serde field names). */
const FILE_KEYS = ["quorum_set", "broadcast_peers", "tx_source_urls", "known_peers"] as const;
const QUORUM_SET_KEYS = ["threshold", "members"] as const;
const MEMBER_KEYS = ["type", "args"] as const;

const PEER_SCHEMES: Readonly<Record<string, number>> = { "mcp:": 8443, "insecure-mcp:": 8080 };
const TX_SOURCE_SCHEMES: ReadonlySet<string> = new Set(["file:", "http:", "https:", "s3:"]);

function fail(code: QuorumErrorCode, field: string, problem: string): QuorumError {
  return new QuorumError(code, `${field}: ${problem}`, { field });
}

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

function parseText(text: string, format: NetworkFileFormat): Record<string, unknown> {
  if (text.trim() === "")
    throw new QuorumError(
      "FILE_EMPTY",
      `the file is empty; expected ${FILE_KEYS.slice(0, 3).join(", ")} (and optionally known_peers)`,
    );
  let raw: unknown;
  try {
    raw = format === "json" ? JSON.parse(text) : parseToml(text);
  } catch (error) {
    const msg = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    throw new QuorumError("FILE_SYNTAX", `not valid ${format.toUpperCase()}: ${msg}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new QuorumError("FILE_FIELD", "the file must hold a table/object of settings");
  return raw as Record<string, unknown>;
}

/** Refuse keys outside `known`, suggesting the closest known one. */
function refuseUnknownKeys(o: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(o)) {
    if (known.includes(key)) continue;
    const near = closestName(key, known);
    const field = where === "" ? key : `${where}.${key}`;
    const hint = near === undefined ? `known keys: ${known.join(", ")}` : `did you mean ${near}?`;
    throw fail("UNKNOWN_KEY", field, `unknown key; ${hint}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Unknown keys and malformed responder ids anywhere in the quorum set, with their paths. */
function checkQuorumSetShape(v: unknown, where: string, depth: number): void {
  if (!isObject(v)) throw fail("INVALID_QUORUM_SET", where, "must be {threshold, members}");
  if (depth > SCP_LIMITS.maxQuorumSetDepth)
    throw fail("INVALID_QUORUM_SET", where, `nested deeper than ${SCP_LIMITS.maxQuorumSetDepth}`);
  refuseUnknownKeys(v, QUORUM_SET_KEYS, where);
  if (!Array.isArray(v.members)) return;
  v.members.forEach((m: unknown, i) => {
    const field = `${where}.members[${i}]`;
    if (!isObject(m)) throw fail("INVALID_QUORUM_SET", field, "must be {type, args}");
    refuseUnknownKeys(m, MEMBER_KEYS, field);
    if (m.type === "InnerSet") checkQuorumSetShape(m.args, `${field}.args`, depth + 1);
    if (m.type === "Node" && typeof m.args === "string" && !m.args.includes(":"))
      throw fail(
        "INVALID_QUORUM_SET",
        `${field}.args`,
        `a responder id is host:port, got ${JSON.stringify(m.args)}`,
      );
  });
}

function parseQuorumSet(v: unknown, self: string | undefined): QuorumSet {
  if (v === undefined) throw fail("FILE_FIELD", "quorum_set", "missing");
  checkQuorumSetShape(v, "quorum_set", 0);
  let quorumSet: QuorumSet;
  try {
    quorumSet = quorumSetFromJson(v);
    // The empty set with threshold 0 is a single-node network; threshold 0 anywhere else would
    // let the node decide without anyone.
    validateQuorumSet(quorumSet, { allowEmpty: true });
  } catch (error) {
    if (isCodedError(error))
      throw new QuorumError("INVALID_QUORUM_SET", `quorum_set: ${error.message}`, {
        field: "quorum_set",
        cause: error.code,
      });
    throw error;
  }
  if (self !== undefined && quorumSetNodes(quorumSet).includes(self))
    throw fail(
      "SELF_LISTED",
      "quorum_set",
      `lists this node itself (${self}); a node's quorum set leaves it out`,
    );
  return quorumSet;
}

/** Parse and validate a network file's text. */
export function parseNetworkConfig(
  text: string,
  format: NetworkFileFormat,
  options: NetworkFileOptions = {},
): NetworkConfig {
  const o = parseText(text, format);
  refuseUnknownKeys(o, FILE_KEYS, "");
  const self = options.selfResponderId;
  const quorumSet = parseQuorumSet(o.quorum_set, self);
  const broadcastPeers = peers(o.broadcast_peers, "broadcast_peers", true);
  const knownPeers = peers(o.known_peers, "known_peers", false);
  const txSourceUrls = strings(o.tx_source_urls, "tx_source_urls", true);
  txSourceUrls.forEach((url, i) => {
    checkTxSourceUrl(url, `tx_source_urls[${i}]`);
  });

  const seen = new Set<string>();
  const lists = [
    ["broadcast_peers", broadcastPeers],
    ["known_peers", knownPeers],
  ] as const;
  for (const [name, list] of lists) {
    list.forEach((p, i) => {
      const field = `${name}[${i}]`;
      if (p.responderId === self)
        throw fail("SELF_LISTED", field, `names this node itself (${self})`);
      if (seen.has(p.responderId))
        throw fail(
          "DUPLICATE_PEER",
          field,
          `duplicate responder id in network configuration: ${p.responderId}`,
        );
      seen.add(p.responderId);
    });
  }
  if (broadcastPeers.length > 0 && txSourceUrls.length === 0)
    throw fail(
      "MISSING_TX_SOURCE",
      "tx_source_urls",
      "must not be empty when broadcast_peers is not",
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
    if (required) throw fail("FILE_FIELD", field, "missing (may be an empty list)");
    return [];
  }
  if (!Array.isArray(v)) throw fail("FILE_FIELD", field, "must be a list of strings");
  return v.map((s, i) => {
    if (typeof s !== "string") throw fail("FILE_FIELD", `${field}[${i}]`, "must be a string");
    return s;
  });
}

function peers(v: unknown, field: string, required: boolean): PeerEntry[] {
  return strings(v, field, required).map((uri, i) => parsePeerUri(uri, `${field}[${i}]`));
}

function checkTxSourceUrl(url: string, field: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw fail("FILE_FIELD", field, `not a URL: ${JSON.stringify(url)}`);
  }
  if (!TX_SOURCE_SCHEMES.has(parsed.protocol))
    throw fail(
      "FILE_FIELD",
      field,
      `scheme must be file://, http://, https:// or s3://, got ${parsed.protocol}//`,
    );
}

/**
 * A peer URI's responder id (the `responder-id` parameter, else `host:port` with the scheme's
 * default port) and its `consensus-msg-key`, which every peer needs: it is how the node checks the
 * peer's signed messages.
 */
export function parsePeerUri(uri: string, field = "peer"): PeerEntry {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw fail("FILE_FIELD", field, `not a URI: ${uri}`);
  }
  const defaultPort = PEER_SCHEMES[url.protocol];
  if (defaultPort === undefined)
    throw fail(
      "FILE_FIELD",
      field,
      `scheme must be mcp:// or insecure-mcp://, got ${url.protocol}// in ${uri}`,
    );
  if (url.hostname === "") throw fail("FILE_FIELD", field, "URI has no host");
  const param = (name: string): string | undefined => {
    const value = url.searchParams.get(name);
    return value === null || value === "" ? undefined : value;
  };
  const responderId =
    param("responder-id") ?? `${url.hostname}:${url.port === "" ? defaultPort : url.port}`;
  const key = param("consensus-msg-key");
  if (key === undefined)
    throw fail(
      "PEER_KEY",
      field,
      "consensus-msg-key: missing; add ?consensus-msg-key=<the peer's public key, URL-safe base64 SPKI>",
    );
  return { uri, responderId, consensusMsgKey: key, publicKey: decodePeerKey(key, field) };
}

function decodePeerKey(key: string, field: string): Uint8Array {
  // Query decoding turns `+` into a space, so a standard-base64 key arrives damaged.
  if (/[ +/]/.test(key))
    throw fail(
      "PEER_KEY",
      field,
      "consensus-msg-key: uses standard base64; write it URL-safe (- for +, _ for /)",
    );
  try {
    return parseConsensusMsgKey(key);
  } catch (error) {
    throw fail("PEER_KEY", field, `consensus-msg-key: ${describeError(error)}`);
  }
}
