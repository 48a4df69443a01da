// Goal: every `ProposeTxResult` a client can cause by what it submits reaches the client, over
// gRPC from a real client, as the code of the rule it breaks (issue 11). One test per code.
// Method: one real `consensus-service` process in a one-node network (threshold 0) on loopback,
// first at block version 0 (the rules that forbid newer features), then restarted on the same
// ledger at version 3 (memos, masked token ids, sorted outputs and input rules). The client is
// the wallet library (`consensus-tool wallet send`'s code): it attests (NX `Auth`), encrypts and
// calls `ClientTxPropose`. Each phase's before() has the wallet build a few payments from the
// node's own ledger (read-only); each test changes one thing in one of them, re-signing with the
// builder's secrets when the change is under the signature and a later rule is the target, so
// that exactly the intended rule is broken. Expected codes are written here from the rules
// (reference transactions.md §6.3 order, mobilecoin-service.md §6.2 steps 3–5), never computed.
//
// Codes a client cannot cause, and why:
// - OverCapacity-like refusals are gRPC statuses, not results (covered by other tests).
// - InputsProofsLengthMismatch, InsufficientInputSignatures, InvalidInputSignature,
//   InvalidRangeProof, UnequalRingSizes (deprecated), UnsortedKeyImages, InvalidRistrettoPublicKey,
//   KeyError: kept in the enum for old clients; MobileCoin's `validate` never returns them (a bad
//   range proof is `InvalidTransactionSignature`, reason RangeProof).
// - DuplicateKeyImages: the signature check (step 9) refuses repeated key images first
//   (`InvalidTransactionSignature`, reason DuplicateKeyImage); step 11 is unreachable.
// - InvalidLedgerContext: about the root proofs the HOST fetches from its own ledger (one per
//   ring member, rollable back); a client's proofs cannot make them wrong.
// - Ledger: the node's configured block version out of range: node configuration.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { credentials, status } from "@grpc/grpc-js";
import {
  type AccountKey,
  CHANGE_SUBADDRESS_INDEX,
  DEFAULT_SUBADDRESS_INDEX,
  fakeFogHint,
  Scalars,
} from "../../src/crypto/index.js";
import type { Ledger } from "../../src/ledger/index.js";
import { MessageSchema } from "../../src/proto/attest_pb.js";
import { ConsensusClientAPI } from "../../src/proto/consensus_client_pb.js";
import { ProposeTxResult } from "../../src/proto/consensus_common_pb.js";
import { RpcCallError, RpcClient } from "../../src/rpc/index.js";
import {
  createTxOut,
  type InputRules,
  MAX_TOMBSTONE_BLOCKS,
  type OutputSecret,
  publicAddressOf,
  signContingentInput,
  signRctBulletproofs,
  TransactionBuilder,
  type Tx,
  type TxIn,
  type TxOut,
  type TxPrefix,
} from "../../src/transaction/index.js";
import {
  accountAddress,
  type BuiltSend,
  buildSend,
  type ChainInfo,
  insecureSwVerifier,
  loadAccount,
  NodeClient,
  OwnedOutputs,
  type OwnedTxOut,
  openLedgerReadOnly,
  osRandom,
  ringsFor,
  type SendRequest,
} from "../../src/wallet/index.js";
import { RunbookNetwork, type RunbookNode } from "../helpers/runbook-network.js";

const BLOCK_VERSION = 3;
/** Payments are small against the sample ledger's outputs, so each spends one input. */
const AMOUNT = 1_000_000n;

