import {
  isQuorumSlice,
  isVBlocking,
  type QuorumSet,
  SCP_LIMITS,
  type ScpMessage,
} from "../scp/index.js";

/**
 * Where the network is, from peers' SCP messages (MobileCoin `SCPNetworkState`,
 * ledger/sync/src/network_state/scp_network_state.rs). Per sender, the highest slot its messages
 * imply it externalized: an Externalize for slot s implies s, any other message s − 1. A set of
 * senders "passes" when it is a blocking set of the local quorum set and, with the local node, a
 * quorum. MobileCoin runs its quorum search over stand-in messages with empty quorum sets, so the
 * quorum test reduces to: the set satisfies the local quorum set.
 */
export class NetworkState {
  private readonly slots = new Map<string, number>();

  constructor(
    private readonly quorumSet: QuorumSet,
    /** Senders tracked; past this, unknown senders are ignored (members of the quorum set always count). */
    private readonly maxSenders: number = SCP_LIMITS.maxPeersPerSlot,
  ) {}

  push(msg: ScpMessage): void {
    const implied = msg.topic.type === "Externalize" ? msg.slot : msg.slot - 1;
    const known = this.slots.get(msg.sender.id);
    if (known !== undefined && known >= implied) return;
    if (known === undefined && this.slots.size >= this.maxSenders) return;
    this.slots.set(msg.sender.id, implied);
  }

  /** The highest slot `sender` is known to have externalized. */
  slotOf(sender: string): number | undefined {
    return this.slots.get(sender);
  }

  /** True when the senders past `localBlockIndex` are blocking and, with us, a quorum. */
  isBehind(localBlockIndex: number): boolean {
    return this.passes(this.sendersAtLeast(localBlockIndex + 1));
  }

  /** The highest block index a passing set of senders has reached, if any. */
  highestBlockIndexOnNetwork(): number | undefined {
    const seen = [...new Set(this.slots.values())].sort((a, b) => b - a);
    for (const index of seen) if (this.passes(this.sendersAtLeast(index))) return index;
    return undefined;
  }

  private sendersAtLeast(index: number): Set<string> {
    const out = new Set<string>();
    for (const [id, slot] of this.slots) if (slot >= index) out.add(id);
    return out;
  }

  private passes(senders: ReadonlySet<string>): boolean {
    if (senders.size === 0) return false;
    return isVBlocking(this.quorumSet, senders) && isQuorumSlice(this.quorumSet, senders);
  }
}
