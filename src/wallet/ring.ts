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
 * Rings for a transaction's inputs: for each, `RING_SIZE − 1` ledger outputs drawn uniformly, none
 * of them a real input or a member of another ring, with membership proofs from the same ledger
 * at its current size. The node's enclave checks these proofs against its own ledger's roots,
 * which only needs the wallet's ledger to be a prefix of the node's.
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
 * `count` distinct mixin indices drawn uniformly from the whole ledger, none of them `realIndex`
 * or in `taken` (the transaction's other real inputs and rings: MobileCoin refuses a transaction
 * whose rings share an element, `DuplicateRingElements`).
 */
export function drawMixinIndices(
  numTxOuts: bigint,
  realIndex: bigint,
  rng: RandomSource,
  count: number = RING_SIZE - 1,
  taken: ReadonlySet<bigint> = new Set(),
): bigint[] {
  const excluded = new Set<bigint>([...taken, realIndex]);
  if (numTxOuts < BigInt(count + excluded.size)) {
    throw new WalletError(
      "NOT_ENOUGH_MIXINS",
      `the ledger holds ${numTxOuts} outputs; the rings need ${count + excluded.size}`,
    );
  }
  const chosen = new Set<bigint>();
  for (let draws = 0; chosen.size < count; draws++) {
    if (draws >= WALLET_LIMITS.maxRingDraws)
      throw new WalletError("NOT_ENOUGH_MIXINS", "could not draw distinct ring members");
    const index = uniformBigBelow(rng, numTxOuts);
    if (!excluded.has(index)) chosen.add(index);
  }
  return [...chosen];
}

/**
 * The credentials that spend each of `inputs`: rings that share no element with each other or
 * with any real input, their proofs and one-time keys.
 */
export function ringsFor(
  ledger: LedgerReader,
  inputs: readonly OwnedTxOut[],
  account: AccountKey,
  rng: RandomSource,
): InputCredentials[] {
  const numTxOuts = ledger.numTxOuts();
  const taken = new Set(inputs.map((input) => input.index));
  return inputs.map((real) => {
    const mixins = drawMixinIndices(numTxOuts, real.index, rng, RING_SIZE - 1, taken);
    for (const index of mixins) taken.add(index);
    return credentialsFor(ledger, real, mixins, account, rng);
  });
}

function credentialsFor(
  ledger: LedgerReader,
  real: OwnedTxOut,
  mixins: readonly bigint[],
  account: AccountKey,
  rng: RandomSource,
): InputCredentials {
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
