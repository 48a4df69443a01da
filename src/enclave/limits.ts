/**
 * Named bounds of the enclave boundary. Frame and argument caps bound what the host can make the
 * enclave buffer; the host-side bounds keep a wedged enclave from growing the host's memory.
 */
export const ENCLAVE_LIMITS = {
  /** Largest frame body either side accepts, bytes (a form_block of 5,000 txs with proofs fits). */
  frameBytesMax: 64 * 1024 * 1024,
  /** Largest body of a call that carries one transaction or handshake message, bytes. */
  singleMessageCallBytesMax: 4 * 1024 * 1024,
  /** Largest body of a call without a variable-size payload (getters, init), bytes. */
  smallCallBytesMax: 1024 * 1024,
  /** A ResponderId string, bytes of UTF-8 (host:port plus the 65-byte config digest suffix). */
  responderIdBytesMax: 512,
  /** A sealed block-signing key blob, bytes. */
  sealedKeyBytesMax: 1024,
  /** A Noise handshake message (carries the attestation evidence), bytes. */
  handshakeMessageBytesMax: 256 * 1024,
  /** Attestation evidence as installed or published, bytes. */
  evidenceBytesMax: 256 * 1024,
  /** A Noise session id: the 64-byte handshake hash. */
  sessionIdBytes: 64,
  /** Additional authenticated data of an enclave message, bytes. */
  messageAadBytesMax: 64 * 1024,
  /** Noise transport ciphertext of one client or peer message, bytes. */
  messageDataBytesMax: 4 * 1024 * 1024,
  /** One locally encrypted transaction, bytes. */
  encryptedTxBytesMax: 1024 * 1024,
  /** One encoded membership proof, bytes. */
  membershipProofBytesMax: 16 * 1024,
  /** Membership proofs per transaction (MobileCoin MAX_INPUTS × ring size 11, rounded up). */
  proofsPerTxMax: 16 * 11,
  /** Transactions in one txs_for_peer, peer_tx_propose or form_block (MAX_TRANSACTIONS_PER_BLOCK). */
  txsPerCallMax: 5000,
  /** Key images or output public keys in one transaction context. */
  keysPerTxMax: 16 * 11,
  /** An encoded block, block contents or mint transaction, bytes. */
  blockPartBytesMax: 32 * 1024 * 1024,
  /** Mint config txs or mint txs in one form_block. */
  mintTxsPerCallMax: 1000,
  /** Target-feature strings reported by enclave_init, and their length. */
  targetFeaturesMax: 64,
  targetFeatureBytesMax: 64,
  /** Governors data (minting config) in enclave_init, bytes. */
  governorsBytesMax: 64 * 1024,
  /** An encoded SW report (fixed-size fields plus the mode string), bytes. */
  reportBytesMax: 1024,
  /** Pending initiator handshakes, by digest-suffixed peer responder id (MobileCoin: LRU 64). */
  pendingPeerHandshakesMax: 64,
  /** Established peer sessions, each direction separately (MobileCoin: LRU 64 each). */
  peerSessionsMax: 64,
  /** Established client sessions (MobileCoin: LRU 10,000). */
  clientSessionsMax: 10_000,
  /**
   * Initiator ephemeral keys of answered handshakes remembered to refuse a replayed message 1
   * (per port). Beyond it a replay is answered again, but the session it makes stays unusable:
   * only the holder of the original ephemeral secret can derive its keys.
   */
  answeredHandshakesMax: 16_384,
  /**
   * Transactions whose signature and range proofs this enclave verified in tx_is_well_formed,
   * remembered (by block version and SHA-256 of the transaction bytes) so that form_block does not
   * verify them a second time. A forgotten one is verified again: the bound costs time, never
   * correctness. Two blocks of MAX_TRANSACTIONS_PER_BLOCK; ≈ 150 bytes each.
   */
  signatureMemoMax: 10_000,
  /** Pending report-data entries kept for InstallEvidence (MobileCoin: quotes LRU 64). */
  pendingReportsMax: 64,
  /** Host: calls awaiting a reply at once; the next is refused with TOO_MANY_CALLS_IN_FLIGHT. */
  callsInFlightMax: 64,
  /** Host: default time for one reply, ms. */
  callTimeoutMs: 30_000,
  /** Host: time for the enclave process to load, check its identity and say it is ready, ms. */
  startTimeoutMs: 60_000,
  /** Host: pause between attempts to connect to an enclave socket nobody listens on yet, ms. */
  socketConnectRetryMs: 200,
  /** Host: stderr bytes of the enclave process kept for the one-line exit report. */
  stderrTailBytes: 4096,
} as const;
