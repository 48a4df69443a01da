// Goal: form_block as MobileCoin's: four independent enclaves (own seeds, own block keys) given
// the same externalized transactions and the same ledger state form byte-identical Block and
// BlockContents, each signed by its own key (signed_at left 0); outputs and key images sorted;
// fee outputs to the baked-in recipient with the summed fees, min(#tokens, #txs) of them with
// zero-valued padding in upstream's order; every formed block passes the ledger's append checks,
// over three consecutive blocks (later transactions' proofs rolled back to older states). And the
// refusals: another root, proofs of two ledger states, duplicates, a later-version parent, a
// passed tombstone, minting, an empty block, ciphertexts not its own, garbled host input.
// Method: real transactions from src/transaction's builder, a real in-memory ledger from
// src/ledger (origin block holding the rings' outputs), real Noise test channels to get the
// transactions in. Fee amounts are read back with the fee recipient's view key (derived from its
// published seed), not from the enclave's own bookkeeping; expected fees are literals; each fee
// output's public key is recomputed from upstream's derivation written out as transcript operations.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  NoiseTestChannels,
  sealFromRemote,
  type TestSession,
} from "../../../test/helpers/test-channels.js";
import {
  type Block,
  type BlockContents,
  type BlockSignature,
  blockContents,
  blockContentsFromProto,
  blockFromProto,
  blockSignatureFromProto,
  blockToProto,
  computeBlockId,
  newOriginBlock,
  signBlockMetadata,
  verifyBlockSignature,
} from "../../blockchain/index.js";
import {
  accountKeyFromRootEntropy,
  appendNode,
  DEFAULT_SUBADDRESS_INDEX,
  Ed25519Signer,
  MerlinTranscript,
  Ristretto,
  Scalars,
  sha256,
  subaddressKeys,
} from "../../crypto/index.js";
import { type Ledger, openMemoryLedger } from "../../ledger/index.js";
import {
  BlockContentsSchema,
  BlockSchema,
  BlockSignatureSchema,
} from "../../proto/blockchain_pb.js";
import {
  TxOutMembershipElementSchema,
  TxOutMembershipProofSchema,
} from "../../proto/external_pb.js";
import {
  encodeTx,
  InMemoryLedgerView,
  makeSampleSpend,
  membershipProofToProto,
  type Tx,
  type TxOut,
  txDigestNode,
  txKeyImages,
  txOutputPublicKeys,
  viewTxOut,
} from "../../transaction/index.js";
import { compareBytes, SeededRandom, toHex, u64ToLeBytes, utf8 } from "../../util/index.js";
import type { EnclaveCall, EnclaveOutcome, FormBlockTx, OkOf } from "../api.js";
import { EnclaveError } from "../errors.js";
import { SoftwareEnclave } from "./enclave.js";
import { feeTotals, refuseDuplicatesInBlock, sortZeroesToEnd } from "./form-block.js";
import { encodeField1List } from "./transactions.js";

/** The time calls are handled at; only evidence checks read it, and these calls have none. */
const AT_MS = 1_800_000_000_000;

const SECRET = new SeededRandom("fb-secret").bytes(32);
const MEASUREMENT = new SeededRandom("fb-measurement").bytes(32);
const TOKEN = 8192n;
const FEE_MAP = [
  { tokenId: 0n, minimumFee: 400_000_000n },
  { tokenId: TOKEN, minimumFee: 1024n },
];
const RESPONDER = "node1.test:8443";
const msgSigner = Ed25519Signer.fromSeed(new SeededRandom("fb-msg-key").bytes(32));
const feeAccount = accountKeyFromRootEntropy(sha256(utf8("mc-ts development fee recipient v1")));
const feeSpendKey = subaddressKeys(feeAccount, DEFAULT_SUBADDRESS_INDEX).spendPublicKey.toBytes();

