import { toHex } from "../../util/index.js";
import type { ReportDataContents } from "../api.js";

/** A report handed out by `new_report`: its preimage and the encoded SW report itself. */
export interface PendingReport {
  contents: ReportDataContents;
  report: Uint8Array;
}

/**
 * Reports handed out by `new_report` and not yet matched by `install_evidence`, keyed by nonce
 * (MobileCoin keeps pending quotes in an LRU of 64). Insertion order is age: when full, the
 * oldest entry is dropped, so a host asking for reports in a loop cannot grow it.
 */
export class PendingReports {
  private readonly byNonce = new Map<string, PendingReport>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.byNonce.size;
  }

  add(pending: PendingReport): void {
    const key = toHex(pending.contents.nonce);
    this.byNonce.delete(key);
    this.byNonce.set(key, pending);
    while (this.byNonce.size > this.capacity) {
      const oldest = this.byNonce.keys().next().value as string;
      this.byNonce.delete(oldest);
    }
  }

  /** The pending report for `nonce`, left in place. */
  get(nonce: Uint8Array): PendingReport | undefined {
    return this.byNonce.get(toHex(nonce));
  }

  /** Remove and return the report for `nonce`, if still pending. */
  take(nonce: Uint8Array): PendingReport | undefined {
    const key = toHex(nonce);
    const found = this.byNonce.get(key);
    this.byNonce.delete(key);
    return found;
  }

  has(nonce: Uint8Array): boolean {
    return this.byNonce.has(toHex(nonce));
  }
}
