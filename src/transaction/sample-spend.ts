import {
  type AccountKey,
  accountKeyFromRootEntropy,
  CHANGE_SUBADDRESS_INDEX,
  fakeFogHint,
  onetimePrivateKey,
  Ristretto,
  Scalars,
  sharedSecretFor,
  subaddressKeys,
} from "../crypto/index.js";
import { type RandomSource, toHex } from "../util/index.js";
import { TransactionBuilder } from "./builder.js";
import { RING_SIZE } from "./constants.js";
import { defaultFeeMap, type FeeMap, MOB_MINIMUM_FEE } from "./fee-map.js";
import { TxOutMerkleTree } from "./merkle.js";
import { plainAddress } from "./public-address.js";
import { rthMemoBuilder } from "./rth-memo-builder.js";
import type { OutputSecret, SignableInputRing } from "./signature.js";
import type { Tx } from "./tx.js";
import { createTxOut, type TxOut } from "./tx-out.js";
import type { AcceptanceConfig, LedgerView } from "./validate.js";

/**
 * A deterministic spend for tests and benchmarks: a small ledger of TxOuts (the spender's real
 * inputs hidden among mixins), a signed transaction spending them, and the ledger view and node
 * configuration under which that transaction is valid.
 */

export interface SampleSpendOptions {
  readonly blockVersion: number;
  readonly inputs: number;
  readonly outputs: number;
  readonly rng: RandomSource;
  /** Value of each real input (default 1 MOB = 10^12 picoMOB). */
  readonly inputValue?: bigint;
  /** Mixins in the ledger besides the real inputs (default: enough for every ring). */
  readonly extraMixins?: number;
  /** Number of blocks the ledger claims to have (default 10). */
  readonly numBlocks?: bigint;
  /** Token of inputs, outputs and fee (default 0, MOB). */
  readonly tokenId?: bigint;
  /** Per-input tokens (mixed transactions, block version ≥ 3); the fee is in `tokenId`. */
  readonly inputTokenIds?: readonly bigint[];
  /** Tombstone block = number of blocks + this (default 100). */
  readonly tombstoneOffset?: bigint;
  /** Write RTH memos (authenticated sender memos, a destination memo on change). */
  readonly rthMemos?: boolean;
  /** Append to this ledger instead of a fresh one (several spends valid against one ledger). */
  readonly ledger?: InMemoryLedgerView;
}

export interface SampleSpend {
  readonly tx: Tx;
  readonly ledger: LedgerView;
  readonly config: AcceptanceConfig;
  readonly sender: AccountKey;
  readonly recipient: AccountKey;
  /** Every TxOut in the sample ledger, by global index. */
  readonly ledgerTxOuts: readonly TxOut[];
  /** What the transaction was signed with, in prefix order (for re-signing altered prefixes). */
  readonly rings: readonly SignableInputRing[];
  readonly outputSecrets: readonly OutputSecret[];
}

function accountFrom(rng: RandomSource): AccountKey {
  return accountKeyFromRootEntropy(rng.fillBytes(new Uint8Array(32)));
}

/** An in-memory `LedgerView` over a Merkle tree of TxOuts. */
export class InMemoryLedgerView implements LedgerView {
  readonly tree = new TxOutMerkleTree();
  readonly txOuts: TxOut[] = [];
  readonly keyImages = new Set<string>();
  readonly publicKeys = new Set<string>();
  numBlocks: bigint;

  constructor(numBlocks: bigint) {
    this.numBlocks = numBlocks;
  }

  get numTxOuts(): bigint {
    return BigInt(this.txOuts.length);
  }

  append(txOut: TxOut): bigint {
    this.tree.append(txOut);
    this.txOuts.push(txOut);
    this.publicKeys.add(toHex(txOut.publicKey));
    return BigInt(this.txOuts.length - 1);
  }

  rootProof(index: bigint) {
    return this.tree.proof(index);
  }

  containsKeyImage(keyImage: Uint8Array): boolean {
    return this.keyImages.has(toHex(keyImage));
  }

  containsTxOutPublicKey(publicKey: Uint8Array): boolean {
    return this.publicKeys.has(toHex(publicKey));
  }
}