// Transactions built against one growing view; the ledger's origin block then holds the view's
// outputs, so the ledger's tree is the view's. Each is spent in a later block than it was built for.
const view = new InMemoryLedgerView(1n);
const spendOf = (seed: string, tokenId = 0n) =>
  makeSampleSpend({
    blockVersion: 3,
    inputs: 1,
    outputs: 2,
    tokenId,
    rng: new SeededRandom(seed),
    ledger: view,
  }).tx;
const [a, b, c, d] = ["fb-a", "fb-b", "fb-c", "fb-d"].map((s) => spendOf(s)) as [Tx, Tx, Tx, Tx];
const t = spendOf("fb-t", TOKEN);

function freshLedger(): Ledger {
  const ledger = openMemoryLedger();
  const contents = blockContents([], view.txOuts);
  ledger.appendBlock({
    block: newOriginBlock(contents),
    contents,
    signature: undefined,
    metadata: undefined,
  });
  return ledger;
}

interface Node {
  e: SoftwareEnclave;
  peer: TestSession;
  signer: Uint8Array;
}

function node(seed: string, signatureMemoMax?: number): Node {
  const channels = new NoiseTestChannels(new SeededRandom(`${seed}/channels`));
  const e = new SoftwareEnclave({
    random: new SeededRandom(seed),
    sealSecret: SECRET,
    measurement: MEASUREMENT,
    channels,
    ...(signatureMemoMax === undefined ? {} : { signatureMemoMax }),
  });
  const init: EnclaveCall = {
    call: "enclave_init",
    peerResponderId: RESPONDER,
    clientResponderId: "node1.test:3223",
    sealedBlockSigningKey: undefined,
    config: { feeMap: FEE_MAP, blockVersion: 3, governors: undefined },
  };
  assert.ok(e.handle(init, AT_MS).ok);
  const signer = ok(e.handle({ call: "get_signer" }, AT_MS), "get_signer").signerPublicKey;
  return { e, peer: channels.connectPeer(), signer };
}

function ok<K extends EnclaveCall["call"]>(outcome: EnclaveOutcome, call: K): OkOf<K> {
  if (!outcome.ok) assert.fail(`${call} refused: ${outcome.code} ${outcome.txCode ?? ""}`);
  return outcome.value as OkOf<K>;
}

function refusal(outcome: EnclaveOutcome): string {
  if (outcome.ok) return "ok";
  return outcome.txCode === undefined ? outcome.code : `${outcome.code}/${outcome.txCode}`;
}

function proofsAt(ledger: Ledger, indices: readonly bigint[]): Uint8Array[] {
  return ledger
    .getTxOutProofsOfMembership(indices)
    .map((p) => toBinary(TxOutMembershipProofSchema, membershipProofToProto(p)));
}

/** What the host caches per transaction: the well-formed ciphertext and its highest indices. */
interface Cached {
  wf: Uint8Array;
  indices: readonly bigint[];
}

/** Propose `txs` from a peer, check each as the host does, against the ledger's latest state. */
function admit(n: Node, txs: readonly Tx[], ledger: Ledger): Cached[] {
  const message = sealFromRemote(n.peer, new Uint8Array(0), encodeField1List(txs.map(encodeTx)));
  const { contexts } = ok(
    n.e.handle({ call: "peer_tx_propose", message }, AT_MS),
    "peer_tx_propose",
  );
  return contexts.map((ctx) => {
    const call = {
      call: "tx_is_well_formed" as const,
      locallyEncryptedTx: ctx.locallyEncryptedTx,
      blockIndex: ledger.numBlocks() - 1n,
      proofs: proofsAt(ledger, ctx.highestIndices),
    };
    return {
      wf: ok(n.e.handle(call, AT_MS), "tx_is_well_formed").wellFormedEncryptedTx,
      indices: ctx.highestIndices,
    };
  });
}

const encodeBlock = (block: Block) => toBinary(BlockSchema, blockToProto(block));

function rootOf(ledger: Ledger): Uint8Array {
  const r = ledger.getRootTxOutMembershipElement();
  return toBinary(
    TxOutMembershipElementSchema,
    create(TxOutMembershipElementSchema, {
      range: { from: r.range.from, to: r.range.to },
      hash: { data: r.hash },
    }),
  );
}

