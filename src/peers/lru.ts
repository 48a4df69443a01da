/** A bounded set with least-recently-used eviction (MobileCoin's `LruCache<_, ()>` of seen items). */
export class LruSet {
  private readonly items = new Map<string, true>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.items.size;
  }

  /** Is `key` present? A hit refreshes it, as MobileCoin's `get()` does. */
  touch(key: string): boolean {
    if (!this.items.has(key)) return false;
    this.items.delete(key);
    this.items.set(key, true);
    return true;
  }

  add(key: string): void {
    this.items.delete(key);
    this.items.set(key, true);
    while (this.items.size > this.capacity) {
      const oldest = this.items.keys().next().value as string;
      this.items.delete(oldest);
    }
  }
}
