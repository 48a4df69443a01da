import { defaultMeshThreshold } from "../sim/index.js";
import type { TestnetLayout } from "./layout.js";
import { type NodePlan, peerResponderId, peerUri } from "./manifest.js";

/**
 * The quorum threshold of each node of an n-node mesh, over the n−1 others (MobileCoin leaves the
 * local node out of its own quorum set): the largest that stays live with ⌊(n−1)/3⌋ nodes down —
 * the `sim` mesh default. For n = 4 that is 2 of the 3 others, i.e. 3 of 4 with the node itself:
 * any two quorums share two nodes, and one node may fail.
 */
export function meshThreshold(n: number): number {
  return defaultMeshThreshold(n);
}

/** A TOML basic string (JSON's escaping is valid TOML for the ASCII we write). */
const str = (s: string): string => JSON.stringify(s);

const list = (items: readonly string[], indent = "  "): string =>
  items.length === 0 ? "[]" : `[\n${items.map((i) => `${indent}${i},`).join("\n")}\n]`;

/**
 * Node `self`'s `network.toml` in the runbook's shape: every other node as a broadcast peer and a
 * quorum-set member, and every other node's archive as a transaction source (a node that falls
 * behind catches up from them).
 */
export function networkToml(
  layout: TestnetLayout,
  nodes: readonly NodePlan[],
  self: number,
): string {
  const others = nodes.filter((n) => n.index !== self);
  const members = others.map((n) => `{ type = "Node", args = ${str(peerResponderId(n))} }`);
  return [
    `# node ${self} of a ${nodes.length}-node consensus-tool testnet (a mesh; written by the tool)`,
    `broadcast_peers = ${list(others.map((n) => str(peerUri(n))))}`,
    `quorum_set = { threshold = ${meshThreshold(nodes.length)}, members = ${list(members, "    ")} }`,
    `tx_source_urls = ${list(others.map((n) => str(layout.archiveUrl(n.index))))}`,
    "",
  ].join("\n");
}
