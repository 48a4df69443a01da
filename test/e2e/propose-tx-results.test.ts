// Goal: every `ProposeTxResult` a client can cause by what it submits is answered, over gRPC, by a
// real node to a real client (issue 11), each by the rule MobileCoin checks it with
// (reference mobilecoin-service.md §5.3/§6.2, transactions.md §6.3).
// Method: a single-node network (threshold 0 closes blocks alone) of the real `consensus-service`
// with its real enclave process, at block version 3, on loopback; the client is the wallet's
// `NodeClient` (NX handshake through `Auth`, then `ClientTxPropose` with the transaction encrypted
// for the enclave). In before(), valid transactions are built with the real builder against the
// node's origin ledger; each case makes ONE change to one of them, re-signing with the builder's
// secrets whenever the change touches signed fields, so that only the intended rule is broken.
// The expected names are written here from the rules, never read from the validator.
//
// Codes a client cannot cause, and why (so the coverage is explicit):
// - Ledger: only a node configured with a block version above the maximum answers it.
// - InvalidLedgerContext: the host's root proofs; one is fetched per client proof, always.
// - MemosNotAllowed, MaskedTokenIdNotAllowed, InputRulesNotAllowed: need a network block version
//   below 1, 2, 3 respectively; the network's version is the operator's, this one runs 3.
// - DuplicateKeyImages: two equal key images make the signature check fail first
//   (ring_ct's DuplicateKeyImage, reported as InvalidTransactionSignature), and equal key images
//   need the same real ring member in two rings, which is DuplicateRingElements before that.
// - InvalidRangeProof: a bad range proof is ring_ct's RangeProof error, which `validate` reports
//   as InvalidTransactionSignature (covered below).
// - InputsProofsLengthMismatch, InsufficientInputSignatures, InvalidInputSignature,
//   UnequalRingSizes, UnsortedKeyImages, InvalidRistrettoPublicKey, KeyError: deprecated; no rule
//   of MobileCoin's `validate` (nor ours) returns them any more.
// - OverCapacity (a status of the pending-values limit, not a property of the transaction) is
//   covered by the ingress tests.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { credentials, status } from "@grpc/grpc-js";
import {
  CHANGE_SUBADDRESS_INDEX,
  DEFAULT_SUBADDRESS_INDEX,
  fakeFogHint,
  Scalars,
  subaddressKeys,
} from "../../src/crypto/index.js";
import type { Ledger } from "../../src/ledger/index.js";
import { MessageSchema } from "../../src/proto/attest_pb.js";
import { ConsensusClientAPI } from "../../src/proto/consensus_client_pb.js";
import { RpcCallError, RpcClient } from "../../src/rpc/index.js";
import {
  createTxOut,
  type InputRules,
  type OutputSecret,
  publicAddressOf,
  rthMemoBuilder,
  signRctBulletproofs,
  TransactionBuilder,
  type Tx,
  type TxIn,
  type TxOut,
  type TxPrefix,
} from "../../src/transaction/index.js";
import { compareBytes, SeededRandom } from "../../src/util/index.js";
import {
  insecureSwVerifier,
  loadAccount,
  NodeClient,
  OwnedOutputs,
  type OwnedTxOut,
  openLedgerReadOnly,
  ringsFor,
} from "../../src/wallet/index.js";
import { RunbookNetwork } from "../helpers/runbook-network.js";

const BLOCK_VERSION = 3;
/** MobileCoin's MAX_TOMBSTONE_BLOCKS (transactions.md §6.3: current < tombstone ≤ current + 20160). */
const MAX_TOMBSTONE_BLOCKS = 20_160n;
/** Bound on the single node closing the block with the accepted transaction. */
const BLOCK_DEADLINE_MS = 120_000;

type Secrets = {
  tx: Tx;
  rings: Parameters<typeof signRctBulletproofs>[2];
  outputSecrets: readonly OutputSecret[];
};

interface Built extends Secrets {
  /** The account key of the sender, for outputs it pays itself. */
  readonly account: ReturnType<typeof loadAccount>;
}