interface Fixture {
  minimumFee: bigint;
  /** Account 0 → 2, sent as is: Ok, then resubmitted after inclusion. */
  ok: BuiltSend;
  /** Account 1 → 2, one input: the base most tests change. */
  base: BuiltSend;
  fee: BuiltSend;
  tombstonePassed: BuiltSend;
  tombstoneFar: BuiltSend;
  /** An input whose ring shares no member with `base`'s, with the ledger's proofs. */
  disjointInput: TxIn;
  /** The public key of a TxOut already in the ledger. */
  ledgerPublicKey: Uint8Array;
  /** Account 3 completes account 1's contingent input (tombstone limit: 50 blocks ahead)… */
  sciWithinLimit: Signed;
  /** …and once more with a tombstone beyond that limit. */
  sciPastLimit: Signed;
  /** Account 1 → 2 spending two of its outputs (first ring members differ). */
  twoInputs: BuiltSend;
}

let net: RunbookNetwork;
let fx: Fixture;

/** The client of the phase running (a node restarted at another block version needs a new one). */
let client: NodeClient;

async function submit(tx: Tx): Promise<string> {
  const outcome = await client.propose(tx, {
    verifier: insecureSwVerifier(),
    random: osRandom,
    nowMs: Date.now(),
  });
  // The name from the generated enum, not from the wallet's own table.
  return ProposeTxResult[outcome.result] ?? `unknown ${outcome.result}`;
}

/** A built transaction with what it was signed with (rings and outputs in prefix order). */
type Signed = Pick<BuiltSend, "tx" | "signing">;

/** The signing secrets of a send built with `keepSigningSecrets`. */
function signingOf(built: Signed): NonNullable<BuiltSend["signing"]> {
  assert.ok(built.signing !== undefined, "built without keepSigningSecrets");
  return built.signing;
}

/** `built`'s prefix with `change` applied, re-signed with the builder's secrets. */
function resigned(
  built: Signed,
  change: (prefix: TxPrefix) => TxPrefix,
  outputSecrets: readonly OutputSecret[] = signingOf(built).outputSecrets,
  blockVersion = BLOCK_VERSION,
): Tx {
  const prefix = change(built.tx.prefix);
  const signature = signRctBulletproofs(
    blockVersion,
    prefix,
    signingOf(built).rings,
    outputSecrets,
    osRandom,
  );
  return { ...built.tx, prefix, signature };
}

/** `built`'s transaction with its prefix changed and the old signature kept. */
function unsigned(built: BuiltSend, change: (prefix: TxPrefix) => TxPrefix): Tx {
  return { ...built.tx, prefix: change(built.tx.prefix) };
}

/** The base's prefix with its one input replaced. */
function withInput(prefix: TxPrefix, change: (input: TxIn) => TxIn): TxPrefix {
  const input = prefix.inputs[0] as TxIn;
  return { ...prefix, inputs: [change(input)] };
}

function withOutput(prefix: TxPrefix, k: number, change: (o: TxOut) => TxOut): TxPrefix {
  return { ...prefix, outputs: prefix.outputs.map((o, i) => (i === k ? change(o) : o)) };
}

function flipFirstByte(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  out[0] = (out[0] as number) ^ 0x01;
  return out;
}

