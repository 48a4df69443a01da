// Goal: our Merlin/STROBE-128 matches merlin 3.0 byte for byte. Method: merlin's own known-answer
// tests (the "simple" protocol and the long-message case that crosses many STROBE blocks), plus
// clone independence.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toHex, utf8 } from "../util/index.js";
import { MerlinTranscript } from "./merlin.js";

describe("Merlin transcripts", () => {
  it("match merlin's known answer for the simple protocol", () => {
    const t = new MerlinTranscript("test protocol");
    t.appendMessage("some label", utf8("some data"));
    assert.equal(
      toHex(t.challengeBytes("challenge", 32)),
      "d5a21972d0d5fe320c0d263fac7fffb8145aa640af6e9bca177c03c7efcf0615",
    );
  });

  it("match merlin's known answer for a long message and repeated challenges", () => {
    // merlin's `complex_transcript` test: 1024 bytes of 99 appended, then 32 challenges in a row.
    const t = new MerlinTranscript("test protocol");
    t.appendMessage("step1", utf8("some data"));
    const data = new Uint8Array(1024).fill(99);
    let chl: Uint8Array = new Uint8Array(32);
    for (let i = 0; i < 32; i++) {
      chl = t.challengeBytes("challenge", 32);
      t.appendMessage("bigdata", data);
      t.appendMessage("challengedata", chl);
    }
    assert.equal(toHex(chl), "a8c933f54fae76e3f9bea93648c1308e7dfa2152dd51674ff3ca438351cf003c");
  });

  it("clones independently", () => {
    const a = new MerlinTranscript("x");
    a.appendU64("n", 64n);
    const b = a.clone();
    const ca = a.challengeBytes("c", 16);
    const cb = b.challengeBytes("c", 16);
    assert.equal(toHex(ca), toHex(cb));
    a.appendMessage("m", utf8("1"));
    b.appendMessage("m", utf8("2"));
    assert.notEqual(toHex(a.challengeBytes("c", 16)), toHex(b.challengeBytes("c", 16)));
  });
});
