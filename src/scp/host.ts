import { assert } from "../util/index.js";
import type { ScpMessage } from "./message.js";
import type { NodeOutput, ScpNode } from "./node.js";
import type { ValueList } from "./values.js";

/**
 * Loss tolerance around an `ScpNode`. SCP suppresses duplicate outgoing messages, so a lost message
 * is never repeated and a lossy network stalls (reference F9, pitfall 10). This wrapper re-broadcasts
 * the node's latest messages (current slot and retained ones, so lagging peers hear the Externalize
 * they missed) every `intervalMs` of silence, the way stellar-core re-sends its state.
 */
export class RebroadcastingNode {
  readonly node: ScpNode;
  readonly intervalMs: number;
  private nextRebroadcastAt: number;

  constructor(node: ScpNode, intervalMs: number, now = 0) {
    assert(intervalMs > 0, "re-broadcast interval must be positive");
    this.node = node;
    this.intervalMs = intervalMs;
    this.nextRebroadcastAt = now + intervalMs;
  }

  propose(values: ValueList, now: number): NodeOutput {
    return this.wrap(this.node.propose(values, now), now);
  }

  handleMessages(messages: readonly ScpMessage[], now: number): NodeOutput {
    return this.wrap(this.node.handleMessages(messages, now), now);
  }

  /** Fire SCP timers, then re-broadcast if the interval has passed without anything sent. */
  processTimeouts(now: number): NodeOutput {
    const out = this.node.processTimeouts(now);
    if (out.messages.length === 0 && now >= this.nextRebroadcastAt) {
      this.nextRebroadcastAt = now + this.intervalMs;
      return { ...out, messages: this.node.latestMessages(), wakeAtMs: this.wake() };
    }
    return this.wrap(out, now);
  }

  /** Earliest of the node's timers and the next re-broadcast. */
  nextDeadline(): number {
    return this.wake();
  }

  private wrap(out: NodeOutput, now: number): NodeOutput {
    if (out.messages.length > 0) this.nextRebroadcastAt = now + this.intervalMs;
    return { ...out, wakeAtMs: this.wake() };
  }

  private wake(): number {
    const d = this.node.nextDeadline();
    return d === null ? this.nextRebroadcastAt : Math.min(d, this.nextRebroadcastAt);
  }
}
