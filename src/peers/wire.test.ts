// Goal: consensus-message payloads and TxProposeAAD are the CBOR bytes MobileCoin's serde_cbor 0.11
// writes, and the decoder accepts exactly that shape and nothing looser.
// Method: expected bytes are spelled out here with a few CBOR head helpers written for this test
// (RFC 8949 §3: major type in the top 3 bits, shortest argument), following the serde facts listed
// in src/peers/wire.ts (maps keyed by field name in declaration order, enums as one-entry maps,
// `[u8; N]` as arrays of integers, the dalek public key as a byte string, QuorumSetMember adjacently
// tagged). The first case is MobileCoin's own fixture shape (peers/src/consensus_msg.rs tests:
// Commit B=<100,[TxHash]>, PN 77, CN 55, HN 66; a one-node quorum set instead of its empty one,
// which SCP's message rules refuse).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type QuorumSet, SCP_LIMITS, type ScpMessage } from "../scp/index.js";
import { concatBytes, fromHex, toHex, utf8 } from "../util/index.js";
import {
  decodeConsensusMsgPayload,
  decodeConsensusMsgProto,
  decodeTxProposeAad,
  encodeConsensusMsgPayload,
  encodeConsensusMsgProto,
  encodeTxProposeAad,
  PEERS_LIMITS,
  PeersError,
  type PeersErrorCode,
} from "./index.js";

// ---- CBOR spelled out ----
function head(major: number, n: number): Uint8Array {
  if (n < 24) return new Uint8Array([(major << 5) | n]);
  if (n < 256) return new Uint8Array([(major << 5) | 24, n]);
  if (n < 65536) return new Uint8Array([(major << 5) | 25, n >> 8, n & 0xff]);
  return new Uint8Array([
    (major << 5) | 26,
    n >>> 24,
    (n >>> 16) & 0xff,
    (n >>> 8) & 0xff,
    n & 0xff,
  ]);
}
const cat = (...parts: Uint8Array[]) => concatBytes(...parts);
const uint = (n: number) => head(0, n);
const txt = (s: string) => cat(head(3, utf8(s).length), utf8(s));
const bstr = (b: Uint8Array) => cat(head(2, b.length), b);
const arr = (...items: Uint8Array[]) => cat(head(4, items.length), ...items);
const map = (...kv: [string, Uint8Array][]) =>
  cat(head(5, kv.length), ...kv.flatMap(([k, v]) => [txt(k), v]));
const NULL = new Uint8Array([0xf6]);
const tuple = (b: Uint8Array) => arr(...Array.from(b, uint));
const filled = (n: number, byte: number) => new Uint8Array(n).fill(byte);

const pk = filled(32, 0xa1);
const pkB = filled(32, 0xb2);
const hash = filled(32, 0x05);
const hash2 = filled(32, 0x30);
const prev = filled(32, 0x18);
const sig = Uint8Array.from({ length: 64 }, (_, i) => i * 4);

const nodeBytes = (rid: string, key: Uint8Array) =>
  map(["responder_id", txt(rid)], ["public_key", bstr(key)]);
const txHashBytes = (h: Uint8Array) => map(["TxHash", tuple(h)]);
const ballotBytes = (n: number, xs: Uint8Array[]) =>
  map(["N", uint(n)], ["X", arr(...xs.map(txHashBytes))]);

const commitMsg: ScpMessage = {
  sender: { id: "node22.test.com:443", publicKey: pk },
  slot: 10,
  quorumSet: {
    threshold: 1,
    members: [{ type: "Node", args: { id: "b.example:8443", publicKey: pkB } }],
  },
  topic: { type: "Commit", commit: { b: { n: 100, x: [hash] }, pn: 77, cn: 55, hn: 66 } },
};

const commitBytes = map(
  [
    "scp_msg",
    map(
      ["sender_id", nodeBytes("node22.test.com:443", pk)],
      ["slot_index", uint(10)],
      [
        "quorum_set",
        map(
          ["threshold", uint(1)],
          ["members", arr(map(["type", txt("Node")], ["args", nodeBytes("b.example:8443", pkB)]))],
        ),
      ],
      [
        "topic",
        map([
          "Commit",
          map(
            ["B", ballotBytes(100, [hash])],
            ["PN", uint(77)],
            ["CN", uint(55)],
            ["HN", uint(66)],
          ),
        ]),
      ],
    ),
  ],
  ["prev_block_id", tuple(prev)],
  ["signature", tuple(sig)],
);

