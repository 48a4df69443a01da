import { type AccountKey, accountKeyFromRootEntropy, subaddressKeys } from "../crypto/index.js";
import { generateSampleLedger, type Ledger, TOTAL_MOB_PICOMOB } from "../ledger/index.js";
import {
  chooseRing,
  defaultFeeMap,
  MOB_MINIMUM_FEE,
  plainAddress,
  type RingCandidate,
  TransactionBuilder,
  type Tx,
  txHash,
} from "../transaction/index.js";
import { type RandomSource, SeededRandom, toHex } from "../util/index.js";

/**
 * A simulated wallet over a generated origin ledger: sample accounts own every origin output,
 * and each transaction spends one output nobody has spent yet (one input in a ring of 11 drawn
 * from the origin ledger, one output to another account, the minimum MOB fee). Double-spend
 * attempts spend an output a second time with a different recipient.
 */

export const WALLET_LIMITS = {
  /** Sample accounts. */
  accounts: 4,
  /** Default origin outputs per account (accounts × this ≥ 16, MobileCoin's minimum for rings). */
  outputsPerAccount: 8,
  /** Blocks after the origin before a transaction's tombstone. */
  tombstoneOffset: 100n,
} as const;

/** The block version of the simulated network (the enclaves' and the transactions'). */
export const SIM_BLOCK_VERSION = 3;

export interface WalletTx {
  readonly tx: Tx;
  readonly hash: string;
  /** The origin output it spends. */
  readonly spends: number;
}

export class SimWallet {
  readonly accounts: readonly AccountKey[];
  private readonly candidates: RingCandidate[] = [];
  private readonly owner: number[] = [];
  private nextUnspent = 0;
  private readonly random: RandomSource;
  /** Transactions built so far, by output and recipient shift: `rewind` replays them. */
  private readonly built = new Map<string, WalletTx>();

  /** Fill `origin` (empty) with the origin block; every node's ledger starts from a copy. */
  constructor(
    origin: Ledger,
    seed: string,
    outputsPerAccount: number = WALLET_LIMITS.outputsPerAccount,
  ) {
    this.random = new SeededRandom(`wallet/${seed}`);
    const keys = new SeededRandom(`wallet-accounts/${seed}`);
    this.accounts = Array.from({ length: WALLET_LIMITS.accounts }, () =>
      accountKeyFromRootEntropy(keys.bytes(32)),
    );
    generateSampleLedger(origin, {
      recipients: this.accounts.map((a) => plainAddress(subaddressKeys(a, 0n))),
      txs: outputsPerAccount,
      blocks: 1,
      keyImagesPerBlock: 1,
      seed,
      blockVersion: SIM_BLOCK_VERSION,
    });
    const n = origin.numTxOuts();
    const proofs = origin.getTxOutProofsOfMembership(
      Array.from({ length: Number(n) }, (_, i) => BigInt(i)),
    );
    for (let i = 0n; i < n; i++) {
      this.candidates.push({ txOut: origin.getTxOutByIndex(i), proof: proofs[Number(i)]! });
      // generateSampleLedger writes recipient by recipient, `txs` outputs each.
      this.owner.push(Math.floor(Number(i) / outputsPerAccount));
    }
  }

  /** Origin outputs in all. */
  get size(): number {
    return this.candidates.length;
  }

  /** Outputs not yet spent by any transaction this wallet built. */
  get unspent(): number {
    return this.candidates.length - this.nextUnspent;
  }

  /** A fresh transaction spending the next unspent origin output, or undefined when none is left. */
  next(): WalletTx | undefined {
    if (this.nextUnspent >= this.candidates.length) return undefined;
    const index = this.nextUnspent++;
    return this.spend(index, 1);
  }

  /** A conflicting transaction: spends output `index` again, to a different account. */
  conflicting(index: number): WalletTx {
    return this.spend(index, 2);
  }

  /**
   * Start again from the first output, handing out the same transactions (property tests reuse
   * one wallet's proofs across many networks; every network starts from the same origin).
   */
  rewind(): void {
    this.nextUnspent = 0;
  }

  private spend(index: number, recipientShift: number): WalletTx {
    const key = `${index}/${recipientShift}`;
    const cached = this.built.get(key);
    if (cached !== undefined) return cached;
    const tx = this.build(index, recipientShift);
    this.built.set(key, tx);
    return tx;
  }

  private build(index: number, recipientShift: number): WalletTx {
    const real = this.candidates[index]!;
    const ownerIndex = this.owner[index]!;
    const owner = this.accounts[ownerIndex]!;
    const to = this.accounts[(ownerIndex + recipientShift) % this.accounts.length]!;
    const b = new TransactionBuilder({
      blockVersion: SIM_BLOCK_VERSION,
      fee: { value: MOB_MINIMUM_FEE, tokenId: 0n },
      rng: this.random,
      feeMap: defaultFeeMap(),
    });
    b.addInput(
      chooseRing({
        real,
        candidates: this.candidates,
        account: owner,
        subaddressIndex: 0n,
        rng: this.random,
      }),
    );
    // Every origin output has the same value: the supply split equally.
    const value = TOTAL_MOB_PICOMOB / BigInt(this.candidates.length);
    b.addOutput(
      { value: value - MOB_MINIMUM_FEE, tokenId: 0n },
      plainAddress(subaddressKeys(to, 0n)),
    );
    b.setTombstoneBlock(WALLET_LIMITS.tombstoneOffset + 1n);
    const tx = b.build();
    return { tx, hash: toHex(txHash(tx)), spends: index };
  }
}