function compareKeys(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

/** A client of node 0 and the chain it reports; the phase's `client` from then on. */
async function connect(blockVersion: number): Promise<ChainInfo> {
  client = new NodeClient((net.nodes[0] as RunbookNode).clientUri);
  const chain = await client.chainInfo();
  assert.equal(chain.blockVersion, blockVersion);
  return chain;
}

/** The largest MOB output `account` owns in `ledger`. */
function largestOwned(ledger: Ledger, account: AccountKey): OwnedTxOut {
  const owned = new OwnedOutputs(account).refresh(ledger).filter((o) => o.tokenId === 0n);
  owned.sort((a, b) => (a.value === b.value ? 0 : a.value > b.value ? -1 : 1));
  assert.ok(owned[0] !== undefined);
  return owned[0];
}

/**
 * Account 1 signs one of its outputs contingent on getting `AMOUNT` back (MCIP #31, tombstone
 * limit `maxTombstone`); account 3 completes it into a payment to account 2 with `tombstone`.
 */
function contingentPayment(
  ledger: Ledger,
  chain: ChainInfo,
  maxTombstone: bigint,
  tombstone: bigint,
): Signed {
  const offerer = loadAccount(net.keysDir, 1);
  const offered = largestOwned(ledger, offerer);
  const back = createTxOut({
    blockVersion: BLOCK_VERSION,
    amount: { value: AMOUNT, tokenId: 0n },
    recipient: accountAddress(net.keysDir, 1),
    txPrivateKey: Scalars.random(osRandom),
    eFogHint: fakeFogHint(osRandom),
  });
  const sci = signContingentInput({
    blockVersion: BLOCK_VERSION,
    input: ringsFor(ledger, [offered], offerer, osRandom)[0]!,
    requiredOutputs: [
      { txOut: back.txOut, amount: { value: AMOUNT, tokenId: 0n, blinding: back.blinding } },
    ],
    maxTombstoneBlock: maxTombstone,
    rng: osRandom,
  });
  const taker = loadAccount(net.keysDir, 3);
  const own = largestOwned(ledger, taker);
  const fee = chain.minimumFee;
  const builder = new TransactionBuilder({
    blockVersion: BLOCK_VERSION,
    fee: { value: fee, tokenId: 0n },
    rng: osRandom,
  });
  builder.addInput(ringsFor(ledger, [own], taker, osRandom)[0]!);
  builder.addPresignedInput(sci);
  builder.addOutput({ value: AMOUNT, tokenId: 0n }, accountAddress(net.keysDir, 2));
  builder.addChangeOutput(
    { value: own.value + offered.value - 2n * AMOUNT - fee, tokenId: 0n },
    {
      changeAddress: publicAddressOf(taker, CHANGE_SUBADDRESS_INDEX),
      primaryAddress: publicAddressOf(taker, DEFAULT_SUBADDRESS_INDEX),
    },
  );
  builder.setTombstoneBlock(tombstone);
  const { tx, rings, outputSecrets } = builder.buildWithSecrets();
  return { tx, signing: { rings, outputSecrets } };
}

async function buildFixture(): Promise<Fixture> {
  const chain = await connect(BLOCK_VERSION);
  const ledger = openLedgerReadOnly((net.nodes[0] as RunbookNode).ledgerPath);
  try {
    const to = accountAddress(net.keysDir, 2);
    const request: SendRequest = {
      to,
      amount: AMOUNT,
      fee: chain.minimumFee,
      blockVersion: chain.blockVersion,
      tombstoneBlock: chain.blockCount + 100n,
    };
    const build = (account: number, change: Partial<SendRequest> = {}) =>
      buildSend({
        ledger,
        account: loadAccount(net.keysDir, account),
        request: { ...request, ...change },
        pending: new Set(),
        rng: osRandom,
        keepSigningSecrets: true,
      });
    const base = build(1);
    // Members of the base's ring are excluded; 11 others (sorted by public key) make an input.
    const baseRing = new Set((base.tx.prefix.inputs[0] as TxIn).ring.map((o) => publicKeyHex(o)));
    const others: bigint[] = [];
    for (let i = 0n; i < ledger.numTxOuts() && others.length < 11; i++)
      if (!baseRing.has(publicKeyHex(ledger.getTxOutByIndex(i)))) others.push(i);
    assert.equal(others.length, 11, "the sample ledger holds 11 TxOuts outside the base's ring");
    const proofs = ledger.getTxOutProofsOfMembership(others);
    const members = others
      .map((i, k) => ({ txOut: ledger.getTxOutByIndex(i), proof: proofs[k]! }))
      .sort((a, b) => compareKeys(a.txOut.publicKey, b.txOut.publicKey));
    const disjointInput: TxIn = {
      ring: members.map((m) => m.txOut),
      proofs: members.map((m) => m.proof),
      inputRules: undefined,
    };
    // Far enough ahead that the blocks this file closes never reach it.
    const sciLimit = chain.blockCount + 50n;
    const { two: twoInputs } = buildBases(chain);
    return {
      twoInputs,
      minimumFee: chain.minimumFee,
      ok: build(0),
      base,
      fee: build(1, { fee: chain.minimumFee - 1n }),
      // The node's latest block is at least 0, so block 1 has passed once a block is being
      // built on top of block 0: `index < tombstone` fails for the block being built (index 1).
      tombstonePassed: build(1, { tombstoneBlock: 1n }),
      tombstoneFar: build(1, {
        tombstoneBlock: chain.blockCount + MAX_TOMBSTONE_BLOCKS + 1_000n,
      }),
      disjointInput,
      ledgerPublicKey: ledger.getTxOutByIndex(0n).publicKey,
      sciWithinLimit: drawUntilSorted(
        () => contingentPayment(ledger, chain, sciLimit, chain.blockCount + 10n),
        "a contingent payment",
      ),
      sciPastLimit: drawUntilSorted(
        () => contingentPayment(ledger, chain, sciLimit, sciLimit + 1n),
        "a contingent payment",
      ),
    };
  } finally {
    ledger.close();
  }
}

/** A TxOut's identity for ring-overlap purposes: its public key, hex. */
function publicKeyHex(o: TxOut): string {
  return Buffer.from(o.publicKey).toString("hex");
}

/** Random rings may share members; a build is drawn again at most this often until they do not. */
const MAX_RING_DRAWS = 30;

/** Whether the inputs' first ring members differ (inputs must be sorted by them, strictly). */
function firstMembersDiffer(tx: Tx): boolean {
  const keys = tx.prefix.inputs.map((i) => publicKeyHex(i.ring[0] as TxOut));
  return new Set(keys).size === keys.length;
}

/**
 * `make()` again until its inputs' first ring members differ (not a rule under test here): a
 * contingent input's ring is drawn by its signer, independently of the other inputs' rings.
 */
function drawUntilSorted<T extends Signed>(make: () => T, what: string): T {
  for (let i = 0; i < MAX_RING_DRAWS; i++) {
    const built = make();
    if (firstMembersDiffer(built.tx)) return built;
  }
  throw new Error(`${what}: ${MAX_RING_DRAWS} draws all shared a first ring member`);
}

/**
 * Payments from account 1 at the node's block version (`connect` first): one spending one
 * input, one spending two (an amount above its largest output).
 */
function buildBases(chain: ChainInfo): { one: BuiltSend; two: BuiltSend } {
  const blockVersion = chain.blockVersion;
  const ledger = openLedgerReadOnly((net.nodes[0] as RunbookNode).ledgerPath);
  try {
    const account = loadAccount(net.keysDir, 1);
    const build = (amount: bigint) =>
      buildSend({
        ledger,
        account,
        request: {
          to: accountAddress(net.keysDir, 2),
          amount,
          fee: chain.minimumFee,
          blockVersion,
          tombstoneBlock: chain.blockCount + 100n,
        },
        pending: new Set(),
        rng: osRandom,
        keepSigningSecrets: true,
      });
    const largest = largestOwned(ledger, account).value;
    const two = build(largest);
    assert.equal(two.tx.prefix.inputs.length, 2);
    // The wallet draws disjoint rings, so its inputs sort strictly.
    assert.ok(firstMembersDiffer(two.tx), "the wallet's two rings share their first member");
    return { one: build(AMOUNT), two };
  } finally {
    ledger.close();
  }
}

/** No rules but those given: what an input's owner may sign (MCIP #31, #42). */
function rulesWith(change: Partial<InputRules>): InputRules {
  return {
    requiredOutputs: [],
    maxTombstoneBlock: 0n,
    partialFillOutputs: [],
    partialFillChange: undefined,
    minPartialFillValue: 0n,
    ...change,
  };
}

/**
 * `fx.twoInputs` with `rules` on its first input, re-signed: its owner signs that input's TxIn
 * (rules included) as a contingent input, the other input signs the rest as usual.
 */
function withRules(rules: InputRules): Tx {
  return resigned(fx.twoInputs, (p) => ({
    ...p,
    inputs: p.inputs.map((input, i) => (i === 0 ? { ...input, inputRules: rules } : input)),
  }));
}

describe("ProposeTxResult codes a client can cause, over gRPC", () => {
  before(async () => {
    net = await RunbookNetwork.create({ nodes: 1, threshold: 0, txsPerAccount: 8 });
  });
  after(async () => {
    client?.close();
    await net?.destroy();
  });

  // Rules of newer block versions forbid what older ones require: a node at version 0 first,
  // then the same node restarted at version 3 (a ledger moves up, never down).
  describe("a node at block version 0", () => {
    let base: BuiltSend;
    let twoInputs: BuiltSend;
    before(async () => {
      await net.start(0, ["--block-version=0"]);
      ({ one: base, two: twoInputs } = buildBases(await connect(0)));
    });

    it("MemosNotAllowed: an output with a memo before block version 1 (re-signed)", async () => {
      const tx = resigned(
        base,
        (p) => withOutput(p, 0, (o) => ({ ...o, eMemo: new Uint8Array(66) })),
        signingOf(base).outputSecrets,
        0,
      );
      assert.equal(await submit(tx), "MemosNotAllowed");
    });

    it("MaskedTokenIdNotAllowed: a masked token id before block version 2 (re-signed)", async () => {
      const tx = resigned(
        base,
        (p) =>
          withOutput(p, 0, (o) => ({
            ...o,
            maskedAmount: { ...o.maskedAmount!, maskedTokenId: new Uint8Array(8) },
          })),
        signingOf(base).outputSecrets,
        0,
      );
      assert.equal(await submit(tx), "MaskedTokenIdNotAllowed");
    });

    // One of two inputs: a transaction whose every input has rules fails the signature check
    // first (AllRingsPresigned).
    it("InputRulesNotAllowed: an input with (empty) rules before block version 3 (re-signed)", async () => {
      const rules = {
        requiredOutputs: [],
        maxTombstoneBlock: 0n,
        partialFillOutputs: [],
        partialFillChange: undefined,
        minPartialFillValue: 0n,
      };
      const tx = resigned(
        twoInputs,
        (p) => ({
          ...p,
          inputs: p.inputs.map((input, i) => (i === 0 ? { ...input, inputRules: rules } : input)),
        }),
        signingOf(twoInputs).outputSecrets,
        0,
      );
      assert.equal(await submit(tx), "InputRulesNotAllowed");
    });
  });

  describe(`the node restarted at block version ${BLOCK_VERSION}`, () => {
    before(async () => {
      client.close();
      await net.stop(0, "SIGTERM");
      await net.start(0, [`--block-version=${BLOCK_VERSION}`]);
      fx = await buildFixture();
    });

    it("Ok: a payment as the wallet builds it", async () => {
      assert.equal(await submit(fx.ok.tx), "Ok");
    });

    it("ContainsSpentKeyImage: the same payment again once it is in a block", async () => {
      const x = net.nodes[0];
      assert.ok(x !== undefined);
      const spent = fx.ok.keyImages[0] as Uint8Array;
      await net.waitFor(() => {
        const ledger = openLedgerReadOnly(x.ledgerPath);
        try {
          return ledger.containsKeyImage(spent);
        } finally {
          ledger.close();
        }
      }, "the Ok payment's key image in the ledger");
      assert.equal(await submit(fx.ok.tx), "ContainsSpentKeyImage");
    });

    it("ContainsExistingOutputPublicKey: an output reuses a ledger TxOut's public key", async () => {
      const secrets = signingOf(fx.base).outputSecrets;
      const outputs = fx.base.tx.prefix.outputs.map((o, i) => ({
        txOut: i === 0 ? { ...o, publicKey: fx.ledgerPublicKey } : o,
        secret: secrets[i] as OutputSecret,
      }));
      // Kept sorted, so that `UnsortedOutputs` (checked by the enclave first) holds.
      outputs.sort((a, b) => compareKeys(a.txOut.publicKey, b.txOut.publicKey));
      const tx = resigned(
        fx.base,
        (p) => ({ ...p, outputs: outputs.map((o) => o.txOut) }),
        outputs.map((o) => o.secret),
      );
      assert.equal(await submit(tx), "ContainsExistingOutputPublicKey");
    });

    it("NoInputs", async () => {
      assert.equal(await submit(unsigned(fx.base, (p) => ({ ...p, inputs: [] }))), "NoInputs");
    });

    it("TooManyInputs: 17 inputs", async () => {
      const input = fx.base.tx.prefix.inputs[0] as TxIn;
      const tx = unsigned(fx.base, (p) => ({ ...p, inputs: Array(17).fill(input) }));
      assert.equal(await submit(tx), "TooManyInputs");
    });

    it("NoOutputs", async () => {
      assert.equal(await submit(unsigned(fx.base, (p) => ({ ...p, outputs: [] }))), "NoOutputs");
    });

    it("TooManyOutputs: 17 outputs", async () => {
      const o = fx.base.tx.prefix.outputs[0] as TxOut;
      const tx = unsigned(fx.base, (p) => ({ ...p, outputs: Array(17).fill(o) }));
      assert.equal(await submit(tx), "TooManyOutputs");
    });

    it("ExcessiveRingSize: a 12th ring member", async () => {
      const tx = unsigned(fx.base, (p) =>
        withInput(p, (input) => ({
          ...input,
          ring: [...input.ring, fx.disjointInput.ring[0] as TxOut],
          proofs: [...input.proofs, fx.disjointInput.proofs[0]!],
        })),
      );
      assert.equal(await submit(tx), "ExcessiveRingSize");
    });

    it("InsufficientRingSize: 10 ring members", async () => {
      const tx = unsigned(fx.base, (p) =>
        withInput(p, (input) => ({
          ...input,
          ring: input.ring.slice(0, 10),
          proofs: input.proofs.slice(0, 10),
        })),
      );
      assert.equal(await submit(tx), "InsufficientRingSize");
    });

    it("DuplicateRingElements: the first member twice", async () => {
      const tx = unsigned(fx.base, (p) =>
        withInput(p, (input) => ({
          ...input,
          ring: [input.ring[0]!, ...input.ring.slice(0, 10)],
          proofs: [input.proofs[0]!, ...input.proofs.slice(0, 10)],
        })),
      );
      assert.equal(await submit(tx), "DuplicateRingElements");
    });

    it("UnsortedRingElements: the first two members swapped", async () => {
      const swap = <T>(xs: readonly T[]): T[] => [xs[1]!, xs[0]!, ...xs.slice(2)];
      const tx = unsigned(fx.base, (p) =>
        withInput(p, (input) => ({ ...input, ring: swap(input.ring), proofs: swap(input.proofs) })),
      );
      assert.equal(await submit(tx), "UnsortedRingElements");
    });

    it("UnsortedInputs: two inputs (disjoint rings) in descending order", async () => {
      const inputs = [fx.base.tx.prefix.inputs[0] as TxIn, fx.disjointInput].sort((a, b) =>
        compareKeys(b.ring[0]!.publicKey, a.ring[0]!.publicKey),
      );
      assert.equal(await submit(unsigned(fx.base, (p) => ({ ...p, inputs }))), "UnsortedInputs");
    });

    it("MissingTxOutMembershipProof: 11 ring members, 10 proofs", async () => {
      const tx = unsigned(fx.base, (p) =>
        withInput(p, (input) => ({ ...input, proofs: input.proofs.slice(0, 10) })),
      );
      assert.equal(await submit(tx), "MissingTxOutMembershipProof");
    });

    it("LedgerTxOutIndexOutOfBounds: a proof's highest index beyond the ledger", async () => {
      const tx = unsigned(fx.base, (p) =>
        withInput(p, (input) => ({
          ...input,
          proofs: [{ ...input.proofs[0]!, highestIndex: 1_000_000n }, ...input.proofs.slice(1)],
        })),
      );
      assert.equal(await submit(tx), "LedgerTxOutIndexOutOfBounds");
    });

    it("MembershipProofValidationError: a proof's leaf is not its TxOut", async () => {
      const tx = unsigned(fx.base, (p) =>
        withInput(p, (input) => {
          const proof = input.proofs[0]!;
          const [leaf, ...rest] = proof.elements;
          const bad = { ...leaf!, hash: flipFirstByte(leaf!.hash) };
          return {
            ...input,
            proofs: [{ ...proof, elements: [bad, ...rest] }, ...input.proofs.slice(1)],
          };
        }),
      );
      assert.equal(await submit(tx), "MembershipProofValidationError");
    });

    it("InvalidTxOutMembershipProof: a sibling hash changed, so the proof misses the root", async () => {
      const tx = unsigned(fx.base, (p) =>
        withInput(p, (input) => {
          const proof = input.proofs[0]!;
          const elements = proof.elements.map((e, i) =>
            i === 1 ? { ...e, hash: flipFirstByte(e.hash) } : e,
          );
          return { ...input, proofs: [{ ...proof, elements }, ...input.proofs.slice(1)] };
        }),
      );
      assert.equal(await submit(tx), "InvalidTxOutMembershipProof");
    });

    it("UnknownMaskedAmountVersion: an output without a masked amount", async () => {
      const tx = unsigned(fx.base, (p) =>
        withOutput(p, 0, (o) => ({ ...o, maskedAmount: undefined })),
      );
      assert.equal(await submit(tx), "UnknownMaskedAmountVersion");
    });

    it("InvalidTransactionSignature: the fee raised after signing", async () => {
      const tx = unsigned(fx.base, (p) => ({ ...p, fee: p.fee + 1n }));
      assert.equal(await submit(tx), "InvalidTransactionSignature");
    });

    it("TxFeeError: signed with a fee one below the minimum", async () => {
      assert.equal(fx.fee.tx.prefix.fee, fx.minimumFee - 1n);
      assert.equal(await submit(fx.fee.tx), "TxFeeError");
    });

    it("DuplicateOutputPublicKey: two outputs with one public key (re-signed)", async () => {
      const first = fx.base.tx.prefix.outputs[0] as TxOut;
      const tx = resigned(fx.base, (p) =>
        withOutput(p, 1, (o) => ({ ...o, publicKey: first.publicKey })),
      );
      assert.equal(await submit(tx), "DuplicateOutputPublicKey");
    });

    it("TombstoneBlockExceeded: signed with tombstone block 1", async () => {
      assert.equal(await submit(fx.tombstonePassed.tx), "TombstoneBlockExceeded");
    });

    it("TombstoneBlockTooFar: signed with a tombstone beyond 20160 blocks ahead", async () => {
      assert.equal(await submit(fx.tombstoneFar.tx), "TombstoneBlockTooFar");
    });

    it("MissingMemo: an output without a memo at block version 3 (re-signed)", async () => {
      const tx = resigned(fx.base, (p) => withOutput(p, 0, (o) => ({ ...o, eMemo: undefined })));
      assert.equal(await submit(tx), "MissingMemo");
    });

    it("MissingMaskedTokenId: an output without a masked token id at v3 (re-signed)", async () => {
      const tx = resigned(fx.base, (p) =>
        withOutput(p, 0, (o) => ({
          ...o,
          maskedAmount: { ...o.maskedAmount!, maskedTokenId: new Uint8Array(0) },
        })),
      );
      assert.equal(await submit(tx), "MissingMaskedTokenId");
    });

    it("UnsortedOutputs: the two outputs swapped at v3 (re-signed)", async () => {
      const [a, b] = signingOf(fx.base).outputSecrets;
      const tx = resigned(fx.base, (p) => ({ ...p, outputs: [p.outputs[1]!, p.outputs[0]!] }), [
        b!,
        a!,
      ]);
      assert.equal(await submit(tx), "UnsortedOutputs");
    });

    it("TokenNotYetConfigured: a fee in token 7, which the node has not configured", async () => {
      assert.equal(
        await submit(unsigned(fx.base, (p) => ({ ...p, feeTokenId: 7n }))),
        "TokenNotYetConfigured",
      );
    });

    it("FeeMapDigestMismatch: a fee-map digest the node does not have", async () => {
      const tx = { ...fx.base.tx, feeMapDigest: new Uint8Array(32).fill(0x11) };
      assert.equal(await submit(tx), "FeeMapDigestMismatch");
    });
    it("InputRuleMaxTombstoneBlockExceeded: a contingent input completed past its tombstone limit", async () => {
      assert.equal(await submit(fx.sciPastLimit.tx), "InputRuleMaxTombstoneBlockExceeded");
    });

    it("InputRuleMissingRequiredOutput: the contingent input's required output altered (re-signed)", async () => {
      const required = fx.sciWithinLimit.tx.prefix.inputs.find((i) => i.inputRules !== undefined)
        ?.inputRules?.requiredOutputs[0];
      assert.ok(required !== undefined);
      // Same amount commitment (values still balance), another fog hint: not the output required.
      const tx = resigned(fx.sciWithinLimit, (p) => ({
        ...p,
        outputs: p.outputs.map((o) =>
          Buffer.from(o.publicKey).equals(required.publicKey)
            ? { ...o, eFogHint: flipFirstByte(o.eFogHint) }
            : o,
        ),
      }));
      assert.equal(await submit(tx), "InputRuleMissingRequiredOutput");
    });
    it("InputRulePartialFill: a minimum fill value without a partial-fill change", async () => {
      const tx = withRules(rulesWith({ minPartialFillValue: 1n }));
      assert.equal(await submit(tx), "InputRulePartialFill");
    });

    it("InputRuleInvalidAmountSharedSecret: a revealed change with a 31-byte secret", async () => {
      const txOut = fx.twoInputs.tx.prefix.outputs[0] as TxOut;
      const change = { txOut, amountSharedSecret: new Uint8Array(31) };
      const tx = withRules(rulesWith({ partialFillChange: change }));
      assert.equal(await submit(tx), "InputRuleInvalidAmountSharedSecret");
    });

    it("InputRuleTxOutConversion: a revealed change output without an amount", async () => {
      const txOut = { ...(fx.twoInputs.tx.prefix.outputs[0] as TxOut), maskedAmount: undefined };
      const change = { txOut, amountSharedSecret: new Uint8Array(32) };
      const tx = withRules(rulesWith({ partialFillChange: change }));
      assert.equal(await submit(tx), "InputRuleTxOutConversion");
    });

    it("InputRuleAmount: a revealed change whose secret does not open its amount", async () => {
      const txOut = fx.twoInputs.tx.prefix.outputs[0] as TxOut;
      const change = { txOut, amountSharedSecret: new Uint8Array(32).fill(7) };
      const tx = withRules(rulesWith({ partialFillChange: change }));
      assert.equal(await submit(tx), "InputRuleAmount");
    });
  });
  it("a message on no session is a refused call, not a result, and counts as a client reject", async () => {
    const address = (net.nodes[0] as RunbookNode).clientUri.replace(/^insecure-mc:\/\/|\/$/g, "");
    const raw = new RpcClient(address, credentials.createInsecure());
    const random = osRandom;
    try {
      const garbage = create(MessageSchema, {
        channelId: random.fillBytes(new Uint8Array(64)),
        data: random.fillBytes(new Uint8Array(200)),
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
