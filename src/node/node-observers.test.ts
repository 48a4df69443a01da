// Goal: the node's log observer turns the validator's actions into MobileCoin's notable lines with
// the facts the actions carry: the pending values left when a slot ends (was always 0) and the
// externalized values of an appended block (were always none).
// Method: actions written by hand, a recording logger, and the expected sentences filled in by hand
// from MobileCoin's format strings (reference mobilecoin-service.md §9.2).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ValidatorAction } from "../consensus/index.js";
import type { LedgerReader } from "../ledger/index.js";
import { RecordingLogger } from "../util/index.js";
import { logObserver } from "./node-observers.js";

const ledger = { numBlocks: () => 5n } as unknown as LedgerReader;

describe("logObserver", () => {
  it("a slot's end names the pending values left after it", () => {
    const log = new RecordingLogger();
    const ended = { kind: "externalized", slot: 4, txCount: 2, latenciesMs: [], pendingAfter: 9 };
    logObserver(log, ledger).observeActions?.([ended as ValidatorAction]);
    assert.equal(
      log.records[0]?.message,
      "Slot 4 ended with 2 externalized values and 9 pending values.",
    );
  });

  it("an appended block lists the values it was formed from", () => {
    const log = new RecordingLogger();
    const append = {
      kind: "append-block",
      data: { block: { index: 4n }, signature: { signature: new Uint8Array([0xcd]) } },
      values: [new Uint8Array([0x0a]), new Uint8Array([0x0b])],
    };
    logObserver(log, ledger).observeActions?.([append as unknown as ValidatorAction]);
    assert.equal(log.records[0]?.message, "Appending block 4 to ledger (sig: cd, values: 2).");
    assert.deepEqual(log.records[0]?.fields.valueHashes, ["0a", "0b"]);
  });
});
