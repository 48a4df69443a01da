import type { WellFormedTxContext } from "../enclave/index.js";
import { MAX_TOMBSTONE_BLOCKS } from "../transaction/index.js";
import { compareBytes, toHex } from "../util/index.js";
import { ConsensusError } from "./errors.js";
import { CONSENSUS_LIMITS } from "./limits.js";

/**
 * The host's cache of well-formed transactions (MobileCoin `TxManagerImpl`, consensus/service/src/
 * tx_manager/mod.rs, and `DefaultTxManagerUntrustedInterfaces`, validators.rs): the enclave's
 * ciphertext, opaque here, with the `WellFormedTxContext` the enclave answered. It decides SCP
 * validity (`isValid` against the ledger) and combine, and expires entries by tombstone only:
 * externalized transactions stay available to peers until their tombstone passes (§6.8).
 */

/** The ledger queries validity needs (MobileCoin's `Ledger` trait, narrowed). */
export interface TxLedgerView {
  numBlocks(): bigint;
  containsKeyImage(keyImage: Uint8Array): boolean;
  containsTxOutPublicKey(publicKey: Uint8Array): boolean;
}

export interface CachedTx {
  /** `WellFormedEncryptedTx`: the enclave's cache ciphertext. */
  readonly encrypted: Uint8Array;
  readonly context: WellFormedTxContext;
}

/** Why `isValid` refuses (MobileCoin `TransactionValidationError` names). */
export type TxInvalidReason =
  | "TombstoneBlockExceeded"
  | "TombstoneBlockTooFar"
  | "ContainsSpentKeyImage"
  | "ContainsExistingOutputPublicKey";

export class TxManager {
  private readonly cache = new Map<string, CachedTx>();

  constructor(
    private readonly ledger: TxLedgerView,
    readonly capacity: number = CONSENSUS_LIMITS.txCacheMax,
  ) {}

  get size(): number {
    return this.cache.size;
  }

  /** Cache a checked transaction; idempotent (false when already cached). */
  insert(encrypted: Uint8Array, context: WellFormedTxContext): boolean {
    const key = toHex(context.txHash);
    if (this.cache.has(key)) return false;
    if (this.cache.size >= this.capacity)
      throw new ConsensusError("TX_CACHE_FULL", `${this.cache.size} transactions cached`);
    this.cache.set(key, { encrypted: encrypted.slice(), context: copyContext(context) });
    return true;
  }

  contains(txHash: Uint8Array): boolean {
    return this.cache.has(toHex(txHash));
  }

  get(txHash: Uint8Array): CachedTx | undefined {
    return this.cache.get(toHex(txHash));
  }

  /**
   * MobileCoin's untrusted `is_valid` for the block being built (`index = num_blocks`):
   * `index < tombstone ≤ index + MAX_TOMBSTONE_BLOCKS`, no key image spent, no output key used.
   */
  invalidReason(context: WellFormedTxContext): TxInvalidReason | undefined {
    const index = this.ledger.numBlocks();
    if (index >= context.tombstoneBlock) return "TombstoneBlockExceeded";
    if (context.tombstoneBlock > index + MAX_TOMBSTONE_BLOCKS) return "TombstoneBlockTooFar";
    if (context.keyImages.some((k) => this.ledger.containsKeyImage(k)))
      return "ContainsSpentKeyImage";
    if (context.outputPublicKeys.some((k) => this.ledger.containsTxOutPublicKey(k)))
      return "ContainsExistingOutputPublicKey";
    return undefined;
  }

  /** SCP validity of a value: a cached transaction that is valid against the ledger now. */
  validate(txHash: Uint8Array): boolean {
    const entry = this.get(txHash);
    return entry !== undefined && this.invalidReason(entry.context) === undefined;
  }

  /** Combine candidate hashes into a ballot value (`combineContexts` over the cached contexts). */
  combine(
    txHashes: readonly Uint8Array[],
    max: number = CONSENSUS_LIMITS.transactionsPerBlockMax,
  ): Uint8Array[] {
    const contexts: WellFormedTxContext[] = [];
    for (const h of txHashes) {
      const entry = this.get(h);
      if (entry === undefined)
        throw new ConsensusError("TX_NOT_IN_CACHE", "combine over a transaction not in the cache", {
          txHash: toHex(h),
        });
      contexts.push(entry.context);
    }
    return combineContexts(contexts, max);
  }

  /** Drop entries whose tombstone is at or below `blockIndex` (MobileCoin `remove_expired`). */
  removeExpired(blockIndex: bigint): Uint8Array[] {
    const removed: Uint8Array[] = [];
    for (const [k, e] of this.cache)
      if (e.context.tombstoneBlock <= blockIndex) {
        this.cache.delete(k);
        removed.push(e.context.txHash);
      }
    return removed;
  }
}

/**
 * MobileCoin's order of transactions in a block (`impl Ord for WellFormedTxContext`,
 * consensus/enclave/api): priority descending, then tx hash, tombstone block, key images, highest
 * indices and output public keys ascending, lists compared lexicographically.
 */
export function compareWellFormed(a: WellFormedTxContext, b: WellFormedTxContext): number {
  if (a.priority !== b.priority) return a.priority > b.priority ? -1 : 1;
  return (
    compareBytes(a.txHash, b.txHash) ||
    compareBigints(a.tombstoneBlock, b.tombstoneBlock) ||
    compareLists(a.keyImages, b.keyImages, compareBytes) ||
    compareLists(a.highestIndices, b.highestIndices, compareBigints) ||
    compareLists(a.outputPublicKeys, b.outputPublicKeys, compareBytes)
  );
}

/**
 * MobileCoin's combine (validators.rs `combine`): sort the candidates, then keep each one that
 * reuses no key image and no output public key of a transaction already kept, up to `max`.
 */
export function combineContexts(
  contexts: readonly WellFormedTxContext[],
  max: number = CONSENSUS_LIMITS.transactionsPerBlockMax,
): Uint8Array[] {
  const sorted = [...contexts].sort(compareWellFormed);
  const usedKeyImages = new Set<string>();
  const usedOutputKeys = new Set<string>();
  const out: Uint8Array[] = [];
  for (const c of sorted) {
    if (out.length >= max) break;
    const keyImages = c.keyImages.map(toHex);
    const outputKeys = c.outputPublicKeys.map(toHex);
    if (keyImages.some((k) => usedKeyImages.has(k))) continue;
    if (outputKeys.some((k) => usedOutputKeys.has(k))) continue;
    out.push(c.txHash);
    for (const k of keyImages) usedKeyImages.add(k);
    for (const k of outputKeys) usedOutputKeys.add(k);
  }
  return out;
}

function compareBigints(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareLists<T>(a: readonly T[], b: readonly T[], cmp: (x: T, y: T) => number): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = cmp(a[i] as T, b[i] as T);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function copyContext(c: WellFormedTxContext): WellFormedTxContext {
  return {
    priority: c.priority,
    txHash: c.txHash.slice(),
    tombstoneBlock: c.tombstoneBlock,
    keyImages: c.keyImages.map((k) => k.slice()),
    highestIndices: [...c.highestIndices],
    outputPublicKeys: c.outputPublicKeys.map((k) => k.slice()),
  };
}
