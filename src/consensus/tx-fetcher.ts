import type { WellFormedTxContext } from "../enclave/index.js";
import { toHex } from "../util/index.js";
import { CONSENSUS_LIMITS } from "./limits.js";

/**
 * Fetching the transactions a consensus message names but this node lacks (MobileCoin
 * `fetch_missing_txs`, consensus/service/src/byzantine_ledger/worker.rs; reference §6.4), sans
 * I/O. Hashes are asked of the peer that relayed the message, in chunks of `fetchChunk`; a
 * retryable failure is retried after MobileCoin's Fibonacci delays from 100 ms (10 retries). A
 * peer answering "not in cache" has those hashes remembered as unavailable from it for the rest
 * of the slot, and messages it relays that need them are skipped. Each request is independent, so
 * a peer that withholds a transaction delays only the messages it relayed.
 */
export interface FetchAction {
  readonly kind: "fetch-txs";
  readonly id: number;
  readonly peer: string;
  readonly txHashes: readonly Uint8Array[];
}

/** A fetched transaction after the host's well-formed check. */
export interface FetchedTx {
  readonly encrypted: Uint8Array;
  readonly context: WellFormedTxContext;
}

/** How a `fetch-txs` action ended, as the driver reports it. */
export type FetchOutcome =
  /**
   * The peer answered; the host decrypted the reply (`peer_tx_propose`) and ran `tx_is_well_formed`
   * on each transaction. Malformed ones are left out (MobileCoin logs them as crit and drops the message).
   */
  | { readonly kind: "delivered"; readonly txs: readonly FetchedTx[] }
  /** `GetTxs` answered `NotInCache` for these hashes. */
  | { readonly kind: "not-in-cache"; readonly txHashes: readonly Uint8Array[] }
  /** The call failed; `retryable` for transport and attestation errors. */
  | { readonly kind: "failed"; readonly retryable: boolean };

/** What a report settled: the request's peer and hashes, and those now known unavailable. */
export interface FetchSettled {
  readonly peer: string;
  readonly txHashes: readonly Uint8Array[];
  /** Hashes this peer cannot serve (reported or given up on). */
  readonly unavailable: readonly Uint8Array[];
}

interface Request {
  readonly id: number;
  readonly peer: string;
  readonly txHashes: readonly Uint8Array[];
  attempts: number;
  retryAtMs: number | undefined;
}

export class TxFetcher {
  private readonly requests = new Map<number, Request>();
  /** Hashes asked of each peer and not settled yet (hex), to avoid asking twice. */
  private readonly asked = new Map<string, Set<string>>();
  private readonly unavailable = new Map<string, Set<string>>();
  private nextId = 1;
  dropped = 0;

  constructor(
    private readonly delaysMs: readonly number[] = CONSENSUS_LIMITS.fetchRetryDelaysMs,
    private readonly chunk: number = CONSENSUS_LIMITS.fetchChunk,
    private readonly maxRequests: number = CONSENSUS_LIMITS.fetchesMax,
  ) {}

  /** Has `peer` said, this slot, that it cannot serve one of these hashes? */
  isUnavailable(peer: string, txHashes: readonly Uint8Array[]): boolean {
    const set = this.unavailable.get(peer);
    return set !== undefined && txHashes.some((h) => set.has(toHex(h)));
  }

  /** Ask `peer` for the hashes not already asked of it; answers the actions to start. */
  need(peer: string, txHashes: readonly Uint8Array[]): FetchAction[] {
    let asked = this.asked.get(peer);
    if (asked === undefined) {
      asked = new Set();
      this.asked.set(peer, asked);
    }
    const fresh = txHashes.filter((h) => !(asked as Set<string>).has(toHex(h)));
    const out: FetchAction[] = [];
    for (let i = 0; i < fresh.length; i += this.chunk) {
      if (this.requests.size >= this.maxRequests) {
        this.dropped++;
        break;
      }
      const part = fresh.slice(i, i + this.chunk);
      for (const h of part) asked.add(toHex(h));
      const r: Request = {
        id: this.nextId++,
        peer,
        txHashes: part,
        attempts: 1,
        retryAtMs: undefined,
      };
      this.requests.set(r.id, r);
      out.push(action(r));
    }
    return out;
  }

  /** A report on request `id`; undefined when the id is unknown or the request is retried. */
  result(id: number, outcome: FetchOutcome, nowMs: number): FetchSettled | undefined {
    const r = this.requests.get(id);
    if (r === undefined || r.retryAtMs !== undefined) return undefined;
    if (outcome.kind === "failed" && outcome.retryable) {
      const delay = this.delaysMs[r.attempts - 1];
      if (delay !== undefined) {
        r.retryAtMs = nowMs + delay;
        return undefined;
      }
    }
    this.settle(r);
    let unavailable: readonly Uint8Array[] = [];
    if (outcome.kind === "not-in-cache") unavailable = outcome.txHashes;
    else if (outcome.kind === "failed") unavailable = r.txHashes;
    this.markUnavailable(r.peer, unavailable);
    return { peer: r.peer, txHashes: r.txHashes, unavailable };
  }

  /** Retries whose time has come. */
  tick(nowMs: number): FetchAction[] {
    const out: FetchAction[] = [];
    for (const r of this.requests.values())
      if (r.retryAtMs !== undefined && r.retryAtMs <= nowMs) {
        r.retryAtMs = undefined;
        r.attempts++;
        out.push(action(r));
      }
    return out;
  }

  nextDeadlineMs(): number | null {
    let next: number | null = null;
    for (const r of this.requests.values())
      if (r.retryAtMs !== undefined && (next === null || r.retryAtMs < next)) next = r.retryAtMs;
    return next;
  }

  /** Requests in flight or waiting to retry. */
  get inFlight(): number {
    return this.requests.size;
  }

  /** A new slot: forget what peers could not serve (MobileCoin clears the memo at slot completion). */
  newSlot(): void {
    this.unavailable.clear();
  }

  private settle(r: Request): void {
    this.requests.delete(r.id);
    const asked = this.asked.get(r.peer);
    if (asked !== undefined) for (const h of r.txHashes) asked.delete(toHex(h));
  }

  /** Remember, for this slot, that `peer` cannot serve these hashes. */
  markUnavailable(peer: string, txHashes: readonly Uint8Array[]): void {
    if (txHashes.length === 0) return;
    let set = this.unavailable.get(peer);
    if (set === undefined) {
      set = new Set();
      this.unavailable.set(peer, set);
    }
    for (const h of txHashes) {
      if (set.size >= CONSENSUS_LIMITS.unavailablePerPeerMax) break;
      set.add(toHex(h));
    }
  }
}

function action(r: Request): FetchAction {
  return { kind: "fetch-txs", id: r.id, peer: r.peer, txHashes: r.txHashes };
}