const rng = new SeededRandom("propose-tx-results");
let net: RunbookNetwork;
let client: NodeClient;
let origin: Ledger;
let blockCount: bigint;
let minimumFee: bigint;

/** Build a payment spending `inputs` of `account` with the wallet's rings and RTH memos. */
function build(
  accountIndex: number,
  inputs: readonly OwnedTxOut[],
  o: { amount: bigint; fee?: bigint; tombstone?: bigint },
): Built {
  const account = loadAccount(net.keysDir, accountIndex);
  const primary = publicAddressOf(account, DEFAULT_SUBADDRESS_INDEX);
  const fee = o.fee ?? minimumFee;
  const builder = new TransactionBuilder({
    blockVersion: BLOCK_VERSION,
    fee: { value: fee, tokenId: 0n },
    rng,
    memoBuilder: rthMemoBuilder({
      senderCredential: {
        address: primary,
        spendPrivateKey: subaddressKeys(account, DEFAULT_SUBADDRESS_INDEX).spendPrivateKey,
      },
    }),
  });
  for (const credentials of ringsFor(origin, inputs, account, rng)) builder.addInput(credentials);
  const to = publicAddressOf(loadAccount(net.keysDir, 3), DEFAULT_SUBADDRESS_INDEX);
  builder.addOutput({ value: o.amount, tokenId: 0n }, to);
  const total = inputs.reduce((sum, i) => sum + i.value, 0n);
  builder.addChangeOutput(
    { value: total - o.amount - fee, tokenId: 0n },
    { changeAddress: publicAddressOf(account, CHANGE_SUBADDRESS_INDEX), primaryAddress: primary },
  );
  builder.setTombstoneBlock(o.tombstone ?? blockCount + 100n);
  return { ...builder.buildWithSecrets(), account };
}

/** Sign `prefix` again with `base`'s secrets (or the given output secrets / rings). */
function resign(
  base: Secrets,
  prefix: TxPrefix,
  outputSecrets = base.outputSecrets,
  rings = base.rings,
): Tx {
  const signature = signRctBulletproofs(BLOCK_VERSION, prefix, rings, outputSecrets, rng);
  return { ...base.tx, prefix, signature };
}

function withPrefix(tx: Tx, prefix: Partial<TxPrefix>): Tx {
  return { ...tx, prefix: { ...tx.prefix, ...prefix } };
}

function withInput(tx: Tx, i: number, input: Partial<TxIn>): Tx {
  const inputs = tx.prefix.inputs.slice();
  inputs[i] = { ...inputs[i]!, ...input };
  return withPrefix(tx, { inputs });
}

function withProof(tx: Tx, i: number, j: number, change: (p: TxIn["proofs"][number]) => object) {
  const proofs = tx.prefix.inputs[i]!.proofs.slice();
  proofs[j] = { ...proofs[j]!, ...change(proofs[j]!) };
  return withInput(tx, i, { proofs: proofs as TxIn["proofs"] });
}

/** `base`'s outputs plus `extra`, sorted by public key, re-signed. */
function resignWithOutputs(base: Secrets, extra: { output: TxOut; secret: OutputSecret }[]): Tx {
  const all = [
    ...base.tx.prefix.outputs.map((output, i) => ({ output, secret: base.outputSecrets[i]! })),
    ...extra,
  ].sort((a, b) => compareBytes(a.output.publicKey, b.output.publicKey));
  return resign(
    base,
    { ...base.tx.prefix, outputs: all.map((x) => x.output) },
    all.map((x) => x.secret),
  );
}

/**
 * Input 0 of `base` carrying `rules`, re-signed: that input then signs only its own TxIn, and the
 * other input signs the whole transaction (with every ring presigned the signature check fails).
 */
function withRules(base: Secrets, rules: Partial<InputRules>): Tx {
  const full: InputRules = {
    requiredOutputs: [],
    maxTombstoneBlock: 0n,
    partialFillOutputs: [],
    partialFillChange: undefined,
    minPartialFillValue: 0n,
    ...rules,
  };
  return resign(base, withInput(base.tx, 0, { inputRules: full }).prefix);
}