function formCall(
  cached: readonly Cached[],
  ledger: Ledger,
  overrides: Partial<Extract<EnclaveCall, { call: "form_block" }>> = {},
): EnclaveCall {
  const wellFormedTxs: FormBlockTx[] = cached.map((x) => ({
    wellFormedEncryptedTx: x.wf,
    proofs: proofsAt(ledger, x.indices),
  }));
  return {
    call: "form_block",
    parentBlock: encodeBlock(ledger.getLatestBlock()),
    inputs: { wellFormedTxs, mintConfigTxs: [], mintTxs: [] },
    rootElement: rootOf(ledger),
    ...overrides,
  };
}

interface Formed {
  bytes: OkOf<"form_block">;
  block: Block;
  contents: BlockContents;
  signature: BlockSignature;
}

function decodeFormed(bytes: OkOf<"form_block">): Formed {
  return {
    bytes,
    block: blockFromProto(fromBinary(BlockSchema, bytes.block)),
    contents: blockContentsFromProto(fromBinary(BlockContentsSchema, bytes.blockContents)),
    signature: blockSignatureFromProto(fromBinary(BlockSignatureSchema, bytes.signature)),
  };
}

/** The fee recipient's outputs among `outputs`, as [token, value] read with its view key. */
function feesIn(outputs: readonly TxOut[]): [bigint, bigint][] {
  const fees: [bigint, bigint][] = [];
  for (const o of outputs) {
    let viewed: ReturnType<typeof viewTxOut>;
    try {
      viewed = viewTxOut(o, feeAccount.viewPrivateKey);
    } catch {
      continue;
    }
    if (toHex(viewed.subaddressSpendPublicKey.toBytes()) !== toHex(feeSpendKey)) continue;
    assert.deepEqual(viewed.memo, new Uint8Array(66), "fee outputs carry the unused memo");
    assert.deepEqual(o.eFogHint, new Uint8Array(84), "fee outputs carry no fog hint");
    fees.push([viewed.amount.tokenId, viewed.amount.value]);
  }
  return fees.sort((x, y) => (x[0] < y[0] ? -1 : 1));
}

/**
 * The fee output's key as upstream `mint_output` derives it, written out as transcript operations
 * (Merlin label `mc_fees_output_private_key`; `parent_block_id` as bytes; `transactions` as a
 * sequence of Tx aggregates — each element's Digestible form taken from src/transaction, whose tx
 * hashing has its own tests; `amount` as aggregate `Amount { value, token_id: TokenId { 0 } }`;
 * `counter` as a u64), then `Scalar::from_bytes_mod_order`. The output's public key is r·D.
 */
function expectedFeeOutputKey(
  parentId: Uint8Array,
  txs: readonly Tx[],
  token: bigint,
  value: bigint,
): string {
  const t = new MerlinTranscript("mc_fees_output_private_key");
  const op = (label: string, data: string | Uint8Array) =>
    t.appendMessage(utf8(label), typeof data === "string" ? utf8(data) : data);
  op("parent_block_id", "prim");
  op("bytes", parentId);
  op("transactions", "seq");
  op("len", u64ToLeBytes(BigInt(txs.length)));
  for (const tx of txs) appendNode(t, "", txDigestNode(tx));
  op("amount", "agg");
  op("name", "Amount");
  op("value", "prim");
  op("uint", u64ToLeBytes(value));
  op("token_id", "agg");
  op("name", "TokenId");
  op("0", "prim");
  op("uint", u64ToLeBytes(token));
  op("token_id", "agg-end");
  op("name", "TokenId");
  op("amount", "agg-end");
  op("name", "Amount");
  op("counter", "prim");
  op("uint", u64ToLeBytes(0n));
  const r = Scalars.fromBytesModOrder(t.challengeBytes("digest32", 32));
  return toHex(Ristretto.fromBytes(feeSpendKey).multiply(r).toBytes());
}

