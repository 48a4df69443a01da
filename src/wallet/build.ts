import {
  type AccountKey,
  CHANGE_SUBADDRESS_INDEX,
  DEFAULT_SUBADDRESS_INDEX,
  subaddressKeys,
} from "../crypto/index.js";
import type { LedgerReader } from "../ledger/index.js";
import {
  BlockVersionFeatures,
  type InputRingToSign,
  type OutputSecret,
  type PublicAddress,
  publicAddressOf,
  rthMemoBuilder,
  TransactionBuilder,
  type Tx,
  txHash,
  txKeyImages,
  txOutputPublicKeys,
} from "../transaction/index.js";
import type { RandomSource } from "../util/index.js";
import { WalletError } from "./errors.js";
import { WALLET_LIMITS } from "./limits.js";
import { ringsFor } from "./ring.js";
import { keyImageHex, OwnedOutputs, type OwnedTxOut } from "./scan.js";

/** What to send: everything the node decides (block version, fee, tombstone) comes in here. */
export interface SendRequest {
  readonly to: PublicAddress;
  /** picoMOB to the recipient. */
  readonly amount: bigint;
  /** picoMOB fee (the node's minimum unless the user chose more). */
  readonly fee: bigint;
  readonly blockVersion: number;
  /** The first block index at which the transaction may no longer land. */
  readonly tombstoneBlock: bigint;
}

export interface BuiltSend {
  readonly tx: Tx;
  readonly txHash: Uint8Array;
  /** The owned outputs spent, in selection order. */
  readonly inputs: readonly OwnedTxOut[];
  /** picoMOB back to the sender's change subaddress. */
  readonly change: bigint;
  readonly keyImages: readonly Uint8Array[];
  readonly outputPublicKeys: readonly Uint8Array[];
  /**
   * What the signature was made with, in prefix order (`signRctBulletproofs` re-signs with it):
   * one-time private keys among them, so only kept when asked for (`keepSigningSecrets`).
   */
  readonly signing?: {
    readonly rings: readonly InputRingToSign[];
    readonly outputSecrets: readonly OutputSecret[];
  };
}

/**
 * Inputs for `target` picoMOB among `spendable` MOB outputs: largest first, so that a payment
 * takes as few inputs (and rings) as it can. Refuses, before anything is built, when the
 * spendable total is short or more than one transaction's inputs would be needed.
 */
export function selectInputs(spendable: readonly OwnedTxOut[], target: bigint): OwnedTxOut[] {
  const total = spendable.reduce((sum, o) => sum + o.value, 0n);
  if (total < target) {
    throw new WalletError(
      "INSUFFICIENT_FUNDS",
      `insufficient funds: amount plus fee is ${target} picoMOB, the spendable balance ${total} picoMOB`,
      { needed: target.toString(), spendable: total.toString() },
    );
  }
  const byValue = [...spendable].sort((a, b) =>
    a.value === b.value ? Number(a.index - b.index) : a.value > b.value ? -1 : 1,
  );
  const chosen: OwnedTxOut[] = [];
  let sum = 0n;
  for (const o of byValue) {
    if (sum >= target) break;
    chosen.push(o);
    sum += o.value;
  }
  if (chosen.length > WALLET_LIMITS.maxInputs) {
    throw new WalletError(
      "TOO_MANY_INPUTS",
      `the payment needs ${chosen.length} inputs; one transaction takes at most ${WALLET_LIMITS.maxInputs}`,
    );
  }
  return chosen;
}

/** Unspent MOB outputs of `account` whose key images are neither in the ledger nor in `pending`. */
export function spendableOutputs(
  ledger: LedgerReader,
  owned: OwnedOutputs,
  pending: ReadonlySet<string>,
): OwnedTxOut[] {
  return owned
    .refresh(ledger)
    .filter(
      (o) => o.spentInBlock === undefined && o.tokenId === 0n && !pending.has(keyImageHex(o)),
    );
}

function checkRequest(r: SendRequest): void {
  if (r.amount <= 0n) throw new WalletError("BAD_INPUT", "the amount must be positive");
  if (r.fee < 0n) throw new WalletError("BAD_INPUT", "the fee must not be negative");
}

/** Select inputs, draw rings from `ledger` and sign a payment with change to the sender. */
export function buildSend(p: {
  readonly ledger: LedgerReader;
  readonly account: AccountKey;
  readonly request: SendRequest;
  /** Key images of outputs already being spent (see PendingSpends). */
  readonly pending: ReadonlySet<string>;
  readonly rng: RandomSource;
  /** The account's scan kept between payments (default: a fresh full scan). */
  readonly owned?: OwnedOutputs;
  /** Keep the signing secrets in the result (tests that tamper and re-sign); default not. */
  readonly keepSigningSecrets?: boolean;
}): BuiltSend {
  const { request, account, rng } = p;
  checkRequest(request);
  const target = request.amount + request.fee;
  const owned = p.owned ?? new OwnedOutputs(account);
  const inputs = selectInputs(spendableOutputs(p.ledger, owned, p.pending), target);
  const primary = publicAddressOf(account, DEFAULT_SUBADDRESS_INDEX);
  const memos = BlockVersionFeatures.eMemoRequired(request.blockVersion)
    ? {
        memoBuilder: rthMemoBuilder({
          senderCredential: {
            address: primary,
            spendPrivateKey: subaddressKeys(account, DEFAULT_SUBADDRESS_INDEX).spendPrivateKey,
          },
        }),
      }
    : {};
  const builder = new TransactionBuilder({
    blockVersion: request.blockVersion,
    fee: { value: request.fee, tokenId: 0n },
    rng,
    ...memos,
  });
  for (const credentials of ringsFor(p.ledger, inputs, account, rng)) builder.addInput(credentials);
  builder.addOutput({ value: request.amount, tokenId: 0n }, request.to);
  const change = inputs.reduce((sum, o) => sum + o.value, 0n) - target;
  builder.addChangeOutput(
    { value: change, tokenId: 0n },
    { changeAddress: publicAddressOf(account, CHANGE_SUBADDRESS_INDEX), primaryAddress: primary },
  );
  builder.setTombstoneBlock(request.tombstoneBlock);
  const { tx, rings, outputSecrets } = builder.buildWithSecrets();
  return {
    tx,
    ...(p.keepSigningSecrets === true ? { signing: { rings, outputSecrets } } : {}),
    txHash: txHash(tx),
    inputs,
    change,
    keyImages: txKeyImages(tx),
    outputPublicKeys: txOutputPublicKeys(tx),
  };
}
