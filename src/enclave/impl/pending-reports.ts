import { toHex } from "../../util/index.js";
import type { ReportDataContents } from "../api.js";

/**
 * Report-data contents handed out by `new_report` and not yet matched by `install_evidence`,
 * keyed by nonce (MobileCoin keeps pending quotes in an LRU of 64). Insertion order is age: when
 * full, the oldest entry is dropped, so a host asking for reports in a loop cannot grow it.
 */
export class PendingReports {
  private readonly byNonce = new Map<string, ReportDataContents>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.byNonce.size;
  }

  add(contents: ReportDataContents): void {
    const key = toHex(contents.nonce);
    this.byNonce.delete(key);
    this.byNonce.set(key, contents);
    while (this.byNonce.size > this.capacity) {
      const oldest = this.byNonce.keys().next().value as string;
      this.byNonce.delete(oldest);
    }
  }

  /** Remove and return the contents for `nonce`, if still pending. */
  take(nonce: Uint8Array): ReportDataContents | undefined {
    const key = toHex(nonce);
    const found = this.byNonce.get(key);
    this.byNonce.delete(key);
    return found;
  }

  has(nonce: Uint8Array): boolean {
    return this.byNonce.has(toHex(nonce));
  }
}
