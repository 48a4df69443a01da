import type { LedgerReader } from "../ledger/index.js";
import { type VerifiedConsensusMsg, VerifiedMsgCache, verifyConsensusMsg } from "../peers/index.js";

/** Who may send us consensus messages, and whose statements we know (from the network config). */
export interface PeerTrust {
  /** Responder ids of the configured peers. */
  readonly peers: ReadonlySet<string>;
  /** Responder id → message-signing public key, of peers and quorum-set members. */
  readonly knownNodes: ReadonlyMap<string, Uint8Array>;
}

/** Strict verification of a consensus message against our ledger now (reference §6.5). */
export type MessageVerifier = (
  fromResponderId: string,
  payload: Uint8Array,
) => VerifiedConsensusMsg;

/** One verifier per node: its cache lets the copies relayed by other peers skip verification. */
export function messageVerifier(
  trust: PeerTrust,
  ledger: LedgerReader,
  cache = new VerifiedMsgCache(),
): MessageVerifier {
  return (from, payload) =>
    verifyConsensusMsg(
      from,
      payload,
      {
        peers: trust.peers,
        knownNodes: trust.knownNodes,
        numBlocks: Number(ledger.numBlocks()),
        blockId: (i) => ledger.getBlock(BigInt(i)).id,
      },
      cache,
    );
}
