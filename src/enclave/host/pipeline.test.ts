// Goal: a client's transaction whose membership proof names a TxOut beyond the node's ledger is
// refused with `LedgerTxOutIndexOutOfBounds` (MobileCoin's host checks the indices against its
// ledger before fetching proofs), not with the ledger's own error (INTERNAL for the client); an
// index inside the ledger goes on to `tx_is_well_formed` with the ledger's proofs.
// Method: `proposeFromClient` over a scripted host (answers client_tx_propose with chosen
// highest indices) and a ledger stub of 5 TxOuts that records which proofs were asked for.
import assert from "node:assert/strict";
import { it } from "node:test";
import { type TxOutMembershipProof, TxValidationError } from "../../transaction/index.js";
import type { CallName, CallOf, EnclaveOutcome } from "../api.js";
import type { EnclaveHost } from "./host.js";
import { type MembershipProofSource, proposeFromClient } from "./pipeline.js";

const LEDGER_TXOUTS = 5n;

function scriptedHost(highestIndices: readonly bigint[], calls: string[]): EnclaveHost {
  const answer = (call: CallOf<CallName>): EnclaveOutcome => {
    calls.push(call.call);
    if (call.call === "client_tx_propose") {
      return {
        ok: true,
        value: {
          call: "client_tx_propose",
          context: {
            locallyEncryptedTx: new Uint8Array([1]),
            txHash: new Uint8Array(32),
            highestIndices,
            keyImages: [],
            outputPublicKeys: [],
          },
        },
      };
    }
    if (call.call === "tx_is_well_formed") {
      const context = {
        priority: 1n,
        txHash: new Uint8Array(32),
        tombstoneBlock: 10n,
        keyImages: [],
        highestIndices,
        outputPublicKeys: [],
      };
      return {
        ok: true,
        value: { call: "tx_is_well_formed", wellFormedEncryptedTx: new Uint8Array([2]), context },
      };
    }
    throw new Error(`unexpected call ${call.call}`);
  };
  return {
    call: async (call) => answer(call as CallOf<CallName>) as never,
    close: async () => {},
    measurement: new Uint8Array(32),
  };
}

function ledgerStub(asked: bigint[][]): MembershipProofSource {
  return {
    numBlocks: () => 2n,
    numTxOuts: () => LEDGER_TXOUTS,
    getTxOutProofsOfMembership(indices) {
      asked.push([...indices]);
      for (const i of indices)
        if (i >= LEDGER_TXOUTS) throw new Error(`the ledger has no TxOut ${i}`);
      return indices.map(
        (index): TxOutMembershipProof => ({
          index,
          highestIndex: LEDGER_TXOUTS - 1n,
          elements: [{ range: { from: index, to: index }, hash: new Uint8Array(32) }],
        }),
      );
    },
  };
}

const message = { aad: new Uint8Array(0), channelId: new Uint8Array(8), data: new Uint8Array(8) };

it("an index at the ledger's TxOut count is LedgerTxOutIndexOutOfBounds, no proof fetched", async () => {
  const calls: string[] = [];
  const asked: bigint[][] = [];
  // Indices run 0 … 4 in a ledger of 5 TxOuts, so 5 is the first one beyond it.
  const host = scriptedHost([2n, LEDGER_TXOUTS], calls);
  await assert.rejects(
    proposeFromClient(host, ledgerStub(asked), message),
    (error: unknown) =>
      error instanceof TxValidationError && error.code === "LedgerTxOutIndexOutOfBounds",
  );
  assert.deepEqual(asked, []);
  assert.deepEqual(calls, ["client_tx_propose"]);
});

it("indices inside the ledger are proved and checked by the enclave", async () => {
  const calls: string[] = [];
  const asked: bigint[][] = [];
  const host = scriptedHost([0n, LEDGER_TXOUTS - 1n], calls);
  const tx = await proposeFromClient(host, ledgerStub(asked), message);
  assert.deepEqual(asked, [[0n, LEDGER_TXOUTS - 1n]]);
  assert.deepEqual(calls, ["client_tx_propose", "tx_is_well_formed"]);
  assert.deepEqual(tx.encrypted, new Uint8Array([2]));
});
