import type { MembershipElement } from "../blockchain/index.js";
import { merkleNodeHash, NIL_HASH, type TxOutMembershipProof } from "../transaction/index.js";
import { LedgerError } from "./errors.js";
import { type KvReader, type KvWriter, rangeKey, TABLES } from "./kv.js";

/**
 * The TxOut Merkle tree as MobileCoin's ledger keeps it: the hash of every range `[from, to]` of the
 * complete binary tree over `next_power_of_two(num_txos)` leaves, keyed by the range. An empty
 * subtree hashes to the nil hash whatever its size. A block's outputs update the tree in one pass:
 * only the ranges that contain a new leaf are recomputed, each once.
 */

/** Smallest power of two ≥ n (n ≥ 1). */
export function nextPowerOfTwo(n: bigint): bigint {
  let p = 1n;
  while (p < n) p <<= 1n;
  return p;
}

function rangeHash(kv: KvReader, from: bigint, to: bigint, numTxOuts: bigint): Uint8Array {
  if (from >= numTxOuts) return NIL_HASH;
  const stored = kv.get(TABLES.merkleHashByRange, rangeKey(from, to));
  if (stored === undefined) {
    throw new LedgerError("CORRUPT", `Merkle range [${from}, ${to}] is missing`, {
      from: String(from),
      to: String(to),
    });
  }
  return stored;
}

/**
 * Add leaves for outputs `firstIndex … firstIndex + leafHashes.length − 1` (their leaf hashes in
 * order) and recompute every range that contains one of them.
 */
export function appendLeaves(
  kv: KvWriter,
  firstIndex: bigint,
  leafHashes: readonly Uint8Array[],
): void {
  if (leafHashes.length === 0) return;
  const end = firstIndex + BigInt(leafHashes.length);
  leafHashes.forEach((h, i) => {
    const index = firstIndex + BigInt(i);
    kv.put(TABLES.merkleHashByRange, rangeKey(index, index), h);
  });
  for (let size = 2n; ; size <<= 1n) {
    const half = size >> 1n;
    const firstRange = (firstIndex / size) * size;
    for (let from = firstRange; from < end; from += size) {
      const left = rangeHash(kv, from, from + half - 1n, end);
      const right = rangeHash(kv, from + half, from + size - 1n, end);
      kv.put(
        TABLES.merkleHashByRange,
        rangeKey(from, from + size - 1n),
        merkleNodeHash(left, right),
      );
    }
    if (size >= end) break;
  }
}

/** The root element for a ledger of `numTxOuts` outputs. */
export function rootElement(kv: KvReader, numTxOuts: bigint): MembershipElement {
  if (numTxOuts === 0n) throw new LedgerError("NO_OUTPUTS_IN_LEDGER", "the ledger has no outputs");
  const to = nextPowerOfTwo(numTxOuts) - 1n;
  return { range: { from: 0n, to }, hash: rangeHash(kv, 0n, to, numTxOuts) };
}

/** A proof for output `index` at the ledger's current size: the leaf, then the sibling of each enclosing range. */
export function membershipProof(
  kv: KvReader,
  index: bigint,
  numTxOuts: bigint,
): TxOutMembershipProof {
  if (index < 0n || index >= numTxOuts) {
    throw new LedgerError(
      "NOT_FOUND",
      `no output with index ${index} (the ledger has ${numTxOuts})`,
      { index: String(index) },
    );
  }
  const elements: MembershipElement[] = [
    { range: { from: index, to: index }, hash: rangeHash(kv, index, index, numTxOuts) },
  ];
  const top = nextPowerOfTwo(numTxOuts);
  for (let size = 1n; size < top; size <<= 1n) {
    const start = (index / size) * size;
    const siblingFrom = (start / size) % 2n === 0n ? start + size : start - size;
    const siblingTo = siblingFrom + size - 1n;
    elements.push({
      range: { from: siblingFrom, to: siblingTo },
      hash: rangeHash(kv, siblingFrom, siblingTo, numTxOuts),
    });
  }
  return { index, highestIndex: numTxOuts - 1n, elements };
}
