import type { Scalar } from "../crypto/index.js";
import type { MemoBuilder } from "./builder.js";
import { TransactionError } from "./errors.js";
import {
  type DestinationMemoId,
  makeAuthenticatedSenderMemo,
  makeDestinationMemo,
  type SenderMemoId,
  unusedMemo,
} from "./memos.js";
import { type PublicAddress, shortAddressHash } from "./public-address.js";

/**
 * MobileCoin's recoverable-transaction-history memo builder (`RTHMemoBuilder`, MCIP #4): each
 * payment gets an authenticated sender memo (when a sender credential is set) whose HMAC the
 * recipient can check, and the change output gets a destination memo recording the last
 * recipient, the number of recipients, the fee and the total outlay (payments plus fee).
 */

/** Who the sender claims to be: the address named in the memo and its spend private key. */
export interface SenderCredential {
  readonly address: PublicAddress;
  /** Spend private key of `address` (`d_i` of the claimed subaddress). */
  readonly spendPrivateKey: Scalar;
}

export interface RthMemoOptions {
  /** Without a credential, payments get unused memos. */
  readonly senderCredential?: SenderCredential;
  /** Payment request or intent id written into every sender memo and the destination memo. */
  readonly paymentId?: SenderMemoId & DestinationMemoId;
  /** Write a destination memo on the change output (MobileCoin's default: on). */
  readonly destinationMemo?: boolean;
}

/** Build an RTH `MemoBuilder`. */
export function rthMemoBuilder(options: RthMemoOptions): MemoBuilder {
  const id = options.paymentId ?? { kind: "none" };
  return {
    outputMemo({ recipient, context }) {
      const credential = options.senderCredential;
      if (credential === undefined) return unusedMemo();
      return makeAuthenticatedSenderMemo({
        senderAddress: credential.address,
        senderSpendPrivate: credential.spendPrivateKey,
        recipientViewPublic: recipient.viewPublicKey,
        txOutPublicKey: context.txOutPublicKey,
        id,
      });
    },
    changeMemo({ amount, fee, totalOutlay, recipients }) {
      if (options.destinationMemo === false) return unusedMemo();
      const last = recipients[recipients.length - 1];
      if (last === undefined) return unusedMemo();
      if (fee.tokenId !== amount.tokenId) {
        // The memo's outlay adds the fee to the payments, which needs one token.
        throw new TransactionError(
          "INVALID_BUILD",
          "a destination memo needs the fee in the change token",
        );
      }
      return makeDestinationMemo({
        addressHash: shortAddressHash(last),
        numRecipients: Math.min(recipients.length, 255),
        fee: fee.value,
        totalOutlay,
        id,
      });
    },
  };
}
