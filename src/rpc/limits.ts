import { LIMITS } from "../util/index.js";

/**
 * Bounds of the gRPC layer. Noise itself caps nothing (reference enclave-attest.md §5.5), so these
 * are where the size of an attested message is limited.
 */
export const RPC_LIMITS = {
  /** Largest request a server accepts, bytes (a GetTxs answer of 100 transactions fits easily). */
  maxReceiveMessageBytes: LIMITS.maxGrpcMessageBytes,
  /** Largest response a server sends, bytes (GetBlocks pages are bounded by their own limit). */
  maxSendMessageBytes: 64 * 1024 * 1024,
  /** Deadline a client puts on a unary call unless the caller gives one, milliseconds. */
  defaultDeadlineMs: 30_000,
  /** How long `close()` lets calls in flight finish before cancelling them, milliseconds. */
  shutdownGraceMs: 5_000,
  /** Largest TLS chain, key or CA bundle file we read, bytes (a host CA bundle is about 200 KiB). */
  maxTlsFileBytes: 4 * 1024 * 1024,
  /**
   * Reconnect backoff of an outgoing peer channel, milliseconds (MobileCoin 1 s → 2 s; grpc-js
   * would back off to 120 s, so a restarted peer would stay unreachable for minutes).
   */
  peerReconnectInitialMs: 1_000,
  peerReconnectMaxMs: 2_000,
  /** Deadline of one call to a peer, milliseconds (a GetBlocks page of 2000 headers included). */
  peerCallDeadlineMs: 10_000,
  /**
   * Largest GetBlocks reply a server sends and a peer connection accepts, bytes: a page of 2000
   * headers is about 400 KB, so a page is cut at this size only if headers grow.
   */
  maxBlocksReplyBytes: 4 * 1024 * 1024,
} as const;
