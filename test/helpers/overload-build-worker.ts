/**
 * Worker thread for test/e2e/overload.test.ts: builds payments with the wallet's own path
 * (buildSend: scan, ring draw, RTH memos, Bulletproofs, MLSAG), each spending one owned output
 * not spent by an earlier build of this worker, and posts their encoded bytes back. Building
 * costs a few hundred ms per transaction, so the test runs one worker per core.
 */
import { parentPort, workerData } from "node:worker_threads";
import { encodeTx } from "../../src/transaction/index.js";
import { SeededRandom } from "../../src/util/index.js";
import {
  accountAddress,
  buildSend,
  keyImageHex,
  loadAccount,
  OwnedOutputs,
  openLedgerReadOnly,
} from "../../src/wallet/index.js";

export interface BuildJob {
  readonly keysDir: string;
  readonly ledgerDir: string;
  readonly accounts: readonly number[];
  readonly perAccount: number;
  readonly toAccount: number;
  readonly amount: string;
  readonly fee: string;
  readonly blockVersion: number;
  readonly tombstoneBlock: string;
  readonly seed: string;
}

const job = workerData as BuildJob;
const ledger = openLedgerReadOnly(job.ledgerDir);
const rng = new SeededRandom(job.seed);
const to = accountAddress(job.keysDir, job.toAccount);
const txs: Uint8Array[] = [];
try {
  for (const a of job.accounts) {
    const account = loadAccount(job.keysDir, a);
    const owned = new OwnedOutputs(account);
    const spent = new Set<string>();
    for (let k = 0; k < job.perAccount; k++) {
      const built = buildSend({
        ledger,
        account,
        owned,
        pending: spent,
        rng,
        request: {
          to,
          amount: BigInt(job.amount),
          fee: BigInt(job.fee),
          blockVersion: job.blockVersion,
          tombstoneBlock: BigInt(job.tombstoneBlock),
        },
      });
      for (const input of built.inputs) spent.add(keyImageHex(input));
      txs.push(encodeTx(built.tx));
    }
  }
} finally {
  ledger.close();
}
parentPort?.postMessage(txs);
