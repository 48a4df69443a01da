import type { AccountKey } from "../crypto/index.js";
import type { LedgerReader } from "../ledger/index.js";
import {
  chooseRing,
  type InputCredentials,
  RING_SIZE,
  type RingCandidate,
} from "../transaction/index.js";
import type { RandomSource } from "../util/index.js";
import { WalletError } from "./errors.js";
import { WALLET_LIMITS } from "./limits.js";
import type { OwnedTxOut } from "./scan.js";

/**
 * Ring members for one input: `RING_SIZE − 1` distinct ledger outputs drawn uniformly (never the
 * real one), with membership proofs from the same ledger at its current size. The node's enclave
 * checks these proofs against its own ledger's roots, which only needs the wallet's ledger to be a
 * prefix of the node's.
 */

/** A uniform bigint in [0, bound) from 64-bit draws, rejecting the biased tail. */
export function uniformBigBelow(rng: RandomSource, bound: bigint): bigint {
  const space = 2n ** 64n;
  const limit = space - (space % bound);
  const word = new Uint8Array(8);
  for (;;) {
    rng.fillBytes(word);
    const r = new DataView(word.buffer).getBigUint64(0, true);
    if (r < limit) return r % bound;
  }
}

/**
 * Distinct indices of mixins for `realIndex`, drawn from the whole ledger except `exclude` (the
 * other rings of the same transaction and their real outputs: ring members must be unique across
 * all of a transaction's rings, and its inputs sorted strictly by their first member).
 */
export function drawMixinIndices(
  numTxOuts: bigint,
  realIndex: bigint,
  rng: RandomSource,
  count: number = RING_SIZE - 1,
  exclude: ReadonlySet<bigint> = new Set(),
): bigint[] {
  const excluded = [...exclude].filter((i) => i >= 0n && i < numTxOuts && i !== realIndex).length;
  if (numTxOuts - BigInt(excluded) < BigInt(count + 1)) {
    throw new WalletError(
      "NOT_ENOUGH_MIXINS",
      `the ledger holds ${numTxOuts} outputs, ${excluded} of them in other rings; a ring needs ${count + 1}`,
    );
  }
  const chosen = new Set<bigint>([realIndex]);
  for (let draws = 0; chosen.size < count + 1; draws++) {
    if (draws >= WALLET_LIMITS.maxRingDraws)
      throw new WalletError("NOT_ENOUGH_MIXINS", "could not draw distinct ring members");
    const index = uniformBigBelow(rng, numTxOuts);
    if (!exclude.has(index)) chosen.add(index);
  }
  chosen.delete(realIndex);
  return [...chosen];
}

/**
 * The credentials that spend `real`: its ring (no member from `exclude`), proofs and one-time
 * key.
 */
export function ringFor(
  ledger: LedgerReader,
  real: OwnedTxOut,
  account: AccountKey,
  rng: RandomSource,
  exclude: ReadonlySet<bigint> = new Set(),
): InputCredentials {
  const mixins = drawMixinIndices(ledger.numTxOuts(), real.index, rng, RING_SIZE - 1, exclude);
  const proofs = ledger.getTxOutProofsOfMembership([real.index, ...mixins]);
  const candidates: RingCandidate[] = mixins.map((index, i) => ({
    txOut: ledger.getTxOutByIndex(index),
    proof: proofs[i + 1]!,
  }));
  return chooseRing({
    real: { txOut: real.txOut, proof: proofs[0]! },
    candidates,
    account,
    subaddressIndex: real.subaddressIndex,
    rng,
  });
}
