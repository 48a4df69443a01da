import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const TOOL = path.join(ROOT, "bin", "consensus-tool.mjs");

/** A peer's consensus-msg-key (URL-safe base64 SPKI), for a network file's one unstarted peer. */
export const PEER_MSG_KEY = "MCowBQYDK2VwAyEA-21ShHmvuuynH7EcIgkdH2dWxCojgnWYbHxLrRseQ1s=";
/** A node's --msg-signer-key (standard base64 PKCS#8). */
export const SIGNER_KEY = "MC4CAQAwBQYDK2VwBCIEIGz4xR7wuPKjwM1EK0MKrc9ukTjiDqvKKREITPXPkNku";

export interface OneNodeFiles {
  readonly keysDir: string;
  readonly originDir: string;
  readonly networkPath: string;
}

/**
 * What one consensus-service needs in `dir`: two sample accounts, an origin ledger made by
 * `generate-sample-ledger` (the node copies it in on first start) and a network file naming one
 * peer that is never started (quorum threshold 1, so the node starts but closes no block).
 */
export function makeOneNodeFiles(dir: string): OneNodeFiles {
  const keysDir = path.join(dir, "keys");
  const originDir = path.join(dir, "origin");
  for (const args of [
    ["sample-keys", "--num", "2", "--dir", keysDir],
    ["generate-sample-ledger", "--keys-dir", keysDir, "--output-dir", originDir].concat([
      "--txs",
      "8",
      "--blocks",
      "1",
    ]),
  ]) {
    const r = spawnSync(process.execPath, [TOOL, ...args], { cwd: dir, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  }
  const networkPath = path.join(dir, "network.toml");
  writeFileSync(
    networkPath,
    `broadcast_peers = ["mcp://peer1.test:443/?consensus-msg-key=${PEER_MSG_KEY}"]
quorum_set = { threshold = 1, members = [{ type = "Node", args = "peer1.test:443" }] }
tx_source_urls = ["file:///archive"]
`,
  );
  return { keysDir, originDir, networkPath };
}
