/**
 * Goal: a client transaction whose membership proof names a TxOut index at or beyond our
 * ledger's TxOut count is refused as `LedgerTxOutIndexOutOfBounds` (reference
 * mobilecoin-service.md §6.2 step 4: the host fetches proofs by highest index and fails with that
 * code), before any enclave call, and the client API maps it to ProposeTxResult 54.
 * Method: `checkWellFormed` with a recording host stub and a ledger stub of 8 TxOuts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { proposeTxResultOf } from "../../rpc/errors.js";
import { TxValidationError } from "../../transaction/index.js";
import type { EnclaveHost } from "./host.js";
import { checkWellFormed, type MembershipProofSource } from "./pipeline.js";

const TXOUTS = 8n;

function stubs(): { host: EnclaveHost; ledger: MembershipProofSource; calls: string[] } {
  const calls: string[] = [];
  const host = {
    measurement: new Uint8Array(32),
    close: async () => {},
    call: async (c: { call: string }) => {
      calls.push(c.call);
      throw new Error("the enclave must not be called");
    },
  } as unknown as EnclaveHost;
  const ledger: MembershipProofSource = {
    numBlocks: () => 2n,
    numTxOuts: () => TXOUTS,
    getTxOutProofsOfMembership: () => {
      calls.push("getTxOutProofsOfMembership");
      throw new Error("no proof may be fetched");
    },
  };
  return { host, ledger, calls };
}

for (const index of [TXOUTS, TXOUTS + 100n]) {
  test(`a highest index of ${index} with ${TXOUTS} TxOuts: LedgerTxOutIndexOutOfBounds`, async () => {
    const { host, ledger, calls } = stubs();
    await assert.rejects(
      checkWellFormed(host, ledger, new Uint8Array(4), [0n, index, 3n]),
      (e: unknown) => {
        assert.ok(e instanceof TxValidationError);
        assert.equal(e.code, "LedgerTxOutIndexOutOfBounds");
        assert.equal(proposeTxResultOf(e)?.result, 54);
        return true;
      },
    );
    assert.deepEqual(calls, []);
  });
}
