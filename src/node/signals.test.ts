// Goal: the service's stop logic: the first SIGTERM/SIGINT or fatal error is the reason to stop;
// a second signal while stopping is "insist" (exit at once); dispose removes the handlers.
// Method: an EventEmitter stands in for `process`.
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { describe, it } from "node:test";
import { STOP_SIGNALS, waitForStop } from "./signals.js";

describe("waitForStop", () => {
  it("SIGTERM and SIGINT each stop; a second signal insists; dispose removes the handlers", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const source = new EventEmitter();
      const stop = waitForStop(source);
      const insisted: string[] = [];
      stop.onInsist((s) => insisted.push(s));
      source.emit(signal);
      assert.deepEqual(await stop.reason, { kind: "signal", signal });
      source.emit("SIGINT");
      assert.deepEqual(insisted, ["SIGINT"]);
      stop.fatal(new Error("late"));
      assert.deepEqual(await stop.reason, { kind: "signal", signal }, "the first reason stays");
      stop.dispose();
      for (const s of STOP_SIGNALS) assert.equal(source.listenerCount(s), 0);
    }
  });

  it("a fatal error stops with the error", async () => {
    const source = new EventEmitter();
    const stop = waitForStop(source);
    const error = new Error("enclave died");
    stop.fatal(error);
    const reason = await stop.reason;
    assert.equal(reason.kind, "fatal");
    assert.equal(reason.kind === "fatal" ? reason.error : undefined, error);
    stop.dispose();
  });
});
