import { sha3_256 } from "../crypto/index.js";
import { toHex, utf8 } from "../util/index.js";
import { nodeWeight, type QuorumSet, quorumSetNodes } from "./quorum-set.js";
import type { NodeId } from "./values.js";

/**
 * Nomination leader selection (MobileCoin's): a node is a round-r neighbour when its salt-1 hash is
 * below its scaled weight; the round's new leader is the neighbour, not yet a leader, with the
 * largest salt-2 hash (falling back to the local node). The hash is injectable so tests can force
 * leaders (MobileCoin's golden traces depend on test keys; see reference F12).
 */
export type PriorityHash = (slot: number, salt: 1 | 2, round: number, node: NodeId) => bigint;

const U256_MAX = (1n << 256n) - 1n;

/**
 * MobileCoin's `slot_round_salted_keccak` (SHA3-256 despite the name) over slot (u64 BE) ‖ salt
 * (1 byte) ‖ round (u32 BE) ‖ the node's public key, read as a big-endian 256-bit integer. A node
 * without a public key hashes its responder id instead.
 */
export const mobilecoinPriorityHash: PriorityHash = (slot, salt, round, node) => {
  const head = new Uint8Array(13);
  const view = new DataView(head.buffer);
  view.setBigUint64(0, BigInt(slot));
  view.setUint8(8, salt);
  view.setUint32(9, round >>> 0);
  return BigInt(`0x${toHex(sha3_256(head, node.publicKey ?? utf8(node.id)))}`);
};

/** A priority hash that ranks nodes by a fixed list (first = highest priority); all are neighbours. */
export function fixedPriority(order: readonly string[]): PriorityHash {
  return (_slot, salt, _round, node) => {
    if (salt === 1) return 0n;
    const i = order.indexOf(node.id);
    return i < 0 ? 0n : BigInt(order.length - i);
  };
}

/** Choose the leader added in `round`, given those already chosen. */
export function nextLeader(
  hash: PriorityHash,
  slot: number,
  round: number,
  local: NodeId,
  localQuorumSet: QuorumSet,
  already: ReadonlySet<string>,
  nodeById: (id: string) => NodeId,
): string {
  let best: string | undefined;
  let bestPriority = -1n;
  const consider = (node: NodeId, scaledWeight: bigint): void => {
    if (already.has(node.id)) return;
    if (node.id !== local.id && !(hash(slot, 1, round, node) < scaledWeight)) return;
    const priority = hash(slot, 2, round, node);
    if (
      priority > bestPriority ||
      (priority === bestPriority && best !== undefined && node.id < best)
    ) {
      best = node.id;
      bestPriority = priority;
    }
  };
  consider(local, U256_MAX);
  for (const [id, scaled] of scaledWeights(localQuorumSet)) {
    if (id === local.id) continue;
    consider(nodeById(id), scaled);
  }
  return best ?? local.id;
}

const weightCache = new WeakMap<QuorumSet, ReadonlyMap<string, bigint>>();

/** ⌊(2^256 − 1) × weight⌋ for every node of a quorum set, computed once per set. */
function scaledWeights(q: QuorumSet): ReadonlyMap<string, bigint> {
  let m = weightCache.get(q);
  if (m === undefined) {
    const out = new Map<string, bigint>();
    for (const id of quorumSetNodes(q)) {
      const w = nodeWeight(q, id);
      out.set(id, (U256_MAX * w.num) / w.den);
    }
    weightCache.set(q, out);
    m = out;
  }
  return m;
}
