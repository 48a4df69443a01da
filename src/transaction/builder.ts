import {
  type Amount,
  confirmationNumber,
  encryptFogHint,
  fakeFogHint,
  type RistrettoPoint,
  type Scalar,
  Scalars,
} from "../crypto/index.js";
import { compareBytes, type RandomSource } from "../util/index.js";
import { isKnownBlockVersion } from "./block-version.js";
import { MAX_INPUTS, MAX_OUTPUTS, MAX_TOMBSTONE_BLOCKS } from "./constants.js";
import { TransactionError } from "./errors.js";
import { type FeeMap, feeMapDigest } from "./fee-map.js";
import type { InputCredentials } from "./input-credentials.js";
import { unusedMemo } from "./memos.js";
import { prepareInput } from "./prepare-input.js";
import type { PublicAddress } from "./public-address.js";
import { type InputRingToSign, type OutputSecret, signRctBulletproofs } from "./signature.js";
import { checkContingentInput, type SignedContingentInput } from "./signed-contingent-input.js";
import type { Tx, TxIn, TxPrefix } from "./tx.js";
import { createTxOut, type MemoContext, type TxOut } from "./tx-out.js";

/**
 * `TransactionBuilder`: assembles and signs a transaction from spendable inputs (each with its
 * ring of mixins and membership proofs) and recipient amounts, following MobileCoin's builder:
 * rings sorted by public key with the real index relocated, inputs sorted by their first ring
 * member, outputs sorted by public key, a change output to the sender's change subaddress,
 * pseudo-output blindings that balance, range proofs and MLSAGs per block version.
 */

/** Produces memo payloads (66 bytes) for outputs; the default writes unused memos. */
export interface MemoBuilder {
  /** Memo for a payment to `recipient`. */
  outputMemo(args: {
    readonly recipient: PublicAddress;
    readonly amount: Amount;
    readonly context: MemoContext;
  }): Uint8Array;
  /** Memo for the change output (a destination memo in MobileCoin's RTH builder). */
  changeMemo(args: {
    readonly amount: Amount;
    readonly fee: Amount;
    /** Sum of payments in the change token plus the fee. */
    readonly totalOutlay: bigint;
    readonly recipients: readonly PublicAddress[];
    readonly context: MemoContext;
  }): Uint8Array;
}

/** Where fog hints for fog-enabled recipients go. */
export interface FogResolver {
  /** The ingest public key for an address's fog report, and the last block it is valid for. */
  ingestKey(address: PublicAddress): {
    readonly publicKey: RistrettoPoint;
    readonly expiry: bigint;
  };
}

/** A change destination: the sender's change subaddress plus its primary address for fog. */
export interface ChangeDestination {
  readonly changeAddress: PublicAddress;
  readonly primaryAddress: PublicAddress;
}

/** What a sender keeps about an output it created (MobileCoin `Receipt` plus the secret). */
export interface OutputReceipt {
  readonly txOut: TxOut;
  readonly confirmationNumber: Uint8Array;
  readonly amount: Amount;
  readonly blinding: Scalar;
}

interface PendingOutput {
  readonly receipt: OutputReceipt;
  readonly recipient: PublicAddress | undefined;
}

export interface TransactionBuilderOptions {
  readonly blockVersion: number;
  /** The fee: value and token (token 0 before block version 2). */
  readonly fee: Amount;
  readonly rng: RandomSource;
  /** When given, the transaction pins this fee map's digest (`fee_map_digest`). */
  readonly feeMap?: FeeMap;
  readonly memoBuilder?: MemoBuilder;
  readonly fogResolver?: FogResolver;
}

function u64(value: bigint, what: string): bigint {
  if (typeof value !== "bigint" || value < 0n || value >= 2n ** 64n) {
    throw new TransactionError("INVALID_BUILD", `${what} must be a u64`, { value: String(value) });
  }
  return value;
}

/** Builds one transaction; `build()` may be called once. */
export class TransactionBuilder {
  readonly #options: TransactionBuilderOptions;
  readonly #inputs: InputCredentials[] = [];
  readonly #presigned: SignedContingentInput[] = [];
  readonly #outputs: PendingOutput[] = [];
  #tombstoneBlock = 0n;
  #fogExpiry: bigint | undefined;
  #hasChange = false;
  #built = false;

  constructor(options: TransactionBuilderOptions) {
    if (!isKnownBlockVersion(options.blockVersion)) {
      throw new TransactionError("INVALID_BUILD", "unknown block version", {
        blockVersion: options.blockVersion,
      });
    }
    u64(options.fee.value, "fee");
    u64(options.fee.tokenId, "fee token id");
    if (options.blockVersion < 2 && options.fee.tokenId !== 0n) {
      throw new TransactionError("INVALID_BUILD", "fee token must be 0 before block version 2");
    }
    this.#options = options;
  }

