// Goal: the enclave's transaction calls on real transactions over real Noise sessions:
// client_tx_propose and peer_tx_propose decrypt, decode strictly, check the pinned fee map
// (client only, as MobileCoin), cache under a local key and expose exactly the context (hash, key
// images, output keys, each proof's highest index); tx_is_well_formed runs the full validation
// with the host's root proofs (one root), computes MobileCoin's priority and returns the
// well-formed ciphertext and context; txs_for_peer gives the peer the very transactions as a
// TxList under the AAD; every hostile argument is refused with a typed code, and MALFORMED_TX
// carries the ProposeTxResult across the frame codec.
// Method: transactions from src/transaction's builder (makeSampleSpend) with their ledger view;
// expected contexts are read off the transaction objects the builder returned (not from bytes the
// enclave produced); priorities are worked out by hand.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toBinary } from "@bufbuild/protobuf";
import {
  NoiseTestChannels,
  sealFromRemote,
  type TestSession,
} from "../../../test/helpers/test-channels.js";
import { TxOutMembershipProofSchema } from "../../proto/external_pb.js";
import {
  decodeTx,
  encodeTx,
  InMemoryLedgerView,
  makeSampleSpend,
  membershipProofToProto,
  type Tx,
  type TxOutMembershipProof,
  txHash,
} from "../../transaction/index.js";
import { concatBytes, SeededRandom } from "../../util/index.js";
import type { EnclaveCall, EnclaveOutcome, FeeMapEntry, OkOf, TxContext } from "../api.js";
import { InProcessEnclaveHost } from "../host/in-process.js";
import { SoftwareEnclave } from "./enclave.js";
import { decodeField1List, encodeField1List } from "./transactions.js";

/** The time calls are handled at; only evidence checks read it, and these calls have none. */
const AT_MS = 1_800_000_000_000;

const MOB_ONLY: FeeMapEntry[] = [{ tokenId: 0n, minimumFee: 400_000_000n }];
const SECRET = new SeededRandom("tx-secret").bytes(32);
const MEASUREMENT = new SeededRandom("tx-measurement").bytes(32);

function init(feeMap: readonly FeeMapEntry[] = MOB_ONLY): EnclaveCall {
  return {
    call: "enclave_init",
    peerResponderId: "peer.test:8443",
    clientResponderId: "client.test:3223",
    sealedBlockSigningKey: undefined,
    config: { feeMap, blockVersion: 3, governors: undefined },
  };
}

interface Fixture {
  e: SoftwareEnclave;
  channels: NoiseTestChannels;
  client: TestSession;
  peer: TestSession;
}

function fixture(seed: string, feeMap?: readonly FeeMapEntry[]): Fixture {
  const channels = new NoiseTestChannels(new SeededRandom(`${seed}/channels`));
  const e = new SoftwareEnclave({
    random: new SeededRandom(seed),
    sealSecret: SECRET,
    measurement: MEASUREMENT,
    channels,
  });
  assert.ok(e.handle(init(feeMap), AT_MS).ok);
  return { e, channels, client: channels.connectClient(), peer: channels.connectPeer() };
}

function ok<K extends EnclaveCall["call"]>(outcome: EnclaveOutcome, call: K): OkOf<K> {
  if (!outcome.ok) assert.fail(`${call} refused: ${outcome.code} ${outcome.txCode ?? ""}`);
  assert.equal(outcome.value.call, call);
  return outcome.value as OkOf<K>;
}

function refusal(outcome: EnclaveOutcome): string {
  if (outcome.ok) return "ok";
  return outcome.txCode === undefined ? outcome.code : `${outcome.code}/${outcome.txCode}`;
}

const encodeProof = (p: TxOutMembershipProof) =>
  toBinary(TxOutMembershipProofSchema, membershipProofToProto(p));

function rootProofs(tx: Tx, view: InMemoryLedgerView): Uint8Array[] {
  return tx.prefix.inputs.flatMap((i) =>
    i.proofs.map((p) => encodeProof(view.rootProof(p.highestIndex))),
  );
}

const spend = makeSampleSpend({
  blockVersion: 3,
  inputs: 2,
  outputs: 3,
  rng: new SeededRandom("txcalls"),
});
const view = spend.ledger as InMemoryLedgerView;
const latest = view.numBlocks - 1n;
const second = makeSampleSpend({
  blockVersion: 3,
  inputs: 1,
  outputs: 2,
  rng: new SeededRandom("txcalls-2"),
});

