// Goal: GetInfo's config_json has upstream's keys and value shapes (consensus_service.rs
// create_get_config_json_fn): message_pubkey as URL-safe base64 of the SPKI DER, sync_status,
// saturating blocks_behind, "" for an unsigned last block. Method: inputs written by hand; the
// expected message_pubkey was made by `openssl pkey -pubout -outform DER | base64 | tr '+/' '-_'`.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromHex } from "../util/index.js";
import { type ConsensusInfoInputs, consensusConfigJson, messagePubkey } from "./admin-info.js";

const KEY = fromHex("3c9f772caebecda562ac75d24d1c6093f84778c91b263e47fc253c9ca32b83ff");

const inputs: ConsensusInfoInputs = {
  config: {
    publicKey: KEY,
    peerResponderId: "peer1:8443",
    clientResponderId: "client1:443",
    networkPath: "/etc/network.toml",
    peerListenUri: "insecure-mcp://0.0.0.0:8443/",
    clientListenUri: "insecure-mc://0.0.0.0:3223/",
    adminListenUri: null,
    ledgerPath: "/ledger",
    scpDebugDump: null,
    clientAuthTokenEnabled: true,
    clientAuthTokenMaxLifetimeSeconds: 86400,
  },
  network: { broadcast_peers: ["a", "b"] },
  status: {
    blockHeight: 10n,
    version: "1.0.0",
    broadcastPeerCount: 2,
    knownPeerCount: 0,
    behind: true,
    peerBlockHeight: 14n,
    latestBlockId: new Uint8Array(32).fill(0xab),
    latestBlockSignedAt: null,
  },
};

describe("GetInfo config_json", () => {
  it("encodes message_pubkey as openssl does", () => {
    assert.equal(
      messagePubkey(KEY),
      "MCowBQYDK2VwAyEAPJ93LK6-zaVirHXSTRxgk_hHeMkbJj5H_CU8nKMrg_8=",
    );
  });

  it("has upstream's keys and values", () => {
    const json = JSON.parse(consensusConfigJson(inputs));
    assert.deepEqual(Object.keys(json.config), [
      "public_key",
      "peer_responder_id",
      "client_responder_id",
      "message_pubkey",
      "network",
      "peer_listen_uri",
      "client_listen_uri",
      "admin_listen_uri",
      "ledger_path",
      "scp_debug_dump",
      "client_auth_token_enabled",
      "client_auth_token_max_lifetime",
    ]);
    assert.equal(json.config.public_key.length, 32);
    assert.equal(json.config.client_auth_token_max_lifetime, 86400);
    assert.deepEqual(json.network, { broadcast_peers: ["a", "b"] });
    assert.deepEqual(json.status, {
      block_height: 10,
      version: "1.0.0",
      broadcast_peer_count: 2,
      known_peer_count: 0,
      sync_status: "catchup",
      blocks_behind: 4,
      latest_block_hash: "ab".repeat(32),
      latest_block_timestamp: "",
    });
  });

  it("saturates blocks_behind, prints signed_at, and nulls what the ledger could not give", () => {
    const ahead = JSON.parse(
      consensusConfigJson({
        ...inputs,
        status: {
          ...inputs.status,
          behind: false,
          peerBlockHeight: 3n,
          latestBlockSignedAt: 1700n,
        },
      }),
    );
    assert.equal(ahead.status.blocks_behind, 0);
    assert.equal(ahead.status.sync_status, "synced");
    assert.equal(ahead.status.latest_block_timestamp, "1700");
    const unread = JSON.parse(
      consensusConfigJson({
        ...inputs,
        status: { ...inputs.status, blockHeight: null, latestBlockId: null },
      }),
    );
    assert.equal(unread.status.block_height, null);
    assert.equal(unread.status.blocks_behind, null);
    assert.equal(unread.status.latest_block_hash, null);
  });
});
