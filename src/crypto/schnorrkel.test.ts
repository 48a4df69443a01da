// Goal: schnorrkel signing/verification and the HC-128 generator behave as the Rust crates do.
// Method: HC-128's published zero-key keystream (rand_hc's "true values"), sign→verify round
// trips, determinism, and one corruption per rejection path. Byte-exactness against MobileCoin's
// fog authority signatures is checked by the b58 vector suite.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isCodedError, SeededRandom, utf8 } from "../util/index.js";
import { Hc128Rng } from "./hc128.js";
import { Ristretto, Scalars } from "./ristretto.js";
import { schnorrkelSignDeterministic, schnorrkelVerify } from "./schnorrkel.js";

describe("HC-128", () => {
  it("gives the eSTREAM keystream for the all-zero key and IV", () => {
    const rng = new Hc128Rng(new Uint8Array(32));
    const words = Array.from({ length: 4 }, () => rng.nextWord().toString(16).padStart(8, "0"));
    assert.deepEqual(words, ["73150082", "3bfd03a0", "fb2fd77f", "aa63af0e"]);
  });
});

describe("schnorrkel", () => {
  const rng = new SeededRandom(77);
  const key = Scalars.random(rng);
  const pub = Ristretto.multiplyBase(key);
  const ctx = utf8("Fog authority signature");
  const msg = utf8("some spki");

  it("signs deterministically and verifies", () => {
    const sig = schnorrkelSignDeterministic(key, ctx, msg);
    assert.deepEqual(sig, schnorrkelSignDeterministic(key, ctx, msg));
    assert.ok(schnorrkelVerify(pub, ctx, msg, sig));
    assert.ok(!schnorrkelVerify(pub, utf8("other context"), msg, sig));
    assert.ok(!schnorrkelVerify(pub, ctx, utf8("other"), sig));
    assert.ok(!schnorrkelVerify(Ristretto.multiplyBase(Scalars.random(rng)), ctx, msg, sig));
  });

  it("rejects malformed signatures with INVALID_SIGNATURE", () => {
    const sig = schnorrkelSignDeterministic(key, ctx, msg);
    const unmarked = sig.slice();
    unmarked[63]! &= 0x7f;
    const bad = (s: Uint8Array) => () => schnorrkelVerify(pub, ctx, msg, s);
    const typed = (e: unknown) => isCodedError(e, ["INVALID_SIGNATURE"]);
    assert.throws(bad(unmarked), typed);
    assert.throws(bad(sig.slice(0, 63)), typed);
    const big = sig.slice();
    big.fill(0xff, 32, 64); // s ≥ ℓ once the marker is cleared
    assert.throws(bad(big), typed);
  });
});