function expectContext(context: TxContext, tx: Tx): void {
  assert.deepEqual(context.txHash, txHash(tx));
  assert.deepEqual(
    context.keyImages,
    tx.signature.ringSignatures.map((s) => s.keyImage),
  );
  assert.deepEqual(
    context.outputPublicKeys,
    tx.prefix.outputs.map((o) => o.publicKey),
  );
  assert.deepEqual(
    context.highestIndices,
    tx.prefix.inputs.flatMap((i) => i.proofs.map((p) => p.highestIndex)),
  );
  assert.equal(context.highestIndices.length, 22);
}

function propose(f: Fixture, tx: Tx | Uint8Array): EnclaveOutcome {
  const bytes = tx instanceof Uint8Array ? tx : encodeTx(tx);
  return f.e.handle(
    {
      call: "client_tx_propose",
      message: sealFromRemote(f.client, new Uint8Array(0), bytes),
    },
    AT_MS,
  );
}

function wellFormed(
  f: Fixture,
  lec: Uint8Array,
  proofs: Uint8Array[],
  blockIndex = latest,
): EnclaveOutcome {
  return f.e.handle(
    { call: "tx_is_well_formed", locallyEncryptedTx: lec, blockIndex, proofs },
    AT_MS,
  );
}

describe("client_tx_propose", () => {
  it("returns the context and a local ciphertext that holds no plaintext", () => {
    const f = fixture("client-ok");
    const { context } = ok(propose(f, spend.tx), "client_tx_propose");
    expectContext(context, spend.tx);
    const plain = encodeTx(spend.tx);
    assert.equal(context.locallyEncryptedTx.length, plain.length + 36);
    const outputKey = Buffer.from(spend.tx.prefix.outputs[0]!.publicKey);
    assert.equal(Buffer.from(context.locallyEncryptedTx).indexOf(outputKey), -1);
  });

  it("refuses undecodable plaintext, a foreign fee map digest, and works without a digest", () => {
    const f = fixture("client-bad", [...MOB_ONLY, { tokenId: 8192n, minimumFee: 1024n }]);
    assert.equal(refusal(propose(f, new SeededRandom("junk").bytes(200))), "SERIALIZATION");
    // A field MobileCoin's Tx does not have (field 9, varint): strict decoding refuses it.
    assert.equal(
      refusal(propose(f, concatBytes(encodeTx(spend.tx), new Uint8Array([0x48, 1])))),
      "SERIALIZATION",
    );
    assert.equal(refusal(propose(f, spend.tx)), "MALFORMED_TX/FeeMapDigestMismatch");
    const unpinned = { ...spend.tx, feeMapDigest: new Uint8Array(0) };
    expectContext(ok(propose(f, unpinned), "client_tx_propose").context, unpinned);
  });

  it("passes the session's refusal on; the enclave's own sessions do not know a test session", () => {
    const f = fixture("client-session");
    const message = sealFromRemote(f.client, new Uint8Array(0), encodeTx(spend.tx));
    const tampered = { ...message, data: message.data.map((b, i) => (i === 0 ? b ^ 1 : b)) };
    assert.equal(
      refusal(f.e.handle({ call: "client_tx_propose", message: tampered }, AT_MS)),
      "INVALID_ARGUMENT",
    );
    const bare = new SoftwareEnclave({
      random: new SeededRandom("bare"),
      sealSecret: SECRET,
      measurement: MEASUREMENT,
    });
    assert.ok(bare.handle(init(), AT_MS).ok);
    assert.equal(refusal(bare.handle({ call: "client_tx_propose", message }, AT_MS)), "NOT_FOUND");
    assert.equal(refusal(bare.handle({ call: "peer_tx_propose", message }, AT_MS)), "NOT_FOUND");
  });
});

describe("peer_tx_propose", () => {
  const list = (txs: readonly Tx[]) => encodeField1List(txs.map(encodeTx));
  const send = (f: Fixture, bytes: Uint8Array) =>
    f.e.handle(
      {
        call: "peer_tx_propose",
        message: sealFromRemote(f.peer, new Uint8Array([1, 2]), bytes),
      },
      AT_MS,
    );

  it("returns one context per transaction of the TxList, in order", () => {
    const f = fixture("peer-ok");
    const { contexts } = ok(send(f, list([spend.tx, second.tx])), "peer_tx_propose");
    assert.equal(contexts.length, 2);
    expectContext(contexts[0]!, spend.tx);
    assert.deepEqual(contexts[1]!.txHash, txHash(second.tx));
    assert.deepEqual(ok(send(f, new Uint8Array(0)), "peer_tx_propose").contexts, []);
  });

  it("refuses a TxList with another field, a cut entry, a bad Tx, or more than 5,000 entries", () => {
    const f = fixture("peer-bad");
    const good = list([spend.tx]);
    assert.equal(refusal(send(f, concatBytes(good, new Uint8Array([0x12, 0])))), "SERIALIZATION");
    assert.equal(refusal(send(f, good.subarray(0, good.length - 1))), "SERIALIZATION");
    assert.equal(refusal(send(f, encodeField1List([new Uint8Array([0xff])]))), "SERIALIZATION");
    const many = new Uint8Array(2 * 5001).map((_, i) => (i % 2 === 0 ? 0x0a : 0));
    assert.equal(refusal(send(f, many)), "SERIALIZATION");
    assert.equal(decodeField1List(many.subarray(0, 10_000), 5000).length, 5000);
  });
});