  /** Add an input to spend. */
  addInput(credentials: InputCredentials): this {
    if (this.#inputs.length >= MAX_INPUTS) {
      throw new TransactionError("INVALID_BUILD", `at most ${MAX_INPUTS} inputs`);
    }
    const { ring, membershipProofs, realIndex } = credentials;
    if (ring.length !== membershipProofs.length) {
      throw new TransactionError("INVALID_BUILD", "one membership proof per ring member");
    }
    if (!Number.isInteger(realIndex) || realIndex < 0 || realIndex >= ring.length) {
      throw new TransactionError("INVALID_BUILD", "real index outside the ring");
    }
    this.#inputs.push(credentials);
    return this;
  }

  /**
   * Add someone else's signed contingent input (MCIP #31, block version ≥ 3). Its required outputs
   * join the transaction as they are; the caller adds the outputs that take what it offers.
   */
  addPresignedInput(sci: SignedContingentInput): this {
    if (this.#inputs.length + this.#presigned.length >= MAX_INPUTS) {
      throw new TransactionError("INVALID_BUILD", `at most ${MAX_INPUTS} inputs`);
    }
    if (sci.blockVersion !== this.#options.blockVersion || this.#options.blockVersion < 3) {
      throw new TransactionError(
        "INVALID_BUILD",
        "signed contingent inputs need block version ≥ 3",
      );
    }
    checkContingentInput(sci);
    this.#presigned.push(sci);
    return this;
  }

