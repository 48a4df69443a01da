import { toHex } from "../util/index.js";

/**
 * GetInfo's `config_json` for the validator, with upstream's keys (consensus_service.rs
 * `create_get_config_json_fn`, reference mobilecoin-service.md §5.5). Values the node could not
 * read (e.g. the ledger failed) are `null`, as upstream's `Option`s render.
 */
export interface ConsensusInfoInputs {
  readonly config: {
    /** The node's Ed25519 public key (from `--msg-signer-key`). */
    readonly publicKey: Uint8Array;
    readonly peerResponderId: string;
    readonly clientResponderId: string;
    readonly networkPath: string;
    readonly peerListenUri: string;
    readonly clientListenUri: string;
    readonly adminListenUri: string | null;
    readonly ledgerPath: string;
    readonly scpDebugDump: string | null;
    readonly clientAuthTokenEnabled: boolean;
    readonly clientAuthTokenMaxLifetimeSeconds: number;
  };
  /** The parsed network file, as JSON. */
  readonly network: unknown;
  readonly status: {
    /** num_blocks, or null when the ledger could not be read. */
    readonly blockHeight: bigint | null;
    /** Our package version (upstream: the crate version). */
    readonly version: string;
    readonly broadcastPeerCount: number;
    readonly knownPeerCount: number;
    readonly behind: boolean;
    /** Highest block the network agreed on. */
    readonly peerBlockHeight: bigint;
    readonly latestBlockId: Uint8Array | null;
    /** The last block's signature `signed_at`; null when it has none (e.g. from catch-up). */
    readonly latestBlockSignedAt: bigint | null;
  };
}

/** DER SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410). */
const ED25519_SPKI_PREFIX = Uint8Array.from([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
]);

/** `message_pubkey`: URL-safe base64 (padded) of the key's SPKI DER. */
export function messagePubkey(publicKey: Uint8Array): string {
  const der = Buffer.concat([ED25519_SPKI_PREFIX, publicKey]);
  return der.toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
}

/** u64s as JSON numbers (serde_json writes them exactly; values here stay below 2^53). */
const u64 = (v: bigint | null) => (v === null ? null : Number(v));

export function consensusConfigJson(inputs: ConsensusInfoInputs): string {
  const { config: c, status: s } = inputs;
  const height = s.blockHeight;
  return JSON.stringify({
    config: {
      // serde renders the key's bytes as an array of numbers.
      public_key: Array.from(c.publicKey),
      peer_responder_id: c.peerResponderId,
      client_responder_id: c.clientResponderId,
      message_pubkey: messagePubkey(c.publicKey),
      network: c.networkPath,
      peer_listen_uri: c.peerListenUri,
      client_listen_uri: c.clientListenUri,
      admin_listen_uri: c.adminListenUri,
      ledger_path: c.ledgerPath,
      scp_debug_dump: c.scpDebugDump,
      client_auth_token_enabled: c.clientAuthTokenEnabled,
      client_auth_token_max_lifetime: c.clientAuthTokenMaxLifetimeSeconds,
    },
    network: inputs.network,
    status: {
      block_height: u64(height),
      version: s.version,
      broadcast_peer_count: s.broadcastPeerCount,
      known_peer_count: s.knownPeerCount,
      sync_status: s.behind ? "catchup" : "synced",
      blocks_behind:
        height === null ? null : u64(s.peerBlockHeight > height ? s.peerBlockHeight - height : 0n),
      latest_block_hash: s.latestBlockId === null ? null : toHex(s.latestBlockId),
      latest_block_timestamp: s.latestBlockSignedAt === null ? "" : String(s.latestBlockSignedAt),
    },
  });
}