function checkShape(f: Formed, txs: readonly Tx[], parent: Block, fees: [bigint, bigint][]): void {
  const outputKeys = new Set(f.contents.outputs.map((o) => toHex(o.publicKey)));
  for (const [token, value] of fees) {
    assert.ok(
      outputKeys.has(expectedFeeOutputKey(parent.id, txs, token, value)),
      `fee output ${token}`,
    );
  }
  assert.equal(f.block.index, parent.index + 1n);
  assert.equal(f.block.version, 3);
  const keys = f.contents.outputs.map((o) => o.publicKey);
  for (let i = 1; i < keys.length; i++)
    assert.ok(compareBytes(keys[i - 1]!, keys[i]!) < 0, "outputs sorted");
  const images = f.contents.keyImages;
  for (let i = 1; i < images.length; i++)
    assert.ok(compareBytes(images[i - 1]!, images[i]!) < 0, "key images sorted");
  assert.deepEqual(new Set(images.map(toHex)), new Set(txs.flatMap(txKeyImages).map(toHex)));
  const txOutputs = new Set(txs.flatMap(txOutputPublicKeys).map(toHex));
  const others = f.contents.outputs.filter((o) => !txOutputs.has(toHex(o.publicKey)));
  assert.equal(
    f.contents.outputs.length - others.length,
    txOutputs.size,
    "every tx output is in the block",
  );
  assert.deepEqual(feesIn(others), fees);
  assert.equal(others.length, fees.length, "nothing but tx outputs and fee outputs");
  assert.equal(f.signature.signedAt, 0n);
}