/** Two outputs of `value` each to `account`'s default subaddress with the same tx private key. */
function sameKeyOutputs(account: Built["account"], value: bigint) {
  const r = Scalars.random(rng);
  return [0, 1].map(() => {
    const made = createTxOut({
      blockVersion: BLOCK_VERSION,
      amount: { value, tokenId: 0n },
      recipient: subaddressKeys(account, DEFAULT_SUBADDRESS_INDEX),
      txPrivateKey: r,
      eFogHint: fakeFogHint(rng),
    });
    return { output: made.txOut, secret: { value, tokenId: 0n, blinding: made.blinding } };
  });
}

async function propose(tx: Tx): Promise<string> {
  const outcome = await client.propose(tx, {
    verifier: insecureSwVerifier(),
    random: rng,
    nowMs: Date.now(),
  });
  return outcome.name;
}

async function waitForBlocks(atLeast: bigint): Promise<void> {
  await net.waitFor(
    async () => (await client.chainInfo()).blockCount >= atLeast,
    `block count ${atLeast}`,
    BLOCK_DEADLINE_MS,
  );
}

/** The cases that need no block beyond the origin, by expected name; filled in before(). */
const cases = new Map<string, Tx>();
let okTx: Tx;
let spentTx: Tx;
let existingOutputTx: Tx;

function unspent(accountIndex: number): OwnedTxOut[] {
  return new OwnedOutputs(loadAccount(net.keysDir, accountIndex)).refresh(origin);
}

function beforeSignature(base: Built): void {
  const tx = base.tx;
  const [in0, in1] = [tx.prefix.inputs[0]!, tx.prefix.inputs[1]!];
  const swap = <T>(xs: readonly T[]): T[] => [xs[1]!, xs[0]!, ...xs.slice(2)];
  cases.set("NoInputs", withPrefix(tx, { inputs: [] }));
  cases.set("TooManyInputs", withPrefix(tx, { inputs: Array(17).fill(in0) }));
  cases.set("NoOutputs", withPrefix(tx, { outputs: [] }));
  cases.set("TooManyOutputs", withPrefix(tx, { outputs: Array(17).fill(tx.prefix.outputs[0]) }));
  cases.set(
    "ExcessiveRingSize",
    withInput(tx, 0, {
      ring: [...in0.ring, in1.ring[0]!],
      proofs: [...in0.proofs, in1.proofs[0]!],
    }),
  );
  cases.set(
    "InsufficientRingSize",
    withInput(tx, 0, { ring: in0.ring.slice(1), proofs: in0.proofs.slice(1) }),
  );
  cases.set("DuplicateRingElements", withInput(tx, 1, in0));
  cases.set(
    "UnsortedRingElements",
    withInput(tx, 0, { ring: swap(in0.ring), proofs: swap(in0.proofs) }),
  );
  cases.set("UnsortedInputs", withPrefix(tx, { inputs: [in1, in0] }));
  cases.set("MissingTxOutMembershipProof", withInput(tx, 0, { proofs: in0.proofs.slice(1) }));
  cases.set(
    "MembershipProofValidationError",
    withProof(tx, 0, 3, (p) => ({ elements: p.elements.slice(1) })),
  );
  cases.set(
    "InvalidTxOutMembershipProof",
    withProof(tx, 1, 5, (p) => {
      const elements = p.elements.slice();
      const hash = elements[1]!.hash.slice();
      hash[0]! ^= 1;
      elements[1] = { ...elements[1]!, hash };
      return { elements };
    }),
  );
  cases.set(
    "LedgerTxOutIndexOutOfBounds",
    withProof(tx, 0, 0, () => ({ highestIndex: origin.numTxOuts() + 5n })),
  );
}

