// Goal: a receiver accepts a consensus message only if it is relayed by a configured peer, issued by
// a known node with its configured key, signed strictly over the `peer-message` digest, and built on
// the block its ledger has at slot − 1 (else it is classified as for a block we lack); every refusal
// is a typed PeersError code.
// Method: messages signed with seeded keys, each refusal case changing exactly one thing of a
// message that is otherwise accepted. Small-order points are checked with @noble/curves (not used by
// the code under test) to show the strict list is what it claims.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { ed25519 } from "@noble/curves/ed25519.js";
import { Ed25519Signer, ed25519Verify } from "../crypto/index.js";
import type { ScpMessage } from "../scp/index.js";
import { fromHex, SeededRandom } from "../util/index.js";
import {
  consensusMsgDigest,
  encodeConsensusMsgPayload,
  PeersError,
  type PeersErrorCode,
  signConsensusMsg,
  type VerifyContext,
  verifyConsensusMsg,
  verifyEd25519Strict,
} from "./index.js";

const rng = new SeededRandom("peers-consensus-msg");
const alice = Ed25519Signer.generate(rng);
const bob = Ed25519Signer.generate(rng);
const mallory = Ed25519Signer.generate(rng);
const A = "alice.test:8443";
const B = "bob.test:8443";
const blockIds = [1, 2, 3].map((b) => new Uint8Array(32).fill(b));

function msg(slot: number, signer = alice, id = A): ScpMessage {
  return {
    sender: { id, publicKey: signer.publicKey },
    slot,
    quorumSet: {
      threshold: 1,
      members: [{ type: "Node", args: { id: B, publicKey: bob.publicKey } }],
    },
    topic: { type: "Nominate", nominate: { x: [new Uint8Array(32).fill(9)], y: [] } },
  };
}

const ctx: VerifyContext = {
  peers: new Set([A, B]),
  knownNodes: new Map([
    [A, alice.publicKey],
    [B, bob.publicKey],
  ]),
  numBlocks: 3,
  blockId: (i) => blockIds[i] as Uint8Array,
};

const payload = (slot: number, prev: Uint8Array, signer = alice, id = A) =>
  encodeConsensusMsgPayload(signConsensusMsg(msg(slot, signer, id), prev, signer));

function refused(code: PeersErrorCode, from: string, bytes: Uint8Array, c: VerifyContext = ctx) {
  assert.throws(
    () => verifyConsensusMsg(from, bytes, c),
    (e) => e instanceof PeersError && e.code === code,
    `expected ${code}`,
  );
}

describe("consensus message signing and verification", () => {
  it("accepts a message on our last block as current, earlier ones as past, later ones as future", () => {
    const current = verifyConsensusMsg(B, payload(3, blockIds[2] as Uint8Array), ctx);
    assert.equal(current.position, "current");
    assert.deepEqual(current.digest, consensusMsgDigest(msg(3), blockIds[2] as Uint8Array));
    assert.equal(
      verifyConsensusMsg(B, payload(2, blockIds[1] as Uint8Array), ctx).position,
      "past",
    );
    // slot 5 builds on block 4, which we do not have: its previous block id cannot be checked yet.
    assert.equal(
      verifyConsensusMsg(B, payload(5, new Uint8Array(32).fill(0xee)), ctx).position,
      "future",
    );
  });

  it("refuses a message that builds on another block than ours at slot − 1", () => {
    refused("PREV_BLOCK_MISMATCH", B, payload(3, blockIds[1] as Uint8Array));
  });

  it("refuses a message relayed by a peer that is not configured", () => {
    refused("UNKNOWN_PEER", "stranger.test:8443", payload(3, blockIds[2] as Uint8Array));
  });

  it("refuses an unknown issuer unless told to accept them", () => {
    const bytes = payload(3, blockIds[2] as Uint8Array, mallory, "mallory.test:8443");
    refused("UNKNOWN_ISSUER", B, bytes);
    assert.equal(
      verifyConsensusMsg(B, bytes, { ...ctx, acceptUnknownIssuers: true }).position,
      "current",
    );
  });

  it("refuses a known responder id carrying another key, even correctly signed", () => {
    refused("ISSUER_KEY_MISMATCH", B, payload(3, blockIds[2] as Uint8Array, mallory, A));
  });

  it("refuses a signature that does not cover the message or its previous block id", () => {
    const signed = signConsensusMsg(msg(3), blockIds[2] as Uint8Array, alice);
    const flipped = signed.signature.slice();
    flipped[10] = (flipped[10] as number) ^ 1;
    refused("INVALID_SIGNATURE", B, encodeConsensusMsgPayload({ ...signed, signature: flipped }));
    // Signed over block 1's id, then relabelled as building on block 2 (ours): the digest changes.
    const stale = signConsensusMsg(msg(3), blockIds[1] as Uint8Array, alice);
    refused(
      "INVALID_SIGNATURE",
      B,
      encodeConsensusMsgPayload({ ...stale, prevBlockId: blockIds[2] as Uint8Array }),
    );
    // Signed by a key other than the one in sender_id.
    const other = {
      ...signed,
      signature: bob.sign(consensusMsgDigest(msg(3), blockIds[2] as Uint8Array)),
    };
    refused("INVALID_SIGNATURE", B, encodeConsensusMsgPayload(other));
  });

  it("refuses slot 0 when signing and when receiving", () => {
    assert.throws(
      () => signConsensusMsg(msg(0), blockIds[0] as Uint8Array, alice),
      (e) => e instanceof PeersError && e.code === "ZERO_SLOT",
    );
    const forged = {
      scpMsg: msg(0),
      prevBlockId: blockIds[0] as Uint8Array,
      signature: new Uint8Array(64),
    };
    refused("ZERO_SLOT", B, encodeConsensusMsgPayload(forged));
  });

  it("refuses to sign a message naming another key than the signer's", () => {
    assert.throws(
      () => signConsensusMsg(msg(3, bob), blockIds[2] as Uint8Array, alice),
      (e) => e instanceof PeersError && e.code === "ISSUER_KEY_MISMATCH",
    );
  });

  it("refuses a malformed payload with a typed code", () => {
    refused("MALFORMED_PAYLOAD", B, new Uint8Array([0xa0]));
  });
});