describe("form_block", () => {
  it("gives byte-identical blocks on four enclaves, each signed by its own key, that the ledger appends", () => {
    const ledger = freshLedger();
    const nodes = ["n1", "n2", "n3", "n4"].map(node);
    assert.equal(new Set(nodes.map((n) => toHex(n.signer))).size, 4, "four block keys");
    // [a, t]: both tokens pay fees. [c]: one tx, one fee output. [b, d]: two MOB txs, so a
    // zero-valued output in the other token pads the count to min(2 tokens, 2 txs).
    const plan: [Tx[], [bigint, bigint][]][] = [
      [
        [a, t],
        [
          [0n, 400_000_000n],
          [TOKEN, 1024n],
        ],
      ],
      [[c], [[0n, 400_000_000n]]],
      [
        [b, d],
        [
          [0n, 800_000_000n],
          [TOKEN, 0n],
        ],
      ],
    ];
    for (const [txs, fees] of plan) {
      const parent = ledger.getLatestBlock();
      const formed = nodes.map((n) =>
        decodeFormed(ok(n.e.handle(formCall(admit(n, txs, ledger), ledger), AT_MS), "form_block")),
      );
      for (const f of formed.slice(1)) {
        assert.deepEqual(f.bytes.block, formed[0]!.bytes.block);
        assert.deepEqual(f.bytes.blockContents, formed[0]!.bytes.blockContents);
      }
      formed.forEach((f, i) => {
        assert.deepEqual(f.signature.signer, nodes[i]!.signer);
        assert.ok(verifyBlockSignature(f.block, f.signature));
        assert.ok(
          !verifyBlockSignature(f.block, { ...f.signature, signer: nodes[(i + 1) % 4]!.signer }),
        );
      });
      const first = formed[0]!;
      checkShape(first, txs, parent, fees);
      assert.deepEqual(first.block.rootElement, ledger.getRootTxOutMembershipElement());
      const metadata = signBlockMetadata(
        {
          blockId: first.block.id,
          quorumSet: {
            threshold: 1,
            members: [
              { type: "Node", node: { responderId: RESPONDER, publicKey: msgSigner.publicKey } },
            ],
          },
          attestationEvidence: undefined,
          responderId: RESPONDER,
        },
        msgSigner,
      );
      const signature = { ...first.signature, signedAt: 1_800_000_000n };
      ledger.appendBlock({ block: first.block, contents: first.contents, signature, metadata });
    }
    assert.equal(ledger.numBlocks(), 4n);
  });

  it("checks a signature once: after this enclave's tx_is_well_formed, form_block skips it, to the same block", () => {
    const ledger = freshLedger();
    const memo = node("memo-on");
    const noMemo = node("memo-off", 0);
    const [withMemo, without] = [memo, noMemo].map((n) =>
      decodeFormed(ok(n.e.handle(formCall(admit(n, [a, t], ledger), ledger), AT_MS), "form_block")),
    ) as [Formed, Formed];
    assert.deepEqual([memo.e.signatureMemoHits, noMemo.e.signatureMemoHits], [2, 0]);
    assert.deepEqual(withMemo.bytes.block, without.bytes.block);
    assert.deepEqual(withMemo.bytes.blockContents, without.bytes.blockContents);
  });

  it("refuses another root, proofs of two ledger states and duplicates", () => {
    const ledger = freshLedger();
    const n = node("refuse");
    const [ca, cb] = admit(n, [a, b], ledger) as [Cached, Cached];
    const before = formCall([ca], ledger);
    const other = ok(n.e.handle(formCall([cb], ledger), AT_MS), "form_block");
    const formed = decodeFormed(other);
    ledger.appendBlock({
      block: formed.block,
      contents: formed.contents,
      signature: formed.signature,
      metadata: signBlockMetadata(
        {
          blockId: formed.block.id,
          quorumSet: { threshold: 0, members: [] },
          attestationEvidence: undefined,
          responderId: RESPONDER,
        },
        msgSigner,
      ),
    });
    // a's proofs from before the append, c's from after: two roots.
    const [cc] = admit(n, [c], ledger) as [Cached];
    const stale = (before as Extract<EnclaveCall, { call: "form_block" }>).inputs.wellFormedTxs[0]!;
    const mixed = formCall([cc], ledger);
    if (mixed.call !== "form_block") return;
    const twoStates = {
      ...mixed,
      inputs: { ...mixed.inputs, wellFormedTxs: [stale, ...mixed.inputs.wellFormedTxs] },
    };
    assert.equal(refusal(n.e.handle(twoStates, AT_MS)), "INVALID_LOCAL_MEMBERSHIP_PROOF");
    // The proofs agree, but on the old root.
    assert.equal(
      refusal(n.e.handle({ ...mixed, rootElement: (before as typeof mixed).rootElement }, AT_MS)),
      "INVALID_LOCAL_MEMBERSHIP_ROOT_ELEMENT",
    );
    assert.equal(
      refusal(n.e.handle(formCall([cc, cc], ledger), AT_MS)),
      "FORM_BLOCK",
      "the same tx twice",
    );
    // The same spend with the (unsigned) fee map digest removed: another tx, the same key image.
    const [twin] = admit(n, [{ ...c, feeMapDigest: new Uint8Array(0) }], ledger) as [Cached];
    assert.equal(
      refusal(n.e.handle(formCall([cc, twin], ledger), AT_MS)),
      "FORM_BLOCK",
      "one key image twice",
    );
    assert.equal(refusal(n.e.handle(formCall([cc], ledger), AT_MS)), "ok");
  });

  it("refuses a later-version parent, a passed tombstone, minting, nothing, and host garbage", () => {
    const ledger = freshLedger();
    const n = node("refuse-2");
    const cached = admit(n, [a], ledger);
    const call = formCall(cached, ledger);
    if (call.call !== "form_block") return;
    const origin = ledger.getLatestBlock();
    const fake = (fields: Partial<Block>): Uint8Array => {
      const f = { ...origin, ...fields };
      return encodeBlock({ ...f, id: computeBlockId(f) });
    };
    assert.equal(
      refusal(n.e.handle({ ...call, parentBlock: fake({ version: 4 }) }, AT_MS)),
      "BLOCK_VERSION",
    );
    assert.equal(
      refusal(
        n.e.handle({ ...call, parentBlock: fake({ index: a.prefix.tombstoneBlock }) }, AT_MS),
      ),
      "MALFORMED_TX/TombstoneBlockExceeded",
    );
    // That refusal came with the signature check spared: the ledger rules still ran.
    assert.equal(n.e.signatureMemoHits, 1);
    const mint = { ...call.inputs, mintConfigTxs: [new Uint8Array(3)] };
    assert.equal(refusal(n.e.handle({ ...call, inputs: mint }, AT_MS)), "NOT_SUPPORTED_YET");
    assert.equal(
      refusal(n.e.handle({ ...call, inputs: { ...call.inputs, wellFormedTxs: [] } }, AT_MS)),
      "FORM_BLOCK",
    );
    const wrongId = encodeBlock({ ...origin, id: new Uint8Array(32).fill(7) });
    assert.equal(refusal(n.e.handle({ ...call, parentBlock: wrongId }, AT_MS)), "INVALID_ARGUMENT");
    assert.equal(
      refusal(n.e.handle({ ...call, parentBlock: new Uint8Array([0xff, 1]) }, AT_MS)),
      "INVALID_ARGUMENT",
    );
    assert.equal(
      refusal(n.e.handle({ ...call, rootElement: new Uint8Array([0x12, 0x01, 0x00]) }, AT_MS)),
      "INVALID_ARGUMENT",
    );
    const notWellFormed = {
      wellFormedEncryptedTx: new SeededRandom("x").bytes(300),
      proofs: call.inputs.wellFormedTxs[0]!.proofs,
    };
    assert.equal(
      refusal(
        n.e.handle({ ...call, inputs: { ...call.inputs, wellFormedTxs: [notWellFormed] } }, AT_MS),
      ),
      "CACHE_CIPHER",
    );
    assert.equal(refusal(n.e.handle(call, AT_MS)), "ok");
  });
});

