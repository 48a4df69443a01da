import { CodedError } from "../util/index.js";

/** Why a peer input (a consensus message, a payload, an AAD, a reply) was refused. */
export const PEERS_ERROR_CODES = [
  /** The CBOR payload is not the exact shape MobileCoin's serde writes (or breaks a decoding rule). */
  "MALFORMED_PAYLOAD",
  /** A payload, array or string exceeds its named limit in `PEERS_LIMITS`. */
  "PAYLOAD_TOO_LARGE",
  /** A consensus value that is not a 32-byte transaction hash (mint values are not carried yet). */
  "UNSUPPORTED_VALUE",
  /** The SCP message inside fails the SCP sanity rules (see the `cause`). */
  "INVALID_SCP_MSG",
  /** A message for slot 0: MobileCoin cannot create one (`ZeroSlot`). */
  "ZERO_SLOT",
  /** A node named without its Ed25519 key, or with a key that is not 32 bytes. */
  "MISSING_NODE_KEY",
  /** The relaying peer (`from_responder_id`) is not one of our configured peers. */
  "UNKNOWN_PEER",
  /** The issuer is not a node we know (peers and quorum-set members) and unknown issuers are refused. */
  "UNKNOWN_ISSUER",
  /** The issuer names a known responder id with a different key than the one configured for it. */
  "ISSUER_KEY_MISMATCH",
  /** The Ed25519 signature over the `peer-message` digest does not verify strictly. */
  "INVALID_SIGNATURE",
  /** The message builds on a previous block that is not the one our ledger has at `slot − 1`. */
  "PREV_BLOCK_MISMATCH",
  /** A connection could not reach its peer (transport failure; retryable). */
  "PEER_UNAVAILABLE",
  /** The peer answered, but not in a form the protocol allows. */
  "BAD_REPLY",
] as const;
export type PeersErrorCode = (typeof PEERS_ERROR_CODES)[number];

/** A refused peer input. Counted by code and dropped by callers; never crashes the node. */
export class PeersError extends CodedError<PeersErrorCode> {
  constructor(
    code: PeersErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(code, payload, message, options);
    this.name = "PeersError";
  }
}
