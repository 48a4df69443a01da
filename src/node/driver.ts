import type { BlockData } from "../blockchain/index.js";
import type { Validator, ValidatorAction, ValidatorInput } from "../consensus/index.js";
import { assert, isCodedError } from "../util/index.js";
import { RuntimeError } from "./errors.js";
import { RUNTIME_LIMITS } from "./limits.js";
import type { Timers } from "./timers.js";
import type { ValidatorObserver } from "./validator-observer.js";

/**
 * THE timer loop of the process (reference node-runtime.md §1): it owns one validator, hands it
 * one input at a time with the time, executes the actions it returns and arms exactly one timer,
 * for `nextDeadlineMs()`. Nothing polls: an input is handled when it arrives. Effects that must be
 * ordered (persist a statement before it is sent, append a block before the next input) run
 * inline; calls that take time (peers, enclave, catch-up) are started and report back later as
 * inputs. The simulator's event queue is the other driver of the same validator.
 */

/** Actions that run inline, in order, before the next input. */
export type InlineAction = Extract<
  ValidatorAction,
  { kind: "persist-statement" | "append-block" | "externalized" | "fatal" }
>;

/** Actions that take time; their outcome comes back as inputs. */
export type AsyncAction = Exclude<ValidatorAction, InlineAction>;

/** What executes the validator's actions (see `action-executor.ts`). */
export interface ActionPorts {
  persistStatement(slot: number, payload: Uint8Array): void;
  appendBlock(data: BlockData): void;
  /**
   * Start `action`; resolve with the inputs that report its outcome (a failure is an input too).
   * A rejection means the node cannot go on (the enclave process died) and is fatal.
   */
  start(action: AsyncAction): Promise<ValidatorInput[]>;
}

export interface DriverEvents {
  /** Told every input before the validator sees it and every batch of actions (metrics, dump). */
  readonly observer?: ValidatorObserver;
  /** A block was completed (metrics: `tx_externalized_count`, latencies). */
  externalized?(action: Extract<ValidatorAction, { kind: "externalized" }>): void;
  /** An input the validator refused with a typed code (counted, never fatal). */
  refused?(error: Error & { code: string }): void;
  /** The node cannot go on (MobileCoin panics): the composition root logs and exits. */
  fatal(error: unknown): void;
}

export interface DriverStats {
  inputs: number;
  ticks: number;
  refused: number;
  /** Inputs dropped: the inbox was full, or the node was closing. */
  dropped: number;
  /** Calls refused at once because `peerCallsInFlightMax` were running. */
  overloaded: number;
}

