import {
  type Ballot,
  INF,
  isNewer,
  type QuorumSet,
  type ScpMessage,
  type Topic,
} from "../scp/index.js";
import type { SeededRandom } from "../util/index.js";

/**
 * The `split` Byzantine node: it tells each half of the honest nodes a different story, every
 * statement of which is individually valid. To each half it echoes, under its own name, the
 * newest statement it heard from that half (so each half sees it agreeing with whatever that half
 * is doing), now and then claims to have accepted commit of that half's ballot value up to INF,
 * and replays statements it sent that half earlier. Several split nodes use the same halves, so
 * they collude. Where the honest nodes' quorums intersect only through the Byzantine nodes, this
 * lets each half decide on its own; where they intersect despite them, it must not.
 */
export class SplitAdversary {
  private readonly group = new Map<string, number>();
  private readonly members: string[][] = [[], []];
  /** Newest statement heard from each half, per slot. */
  private readonly newest: Map<number, ScpMessage>[] = [new Map(), new Map()];
  /** What was sent to each half (bounded), for replays. */
  private readonly sent: ScpMessage[][] = [[], []];

  constructor(
    private readonly id: string,
    private readonly qset: QuorumSet,
    honest: readonly string[],
    private readonly rng: SeededRandom,
  ) {
    const half = Math.ceil(honest.length / 2);
    honest.forEach((h, i) => {
      const g = i < half ? 0 : 1;
      this.group.set(h, g);
      this.members[g]?.push(h);
    });
  }

  /** React to statements delivered from honest nodes: what to send to whom. */
  react(delivered: readonly ScpMessage[]): { to: string; msg: ScpMessage }[] {
    const out: { to: string; msg: ScpMessage }[] = [];
    for (const m of delivered) {
      const g = this.group.get(m.sender.id);
      if (g === undefined) continue;
      const newest = this.newest[g] as Map<number, ScpMessage>;
      const prev = newest.get(m.slot);
      if (prev !== undefined && !isNewer(m.topic, prev.topic)) continue;
      newest.set(m.slot, m);
      for (const n of [...newest.keys()]) if (n < m.slot - 4) newest.delete(n);
      for (const topic of this.storyFor(g, m)) this.tell(g, { ...this.own(m.slot), topic }, out);
    }
    return out;
  }

  private storyFor(g: number, m: ScpMessage): Topic[] {
    const topics: Topic[] = [m.topic];
    const x = ballotOf(m.topic)?.x;
    const roll = this.rng.nextInt(8);
    if (x !== undefined && roll < 2)
      topics.push({ type: "Commit", commit: { b: { n: INF, x }, pn: INF, cn: 1, hn: INF } });
    const history = this.sent[g] as ScpMessage[];
    if (roll === 7 && history.length > 0) topics.push(this.rng.pick(history).topic);
    return topics;
  }

  private tell(g: number, msg: ScpMessage, out: { to: string; msg: ScpMessage }[]): void {
    for (const to of this.members[g] as string[]) out.push({ to, msg });
    const history = this.sent[g] as ScpMessage[];
    history.push(msg);
    if (history.length > MAX_REPLAY_HISTORY) history.shift();
  }

  private own(slot: number): Omit<ScpMessage, "topic"> {
    return { sender: { id: this.id }, slot, quorumSet: this.qset };
  }
}

/** Statements a split node keeps per half for replays. */
const MAX_REPLAY_HISTORY = 32;

function ballotOf(t: Topic): Ballot | undefined {
  switch (t.type) {
    case "Nominate":
      return undefined;
    case "NominatePrepare":
    case "Prepare":
      return t.prepare.b;
    case "Commit":
      return t.commit.b;
    case "Externalize":
      return t.externalize.c;
  }
}