/** Build a valid `inputs`-in / `outputs`-out transaction (rings of 11) with its ledger. */
export function makeSampleSpend(options: SampleSpendOptions): SampleSpend {
  const { blockVersion, rng } = options;
  const tokenId = options.tokenId ?? 0n;
  const inputValue = options.inputValue ?? 1_000_000_000_000n;
  const sender = accountFrom(rng);
  const recipient = accountFrom(rng);
  const senderPrimary = subaddressKeys(sender, 0n);
  const senderChange = subaddressKeys(sender, CHANGE_SUBADDRESS_INDEX);
  const recipientPrimary = subaddressKeys(recipient, 0n);
  const ledger = options.ledger ?? new InMemoryLedgerView(options.numBlocks ?? 10n);
  const offset = ledger.txOuts.length;

  const mixinCount = options.inputs * (RING_SIZE - 1) + (options.extraMixins ?? 0);
  const inputTokens =
    options.inputTokenIds ?? Array.from({ length: options.inputs }, () => tokenId);
  const realIndices: bigint[] = [];
  const realTokens: bigint[] = [];
  const total = mixinCount + options.inputs;
  // Real inputs are spread through the ledger so that rings interleave.
  const realPositions = new Set<number>();
  for (let i = 0; i < options.inputs; i++) {
    realPositions.add(Math.floor(((i + 0.5) * total) / options.inputs));
  }
  for (let g = 0; g < total; g++) {
    const isReal = realPositions.has(g);
    const owner = isReal ? senderPrimary : subaddressKeys(recipient, BigInt(g + 1));
    const token = isReal ? inputTokens[realIndices.length]! : tokenId;
    const created = createTxOut({
      blockVersion,
      amount: { value: isReal ? inputValue : 1_000n + BigInt(g), tokenId: token },
      recipient: owner,
      txPrivateKey: Scalars.random(rng),
      eFogHint: fakeFogHint(rng),
    });
    const index = ledger.append(created.txOut);
    if (isReal) {
      realIndices.push(index);
      realTokens.push(token);
    }
  }

  const fee = tokenId === 0n ? MOB_MINIMUM_FEE : 1024n;
  // Every token in play is configured; non-MOB tokens at 1024 (as MobileCoin's CI token config).
  const feeMap: FeeMap = new Map([
    ...defaultFeeMap(),
    ...[tokenId, ...inputTokens].filter((t) => t !== 0n).map((t): [bigint, bigint] => [t, 1024n]),
  ]);
  const builder = new TransactionBuilder({
    blockVersion,
    fee: { value: fee, tokenId },
    rng,
    feeMap,
    ...(options.rthMemos === true
      ? {
          memoBuilder: rthMemoBuilder({
            senderCredential: {
              address: plainAddress(senderPrimary),
              spendPrivateKey: senderPrimary.spendPrivateKey,
            },
          }),
        }
      : {}),
  });
  const mixinPool = [...Array(total).keys()]
    .filter((g) => !realPositions.has(g))
    .map((g) => g + offset);
  realIndices.forEach((realGlobal, i) => {
    const mixins = mixinPool.slice(i * (RING_SIZE - 1), (i + 1) * (RING_SIZE - 1));
    const members = [Number(realGlobal), ...mixins];
    const ring = members.map((g) => ledger.txOuts[g]!);
    const proofs = members.map((g) => ledger.tree.proof(BigInt(g)));
    const real = ring[0]!;
    const sharedSecret = sharedSecretFor(
      sender.viewPrivateKey,
      Ristretto.fromBytes(real.publicKey),
    );
    builder.addInput({
      ring,
      membershipProofs: proofs,
      realIndex: 0,
      onetimePrivateKey: onetimePrivateKey(sharedSecret, senderPrimary.spendPrivateKey),
      viewPrivateKey: sender.viewPrivateKey,
    });
  });
  // Per token: what the inputs hold (minus the fee in the fee token); one change output each,
  // and the remaining outputs are payments spread over the tokens.
  const tokens = [...new Set(realTokens)];
  const available = new Map<bigint, bigint>();
  for (const t of realTokens) available.set(t, (available.get(t) ?? 0n) + inputValue);
  available.set(tokenId, (available.get(tokenId) ?? 0n) - fee);
  const payments = options.outputs - tokens.length;
  const perPayment = new Map<bigint, bigint>();
  for (let i = 0; i < payments; i++) {
    const t = tokens[i % tokens.length]!;
    const each = available.get(t)! / BigInt(options.outputs + 1);
    perPayment.set(t, (perPayment.get(t) ?? 0n) + each);
    builder.addOutput({ value: each, tokenId: t }, plainAddress(recipientPrimary));
  }
  const destination = {
    changeAddress: plainAddress(senderChange),
    primaryAddress: plainAddress(senderPrimary),
  };
  const changeOf = (t: bigint) => ({
    value: available.get(t)! - (perPayment.get(t) ?? 0n),
    tokenId: t,
  });
  // One change output per token; the builder's change output (with its memo) comes last.
  for (const t of tokens.slice(1)) builder.addOutput(changeOf(t), destination.changeAddress);
  builder.addChangeOutput(changeOf(tokens[0]!), destination);
  builder.setTombstoneBlock(ledger.numBlocks + (options.tombstoneOffset ?? 100n));
  const { tx, rings, outputSecrets } = builder.buildWithSecrets();
  return {
    tx,
    // The sample has no presigned inputs, so every ring is one we signed.
    rings: rings.filter((r): r is SignableInputRing => !("mlsag" in r)),
    outputSecrets,
    ledger,
    config: { blockVersion, feeMap },
    sender,
    recipient,
    ledgerTxOuts: ledger.txOuts,
  };
}
