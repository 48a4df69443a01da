// Goal: the transaction calls work across a real process boundary: a transaction submitted on a
// client session reaches tx_is_well_formed, a broken rule comes back as MALFORMED_TX with its
// ProposeTxResult through the pipe, and form_block's block verifies with the enclave's signer.
// This runs the real enclave entry, as a node and `bench enclave` do, and submits the
// transaction on a real attested client session (development evidence installed, NX through
// client_accept, the enclave's evidence verified).
// Method: one real transaction from makeSampleSpend; its ledger view supplies the proofs.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, it } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  blockContents,
  blockFromProto,
  blockSignatureFromProto,
  blockToProto,
  newOriginBlock,
  verifyBlockSignature,
} from "../../src/blockchain/index.js";
import { attestDevClient } from "../../src/cli/bench/enclave-session.js";
import { callOk, loadEnclaveIdentity, startChildEnclave } from "../../src/enclave/index.js";
import { BlockSchema, BlockSignatureSchema } from "../../src/proto/blockchain_pb.js";
import {
  TxOutMembershipElementSchema,
  TxOutMembershipProofSchema,
} from "../../src/proto/external_pb.js";
import {
  computeImpliedMerkleRoot,
  encodeTx,
  type InMemoryLedgerView,
  makeSampleSpend,
  membershipProofToProto,
} from "../../src/transaction/index.js";
import { SeededRandom } from "../../src/util/index.js";

const dir = mkdtempSync(path.join(tmpdir(), "enclave-txcalls-"));
after(() => rmSync(dir, { recursive: true, force: true }));

it("carries the transaction calls across the process boundary", async () => {
  const identity = loadEnclaveIdentity({});
  const host = await startChildEnclave({
    sealSecretPath: path.join(dir, "seal.secret"),
    cssBytes: identity.cssBytes,
  });
  try {
    await callOk(host, {
      call: "enclave_init",
      peerResponderId: "child.test:8443",
      clientResponderId: "child.test:3223",
      sealedBlockSigningKey: undefined,
      config: {
        feeMap: [{ tokenId: 0n, minimumFee: 400_000_000n }],
        blockVersion: 3,
        governors: undefined,
      },
    });
    const spend = makeSampleSpend({
      blockVersion: 3,
      inputs: 1,
      outputs: 2,
      rng: new SeededRandom("child"),
    });
    const view = spend.ledger as InMemoryLedgerView;
    const session = await attestDevClient(host, {
      clientResponderId: "child.test:3223",
      measurement: identity.measurement,
      random: new SeededRandom("child client"),
      nowMs: Date.now(),
    });
    const message = session.encrypt(encodeTx(spend.tx));
    const { context } = await callOk(host, { call: "client_tx_propose", message });
    const proofs = context.highestIndices.map((i) =>
      toBinary(TxOutMembershipProofSchema, membershipProofToProto(view.rootProof(i))),
    );
    const wf = {
      call: "tx_is_well_formed",
      locallyEncryptedTx: context.locallyEncryptedTx,
      proofs,
    } as const;
    assert.deepEqual(await host.call({ ...wf, blockIndex: spend.tx.prefix.tombstoneBlock }), {
      ok: false,
      code: "MALFORMED_TX",
      txCode: "TombstoneBlockExceeded",
    });
    const checked = await callOk(host, { ...wf, blockIndex: view.numBlocks - 1n });
    // A parent whose successor is the next block of the view's ledger.
    const parent = newOriginBlock(blockContents([], view.txOuts));
    const root = computeImpliedMerkleRoot(view.rootProof(view.numTxOuts - 1n));
    const formed = await callOk(host, {
      call: "form_block",
      parentBlock: toBinary(BlockSchema, blockToProto(parent)),
      inputs: {
        wellFormedTxs: [{ wellFormedEncryptedTx: checked.wellFormedEncryptedTx, proofs }],
        mintConfigTxs: [],
        mintTxs: [],
      },
      rootElement: toBinary(
        TxOutMembershipElementSchema,
        create(TxOutMembershipElementSchema, { range: root.range, hash: { data: root.hash } }),
      ),
    });
    const block = blockFromProto(fromBinary(BlockSchema, formed.block));
    const signature = blockSignatureFromProto(fromBinary(BlockSignatureSchema, formed.signature));
    const { signerPublicKey } = await callOk(host, { call: "get_signer" });
    assert.deepEqual(signature.signer, signerPublicKey);
    assert.ok(verifyBlockSignature(block, signature));
    assert.equal(block.index, 1n);
  } finally {
    await host.close();
  }
});
