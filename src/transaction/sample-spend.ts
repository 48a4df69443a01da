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
}

export interface SampleSpend {
  readonly tx: Tx;
  readonly ledger: LedgerView;
  readonly config: AcceptanceConfig;
  readonly sender: AccountKey;
  readonly recipient: AccountKey;
  /** Every TxOut in the sample ledger, by global index. */
  readonly ledgerTxOuts: readonly TxOut[];
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
  const ledger = new InMemoryLedgerView(options.numBlocks ?? 10n);

  const mixinCount = options.inputs * (RING_SIZE - 1) + (options.extraMixins ?? 0);
  const realIndices: bigint[] = [];
  const total = mixinCount + options.inputs;
  // Real inputs are spread through the ledger so that rings interleave.
  const realPositions = new Set<number>();
  for (let i = 0; i < options.inputs; i++) {
    realPositions.add(Math.floor(((i + 0.5) * total) / options.inputs));
  }
  for (let g = 0; g < total; g++) {
    const isReal = realPositions.has(g);
    const owner = isReal ? senderPrimary : subaddressKeys(recipient, BigInt(g + 1));
    const created = createTxOut({
      blockVersion,
      amount: { value: isReal ? inputValue : 1_000n + BigInt(g), tokenId },
      recipient: owner,
      txPrivateKey: Scalars.random(rng),
      eFogHint: fakeFogHint(rng),
    });
    const index = ledger.append(created.txOut);
    if (isReal) realIndices.push(index);
  }

  const fee = tokenId === 0n ? MOB_MINIMUM_FEE : 1024n;
  const feeMap: FeeMap =
    tokenId === 0n ? defaultFeeMap() : new Map([...defaultFeeMap(), [tokenId, fee]]);
  const builder = new TransactionBuilder({
    blockVersion,
    fee: { value: fee, tokenId },
    rng,
    feeMap,
  });
  const mixinPool = [...Array(total).keys()].filter((g) => !realPositions.has(g));
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
  const available = inputValue * BigInt(options.inputs) - fee;
  const payments = options.outputs - 1;
  const each = available / BigInt(options.outputs + 1);
  for (let i = 0; i < payments; i++) {
    builder.addOutput({ value: each, tokenId }, plainAddress(recipientPrimary));
  }
  builder.addChangeOutput(
    { value: available - each * BigInt(payments), tokenId },
    { changeAddress: plainAddress(senderChange), primaryAddress: plainAddress(senderPrimary) },
  );
  builder.setTombstoneBlock(ledger.numBlocks + 100n);
  const tx = builder.build();
  return {
    tx,
    ledger,
    config: { blockVersion, feeMap },
    sender,
    recipient,
    ledgerTxOuts: ledger.txOuts,
  };
}