function signatureAndLater(base: Built): void {
  const tx = base.tx;
  const sig = tx.signature;
  const ring0 = sig.ringSignatures[0]!;
  const responses = ring0.responses.slice();
  responses[4] = Scalars.add(responses[4]!, 1n);
  cases.set("InvalidTransactionSignature", {
    ...tx,
    signature: {
      ...sig,
      ringSignatures: [{ ...ring0, responses }, ...sig.ringSignatures.slice(1)],
    },
  });
  cases.set("FeeMapDigestMismatch", { ...tx, feeMapDigest: new Uint8Array(32).fill(7) });
  cases.set("TokenNotYetConfigured", withPrefix(tx, { feeTokenId: 5n }));
  const split = sameKeyOutputs(base.account, 0n);
  cases.set("DuplicateOutputPublicKey", resignWithOutputs(base, split));
  cases.set(
    "MissingMemo",
    resign(base, {
      ...tx.prefix,
      outputs: tx.prefix.outputs.map((o) => ({ ...o, eMemo: undefined })),
    }),
  );
  const noTokenId = tx.prefix.outputs.map((o) => ({
    ...o,
    maskedAmount: { ...o.maskedAmount!, maskedTokenId: new Uint8Array(0) },
  }));
  cases.set("MissingMaskedTokenId", resign(base, { ...tx.prefix, outputs: noTokenId }));
  const noAmount = tx.prefix.outputs.slice();
  noAmount[1] = { ...noAmount[1]!, maskedAmount: undefined };
  cases.set("UnknownMaskedAmountVersion", resign(base, { ...tx.prefix, outputs: noAmount }));
  cases.set(
    "UnsortedOutputs",
    resign(
      base,
      { ...tx.prefix, outputs: tx.prefix.outputs.slice().reverse() },
      base.outputSecrets.slice().reverse(),
    ),
  );
}

function inputRules(base: Built): void {
  const tx = base.tx;
  cases.set(
    "InputRuleMaxTombstoneBlockExceeded",
    withRules(base, { maxTombstoneBlock: tx.prefix.tombstoneBlock - 1n }),
  );
  cases.set(
    "InputRuleMissingRequiredOutput",
    withRules(base, { requiredOutputs: [origin.getTxOutByIndex(0n)] }),
  );
  cases.set("InputRulePartialFill", withRules(base, { minPartialFillValue: 5n }));
  const output = tx.prefix.outputs[0]!;
  cases.set(
    "InputRuleInvalidAmountSharedSecret",
    withRules(base, {
      partialFillChange: { txOut: output, amountSharedSecret: new Uint8Array(5) },
    }),
  );
  cases.set(
    "InputRuleAmount",
    withRules(base, {
      partialFillChange: { txOut: output, amountSharedSecret: new Uint8Array(32).fill(9) },
    }),
  );
  cases.set(
    "InputRuleTxOutConversion",
    withRules(base, {
      partialFillChange: {
        txOut: { ...output, maskedAmount: undefined },
        amountSharedSecret: new Uint8Array(32),
      },
    }),
  );
}

/** Account 1 pays (Ok), then spends the same input again; account 2 repeats one of its outputs. */
function ledgerCases(): void {
  const [input1] = unspent(1);
  const ok = build(1, [input1!], { amount: 1_000_000n });
  okTx = ok.tx;
  spentTx = build(1, [input1!], { amount: 2_000_000n }).tx;
  const [input2] = unspent(2);
  const other = build(2, [input2!], { amount: ok.outputSecrets[0]!.value });
  const paid = other.tx.prefix.outputs.findIndex(
    (_o, i) => other.outputSecrets[i]!.value === ok.outputSecrets[0]!.value,
  );
  const outputs = other.tx.prefix.outputs.map((o, i) => ({
    output: i === paid ? ok.tx.prefix.outputs[0]! : o,
    secret: i === paid ? ok.outputSecrets[0]! : other.outputSecrets[i]!,
  }));
  outputs.sort((a, b) => compareBytes(a.output.publicKey, b.output.publicKey));
  existingOutputTx = resign(
    other,
    { ...other.tx.prefix, outputs: outputs.map((x) => x.output) },
    outputs.map((x) => x.secret),
  );
}

