import {
  type AccountKey,
  onetimePrivateKey,
  Ristretto,
  type Scalar,
  sharedSecretFor,
  subaddressKeys,
} from "../crypto/index.js";
import { bytesEqual, type RandomSource, toHex } from "../util/index.js";
import { RING_SIZE } from "./constants.js";
import { TransactionError } from "./errors.js";
import type { InputCredentials } from "./input-credentials.js";
import type { TxOutMembershipProof } from "./merkle.js";
import type { TxOut } from "./tx-out.js";

/**
 * Choosing a ring for an input: the real output plus `RING_SIZE − 1` mixins drawn uniformly from
 * candidate ledger outputs (each with its membership proof), skipping the real output and any
 * output whose public key repeats, since validation rejects rings with repeated members. The
 * builder sorts the ring afterwards, so the real input's position reveals nothing.
 */

/** A ledger output offered as a mixin, with its membership proof. */
export interface RingCandidate {
  readonly txOut: TxOut;
  readonly proof: TxOutMembershipProof;
}

/** Most candidates considered for one ring (the caller passes a page of the ledger, not all). */
export const MAX_RING_CANDIDATES = 100_000;

/** A uniform integer in [0, bound) from 32-bit draws, rejecting the biased tail. */
function uniformBelow(rng: RandomSource, bound: number): number {
  const word = new Uint8Array(4);
  const limit = 0x1_0000_0000 - (0x1_0000_0000 % bound);
  for (;;) {
    rng.fillBytes(word);
    const r = new DataView(word.buffer).getUint32(0, true);
    if (r < limit) return r % bound;
  }
}

/** The owner's one-time private key for an output sent to `account`'s subaddress `index`. */
export function onetimeKeyFor(txOut: TxOut, account: AccountKey, subaddressIndex: bigint): Scalar {
  const shared = sharedSecretFor(account.viewPrivateKey, Ristretto.fromBytes(txOut.publicKey));
  const x = onetimePrivateKey(shared, subaddressKeys(account, subaddressIndex).spendPrivateKey);
  if (!bytesEqual(Ristretto.multiplyBase(x).toBytes(), txOut.targetKey)) {
    throw new TransactionError("INPUT_NOT_OWNED", "the output is not owned by this subaddress", {
      subaddressIndex,
    });
  }
  return x;
}

/**
 * Build `InputCredentials` for spending `real` (owned by `account` at `subaddressIndex`) with
 * mixins chosen at random from `candidates`. Throws `INVALID_BUILD` when there are not enough
 * distinct candidates.
 */
export function chooseRing(p: {
  readonly real: RingCandidate;
  readonly candidates: readonly RingCandidate[];
  readonly account: AccountKey;
  readonly subaddressIndex: bigint;
  readonly rng: RandomSource;
  readonly ringSize?: number;
}): InputCredentials {
  const ringSize = p.ringSize ?? RING_SIZE;
  if (p.candidates.length > MAX_RING_CANDIDATES) {
    throw new TransactionError("INVALID_BUILD", "too many ring candidates", {
      candidates: p.candidates.length,
      max: MAX_RING_CANDIDATES,
    });
  }
  const seen = new Set<string>([toHex(p.real.txOut.publicKey)]);
  const pool = p.candidates.filter((c) => {
    const key = toHex(c.txOut.publicKey);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (pool.length < ringSize - 1) {
    throw new TransactionError("INVALID_BUILD", "not enough distinct ring candidates", {
      needed: ringSize - 1,
      available: pool.length,
    });
  }
  // Partial Fisher–Yates: the first ringSize − 1 slots end up a uniform sample without repeats.
  const index = pool.map((_c, i) => i);
  for (let i = 0; i < ringSize - 1; i++) {
    const j = i + uniformBelow(p.rng, index.length - i);
    [index[i], index[j]] = [index[j]!, index[i]!];
  }
  const mixins = index.slice(0, ringSize - 1).map((i) => pool[i]!);
  const members = [p.real, ...mixins];
  return {
    ring: members.map((m) => m.txOut),
    membershipProofs: members.map((m) => m.proof),
    realIndex: 0,
    onetimePrivateKey: onetimeKeyFor(p.real.txOut, p.account, p.subaddressIndex),
    viewPrivateKey: p.account.viewPrivateKey,
  };
}
