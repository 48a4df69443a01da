import { InputError } from "./errors.js";

/**
 * A FIFO with a fixed capacity. `push` refuses (returns false) when full, so the caller decides
 * whether to drop, count or reject; it never grows without bound. O(1) push and shift.
 */
export class BoundedQueue<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private count = 0;
  readonly capacity: number;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new InputError(
        "LIMIT_EXCEEDED",
        `queue capacity must be a positive integer: ${capacity}`,
      );
    }
    this.capacity = capacity;
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  isFull(): boolean {
    return this.count === this.capacity;
  }

  push(item: T): boolean {
    if (this.count === this.capacity) return false;
    this.items[(this.head + this.count) % this.capacity] = item;
    this.count++;
    return true;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return item;
  }

  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  /** Remove and return up to `max` items from the front. */
  drain(max = this.count): T[] {
    const out: T[] = [];
    while (out.length < max && this.count > 0) out.push(this.shift() as T);
    return out;
  }
}
