import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { Ed25519Signer } from "../crypto/index.js";
import { generateSampleLedger, openLmdbLedger } from "../ledger/index.js";
import { loadNetworkFile, readPublicAddresses, writeSampleKeys } from "../node/index.js";
import { TestnetError } from "./errors.js";
import type { TestnetLayout } from "./layout.js";
import { TESTNET_LIMITS } from "./limits.js";
import {
  type Manifest,
  type NodePlan,
  peerResponderId,
  readManifest,
  writeManifest,
} from "./manifest.js";
import { networkToml } from "./network-files.js";
import { nodePorts, portsFree } from "./ports.js";

/** Seeds of the sample accounts and the origin ledger (sample-keys' and generate-sample-ledger's defaults). */
const ACCOUNT_SEED = "01".repeat(32);
const ORIGIN_SEED = "21".repeat(32);
/** Validators of a new testnet when `--nodes` is not given (SPEC §4.3). */
export const DEFAULT_NODES = 4;

export interface PreparedTestnet {
  readonly manifest: Manifest;
  /** False when `--dir` held a testnet that is now started again from its ledgers. */
  readonly created: boolean;
}

/**
 * A testnet folder ready to start: a new one made in `layout.dir` (which must be missing or
 * empty), or the one already there. An existing one keeps its keys and ledgers; its network files
 * are written again with new ports when one of its old ports is taken now.
 */
export async function prepareTestnet(
  layout: TestnetLayout,
  nodes: number | undefined,
): Promise<PreparedTestnet> {
  const existing = readManifest(layout);
  if (existing !== undefined) {
    const n = existing.nodes.length;
    if (nodes !== undefined && nodes !== n)
      throw new TestnetError(
        "BAD_INPUT",
        `--dir ${layout.dir} holds a ${n}-node testnet; leave out --nodes or give ${n}`,
      );
    return { manifest: await reopen(layout, existing), created: false };
  }
  if (existsSync(layout.dir) && readdirSync(layout.dir).length > 0)
    throw new TestnetError(
      "BAD_INPUT",
      `--dir ${layout.dir} is not empty and holds no testnet.json; give an empty or new folder, or one made by testnet`,
    );
  return { manifest: await create(layout, nodes ?? DEFAULT_NODES), created: true };
}

async function create(layout: TestnetLayout, n: number): Promise<Manifest> {
  mkdirSync(layout.dir, { recursive: true });
  writeSampleKeys(layout.keysDir, TESTNET_LIMITS.accounts, ACCOUNT_SEED);
  writeOrigin(layout);
  const ports = await nodePorts(n);
  const nodes: NodePlan[] = ports.map((p, i) => {
    const index = i + 1;
    mkdirSync(layout.nodeDir(index), { recursive: true });
    mkdirSync(layout.archiveDir(index), { recursive: true });
    return { index, ports: p, consensusMsgKey: writeMsgSignerKey(layout, index) };
  });
  const manifest: Manifest = {
    version: 1,
    accounts: TESTNET_LIMITS.accounts,
    blockVersion: TESTNET_LIMITS.blockVersion,
    nodes,
  };
  writeNetworkFiles(layout, nodes);
  // Written last: a folder with a manifest is complete.
  writeManifest(layout, manifest);
  return manifest;
}

async function reopen(layout: TestnetLayout, manifest: Manifest): Promise<Manifest> {
  const all = manifest.nodes.flatMap((n) => [
    n.ports.peer,
    n.ports.client,
    n.ports.admin,
    n.ports.adminHttp,
  ]);
  if (await portsFree(all)) {
    writeNetworkFiles(layout, manifest.nodes);
    return manifest;
  }
  const ports = await nodePorts(manifest.nodes.length);
  const nodes = manifest.nodes.map((n, i) => ({ ...n, ports: ports[i] as NodePlan["ports"] }));
  const moved = { ...manifest, nodes };
  writeNetworkFiles(layout, nodes);
  writeManifest(layout, moved);
  return moved;
}

/** The origin ledger every node starts from (byte-identical for the same keys and seed). */
function writeOrigin(layout: TestnetLayout): void {
  mkdirSync(layout.originDir, { recursive: true });
  const ledger = openLmdbLedger(layout.originDir);
  try {
    generateSampleLedger(ledger, {
      recipients: readPublicAddresses(layout.keysDir),
      txs: TESTNET_LIMITS.originTxsPerAccount,
      blocks: TESTNET_LIMITS.originBlocks,
      keyImagesPerBlock: 1,
      seed: ORIGIN_SEED,
      blockVersion: TESTNET_LIMITS.blockVersion,
    });
  } finally {
    ledger.close();
  }
}

/** A fresh Ed25519 message-signing key as a PEM file (no openssl needed); its consensus-msg-key. */
function writeMsgSignerKey(layout: TestnetLayout, node: number): string {
  const signer = Ed25519Signer.fromSeed(new Uint8Array(randomBytes(32)));
  const pem = `-----BEGIN PRIVATE KEY-----\n${signer.pkcs8Base64()}\n-----END PRIVATE KEY-----\n`;
  writeFileSync(layout.msgSignerKey(node), pem, { mode: 0o600 });
  return signer.consensusMsgKey();
}

/** Every node's network.toml, each read back by the service's own rules. */
function writeNetworkFiles(layout: TestnetLayout, nodes: readonly NodePlan[]): void {
  for (const node of nodes) {
    const file = layout.networkFile(node.index);
    writeFileSync(file, networkToml(layout, nodes, node.index));
    loadNetworkFile(file, { selfResponderId: peerResponderId(node), requireResolvedMembers: true });
  }
}
