/** `peers/`: consensus messages between validators (digest, wire form, signing, verification), the
 * `PeerConnection` seam, the broadcaster and keepalive, all sans I/O. */
export {
  type BroadcastAction,
  Broadcaster,
  type BroadcasterOptions,
  type BroadcasterStats,
  type BroadcastInput,
  type BroadcastPeer,
  relayInput,
  txRelayInput,
} from "./broadcaster.js";
export {
  type AttestedMessage,
  type ConsensusMsgResult,
  checkConsensusMsgRequest,
  checkGetBlocksReply,
  checkGetBlocksRequest,
  checkGetTxsReply,
  checkGetTxsRequest,
  checkProposeTxRequest,
  type GetTxsResult,
  type MaybePromise,
  MemoryPeerNetwork,
  type PeerConnection,
  type PeerService,
} from "./connection.js";
export {
  consensusMsgSignatureValid,
  type MsgPosition,
  signConsensusMsg,
  type VerifiedConsensusMsg,
  type VerifyContext,
  verifyConsensusMsg,
  verifyEd25519Strict,
} from "./consensus-msg.js";
export {
  consensusMsgDigest,
  mcNodeIdFromScp,
  mcQuorumSetFromScp,
  scpMsgDigestNode,
  TX_HASH_LENGTH,
  topicDigestNode,
} from "./digest.js";
export { PEERS_ERROR_CODES, PeersError, type PeersErrorCode } from "./errors.js";
export {
  type KeepaliveAction,
  type KeepaliveInput,
  type KeepaliveOptions,
  PeerKeepalive,
} from "./keepalive.js";
export { LatestIssuedMsg } from "./latest-issued.js";
export { PEERS_LIMITS, retryDelaysMs } from "./limits.js";
export { type IssuedMsgCheck, VerifiedMsgCache } from "./verified-msg-cache.js";
export {
  decodeConsensusMsgPayload,
  decodeConsensusMsgProto,
  decodeTxProposeAad,
  encodeConsensusMsgPayload,
  encodeConsensusMsgProto,
  encodeTxProposeAad,
  type SignedConsensusMsg,
  type TxProposeAad,
} from "./wire.js";