describe("tx_is_well_formed", () => {
  it("validates with the host's root proofs and computes MobileCoin's priority", () => {
    // fee 400,000,000 with minimum 384,000,000: 400e6 / (384e6 >> 7 = 3e6) = 133.33 → 133.
    for (const [minimumFee, priority] of [
      [400_000_000n, 128n],
      [384_000_000n, 133n],
    ] as const) {
      const f = fixture(`wf-${minimumFee}`, [{ tokenId: 0n, minimumFee }]);
      // Through a peer: MobileCoin checks the pinned fee map digest only on client submissions.
      const message = sealFromRemote(
        f.peer,
        new Uint8Array(0),
        encodeField1List([encodeTx(spend.tx)]),
      );
      const [context] = ok(
        f.e.handle({ call: "peer_tx_propose", message }, AT_MS),
        "peer_tx_propose",
      ).contexts;
      const wf = ok(
        wellFormed(f, context!.locallyEncryptedTx, rootProofs(spend.tx, view)),
        "tx_is_well_formed",
      );
      assert.equal(wf.context.priority, priority);
      assert.equal(wf.context.tombstoneBlock, spend.tx.prefix.tombstoneBlock);
      assert.deepEqual(wf.context.txHash, txHash(spend.tx));
      assert.deepEqual(wf.context.keyImages, context!.keyImages);
      assert.deepEqual(wf.context.highestIndices, context!.highestIndices);
      assert.deepEqual(wf.context.outputPublicKeys, context!.outputPublicKeys);
      assert.notDeepEqual(wf.wellFormedEncryptedTx, context!.locallyEncryptedTx);
    }
  });

  it("refuses broken rules, disagreeing or garbled proofs and ciphertexts not its own", () => {
    const f = fixture("wf-bad");
    const lec = ok(propose(f, spend.tx), "client_tx_propose").context.locallyEncryptedTx;
    const proofs = rootProofs(spend.tx, view);
    assert.equal(
      refusal(wellFormed(f, lec, proofs, spend.tx.prefix.tombstoneBlock)),
      "MALFORMED_TX/TombstoneBlockExceeded",
    );
    assert.equal(refusal(wellFormed(f, lec, proofs.slice(1))), "MALFORMED_TX/InvalidLedgerContext");
    // One root proof from a later state of the ledger: two roots.
    const grown = new InMemoryLedgerView(view.numBlocks);
    for (const o of view.txOuts) grown.append(o);
    grown.append(second.tx.prefix.outputs[0]!);
    const mixed = [encodeProof(grown.rootProof(grown.numTxOuts - 1n)), ...proofs.slice(1)];
    assert.equal(refusal(wellFormed(f, lec, mixed)), "INVALID_LOCAL_MEMBERSHIP_PROOF");
    assert.equal(
      refusal(wellFormed(f, lec, [new Uint8Array([0xff, 0xff]), ...proofs.slice(1)])),
      "INVALID_ARGUMENT",
    );
    const altered = lec.slice();
    altered[5] = (altered[5] as number) ^ 1;
    assert.equal(refusal(wellFormed(f, altered, proofs)), "CACHE_CIPHER");
    assert.equal(refusal(wellFormed(fixture("wf-other"), lec, proofs)), "CACHE_CIPHER");
    const wf = ok(wellFormed(f, lec, proofs), "tx_is_well_formed").wellFormedEncryptedTx;
    assert.equal(
      refusal(wellFormed(f, wf, proofs)),
      "CACHE_CIPHER",
      "a well-formed ciphertext is not a local one",
    );
    // A fee token the enclave does not know.
    const token = makeSampleSpend({
      blockVersion: 3,
      inputs: 1,
      outputs: 2,
      tokenId: 8192n,
      rng: new SeededRandom("tok"),
    });
    const tlec = ok(
      propose(f, { ...token.tx, feeMapDigest: new Uint8Array(0) }),
      "client_tx_propose",
    ).context;
    const tproofs = rootProofs(token.tx, token.ledger as InMemoryLedgerView);
    assert.equal(
      refusal(wellFormed(f, tlec.locallyEncryptedTx, tproofs, 9n)),
      "MALFORMED_TX/TokenNotYetConfigured",
    );
  });

  it("carries the ProposeTxResult code across the frame codec", async () => {
    const channels = new NoiseTestChannels(new SeededRandom("host/channels"));
    const host = new InProcessEnclaveHost({
      random: new SeededRandom("host"),
      sealSecret: SECRET,
      measurement: MEASUREMENT,
      nowMs: () => AT_MS,
      channels,
    });
    assert.ok((await host.call(init() as Extract<EnclaveCall, { call: "enclave_init" }>)).ok);
    const client = channels.connectClient();
    const propose = await host.call({
      call: "client_tx_propose",
      message: sealFromRemote(client, new Uint8Array(0), encodeTx(spend.tx)),
    });
    const lec = ok(propose, "client_tx_propose").context.locallyEncryptedTx;
    const outcome = await host.call({
      call: "tx_is_well_formed",
      locallyEncryptedTx: lec,
      blockIndex: 1_000_000n,
      proofs: rootProofs(spend.tx, view),
    });
    assert.deepEqual(outcome, {
      ok: false,
      code: "MALFORMED_TX",
      txCode: "TombstoneBlockExceeded",
    });
  });
});

