import type { SeededRandom } from "../util/index.js";

/**
 * The simulated network between nodes, generic over what it carries (SCP statements today, a
 * validator's peer messages later): every packet is dropped, delayed, duplicated or cut off by a
 * partition as the fault model and the seeded randomness decide, then waits in the receiver's inbox
 * until the tick it is due. The network only tells its driver when an inbox has packets due
 * (`onDue`); the driver's event queue decides when that time comes, and the receiver's harness takes
 * the packets. A node the driver marks down (`crash`, until `restart`) loses what is due for it.
 */
export interface Partition {
  /** Groups that cannot talk to each other; nodes not listed form one more group. */
  groups: string[][];
  startMs: number;
  endMs: number;
}

export interface NetworkFaults {
  /** Probability that a packet is lost (before `faultsEndMs`). */
  loss: number;
  /** Probability that a packet is delivered twice (before `faultsEndMs`). */
  duplicate: number;
  /** Uniform delivery delay, inclusive; varying delays reorder packets. */
  delayMinMs: number;
  delayMaxMs: number;
  /** Loss and duplication stop here; partitions keep their own windows and heal at their end. */
  faultsEndMs: number;
  partitions: readonly Partition[];
  /** Receivers handle their inbox once per tick: a delivery is due at the next multiple. */
  tickMs: number;
}

export interface Packet<P> {
  /** The transport-level sender (what an authenticated channel would report). */
  from: string;
  payload: P;
}

export interface NetworkStats {
  sent: number;
  delivered: number;
  dropped: number;
}

/** True when a partition active at time `t` puts `a` and `b` in different groups. */
export function separated(
  partitions: readonly Partition[],
  a: string,
  b: string,
  t: number,
): boolean {
  for (const p of partitions) {
    if (t < p.startMs || t >= p.endMs) continue;
    const ga = p.groups.findIndex((g) => g.includes(a));
    const gb = p.groups.findIndex((g) => g.includes(b));
    if (ga !== gb) return true;
  }
  return false;
}

export class PacketNetwork<P> {
  readonly stats: NetworkStats = { sent: 0, delivered: 0, dropped: 0 };
  /** Per receiver: packets by the virtual time they are due. */
  private readonly inboxes = new Map<string, Map<number, Packet<P>[]>>();
  /** Nodes that are down: packets still travel to them but are dropped when due. */
  private readonly down = new Set<string>();

  constructor(
    private readonly faults: NetworkFaults,
    private readonly rng: SeededRandom,
    /** Called once per (receiver, due time) when the first packet for it is queued. */
    private readonly onDue: (to: string, at: number) => void,
  ) {}

  /** True when a partition separates `a` and `b` at time `t`. */
  separated(a: string, b: string, t: number): boolean {
    return separated(this.faults.partitions, a, b, t);
  }

  /**
   * Send one packet at virtual time `now`: counted as sent, then dropped or queued (maybe twice).
   * Returns false when it was dropped (what a call over a real channel would report as failed).
   */
  send(from: string, to: string, payload: P, now: number): boolean {
    const f = this.faults;
    this.stats.sent += 1;
    if (separated(f.partitions, from, to, now)) {
      this.stats.dropped += 1;
      return false;
    }
    const faulty = now < f.faultsEndMs;
    if (faulty && f.loss > 0 && this.rng.chance(f.loss)) {
      this.stats.dropped += 1;
      return false;
    }
    this.queue(to, { from, payload }, now + this.delay());
    if (faulty && f.duplicate > 0 && this.rng.chance(f.duplicate))
      this.queue(to, { from, payload }, now + this.delay());
    return !this.down.has(to);
  }

  /** Crash hook: from now on, packets due for `id` are dropped on arrival. */
  crash(id: string): void {
    this.down.add(id);
  }

  /** Restart hook: `id` receives again (packets that fell due while it was down stay lost). */
  restart(id: string): void {
    this.down.delete(id);
  }

  isDown(id: string): boolean {
    return this.down.has(id);
  }

  /**
   * The packets due for `to` at `at`, removed from its inbox (not yet counted as delivered);
   * none, counted as dropped, when `to` is down.
   */
  take(to: string, at: number): Packet<P>[] {
    if (this.down.has(to)) {
      this.discard(to, at);
      return [];
    }
    return this.due(to, at);
  }

  /** Drop the packets due for `to` at `at` (a crashed receiver, or one that runs no engine). */
  discard(to: string, at: number): void {
    this.stats.dropped += this.due(to, at).length;
  }

  private due(to: string, at: number): Packet<P>[] {
    const inbox = this.inboxes.get(to);
    const due = inbox?.get(at);
    if (due === undefined) return [];
    inbox?.delete(at);
    return due;
  }

  /** The receiver accepted `accepted` packets and refused `refused` (e.g. forged senders). */
  count(accepted: number, refused: number): void {
    this.stats.delivered += accepted;
    this.stats.dropped += refused;
  }

  private delay(): number {
    const f = this.faults;
    return f.delayMinMs + this.rng.nextInt(f.delayMaxMs - f.delayMinMs + 1);
  }

  private queue(to: string, packet: Packet<P>, at: number): void {
    const tick = this.faults.tickMs;
    const due = Math.ceil(at / tick) * tick;
    let inbox = this.inboxes.get(to);
    if (inbox === undefined) {
      inbox = new Map();
      this.inboxes.set(to, inbox);
    }
    const list = inbox.get(due);
    if (list !== undefined) list.push(packet);
    else {
      inbox.set(due, [packet]);
      this.onDue(to, due);
    }
  }
}
