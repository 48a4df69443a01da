import { type Amount, unmaskAmountWithAmountSecret } from "../crypto/index.js";
import { bytesEqual, isCodedError } from "../util/index.js";
import { TxValidationError } from "./errors.js";
import type { InputRules, RevealedTxOut, Tx } from "./tx.js";
import { type TxOut, txOutHash } from "./tx-out.js";

/**
 * `InputRules::verify` (MCIP #31 signed contingent inputs, MCIP #42 partial fills): the rules an
 * input's signer imposes on the rest of the transaction. Failures map to the `InputRule*`
 * `ProposeTxResult` codes; the `InputRuleError` variant is kept as `reason`.
 */

type PartialFillReason =
  | "PartialFillOutputsNotExpected"
  | "MinPartialFillValueNotExpected"
  | "MissingFractionalChangeOutput"
  | "MissingFractionalOutput"
  | "FractionalOutputTokenIdMismatch"
  | "ZeroPartialFillChange"
  | "MinPartialFillValueExceedsPartialFillChange"
  | "FractionalOutputAmountDoesNotRespectFillFraction"
  | "FractionalChangeOutputAmountExceedsLimit";

function partialFill(reason: PartialFillReason): never {
  throw new TxValidationError("InputRulePartialFill", reason, { reason });
}

/** Equal in everything but the masked amount (`TxOut::eq_ignoring_amount`). */
function eqIgnoringAmount(a: TxOut, b: TxOut): boolean {
  return (
    bytesEqual(a.targetKey, b.targetKey) &&
    bytesEqual(a.publicKey, b.publicKey) &&
    bytesEqual(a.eFogHint, b.eFogHint) &&
    (a.eMemo === undefined
      ? b.eMemo === undefined
      : b.eMemo !== undefined && bytesEqual(a.eMemo, b.eMemo))
  );
}

/**
 * `try_reveal_amount`: unmask an output's v2 amount with a revealed amount shared secret. The
 * secret's length is checked before the output's amount, as upstream converts it to `[u8; 32]`
 * first: an output with both defects answers `InputRuleInvalidAmountSharedSecret`.
 */
function revealAmount(txOut: TxOut, amountSharedSecret: Uint8Array): Amount {
  if (amountSharedSecret.length !== 32) {
    throw new TxValidationError(
      "InputRuleInvalidAmountSharedSecret",
      "an amount shared secret must be 32 bytes",
      { reason: "RevealedTxOut" },
    );
  }
  if (txOut.maskedAmount === undefined) {
    throw new TxValidationError("InputRuleTxOutConversion", "a revealed output has no amount", {
      reason: "RevealedTxOut",
    });
  }
  try {
    return unmaskAmountWithAmountSecret(txOut.maskedAmount, amountSharedSecret).amount;
  } catch (error) {
    if (!isCodedError(error)) throw error;
    throw new TxValidationError("InputRuleAmount", "a revealed amount does not open", {
      reason: "RevealedTxOut",
    });
  }
}

function reveal(r: RevealedTxOut): Amount {
  return revealAmount(r.txOut, r.amountSharedSecret);
}

/** Check `tx` against one input's rules; throws `TxValidationError`. */
export function checkInputRules(rules: InputRules, tx: Tx): void {
  const { prefix } = tx;
  if (rules.maxTombstoneBlock !== 0n && prefix.tombstoneBlock > rules.maxTombstoneBlock) {
    throw new TxValidationError(
      "InputRuleMaxTombstoneBlockExceeded",
      "the tombstone block exceeds the input's limit",
    );
  }
  const outputHashes = prefix.outputs.map(txOutHash);
  for (const required of rules.requiredOutputs) {
    const h = txOutHash(required);
    if (!outputHashes.some((o) => bytesEqual(o, h))) {
      throw new TxValidationError("InputRuleMissingRequiredOutput", "a required output is missing");
    }
  }
  const change = rules.partialFillChange;
  if (change === undefined) {
    if (rules.partialFillOutputs.length !== 0) partialFill("PartialFillOutputsNotExpected");
    if (rules.minPartialFillValue !== 0n) partialFill("MinPartialFillValueNotExpected");
    return;
  }
  const changeAmount = reveal(change);
  if (changeAmount.value < rules.minPartialFillValue) {
    partialFill("MinPartialFillValueExceedsPartialFillChange");
  }
  // A change of 0 makes the fill fraction n/0; upstream refuses it here, before any output.
  if (changeAmount.value === 0n) partialFill("ZeroPartialFillChange");
  const fractionalChange = prefix.outputs.find((o) => eqIgnoringAmount(change.txOut, o));
  if (fractionalChange === undefined) partialFill("MissingFractionalChangeOutput");
  const fractionalChangeAmount = revealAmount(fractionalChange, change.amountSharedSecret);
  if (fractionalChangeAmount.tokenId !== changeAmount.tokenId) {
    partialFill("FractionalOutputTokenIdMismatch");
  }
  if (fractionalChangeAmount.value > changeAmount.value - rules.minPartialFillValue) {
    partialFill("FractionalChangeOutputAmountExceedsLimit");
  }
  // Fill fraction n/d: how much of the offer was taken.
  const num = changeAmount.value - fractionalChangeAmount.value;
  const denom = changeAmount.value;
  for (const r of rules.partialFillOutputs) {
    const full = reveal(r);
    const fractional = prefix.outputs.find((o) => eqIgnoringAmount(r.txOut, o));
    if (fractional === undefined) partialFill("MissingFractionalOutput");
    const got = revealAmount(fractional, r.amountSharedSecret);
    if (got.tokenId !== full.tokenId) partialFill("FractionalOutputTokenIdMismatch");
    // Upstream compares the ratios got/full and num/denom (`U64Ratio`), and a ratio with
    // denominator 0 does not exist: a promised value of 0 is refused, where the
    // cross-multiplication below alone would compare 0 < 0 and accept.
    if (full.value === 0n) partialFill("FractionalOutputAmountDoesNotRespectFillFraction");
    if (got.value * denom < full.value * num) {
      partialFill("FractionalOutputAmountDoesNotRespectFillFraction");
    }
  }
}