const nominatePrepareMsg: ScpMessage = {
  sender: { id: "a.example:8443", publicKey: pk },
  slot: 300,
  quorumSet: {
    threshold: 1,
    members: [
      { type: "Node", args: { id: "b.example:8443", publicKey: pkB } },
      {
        type: "InnerSet",
        args: { threshold: 1, members: [{ type: "Node", args: { id: "c:1", publicKey: pkB } }] },
      },
    ],
  },
  topic: {
    type: "NominatePrepare",
    nominate: { x: [hash], y: [hash2] },
    prepare: { b: { n: 2, x: [hash] }, p: { n: 1, x: [hash] }, cn: 0, hn: 1 },
  },
};

const nominatePrepareBytes = map(
  [
    "scp_msg",
    map(
      ["sender_id", nodeBytes("a.example:8443", pk)],
      ["slot_index", uint(300)],
      [
        "quorum_set",
        map(
          ["threshold", uint(1)],
          [
            "members",
            arr(
              map(["type", txt("Node")], ["args", nodeBytes("b.example:8443", pkB)]),
              map(
                ["type", txt("InnerSet")],
                [
                  "args",
                  map(
                    ["threshold", uint(1)],
                    ["members", arr(map(["type", txt("Node")], ["args", nodeBytes("c:1", pkB)]))],
                  ),
                ],
              ),
            ),
          ],
        ),
      ],
      [
        "topic",
        map([
          "NominatePrepare",
          arr(
            map(["X", arr(txHashBytes(hash))], ["Y", arr(txHashBytes(hash2))]),
            map(
              ["B", ballotBytes(2, [hash])],
              ["P", ballotBytes(1, [hash])],
              ["PP", NULL],
              ["CN", uint(0)],
              ["HN", uint(1)],
            ),
          ),
        ]),
      ],
    ),
  ],
  ["prev_block_id", tuple(prev)],
  ["signature", tuple(sig)],
);

function refuses(bytes: Uint8Array, code: PeersErrorCode): void {
  assert.throws(
    () => decodeConsensusMsgPayload(bytes),
    (e) => e instanceof PeersError && e.code === code,
    `expected ${code}`,
  );
}

/** Replace the first occurrence of `from` by `to` in `bytes`. */
function patch(bytes: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
  const hex = toHex(bytes);
  const at = hex.indexOf(toHex(from));
  assert.ok(at >= 0 && at % 2 === 0, "patch target not found");
  return fromHex(hex.slice(0, at) + toHex(to) + hex.slice(at + toHex(from).length));
}