  /** Pay `amount` to `recipient`; returns the output and what the sender keeps. */
  addOutput(amount: Amount, recipient: PublicAddress): OutputReceipt {
    if (this.#hasChange) {
      throw new TransactionError("INVALID_BUILD", "outputs after the change output");
    }
    const memo = this.#options.memoBuilder;
    const receipt = this.#createOutput(amount, recipient, recipient, (context) =>
      memo === undefined ? undefined : memo.outputMemo({ recipient, amount, context }),
    );
    this.#outputs.push({ receipt, recipient });
    return receipt;
  }

  /**
   * Send `amount` back to the sender's change subaddress (fog hint for its primary address). The
   * memo builder writes the change memo over every payment so far, so add payments first.
   */
  addChangeOutput(amount: Amount, destination: ChangeDestination): OutputReceipt {
    const memo = this.#options.memoBuilder;
    const fee = this.#options.fee;
    const recipients = this.#outputs.flatMap((o) =>
      o.recipient === undefined ? [] : [o.recipient],
    );
    const paid = this.#outputs
      .filter((o) => o.receipt.amount.tokenId === amount.tokenId)
      .reduce((acc, o) => acc + o.receipt.amount.value, 0n);
    const totalOutlay = paid + (fee.tokenId === amount.tokenId ? fee.value : 0n);
    const receipt = this.#createOutput(
      amount,
      destination.changeAddress,
      destination.primaryAddress,
      (context) =>
        memo === undefined
          ? undefined
          : memo.changeMemo({ amount, fee, totalOutlay, recipients, context }),
    );
    this.#outputs.push({ receipt, recipient: undefined });
    this.#hasChange = true;
    return receipt;
  }

  /** The last block index (exclusive) at which the transaction may land. */
  setTombstoneBlock(block: bigint): this {
    this.#tombstoneBlock = u64(block, "tombstone block");
    return this;
  }

  /** The effective tombstone block: the one set, capped by every fog key's expiry. */
  get tombstoneBlock(): bigint {
    const expiry = this.#fogExpiry;
    return expiry !== undefined && expiry < this.#tombstoneBlock ? expiry : this.#tombstoneBlock;
  }

  #createOutput(
    amount: Amount,
    recipient: PublicAddress,
    fogAddress: PublicAddress,
    memo: (context: MemoContext) => Uint8Array | undefined,
  ): OutputReceipt {
    if (this.#outputs.length >= MAX_OUTPUTS) {
      throw new TransactionError("INVALID_BUILD", `at most ${MAX_OUTPUTS} outputs`);
    }
    u64(amount.value, "amount");
    u64(amount.tokenId, "token id");
    const { rng, blockVersion, fogResolver } = this.#options;
    let eFogHint: Uint8Array;
    if (fogAddress.fogReportUrl === "") {
      eFogHint = fakeFogHint(rng);
    } else {
      if (fogResolver === undefined) {
        throw new TransactionError("INVALID_BUILD", "a fog recipient needs a fog resolver");
      }
      const ingest = fogResolver.ingestKey(fogAddress);
      eFogHint = encryptFogHint(ingest.publicKey, fogAddress.viewPublicKey, rng);
      if (this.#fogExpiry === undefined || ingest.expiry < this.#fogExpiry) {
        this.#fogExpiry = ingest.expiry;
      }
    }
    const created = createTxOut({
      blockVersion,
      amount,
      recipient,
      txPrivateKey: Scalars.random(rng),
      eFogHint,
      memo: (context) => memo(context) ?? unusedMemo(),
    });
    return {
      txOut: created.txOut,
      confirmationNumber: confirmationNumber(created.sharedSecret),
      amount,
      blinding: created.blinding,
    };
  }

  /** Sort rings, check ownership and balance, sign. */
  build(): Tx {
    return this.buildWithSecrets().tx;
  }

  /**
   * `build()`, also returning what was signed with: the sorted signable rings and output secrets
   * in prefix order (a wallet keeps them; tests re-sign altered prefixes with them).
   */
  buildWithSecrets(): {
    tx: Tx;
    rings: InputRingToSign[];
    outputSecrets: OutputSecret[];
  } {
    if (this.#built) throw new TransactionError("INVALID_BUILD", "build() was already called");
    this.#built = true;
    const { blockVersion, fee, rng, feeMap } = this.#options;
    if (this.#inputs.length === 0) {
      throw new TransactionError("INVALID_BUILD", "no inputs of our own to sign");
    }
    if (this.#outputs.length === 0) throw new TransactionError("INVALID_BUILD", "no outputs");
    const tombstoneBlock = this.tombstoneBlock;
    if (tombstoneBlock === 0n) {
      throw new TransactionError("INVALID_BUILD", "set a tombstone block (≤ current + 20160)", {
        max: MAX_TOMBSTONE_BLOCKS,
      });
    }

    const inputs: { txIn: TxIn; ring: InputRingToSign }[] = [
      ...this.#inputs.map((c) => prepareInput(c)),
      ...this.#presigned.map((sci) => ({
        txIn: sci.txIn,
        ring: { mlsag: sci.mlsag, pseudoOutput: sci.pseudoOutputAmount },
      })),
    ];
    // A presigned input's required outputs go into the prefix verbatim, with revealed secrets.
    const allOutputs: PendingOutput[] = [
      ...this.#outputs,
      ...this.#presigned.flatMap((sci) =>
        sci.txIn.inputRules!.requiredOutputs.map((txOut, k) => {
          const secret = sci.requiredOutputAmounts[k]!;
          return {
            receipt: {
              txOut,
              confirmationNumber: new Uint8Array(0),
              amount: { value: secret.value, tokenId: secret.tokenId },
              blinding: secret.blinding,
            },
            recipient: undefined,
          };
        }),
      ),
    ];
    // Per-token balance: inputs = outputs + fee.
    const balance = new Map<bigint, bigint>();
    const bump = (token: bigint, delta: bigint) =>
      balance.set(token, (balance.get(token) ?? 0n) + delta);
    for (const i of inputs) {
      const amount = "mlsag" in i.ring ? i.ring.pseudoOutput : i.ring.secret;
      bump(amount.tokenId, amount.value);
    }
    for (const o of allOutputs) bump(o.receipt.amount.tokenId, -o.receipt.amount.value);
    bump(fee.tokenId, -fee.value);
    for (const [token, left] of balance) {
      if (left !== 0n) {
        throw new TransactionError("INVALID_BUILD", "inputs do not equal outputs plus fee", {
          token,
          difference: left,
        });
      }
    }

    inputs.sort((a, b) => compareBytes(a.txIn.ring[0]!.publicKey, b.txIn.ring[0]!.publicKey));
    const outputs = allOutputs;
    outputs.sort((a, b) => compareBytes(a.receipt.txOut.publicKey, b.receipt.txOut.publicKey));
    const prefix: TxPrefix = {
      inputs: inputs.map((i) => i.txIn),
      outputs: outputs.map((o) => o.receipt.txOut),
      fee: fee.value,
      tombstoneBlock,
      feeTokenId: fee.tokenId,
    };
    const outputSecrets: OutputSecret[] = outputs.map((o) => ({
      value: o.receipt.amount.value,
      tokenId: o.receipt.amount.tokenId,
      blinding: o.receipt.blinding,
    }));
    const signature = signRctBulletproofs(
      blockVersion,
      prefix,
      inputs.map((i) => i.ring),
      outputSecrets,
      rng,
    );
    const tx: Tx = {
      prefix,
      signature,
      feeMapDigest: feeMap === undefined ? new Uint8Array(0) : feeMapDigest(feeMap),
    };
    return { tx, rings: inputs.map((i) => i.ring), outputSecrets };
  }
}
