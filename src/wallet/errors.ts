import { CodedError } from "../util/index.js";

/** Why the wallet refused or failed, before or after anything reached a node. */
export const WALLET_ERROR_CODES = [
  /** The amount plus fee exceeds what the account can spend (nothing is submitted). */
  "INSUFFICIENT_FUNDS",
  /** More inputs would be needed than one transaction may carry. */
  "TOO_MANY_INPUTS",
  /** The ledger holds too few outputs for a ring. */
  "NOT_ENOUGH_MIXINS",
  /** A flag or file value that is not usable (amount, account, address). */
  "BAD_INPUT",
  /** The pending-spends file exists but cannot be read as one. */
  "PENDING_FILE_INVALID",
  /** The node answered something the wallet cannot use (no blocks, a malformed reply). */
  "NODE_REPLY_INVALID",
] as const;
export type WalletErrorCode = (typeof WALLET_ERROR_CODES)[number];

export class WalletError extends CodedError<WalletErrorCode> {
  constructor(
    code: WalletErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, payload, message);
    this.name = "WalletError";
  }
}
