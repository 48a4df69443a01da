import type { Scalar } from "../crypto/index.js";
import type { TxOutMembershipProof } from "./merkle.js";
import type { TxOut } from "./tx-out.js";

/**
 * What a spender supplies for one input (MobileCoin `InputCredentials`). Its own module because
 * the builder, input preparation and signed contingent inputs all use it: kept in builder.ts it
 * made those three modules import one another in a cycle.
 */
export interface InputCredentials {
  /** Ring members in any order; the builder sorts them (with their proofs) by public key. */
  readonly ring: readonly TxOut[];
  /** One membership proof per ring member, in the same order as `ring`. */
  readonly membershipProofs: readonly TxOutMembershipProof[];
  /** Index of the real input in `ring`. */
  readonly realIndex: number;
  /** One-time private key of the real input (`x·G` must equal its target key). */
  readonly onetimePrivateKey: Scalar;
  /** The owner's account view private key `a`, to unmask the real input's amount. */
  readonly viewPrivateKey: Scalar;
}
