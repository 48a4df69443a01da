import { sha256 } from "../crypto/index.js";
import { toHex } from "../util/index.js";
import { PEERS_LIMITS } from "./limits.js";
import type { SignedConsensusMsg } from "./wire.js";

/** What verifying a payload established, whoever relayed it and whatever our ledger holds. */
export interface IssuedMsgCheck {
  readonly msg: SignedConsensusMsg;
  /** The `peer-message` digest the issuer's signature covers. */
  readonly digest: Uint8Array;
}

/**
 * Consensus messages whose payload already verified, by the SHA-256 of the payload bytes. A mesh
 * delivers every statement once from its issuer and once from each peer that relays it, and a
 * relay forwards the payload untouched: the copies skip decoding, the Merlin digest and the
 * signature check. Only successes are kept, and only what the bytes alone decide (strict
 * decoding, a known issuer with its configured key, a valid signature); the relaying peer and the
 * message's place against our ledger are checked for every copy. Least recently used entries go
 * first past `capacity`.
 */
export class VerifiedMsgCache {
  private readonly entries = new Map<string, IssuedMsgCheck>();
  hits = 0;
  misses = 0;

  constructor(readonly capacity: number = PEERS_LIMITS.verifiedMsgCacheMax) {}

  get size(): number {
    return this.entries.size;
  }

  /** Verify `payload` with `check` unless a copy of the same bytes already passed it. */
  through(payload: Uint8Array, check: (payload: Uint8Array) => IssuedMsgCheck): IssuedMsgCheck {
    const key = toHex(sha256(payload));
    const known = this.entries.get(key);
    if (known !== undefined) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, known);
      return known;
    }
    this.misses++;
    const checked = check(payload);
    this.entries.set(key, checked);
    if (this.entries.size > this.capacity)
      this.entries.delete(this.entries.keys().next().value as string);
    return checked;
  }
}