describe("consensus message CBOR (serde_cbor shape)", () => {
  it("encodes MobileCoin's Commit fixture shape byte for byte and decodes it back", () => {
    const signed = { scpMsg: commitMsg, prevBlockId: prev, signature: sig };
    assert.equal(toHex(encodeConsensusMsgPayload(signed)), toHex(commitBytes));
    assert.deepEqual(decodeConsensusMsgPayload(commitBytes), signed);
  });

  it("encodes NominatePrepare as a two-element array, members adjacently tagged, PP as null", () => {
    const signed = { scpMsg: nominatePrepareMsg, prevBlockId: prev, signature: sig };
    assert.equal(toHex(encodeConsensusMsgPayload(signed)), toHex(nominatePrepareBytes));
    const back = decodeConsensusMsgPayload(nominatePrepareBytes);
    assert.deepEqual(back, signed);
    assert.ok(
      !("pp" in (back.scpMsg.topic as { prepare: object }).prepare),
      "absent PP stays absent",
    );
  });

  it("encodes TxProposeAAD { origin_node, relayed_by } and decodes it back", () => {
    const aad = { originNode: { id: "a:1", publicKey: pk }, relayedBy: "b:2" };
    const expected = fromHex(
      `a2${"6b"}${toHex(utf8("origin_node"))}a2${"6c"}${toHex(utf8("responder_id"))}63${toHex(utf8("a:1"))}` +
        `6a${toHex(utf8("public_key"))}5820${"a1".repeat(32)}6a${toHex(utf8("relayed_by"))}63${toHex(utf8("b:2"))}`,
    );
    assert.equal(toHex(encodeTxProposeAad(aad)), toHex(expected));
    assert.deepEqual(decodeTxProposeAad(expected), aad);
  });

  it("wraps the payload in consensus_peer.ConsensusMsg { from_responder_id = 1, payload = 2 }", () => {
    const payload = new Uint8Array([1, 2, 3]);
    const proto = encodeConsensusMsgProto("r:1", payload);
    // field 1, wire type 2: 0x0a len "r:1"; field 2, wire type 2: 0x12 len bytes.
    assert.equal(toHex(proto), `0a03${toHex(utf8("r:1"))}1203010203`);
    assert.deepEqual(decodeConsensusMsgProto(proto), { fromResponderId: "r:1", payload });
    assert.throws(
      () => decodeConsensusMsgProto(new Uint8Array([0x0a, 0x09])),
      (e) => e instanceof PeersError && e.code === "MALFORMED_PAYLOAD",
    );
  });

  it("refuses encodings serde_cbor never writes", () => {
    // slot_index 10 in a one-byte argument instead of the shortest form
    refuses(
      patch(
        commitBytes,
        cat(txt("slot_index"), uint(10)),
        cat(txt("slot_index"), new Uint8Array([0x18, 10])),
      ),
      "MALFORMED_PAYLOAD",
    );
    refuses(cat(commitBytes, new Uint8Array([0])), "MALFORMED_PAYLOAD"); // trailing byte
    refuses(cat(new Uint8Array([0xbf]), commitBytes.subarray(1)), "MALFORMED_PAYLOAD"); // indefinite map
    refuses(cat(new Uint8Array([0xc6]), commitBytes), "MALFORMED_PAYLOAD"); // a tag
    refuses(commitBytes.subarray(0, commitBytes.length - 1), "MALFORMED_PAYLOAD"); // truncated
    // keys out of declaration order
    refuses(
      patch(
        commitBytes,
        cat(txt("PN"), uint(77), txt("CN"), uint(55)),
        cat(txt("CN"), uint(55), txt("PN"), uint(77)),
      ),
      "MALFORMED_PAYLOAD",
    );
    // prev_block_id as a byte string instead of serde's array of integers
    refuses(patch(commitBytes, tuple(prev), bstr(prev)), "MALFORMED_PAYLOAD");
    // a 33-element "hash"
    refuses(
      patch(commitBytes, tuple(hash), arr(...Array.from(hash, uint), uint(0))),
      "PAYLOAD_TOO_LARGE",
    );
  });

  it("refuses a mint value, an unsorted nomination set and a byte above 255", () => {
    refuses(patch(commitBytes, txt("TxHash"), txt("MintTx")), "UNSUPPORTED_VALUE");
    const unsorted = patch(
      nominatePrepareBytes,
      map(["X", arr(txHashBytes(hash))], ["Y", arr(txHashBytes(hash2))]),
      map(["X", arr(txHashBytes(hash2), txHashBytes(hash))], ["Y", arr()]),
    );
    refuses(unsorted, "INVALID_SCP_MSG");
    refuses(
      patch(commitBytes, tuple(prev), arr(...Array.from(prev, uint).slice(0, 31), uint(256))),
      "MALFORMED_PAYLOAD",
    );
  });

  it("carries a quorum set at SCP's depth limit, and refuses one a level deeper", () => {
    const nest = (levels: number): QuorumSet =>
      levels === 0
        ? { threshold: 1, members: [{ type: "Node", args: { id: "deep:1", publicKey: pkB } }] }
        : { threshold: 1, members: [{ type: "InnerSet", args: nest(levels - 1) }] };
    const at = (levels: number) => ({
      scpMsg: { ...commitMsg, quorumSet: nest(levels) },
      prevBlockId: prev,
      signature: sig,
    });
    const deepest = at(SCP_LIMITS.maxQuorumSetDepth);
    assert.deepEqual(decodeConsensusMsgPayload(encodeConsensusMsgPayload(deepest)), deepest);
    const tooDeep = encodeConsensusMsgPayload(at(SCP_LIMITS.maxQuorumSetDepth + 1));
    assert.throws(
      () => decodeConsensusMsgPayload(tooDeep),
      (e) =>
        e instanceof PeersError && (e.code === "INVALID_SCP_MSG" || e.code === "PAYLOAD_TOO_LARGE"),
    );
  });

  it("refuses payloads over the size limit and nesting past the depth limit", () => {
    refuses(new Uint8Array(PEERS_LIMITS.maxPayloadBytes + 1), "PAYLOAD_TOO_LARGE");
    const deep = cat(
      ...Array.from({ length: PEERS_LIMITS.maxCborDepth + 2 }, () => new Uint8Array([0x81])),
      uint(0),
    );
    refuses(deep, "PAYLOAD_TOO_LARGE");
  });
});