describe("txs_for_peer", () => {
  it("seals the transactions as a TxList for the peer, under the AAD", () => {
    const f = fixture("forpeer");
    const wfs = [spend.tx, { ...second.tx, feeMapDigest: new Uint8Array(0) }].map((tx) => {
      const lec = ok(propose(f, tx), "client_tx_propose").context.locallyEncryptedTx;
      const proofs = rootProofs(tx, tx === spend.tx ? view : (second.ledger as InMemoryLedgerView));
      return ok(wellFormed(f, lec, proofs), "tx_is_well_formed").wellFormedEncryptedTx;
    });
    const aad = new Uint8Array([0xa1, 0x61, 0x6f]);
    const { message } = ok(
      f.e.handle(
        {
          call: "txs_for_peer",
          wellFormedEncryptedTxs: wfs,
          aad,
          session: f.peer.channelId,
        },
        AT_MS,
      ),
      "txs_for_peer",
    );
    assert.deepEqual(message.aad, aad);
    assert.deepEqual(message.channelId, f.peer.channelId);
    const list = f.peer.remote.decrypt(aad, message.data);
    const txs = decodeField1List(list, 10).map(decodeTx);
    assert.deepEqual(txs.map(txHash), [
      txHash(spend.tx),
      txHash({ ...second.tx, feeMapDigest: new Uint8Array(0) }),
    ]);
  });

  it("refuses local ciphertexts, unknown sessions, and another enclave's ciphertexts", () => {
    const f = fixture("forpeer-bad");
    const lec = ok(propose(f, spend.tx), "client_tx_propose").context.locallyEncryptedTx;
    const wf = ok(
      wellFormed(f, lec, rootProofs(spend.tx, view)),
      "tx_is_well_formed",
    ).wellFormedEncryptedTx;
    const call = (wellFormedEncryptedTxs: Uint8Array[], session: Uint8Array) =>
      f.e.handle(
        { call: "txs_for_peer", wellFormedEncryptedTxs, aad: new Uint8Array(0), session },
        AT_MS,
      );
    assert.equal(refusal(call([lec], f.peer.channelId)), "CACHE_CIPHER");
    assert.equal(refusal(call([wf], new Uint8Array(64))), "INVALID_ARGUMENT");
    assert.equal(
      refusal(call([wf], f.client.channelId)),
      "INVALID_ARGUMENT",
      "a client session is not a peer's",
    );
    const bare = new SoftwareEnclave({
      random: new SeededRandom("bare2"),
      sealSecret: SECRET,
      measurement: MEASUREMENT,
    });
    assert.ok(bare.handle(init(), AT_MS).ok);
    assert.equal(
      refusal(
        bare.handle(
          {
            call: "txs_for_peer",
            wellFormedEncryptedTxs: [wf],
            aad: new Uint8Array(0),
            session: f.peer.channelId,
          },
          AT_MS,
        ),
      ),
      "CACHE_CIPHER",
      "another enclave's cache ciphertext does not open here",
    );
  });
});