describe("strict Ed25519 (dalek verify_strict)", () => {
  const smallOrder = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
  ];

  it("these encodings are small-order points (checked with noble)", () => {
    for (const h of smallOrder) assert.ok(ed25519.Point.fromHex(h).multiplyUnsafe(8n).is0(), h);
  });

  it("refuses the identity-key forgery that plain OpenSSL verification accepts", () => {
    const key = fromHex(smallOrder[0] as string);
    const sig = new Uint8Array(64);
    sig.set(key, 0); // R = identity, S = 0: [S]B = R + [k]A holds for every message
    const message = new Uint8Array([1, 2, 3]);
    assert.ok(ed25519Verify(key, message, sig), "premise: the lenient check accepts it");
    assert.equal(verifyEd25519Strict(key, message, sig), false);
  });

  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  const le = (n: bigint) =>
    Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
  const leToBig = (b: Uint8Array) => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);

  it("refuses a small-order key even when R is an ordinary point", () => {
    // A = identity, R = [s]B, S = s: valid for every message under the cofactorless equation.
    const s = 123456789n;
    const sig = new Uint8Array(64);
    sig.set(ed25519.Point.BASE.multiply(s).toBytes(), 0);
    sig.set(le(s), 32);
    const key = fromHex(smallOrder[0] as string);
    const message = new Uint8Array([4, 5]);
    assert.ok(ed25519Verify(key, message, sig), "premise: the lenient check accepts it");
    assert.equal(verifyEd25519Strict(key, message, sig), false);
  });

  it("refuses a small-order R even when the key is ordinary", () => {
    // R = identity, S = k·a with k = H(R‖A‖M): verifies without small-order A.
    const seed = new Uint8Array(32).fill(42);
    const { scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(seed);
    const R = fromHex(smallOrder[0] as string);
    const message = new Uint8Array([6]);
    const k =
      leToBig(
        new Uint8Array(createHash("sha512").update(R).update(pointBytes).update(message).digest()),
      ) % L;
    const sig = new Uint8Array(64);
    sig.set(R, 0);
    sig.set(le((k * scalar) % L), 32);
    assert.ok(ed25519Verify(pointBytes, message, sig), "premise: the lenient check accepts it");
    assert.equal(verifyEd25519Strict(pointBytes, message, sig), false);
  });

  it("refuses a small-order key or R and accepts an ordinary signature", () => {
    const message = new Uint8Array([7]);
    const good = alice.sign(message);
    assert.ok(verifyEd25519Strict(alice.publicKey, message, good));
    for (const h of smallOrder) {
      assert.equal(verifyEd25519Strict(fromHex(h), message, good), false, `key ${h}`);
      const badR = good.slice();
      badR.set(fromHex(h), 0);
      assert.equal(verifyEd25519Strict(alice.publicKey, message, badR), false, `R ${h}`);
    }
  });
});