export class Driver {
  readonly stats: DriverStats = { inputs: 0, ticks: 0, refused: 0, dropped: 0, overloaded: 0 };
  private readonly inbox: ValidatorInput[] = [];
  private stepping = false;
  private timer: { handle: unknown; at: number } | undefined;
  private calls = 0;
  private enclaveCalls = 0;
  private state: "running" | "closing" | "stopped" = "running";
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly validator: Validator,
    private readonly ports: ActionPorts,
    private readonly timers: Timers,
    private readonly events: DriverEvents,
  ) {}

  /** Arm the first timer; `restore` is this node's persisted statement (scenario 27). */
  start(restore?: Uint8Array): void {
    if (restore !== undefined) this.deliver({ kind: "restore", payload: restore });
    this.arm();
  }

  /** Calls (peer, enclave, catch-up) started and not yet reported. */
  get inFlight(): number {
    return this.calls;
  }

  get running(): boolean {
    return this.state === "running";
  }

  /** An input from a peer or a result: handled now, or after the step under way. */
  deliver(input: ValidatorInput): void {
    if (this.state !== "running" && !this.finishesBlock(input)) {
      this.stats.dropped++;
      return;
    }
    if (this.stepping) {
      if (this.inbox.length >= RUNTIME_LIMITS.inboxMax) {
        this.stats.dropped++;
        return;
      }
      this.inbox.push(input);
      return;
    }
    this.run(() => this.handleOne(input, false));
  }

  /**
   * A client's well-formed transaction, handled now. The validator's refusal (`OVER_CAPACITY`,
   * `TX_INVALID`, …) is thrown to the caller, who answers the client with it.
   */
  submitClientTx(input: Extract<ValidatorInput, { kind: "tx" }>): void {
    if (this.state !== "running") throw new RuntimeError("RPC_NOT_SERVING", "the node is closing");
    assert(!this.stepping, "a client transaction arrived inside a driver step");
    this.run(() => this.handleOne(input, true));
  }

  /**
   * Stop: no timer, no new input, no new call; wait for the block being formed to be appended.
   * Calls to peers still running are abandoned (their results are dropped).
   */
  async close(): Promise<void> {
    if (this.state === "stopped") return;
    this.state = "closing";
    this.disarm();
    if (this.enclaveCalls > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
    this.state = "stopped";
  }

  // --- stepping --------------------------------------------------------------------------------

  private run(body: () => void): void {
    this.stepping = true;
    try {
      body();
      for (let next = this.inbox.shift(); next !== undefined; next = this.inbox.shift())
        this.handleOne(next, false);
    } finally {
      this.stepping = false;
    }
    this.arm();
  }

  private handleOne(input: ValidatorInput, rethrow: boolean): void {
    this.stats.inputs++;
    let actions: ValidatorAction[];
    this.events.observer?.observeInput(input);
    try {
      actions = this.validator.handle(input, this.timers.nowMs());
    } catch (error) {
      if (rethrow) throw error;
      if (!isCodedError(error)) {
        this.fail(error);
        return;
      }
      this.stats.refused++;
      this.events.refused?.(error);
      return;
    }
    this.execute(actions);
  }

  private execute(actions: readonly ValidatorAction[]): void {
    this.events.observer?.observeActions(actions);
    for (const a of actions) {
      if (this.state === "stopped") return;
      switch (a.kind) {
        case "persist-statement":
          this.ports.persistStatement(a.slot, a.payload);
          break;
        case "append-block":
          if (!this.append(a.data)) return;
          break;
        case "externalized":
          this.events.externalized?.(a);
          break;
        case "fatal":
          this.fail(a.error);
          return;
        default:
          this.launch(a);
      }
    }
  }

  /** Append, then report `appended` before anything else happens (the worker's contract). */
  private append(data: BlockData): boolean {
    try {
      this.ports.appendBlock(data);
    } catch (error) {
      this.fail(error);
      return false;
    }
    this.handleOne({ kind: "appended", index: data.block.index }, false);
    return true;
  }

  private launch(a: AsyncAction): void {
    if (this.state !== "running") return;
    if (this.calls >= RUNTIME_LIMITS.peerCallsInFlightMax && a.kind !== "enclave-call") {
      this.stats.overloaded++;
      const failed = failureOf(a);
      if (failed !== undefined) this.inbox.push(failed);
      return;
    }
    this.calls++;
    const isEnclave = a.kind === "enclave-call";
    if (isEnclave) this.enclaveCalls++;
    this.ports.start(a).then(
      (inputs) => this.settle(isEnclave, inputs),
      (error) => {
        this.settle(isEnclave, []);
        this.fail(error);
      },
    );
  }

  private settle(isEnclave: boolean, inputs: readonly ValidatorInput[]): void {
    this.calls--;
    if (isEnclave) this.enclaveCalls--;
    for (const input of inputs) this.deliver(input);
    if (this.enclaveCalls === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** While closing, only the result of the block being formed is still taken. */
  private finishesBlock(input: ValidatorInput): boolean {
    return this.state === "closing" && input.kind === "enclave-result";
  }

  private fail(error: unknown): void {
    if (this.state === "stopped") return;
    this.state = "stopped";
    this.disarm();
    for (const w of this.idleWaiters.splice(0)) w();
    this.events.fatal(error);
  }

  // --- the one timer ---------------------------------------------------------------------------

  private arm(): void {
    if (this.state !== "running") return;
    const at = this.validator.nextDeadlineMs();
    if (this.timer !== undefined && this.timer.at === at) return;
    this.disarm();
    if (at === null) return;
    const delay = Math.max(0, at - this.timers.nowMs());
    this.timer = { at, handle: this.timers.setTimeout(() => this.fire(), delay) };
  }

  private disarm(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer.handle);
    this.timer = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    if (this.state !== "running") return;
    this.stats.ticks++;
    this.run(() => {
      let actions: ValidatorAction[];
      try {
        actions = this.validator.tick(this.timers.nowMs());
      } catch (error) {
        // A timer carries no peer's input to refuse: what fails here is the node's own state or
        // ledger, so it stops the way MobileCoin's panics do (one line, exit 1, supervisor restart)
        // instead of an uncaught exception.
        this.fail(error);
        return;
      }
      this.execute(actions);
    });
  }
}

/** The report of a call that was never made (too many in flight). */
function failureOf(a: AsyncAction): ValidatorInput | undefined {
  switch (a.kind) {
    case "send-consensus-msg":
    case "propose-tx":
      return { kind: "broadcast-result", peer: a.peer, id: a.id, ok: false, retryable: true };
    case "fetch-txs":
      return { kind: "fetch-result", id: a.id, outcome: { kind: "failed", retryable: true } };
    case "fetch-latest-msg":
      return { kind: "latest-msg-result", peer: a.peer, outcome: "failed" };
    case "sync-ledger":
      return { kind: "catch-up-failed" };
    case "enclave-call":
      return undefined;
  }
}
