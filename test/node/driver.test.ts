// Goal: the driver is the one timer loop: it arms exactly one timer, for the validator's next
// deadline, and re-arms when the deadline moves; it feeds call results back as inputs; a client's
// refusal reaches the caller while a peer's is counted; close() stops timers and new work but
// finishes the block being formed and appended.
// Method: a scripted validator (it records what it is handed and answers with the actions each
// test sets) on the virtual clock; calls are deferred promises the test resolves.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BlockData } from "../../src/blockchain/index.js";
import {
  ConsensusError,
  type Validator,
  type ValidatorAction,
  type ValidatorInput,
} from "../../src/consensus/index.js";
import { type AsyncAction, Driver } from "../../src/node/index.js";
import { EPOCH_MS, VirtualTimers } from "./virtual-timers.js";

class ScriptedValidator {
  deadline: number | null = null;
  readonly seen: { kind: string; at: number }[] = [];
  answer: (input: ValidatorInput) => ValidatorAction[] = () => [];
  handle(input: ValidatorInput, nowMs: number): ValidatorAction[] {
    this.seen.push({ kind: input.kind, at: nowMs });
    return this.answer(input);
  }
  tickError: Error | undefined;
  tick(nowMs: number): ValidatorAction[] {
    this.seen.push({ kind: "tick", at: nowMs });
    this.deadline = null;
    if (this.tickError !== undefined) throw this.tickError;
    return [];
  }
  nextDeadlineMs(): number | null {
    return this.deadline;
  }
}

function setup() {
  const timers = new VirtualTimers();
  const v = new ScriptedValidator();
  const started: AsyncAction[] = [];
  const appended: bigint[] = [];
  const fatal: unknown[] = [];
  const observed: string[] = [];
  let release: ((inputs: ValidatorInput[]) => void) | undefined;
  const driver = new Driver(
    v as unknown as Validator,
    {
      persistStatement: () => {},
      appendBlock: (data) => appended.push(data.block.index),
      start: (a) => {
        started.push(a);
        return new Promise((resolve) => {
          release = resolve;
        });
      },
    },
    timers,
    {
      fatal: (e) => fatal.push(e),
      observer: {
        observeInput: (i) => observed.push(`in:${i.kind}`),
        observeActions: (as) => observed.push(...as.map((a) => `out:${a.kind}`)),
      },
    },
  );
  return {
    timers,
    v,
    driver,
    started,
    appended,
    fatal,
    observed,
    release: (i: ValidatorInput[]) => release?.(i),
  };
}

const heard = { kind: "heard-from", peer: "p" } as const;
const turn = () => new Promise<void>((r) => setImmediate(r));

describe("node driver", () => {
  it("arms one timer for the next deadline, re-arms when it moves, ticks when it fires", () => {
    const { timers, v, driver } = setup();
    v.deadline = EPOCH_MS + 1000;
    driver.start();
    assert.deepEqual(timers.armed(), [EPOCH_MS + 1000]);
    v.deadline = EPOCH_MS + 400;
    driver.deliver(heard);
    assert.deepEqual(timers.armed(), [EPOCH_MS + 400], "the old timer is cleared");
    driver.deliver(heard);
    assert.deepEqual(timers.armed(), [EPOCH_MS + 400], "an unchanged deadline keeps its timer");
    assert.ok(timers.fireNext());
    assert.deepEqual(v.seen.at(-1), { kind: "tick", at: EPOCH_MS + 400 });
    assert.deepEqual(timers.armed(), [], "no deadline, no timer");
  });

  it("stops through the fatal path, not an uncaught exception, when a timer's work fails", () => {
    // Seen once in a testnet: the worker's tick read a block the ledger did not return.
    const { timers, v, driver, fatal } = setup();
    v.deadline = EPOCH_MS + 100;
    v.tickError = new ConsensusError("TX_NOT_IN_CACHE", "block 15 not found");
    driver.start();
    assert.doesNotThrow(() => timers.fireNext());
    assert.deepEqual(fatal, [v.tickError]);
    assert.equal(driver.running, false);
    v.deadline = EPOCH_MS + 200;
    driver.deliver(heard);
    assert.deepEqual(timers.armed(), [], "a stopped driver arms nothing");
    assert.equal(driver.stats.dropped, 1);
  });

  it("feeds a call's result back as an input", async () => {
    const { v, driver, started, observed, release } = setup();
    v.answer = (i) => (i.kind === "heard-from" ? [{ kind: "fetch-latest-msg", peer: "p" }] : []);
    driver.start();
    driver.deliver(heard);
    assert.equal(started.length, 1);
    assert.equal(driver.inFlight, 1);
    release([{ kind: "latest-msg-result", peer: "p", outcome: "empty" }]);
    await turn();
    assert.equal(driver.inFlight, 0);
    assert.equal(v.seen.at(-1)?.kind, "latest-msg-result");
    assert.deepEqual(observed, ["in:heard-from", "out:fetch-latest-msg", "in:latest-msg-result"]);
  });

  it("throws a client's refusal to the caller and counts a peer's", () => {
    const { v, driver } = setup();
    v.answer = () => {
      throw new ConsensusError("OVER_CAPACITY", "full");
    };
    driver.start();
    const tx = { kind: "tx", encrypted: new Uint8Array(1), context: {} } as unknown as Extract<
      ValidatorInput,
      { kind: "tx" }
    >;
    assert.throws(() => driver.submitClientTx(tx), { code: "OVER_CAPACITY" });
    driver.deliver({ ...tx, aad: new Uint8Array(0) });
    assert.equal(driver.stats.refused, 1);
  });

  it("close() stops the timer and new work, and waits for the block being formed to be appended", async () => {
    const { timers, v, driver, started, appended, fatal, release } = setup();
    const block = { block: { index: 7n } } as unknown as BlockData;
    v.answer = (i) => {
      if (i.kind === "heard-from")
        return [{ kind: "enclave-call", id: 1, call: { call: "form_block" } as never }];
      if (i.kind === "enclave-result") return [{ kind: "append-block", data: block }];
      if (i.kind === "appended") return [{ kind: "fetch-latest-msg", peer: "p" }];
      return [];
    };
    v.deadline = EPOCH_MS + 1000;
    driver.start();
    driver.deliver(heard);
    let closed = false;
    const closing = driver.close().then(() => {
      closed = true;
    });
    assert.deepEqual(timers.armed(), [], "no timer while closing");
    driver.deliver(heard);
    assert.equal(driver.stats.dropped, 1, "new input is dropped");
    await turn();
    assert.equal(closed, false, "waits for form_block");
    release([{ kind: "enclave-result", id: 1, outcome: { ok: false, code: "X" } as never }]);
    await closing;
    assert.deepEqual(appended, [7n], "the block was appended");
    assert.equal(started.length, 1, "nothing new started after close");
    assert.deepEqual(fatal, []);
  });
});
