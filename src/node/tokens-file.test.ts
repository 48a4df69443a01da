// Goal: the tokens file (--tokens) is checked by MobileCoin's TokensConfig::validate rules
// (consensus/service/config/src/tokens.rs) before the service starts, one line per problem.
// Method: hand-written JSON documents, each breaking one rule; expected fees are MobileCoin's
// constants written out here, not taken from the code under test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseTokensConfig } from "./tokens-file.js";

const doc = (tokens: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ tokens, ...extra });

describe("tokens file", () => {
  it("takes MOB's default fee (400 µMOB) and explicit fees of other tokens", () => {
    const c = parseTokensConfig(doc([{ token_id: 0 }, { token_id: 6, minimum_fee: 456_064 }]));
    assert.deepEqual(
      [...c.feeMap],
      [
        [0n, 400_000_000n],
        [6n, 456_064n],
      ],
    );
    assert.deepEqual(c.governedTokens, []);
    const governed = parseTokensConfig(
      doc([
        { token_id: 0 },
        { token_id: 1, minimum_fee: 1024, governors: { signers: "", threshold: 1 } },
      ]),
    );
    assert.deepEqual(governed.governedTokens, [1n]);
  });

  it("refuses each broken rule with the field and the problem on one line", () => {
    const cases: [string, RegExp][] = [
      ["{", /not valid JSON/],
      [doc([]), /^tokens: MOB \(token_id 0\) is missing/],
      [
        doc([{ token_id: 0 }, { token_id: 0 }]),
        /^tokens\[1\]\.token_id: token 0 is configured twice/,
      ],
      [doc([{ token_id: 0 }, { token_id: 2 }]), /^tokens\[1\]\.minimum_fee: missing/],
      [
        doc([{ token_id: 0, minimum_fee: 9_984 }]),
        /^tokens\[0\]\.minimum_fee: MOB's fee 9984 is outside/,
      ],
      [doc([{ token_id: 0, minimum_fee: 1_000_000_000_000 }]), /outside \[10000, 1000000000000\)/],
      [
        doc([{ token_id: 0 }, { token_id: 1, minimum_fee: 1024, allow_any_fee: true }]),
        /allow_any_fee: only allowed for MOB/,
      ],
      [
        doc([{ token_id: 0, governors: { signers: "", threshold: 1 } }]),
        /^tokens\[0\]\.governors: MOB cannot be minted/,
      ],
      [doc([{ token_id: 0 }, { token_id: 1, minimum_fee: 1000 }]), /^tokens: .*multiple of 128/],
      [
        doc([{ token_id: 0, minimum_fe: 1024 }]),
        /^tokens\[0\]\.minimum_fe: unknown key; did you mean minimum_fee\?/,
      ],
      [
        doc([{ token_id: 0 }], { governor_signature: "" }),
        /^governor_signature: unknown key; did you mean governors_signature\?/,
      ],
      [
        doc([{ token_id: 0 }], { governors_signature: "abcd" }),
        /^governors_signature: must be 64 bytes of hex/,
      ],
      [doc([{ token_id: -1 }]), /^tokens\[0\]\.token_id: must be a non-negative integer/],
    ];
    for (const [text, pattern] of cases)
      assert.throws(
        () => parseTokensConfig(text),
        (e: Error) => pattern.test(e.message) && !e.message.includes("\n"),
        text,
      );
    // allow_any_fee lifts MOB's range but not the multiple-of-128 rule.
    assert.equal(
      parseTokensConfig(doc([{ token_id: 0, minimum_fee: 128, allow_any_fee: true }])).feeMap.get(
        0n,
      ),
      128n,
    );
  });
});
