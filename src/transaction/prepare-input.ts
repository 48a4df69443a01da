import { Ristretto, sharedSecretFor, unmaskAmount } from "../crypto/index.js";
import { bytesEqual, compareBytes } from "../util/index.js";
import { TransactionError } from "./errors.js";
import type { InputCredentials } from "./input-credentials.js";
import type { SignableInputRing } from "./signature.js";
import type { TxIn } from "./tx.js";

/** Sort the ring (and proofs) by public key, relocate the real input, unmask its amount. */
export function prepareInput(c: InputCredentials): { txIn: TxIn; ring: SignableInputRing } {
  const order = c.ring.map((_o, i) => i);
  order.sort((a, b) => compareBytes(c.ring[a]!.publicKey, c.ring[b]!.publicKey));
  const ring = order.map((i) => c.ring[i]!);
  const proofs = order.map((i) => c.membershipProofs[i]!);
  const realIndex = order.indexOf(c.realIndex);
  const real = ring[realIndex]!;
  if (!bytesEqual(Ristretto.multiplyBase(c.onetimePrivateKey).toBytes(), real.targetKey)) {
    throw new TransactionError("INPUT_NOT_OWNED", "the one-time key does not own the real input");
  }
  if (real.maskedAmount === undefined) {
    throw new TransactionError("INVALID_BUILD", "the real input has no masked amount");
  }
  const sharedSecret = sharedSecretFor(c.viewPrivateKey, Ristretto.fromBytes(real.publicKey));
  const { amount, blinding } = unmaskAmount(real.maskedAmount, sharedSecret);
  const members = ring.map((o) => {
    if (o.maskedAmount === undefined) {
      throw new TransactionError("INVALID_BUILD", "a ring member has no masked amount");
    }
    return { targetKey: o.targetKey, commitment: o.maskedAmount.commitment };
  });
  return {
    txIn: { ring, proofs, inputRules: undefined },
    ring: {
      members,
      realIndex,
      secret: {
        onetimePrivateKey: c.onetimePrivateKey,
        value: amount.value,
        tokenId: amount.tokenId,
        blinding,
      },
    },
  };
}