before(async () => {
  net = await RunbookNetwork.create({
    nodes: 1,
    threshold: 0,
    // 16 accounts: two outputs of one account then hold less than 2^64 picoMOB together.
    accounts: 16,
    extraFlags: [`--block-version=${BLOCK_VERSION}`],
  });
  await net.startAll();
  client = new NodeClient(net.nodes[0]!.clientUri);
  const chain = await client.chainInfo();
  assert.equal(chain.blockVersion, BLOCK_VERSION);
  blockCount = chain.blockCount;
  minimumFee = chain.minimumFee;
  origin = openLedgerReadOnly(net.originDir);
  const inputs = unspent(0).slice(0, 2);
  const base = build(0, inputs, { amount: 1_000_000n });
  beforeSignature(base);
  signatureAndLater(base);
  inputRules(base);
  cases.set("TxFeeError", build(0, inputs, { amount: 1_000_000n, fee: minimumFee - 128n }).tx);
  cases.set("TombstoneBlockExceeded", build(0, inputs, { amount: 1n, tombstone: blockCount }).tx);
  cases.set(
    "TombstoneBlockTooFar",
    // The enclave checks against the latest block, blockCount − 1: one past its limit.
    build(0, inputs, { amount: 1n, tombstone: blockCount - 1n + MAX_TOMBSTONE_BLOCKS + 1n }).tx,
  );
  ledgerCases();
});

after(async () => {
  client?.close();
  origin?.close();
  await net?.destroy();
});

/** The codes that need nothing but the origin ledger, in the order they are sent. */
const BEFORE_ANY_BLOCK = [
  "NoInputs",
  "TooManyInputs",
  "NoOutputs",
  "TooManyOutputs",
  "ExcessiveRingSize",
  "InsufficientRingSize",
  "DuplicateRingElements",
  "UnsortedRingElements",
  "UnsortedInputs",
  "MissingTxOutMembershipProof",
  "MembershipProofValidationError",
  "InvalidTxOutMembershipProof",
  "LedgerTxOutIndexOutOfBounds",
  "InvalidTransactionSignature",
  "FeeMapDigestMismatch",
  "TokenNotYetConfigured",
  "TxFeeError",
  "DuplicateOutputPublicKey",
  "TombstoneBlockExceeded",
  "TombstoneBlockTooFar",
  "MissingMemo",
  "MissingMaskedTokenId",
  "UnknownMaskedAmountVersion",
  "UnsortedOutputs",
  "InputRuleMaxTombstoneBlockExceeded",
  "InputRuleMissingRequiredOutput",
  "InputRulePartialFill",
  "InputRuleInvalidAmountSharedSecret",
  "InputRuleAmount",
  "InputRuleTxOutConversion",
];

describe("ProposeTxResult over gRPC from a real client", () => {
  it("a transaction was built for every code listed", () => {
    assert.deepEqual([...cases.keys()].sort(), [...BEFORE_ANY_BLOCK].sort());
  });

  for (const name of BEFORE_ANY_BLOCK)
    it(name, async () => {
      assert.equal(await propose(cases.get(name) as Tx), name);
    });

  it("Ok: a valid payment, which the node then closes into a block", async () => {
    assert.equal(await propose(okTx), "Ok");
    await waitForBlocks(blockCount + 1n);
  });

  it("ContainsSpentKeyImage: the same input spent again once the payment is in a block", async () => {
    assert.equal(await propose(spentTx), "ContainsSpentKeyImage");
  });

  it("ContainsExistingOutputPublicKey: an output already in the ledger, re-signed", async () => {
    assert.equal(await propose(existingOutputTx), "ContainsExistingOutputPublicKey");
  });

  it("a message on no session is a refused call, not a result, and counts as a client reject", async () => {
    const address = net.nodes[0]!.clientUri.replace(/^insecure-mc:\/\/|\/$/g, "");
    const raw = new RpcClient(address, credentials.createInsecure());
    try {
      const garbage = create(MessageSchema, {
        channelId: rng.bytes(64),
        data: rng.bytes(200),
        aad: new Uint8Array(0),
      });
      await assert.rejects(
        raw.unary(ConsensusClientAPI.method.clientTxPropose, garbage, { deadlineMs: 10_000 }),
        (e: unknown) =>
          e instanceof RpcCallError && e.code !== status.OK && e.code !== status.UNKNOWN,
      );
    } finally {
      raw.close();
    }
    const rejects = await net.metric(0, "mcts_rejected_total", { source: "client" });
    assert.ok(
      rejects !== undefined && rejects >= 1,
      `mcts_rejected_total{source="client"}: ${rejects}`,
    );
  });
});
