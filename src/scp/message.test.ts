/**
 * Goal: what each statement implies (MobileCoin's implication table) and the per-sender newer-than
 * order, including the nomination growth rule.
 * Method: hand-built statements with the reference's example values.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  acceptsCommit,
  acceptsPrepared,
  INF,
  isNewer,
  type Topic,
  type Value,
  votesOrAcceptsCommit,
  votesOrAcceptsPrepared,
} from "./index.js";

const v = (n: number): Value => new Uint8Array([n]);
const X = [v(1)];
const W = [v(2)];

describe("statement implications", () => {
  test("Commit {B=<10,v>, PN=9, CN=7, HN=8}", () => {
    const c: Topic = { type: "Commit", commit: { b: { n: 10, x: X }, pn: 9, cn: 7, hn: 8 } };
    assert.ok(votesOrAcceptsCommit(c, X, 7, INF), "votes commit [7, INF]");
    assert.ok(!votesOrAcceptsCommit(c, X, 6, 8));
    assert.ok(acceptsCommit(c, X, 7, 8), "accepts commit [7, 8]");
    assert.ok(!acceptsCommit(c, X, 7, 9));
    assert.ok(acceptsPrepared(c, { n: 9, x: X }), "accepts prepare <9, v>");
    assert.ok(!acceptsPrepared(c, { n: 10, x: X }));
    assert.ok(votesOrAcceptsPrepared(c, { n: INF, x: X }), "votes prepare up to INF");
    assert.ok(!votesOrAcceptsPrepared(c, { n: 1, x: W }), "other values: nothing");
  });

  test("Prepare and Externalize", () => {
    const p: Topic = {
      type: "Prepare",
      prepare: { b: { n: 5, x: X }, p: { n: 4, x: X }, pp: { n: 3, x: W }, cn: 2, hn: 4 },
    };
    assert.ok(
      votesOrAcceptsPrepared(p, { n: 5, x: X }) && !votesOrAcceptsPrepared(p, { n: 6, x: X }),
    );
    assert.ok(
      acceptsPrepared(p, { n: 4, x: X }) &&
        acceptsPrepared(p, { n: 2, x: W }) &&
        !acceptsPrepared(p, { n: 5, x: X }),
    );
    assert.ok(votesOrAcceptsCommit(p, X, 2, 4) && !votesOrAcceptsCommit(p, X, 2, 5));
    assert.ok(!acceptsCommit(p, X, 2, 2), "a Prepare accepts no commit");
    const e: Topic = { type: "Externalize", externalize: { c: { n: 3, x: X }, hn: 5 } };
    assert.ok(acceptsCommit(e, X, 3, INF) && !acceptsCommit(e, X, 2, 4));
    assert.ok(acceptsPrepared(e, { n: INF, x: X }));
    const n: Topic = { type: "Nominate", nominate: { x: X, y: [] } };
    assert.ok(!votesOrAcceptsPrepared(n, { n: 1, x: X }) && !acceptsCommit(n, X, 1, 1));
  });
});

describe("newer-than order", () => {
  const nom = (x: number[], y: number[]): Topic => ({
    type: "Nominate",
    nominate: { x: x.map(v), y: y.map(v) },
  });
  test("nomination must grow: kept votes and acceptances, something added", () => {
    assert.ok(isNewer(nom([1, 2], []), nom([1], [])));
    assert.ok(isNewer(nom([2], [1]), nom([1, 2], [])), "a vote became an acceptance");
    assert.ok(!isNewer(nom([1], []), nom([1], [])), "same");
    assert.ok(!isNewer(nom([3, 4], []), nom([1], [])), "votes swapped, though more of them");
    assert.ok(!isNewer(nom([1, 2], []), nom([], [1])), "an acceptance dropped back to a vote");
  });

  test("topic order, then ballot fields (CN ignored)", () => {
    const prep = (b: number, hn = 0, cn = 0): Topic => ({
      type: "Prepare",
      prepare: { b: { n: b, x: X }, p: { n: b, x: X }, cn, hn },
    });
    assert.ok(isNewer(prep(1), nom([1, 2, 3], [4])));
    assert.ok(isNewer(prep(2), prep(1)));
    assert.ok(isNewer(prep(2, 1, 1), prep(2)));
    assert.ok(!isNewer(prep(2, 1, 1), prep(2, 1, 0)), "only CN differs");
    const ext = (hn: number): Topic => ({
      type: "Externalize",
      externalize: { c: { n: 1, x: X }, hn },
    });
    assert.ok(isNewer(ext(1), prep(9)));
    assert.ok(isNewer(ext(INF), ext(1)) && !isNewer(ext(1), ext(1)));
  });
});
