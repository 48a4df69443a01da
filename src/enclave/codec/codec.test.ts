// Goal: the frame codec round-trips every call and reply of the API, matches a hand-written byte
// layout, and refuses every malformed body with a typed code, never an exception.
// Method: seeded samples of all 21 calls and replies; hand-built bodies for each refusal; random
// bodies (seeded, seed printed on failure) through the decoder; frames split at every offset.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromHex, SeededRandom, toHex } from "../../util/index.js";
import { CALL_NAMES, CALL_NUMBERS, type EnclaveReply } from "../api.js";
import { ENCLAVE_ERROR_WIRE } from "../errors.js";
import {
  decodeReplyBody,
  decodeRequestBody,
  encodeReadyBody,
  encodeReplyBody,
  encodeRequestBody,
  FrameReader,
  frame,
} from "./frames.js";
import { sampleCall, sampleOk } from "./sample-calls.js";

describe("enclave frame codec", () => {
  it("round-trips a sample of every call", () => {
    const r = new SeededRandom("codec-calls");
    for (const name of CALL_NAMES) {
      const call = sampleCall(name, r);
      const decoded = decodeRequestBody(encodeRequestBody({ id: 42, call }));
      assert.deepEqual(decoded, { ok: true, request: { id: 42, call } }, name);
    }
  });

  it("round-trips a sample of every reply and every error code", () => {
    const r = new SeededRandom("codec-replies");
    for (const name of CALL_NAMES) {
      const reply: EnclaveReply = { id: 9, outcome: { ok: true, value: sampleOk(name, r) } };
      assert.deepEqual(
        decodeReplyBody(encodeReplyBody(reply), () => name),
        { kind: "reply", reply },
      );
    }
    for (const code of Object.keys(ENCLAVE_ERROR_WIRE) as (keyof typeof ENCLAVE_ERROR_WIRE)[]) {
      const txCode = code === "MALFORMED_TX" ? { txCode: "TombstoneBlockExceeded" as const } : {};
      const reply: EnclaveReply = { id: 3, outcome: { ok: false, code, ...txCode } };
      const decoded = decodeReplyBody(encodeReplyBody(reply), () => "get_signer");
      assert.deepEqual(decoded, { kind: "reply", reply });
    }
    const m = r.bytes(32);
    assert.deepEqual(
      decodeReplyBody(encodeReadyBody(m), () => undefined),
      { kind: "ready", measurement: m },
    );
  });

  it("lays out a call as id ‖ call number ‖ tagged fields", () => {
    const body = encodeRequestBody({ id: 7, call: { call: "get_minimum_fee", tokenId: 5n } });
    assert.equal(toHex(body), "00000007" + "02" + "02" + "0000000000000005");
    const peer = encodeRequestBody({ id: 1, call: { call: "peer_init", peerResponderId: "a:1" } });
    assert.equal(toHex(peer), "00000001" + "0d" + "04" + "00000003" + "613a31");
    assert.equal(toHex(frame(fromHex("abcd"))), "00000002abcd");
    const err = encodeReplyBody({ id: 258, outcome: { ok: false, code: "NOT_INITIALIZED" } });
    assert.equal(toHex(err), "00000102" + "01" + "0006");
  });

  it("refuses each kind of malformed request with its code and the id it carried", () => {
    const cases: [string, string, number, string][] = [
      ["empty body", "", 0, "MALFORMED_FRAME"],
      ["id only", "00000005", 5, "MALFORMED_FRAME"],
      ["unknown call 0", "0000000500", 5, "UNKNOWN_CALL"],
      ["unknown call 200", "00000005c8", 5, "UNKNOWN_CALL"],
      ["missing argument", "0000000502", 5, "INVALID_ARGUMENT"],
      [
        "wrong type tag (bytes for u64)",
        "000000050201000000080000000000000005",
        5,
        "INVALID_ARGUMENT",
      ],
      ["truncated u64", "00000005020200000000", 5, "INVALID_ARGUMENT"],
      ["trailing byte", "00000005020200000000000000050a", 5, "INVALID_ARGUMENT"],
      ["arguments to a getter", "0000000503" + "00", 5, "INVALID_ARGUMENT"],
      ["string not UTF-8", "000000050d0400000003ff3a31", 5, "INVALID_ARGUMENT"],
      ["string as bytes", "000000050d0100000003613a31", 5, "INVALID_ARGUMENT"],
      ["session of 63 bytes", `000000050b010000003f${"00".repeat(63)}`, 5, "INVALID_ARGUMENT"],
      ["session of 65 bytes", `000000050b0100000041${"00".repeat(65)}`, 5, "INVALID_ARGUMENT"],
      ["length beyond body", "000000050d04ffffff00613a31", 5, "INVALID_ARGUMENT"],
      ["list count beyond body", `0000000514${"03"}0000ffff`, 5, "INVALID_ARGUMENT"],
    ];
    for (const [what, hex, id, code] of cases) {
      const decoded = decodeRequestBody(fromHex(hex));
      assert.equal(decoded.ok, false, what);
      if (!decoded.ok) {
        assert.equal(decoded.code, code, what);
        assert.equal(decoded.id, id, what);
      }
    }
  });

  it("refuses an argument longer than its named limit and a body above the call's cap", () => {
    const big = encodeRequestBody({
      id: 1,
      call: { call: "install_evidence", evidence: new Uint8Array(256 * 1024 + 1) },
    });
    const d1 = decodeRequestBody(big);
    assert.equal(d1.ok ? "ok" : d1.code, "INVALID_ARGUMENT");
    const huge = encodeRequestBody({
      id: 1,
      call: { call: "peer_init", peerResponderId: "x".repeat(1024 * 1024) },
    });
    const d2 = decodeRequestBody(huge);
    assert.equal(d2.ok ? "ok" : d2.code, "CALL_TOO_LARGE");
  });

  it("never throws on random bodies, and answers each with a typed code", () => {
    const seed = `codec-random-${process.env["ENCLAVE_FUZZ_SEED"] ?? "1"}`;
    const r = new SeededRandom(seed);
    try {
      for (let i = 0; i < 20_000; i++) {
        const body = r.bytes(r.nextInt(64));
        if (body.length >= 5 && r.chance(0.7)) body[4] = CALL_NUMBERS[r.pick(CALL_NAMES)];
        const decoded = decodeRequestBody(body);
        if (!decoded.ok) assert.ok(decoded.code in ENCLAVE_ERROR_WIRE);
      }
    } catch (error) {
      console.error(`failing seed: ${seed}`);
      throw error;
    }
  });

  it("reassembles frames split at every offset and stops at an oversized length", () => {
    const bodies = [fromHex("01"), new Uint8Array(0), new SeededRandom("f").bytes(300)];
    const stream = Buffer.concat(bodies.map(frame));
    for (let cut = 0; cut <= stream.length; cut++) {
      const reader = new FrameReader(1000);
      const events = [
        ...reader.push(stream.subarray(0, cut)),
        ...reader.push(stream.subarray(cut)),
      ];
      assert.deepEqual(
        events.map((e) => (e.kind === "frame" ? toHex(e.body) : "too_large")),
        bodies.map(toHex),
      );
      assert.equal(reader.buffered(), 0);
    }
    const reader = new FrameReader(1000);
    const events = reader.push(
      Buffer.concat([frame(fromHex("aa")), fromHex("000003e9"), frame(fromHex("bb"))]),
    );
    assert.deepEqual(events, [
      { kind: "frame", body: fromHex("aa") },
      { kind: "too_large", length: 1001 },
    ]);
    assert.deepEqual(reader.push(frame(fromHex("cc"))), []);
  });

  it("treats a reply the host did not ask for as a protocol violation", () => {
    const reply = encodeReplyBody({
      id: 4,
      outcome: { ok: true, value: { call: "get_signer", signerPublicKey: new Uint8Array(32) } },
    });
    assert.throws(() => decodeReplyBody(reply, () => undefined), { code: "PROTOCOL_VIOLATION" });
    assert.throws(() => decodeReplyBody(reply, () => "get_identity"), {
      code: "PROTOCOL_VIOLATION",
    });
    assert.throws(() => decodeReplyBody(fromHex("0000000401ffff"), () => "get_identity"), {
      code: "PROTOCOL_VIOLATION",
    });
    const short = encodeReplyBody({
      id: 4,
      outcome: { ok: true, value: { call: "get_identity", kexPublicKey: new Uint8Array(31) } },
    });
    assert.throws(() => decodeReplyBody(short, () => "get_identity"), {
      code: "PROTOCOL_VIOLATION",
    });
  });
});
