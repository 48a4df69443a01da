import {
  pedersenGens,
  type RingMLSAG,
  Ristretto,
  type Scalar,
  Scalars,
  signMlsag,
  verifyMlsag,
} from "../crypto/index.js";
import { bytesEqual, isCodedError, type RandomSource } from "../util/index.js";
import { TransactionError } from "./errors.js";
import type { InputCredentials } from "./input-credentials.js";
import { prepareInput } from "./prepare-input.js";
import { type InputRules, type TxIn, txInSignedDigest } from "./tx.js";
import type { TxOut } from "./tx-out.js";

/**
 * Signed contingent inputs (MCIP #31): an input whose owner signs only its own `TxIn`, with
 * `InputRules` naming outputs the final transaction must contain (e.g. "pay me 400 MOB"). Anyone
 * can then complete the transaction by adding inputs and outputs that balance it; the owner's
 * signature stays valid because it never covered the rest. The pseudo output's amount and
 * blinding, and the required outputs' amounts and blindings, are revealed to the counterparty.
 */

/** A value, token and blinding revealed to the counterparty. */
export interface UnmaskedAmount {
  readonly value: bigint;
  readonly tokenId: bigint;
  readonly blinding: Scalar;
}

/** A required output with the secrets the counterparty needs to balance and prove it. */
export interface RequiredOutput {
  readonly txOut: TxOut;
  readonly amount: UnmaskedAmount;
}

export interface SignedContingentInput {
  readonly blockVersion: number;
  /** Ring (sorted), membership proofs and the rules. */
  readonly txIn: TxIn;
  /** Signs `txInSignedDigest(txIn)`. */
  readonly mlsag: RingMLSAG;
  readonly pseudoOutputAmount: UnmaskedAmount;
  /** One per `txIn.inputRules.requiredOutputs`, same order. */
  readonly requiredOutputAmounts: readonly UnmaskedAmount[];
}

/** Sign `input` contingent on `requiredOutputs` (and a tombstone limit, 0 for none). */
export function signContingentInput(p: {
  readonly blockVersion: number;
  readonly input: InputCredentials;
  readonly requiredOutputs: readonly RequiredOutput[];
  readonly maxTombstoneBlock?: bigint;
  readonly rng: RandomSource;
}): SignedContingentInput {
  if (p.blockVersion < 3) {
    throw new TransactionError("INVALID_BUILD", "signed contingent inputs need block version ≥ 3");
  }
  const { txIn, ring } = prepareInput(p.input);
  const rules: InputRules = {
    requiredOutputs: p.requiredOutputs.map((r) => r.txOut),
    maxTombstoneBlock: p.maxTombstoneBlock ?? 0n,
    partialFillOutputs: [],
    partialFillChange: undefined,
    minPartialFillValue: 0n,
  };
  const withRules: TxIn = { ...txIn, inputRules: rules };
  const pseudoBlinding = Scalars.random(p.rng);
  const mlsag = signMlsag(
    txInSignedDigest(withRules)!,
    ring.members,
    {
      realIndex: ring.realIndex,
      onetimePrivateKey: ring.secret.onetimePrivateKey,
      value: ring.secret.value,
      blinding: ring.secret.blinding,
      outputBlinding: pseudoBlinding,
      valueGenerator: pedersenGens(ring.secret.tokenId).B,
    },
    p.rng,
  );
  return {
    blockVersion: p.blockVersion,
    txIn: withRules,
    mlsag,
    pseudoOutputAmount: {
      value: ring.secret.value,
      tokenId: ring.secret.tokenId,
      blinding: pseudoBlinding,
    },
    requiredOutputAmounts: p.requiredOutputs.map((r) => r.amount),
  };
}

function commitment(a: UnmaskedAmount): Uint8Array {
  return Ristretto.msm(
    [pedersenGens(a.tokenId).B, Ristretto.BASE],
    [a.value, a.blinding],
  ).toBytes();
}

/**
 * Counterparty-side check (MobileCoin `SignedContingentInput::validate`): the MLSAG signs this
 * TxIn for the revealed pseudo-output amount, and every revealed required-output amount opens
 * that output's commitment. Throws `INVALID_BUILD`.
 */
export function checkContingentInput(sci: SignedContingentInput): void {
  const rules = sci.txIn.inputRules;
  if (rules === undefined) {
    throw new TransactionError("INVALID_BUILD", "a contingent input must carry input rules");
  }
  if (rules.requiredOutputs.length !== sci.requiredOutputAmounts.length) {
    throw new TransactionError("INVALID_BUILD", "one revealed amount per required output");
  }
  rules.requiredOutputs.forEach((o, k) => {
    const opened = commitment(sci.requiredOutputAmounts[k]!);
    if (o.maskedAmount === undefined || !bytesEqual(o.maskedAmount.commitment, opened)) {
      throw new TransactionError("INVALID_BUILD", "a revealed required-output amount is wrong");
    }
  });
  const ring = sci.txIn.ring.map((o) => {
    if (o.maskedAmount === undefined) {
      throw new TransactionError("INVALID_BUILD", "a ring member has no masked amount");
    }
    return { targetKey: o.targetKey, commitment: o.maskedAmount.commitment };
  });
  try {
    verifyMlsag(sci.mlsag, txInSignedDigest(sci.txIn)!, ring, commitment(sci.pseudoOutputAmount));
  } catch (error) {
    if (!isCodedError(error)) throw error;
    throw new TransactionError(
      "INVALID_BUILD",
      "the contingent input's signature does not verify",
      {
        cause: error.code,
      },
    );
  }
}
