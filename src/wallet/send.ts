import type { SwEvidenceVerifier } from "../enclave/index.js";
import type { PublicAddress } from "../transaction/index.js";
import type { RandomSource } from "../util/index.js";
import { loadAccount, openLedgerReadOnly, pendingFile } from "./accounts.js";
import { type BuiltSend, buildSend } from "./build.js";
import { WALLET_LIMITS } from "./limits.js";
import type { ChainInfo, NodeClient, ProposeOutcome } from "./node.js";
import { PendingSpends } from "./pending.js";
import type { OwnedOutputs } from "./scan.js";

export interface SendOptions {
  readonly keysDir: string;
  readonly account: number;
  readonly to: PublicAddress;
  readonly amount: bigint;
  /** Default: the node's minimum fee. */
  readonly fee?: bigint;
  readonly ledgerDir: string;
  readonly node: NodeClient;
  readonly verifier: SwEvidenceVerifier;
  readonly random: RandomSource;
  readonly nowMs: () => number;
  /** The paying account's scan kept across payments (see OwnedOutputs); must match `account`. */
  readonly owned?: OwnedOutputs;
}

export interface SendResult {
  readonly built: BuiltSend;
  readonly outcome: ProposeOutcome;
  readonly chain: ChainInfo;
  readonly tombstoneBlock: bigint;
}

/** Build against the ledger (after forgetting settled pending spends); nothing is sent yet. */
function prepare(o: SendOptions, chain: ChainInfo, pending: PendingSpends) {
  const ledger = openLedgerReadOnly(o.ledgerDir);
  try {
    pending.prune(ledger, chain.blockCount);
    const tombstoneBlock = chain.blockCount + WALLET_LIMITS.tombstoneOffset;
    const built = buildSend({
      ledger,
      account: loadAccount(o.keysDir, o.account),
      request: {
        to: o.to,
        amount: o.amount,
        fee: o.fee ?? chain.minimumFee,
        blockVersion: chain.blockVersion,
        tombstoneBlock,
      },
      pending: pending.keyImages(),
      rng: o.random,
      ...(o.owned === undefined ? {} : { owned: o.owned }),
    });
    return { built, tombstoneBlock };
  } finally {
    ledger.close();
  }
}

/**
 * One payment: the node's block version and minimum fee, inputs not spent in the ledger nor
 * pending, a transaction built and proposed over an attested session. Its key images are written
 * to the pending file before it is proposed and taken out again only when the node refuses it, so
 * that a crash between the two never lets the next send pick the same outputs.
 */
export async function sendPayment(o: SendOptions): Promise<SendResult> {
  const chain = await o.node.chainInfo();
  const pending = PendingSpends.load(pendingFile(o.keysDir, o.account));
  const { built, tombstoneBlock } = prepare(o, chain, pending);
  pending.add(built.txHash, built.keyImages, tombstoneBlock);
  pending.save();
  const outcome = await o.node.propose(built.tx, {
    verifier: o.verifier,
    random: o.random,
    nowMs: o.nowMs(),
  });
  if (outcome.name !== "Ok") {
    pending.remove(built.txHash);
    pending.save();
  }
  return { built, outcome, chain, tombstoneBlock };
}
