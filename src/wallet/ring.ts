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
 * Distinct indices of mixins for `realIndex`, drawn from the whole ledger, none of them in
 * `exclude` (the indices other rings of the same transaction already use).
 */
export function drawMixinIndices(
  numTxOuts: bigint,
  realIndex: bigint,
  rng: RandomSource,
  count: number = RING_SIZE - 1,
  exclude: ReadonlySet<bigint> = new Set(),
): bigint[] {
  const taken = new Set<bigint>([realIndex, ...exclude]);
  if (numTxOuts < BigInt(count + taken.size)) {
    throw new WalletError(
      "NOT_ENOUGH_MIXINS",
      `the ledger holds ${numTxOuts} outputs; the rings need ${count + taken.size}`,
    );
  }
  const mixins = new Set<bigint>();
  for (let draws = 0; mixins.size < count; draws++) {
    if (draws >= WALLET_LIMITS.maxRingDraws)
      throw new WalletError("NOT_ENOUGH_MIXINS", "could not draw distinct ring members");
    const index = uniformBigBelow(rng, numTxOuts);
    if (!taken.has(index)) mixins.add(index);
  }
  return [...mixins];
}

/** The credentials that spend `real`: its ring (no member in `exclude`), proofs and one-time key. */
export function ringFor(
  ledger: LedgerReader,
  real: OwnedTxOut,
  account: AccountKey,
  rng: RandomSource,
  exclude: ReadonlySet<bigint> = new Set(),
): InputCredentials {
  const mixins = drawMixinIndices(ledger.numTxOuts(), real.index, rng, RING_SIZE - 1, exclude);
  return ringOf(ledger, real, mixins, account, rng);
}

/**
 * One ring per input with no ledger output in two rings: MobileCoin refuses a transaction whose
 * rings share a member (`DuplicateRingElements`), and an input's real output drawn as a mixin of
 * another input's ring would be one. Each ring excludes every input and the mixins drawn before.
 */
export function ringsFor(
  ledger: LedgerReader,
  inputs: readonly OwnedTxOut[],
  account: AccountKey,
  rng: RandomSource,
): InputCredentials[] {
  const used = new Set(inputs.map((i) => i.index));
  return inputs.map((input) => {
    const mixins = drawMixinIndices(ledger.numTxOuts(), input.index, rng, RING_SIZE - 1, used);
    for (const index of mixins) used.add(index);
    return ringOf(ledger, input, mixins, account, rng);
  });
}

function ringOf(
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
