import {
  type Ballot,
  compareBallots,
  type NodeOutput,
  type ScpMessage,
  type ScpNode,
  validateMessage,
} from "../scp/index.js";
import { toHex } from "../util/index.js";

/**
 * Section 8 of the reference: every statement an honest node emits passes the strict sanity rules
 * (and has P ≤ B), a slot is never externalized twice with different values, and the slot
 * invariants hold after every step. Fed with each honest node's step: what it emitted and decided,
 * and its engine afterwards (whatever wraps the `ScpNode`: the simulator's host, a validator).
 */
export class InvariantChecker {
  /** Statements checked so far. */
  statementsChecked = 0;
  /** The first `MAX_VIOLATIONS` violations, as "node at T ms: what". */
  readonly violations: string[] = [];
  private readonly lastBallot = new Map<string, Ballot>();

  constructor(
    /** What `node` decided for `slot` before this step (to catch a second, different decision). */
    private readonly decidedKey: (node: string, slot: number) => string | undefined,
  ) {}

  /**
   * One honest node's step at `now`. `sendsToPeers` is false for a node with an empty quorum set
   * (valid locally but never sent to a peer).
   */
  step(
    node: string,
    sendsToPeers: boolean,
    out: Pick<NodeOutput, "messages" | "externalized">,
    engine: ScpNode | undefined,
    now: number,
  ): void {
    if (sendsToPeers) for (const m of out.messages) this.statement(node, m, now);
    for (const e of out.externalized) {
      const had = this.decidedKey(node, e.slot);
      if (had !== undefined && had !== e.values.map(toHex).join(","))
        this.violation(node, now, `externalized slot ${e.slot} twice with different values`);
    }
    if (engine !== undefined) this.slotState(node, engine, now);
  }

  private statement(node: string, m: ScpMessage, now: number): void {
    this.statementsChecked += 1;
    try {
      validateMessage(m);
    } catch (error) {
      this.violation(
        node,
        now,
        `emitted an invalid statement (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    // MobileCoin's Msg::validate refuses P above B (reference pitfall 6); checked here apart
    // from the engine's own assertion.
    const t = m.topic;
    const prep = t.type === "Prepare" || t.type === "NominatePrepare" ? t.prepare : undefined;
    if (prep?.p !== undefined && compareBallots(prep.p, prep.b) > 0)
      this.violation(node, now, `emitted a Prepare with P above B (slot ${m.slot})`);
  }

  private slotState(node: string, engine: ScpNode, now: number): void {
    const slot = engine.currentSlot;
    const st = slot.snapshot();
    const same = (a: Ballot, b: Ballot) => a.x.map(toHex).join() === b.x.map(toHex).join();
    if (st.pp && (!st.p || compareBallots(st.pp, st.p) >= 0 || same(st.pp, st.p)))
      this.violation(node, now, "p' is not below and incompatible with p");
    if (st.c && (!st.h || st.c.n > st.h.n || !same(st.c, st.h)))
      this.violation(node, now, "c is not below and compatible with h");
    const frozen = st.phase === "Commit" || st.phase === "Externalize";
    if (frozen && st.b && st.h && (!same(st.b, st.h) || st.pp))
      this.violation(node, now, "value not frozen in Commit/Externalize");
    const key = `${node}/${slot.index}`;
    const prev = this.lastBallot.get(key);
    // The counter never goes down. (At INF a switch to the accepted-commit value may order lower:
    // stellar-core's bumpToBallot skips its "no decrease" check there too.)
    if (prev && st.b && st.b.n < prev.n && engine.currentSlotIndex === slot.index)
      this.violation(node, now, "ballot counter decreased");
    if (st.b) this.lastBallot.set(key, st.b);
  }

  private violation(node: string, now: number, what: string): void {
    if (this.violations.length < MAX_VIOLATIONS)
      this.violations.push(`${node} at ${now} ms: ${what}`);
  }
}

/** Violations a run reports at most. */
const MAX_VIOLATIONS = 20;