describe("duplicates in a block", () => {
  it("names the first kind repeated: transaction, then key image, then output public key", () => {
    const duplicate = (txs: Tx[]) => {
      try {
        refuseDuplicatesInBlock(txs);
      } catch (error) {
        assert.ok(error instanceof EnclaveError && error.code === "FORM_BLOCK");
        return error.payload["duplicate"];
      }
      return "none";
    };
    const unpinned = { ...c, feeMapDigest: new Uint8Array(0) };
    const sameOutputs = { ...b, prefix: { ...b.prefix, outputs: a.prefix.outputs } };
    assert.equal(duplicate([a, b, c]), "none");
    assert.equal(duplicate([c, a, c]), "transaction");
    assert.equal(duplicate([c, unpinned]), "key image");
    assert.equal(duplicate([a, sameOutputs]), "output public key");
  });
});

describe("fee totals", () => {
  it("keeps MobileCoin's sort_zeroes_to_end order (not a stable sort)", () => {
    const totals: [bigint, bigint][] = [
      [0n, 0n],
      [1n, 5n],
      [2n, 0n],
      [3n, 7n],
    ];
    sortZeroesToEnd(totals);
    assert.deepEqual(totals, [
      [3n, 7n],
      [1n, 5n],
      [2n, 0n],
      [0n, 0n],
    ]);
    const three: [bigint, bigint][] = [
      [0n, 0n],
      [1n, 0n],
      [2n, 3n],
    ];
    sortZeroesToEnd(three);
    assert.deepEqual(three, [
      [2n, 3n],
      [1n, 0n],
      [0n, 0n],
    ]);
  });

  it("makes min(#tokens, #txs) totals, summing fees per token beyond u64", () => {
    const map = new Map([
      [5n, 128n],
      [0n, 128n],
      [9n, 128n],
    ]);
    const tx = (fee: bigint, feeTokenId: bigint) =>
      ({ prefix: { fee, feeTokenId } }) as unknown as Tx;
    const max = (1n << 64n) - 1n;
    assert.deepEqual(feeTotals(map, [tx(max, 9n), tx(max, 9n)]), [
      [9n, 2n * max],
      [5n, 0n],
    ]);
    assert.deepEqual(feeTotals(map, [tx(1n, 5n)]), [[5n, 1n]]);
  });
});
