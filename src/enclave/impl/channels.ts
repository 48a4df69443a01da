import type { EnclaveMessage } from "../api.js";

/**
 * The attested channels as the transaction calls see them: open what a client or peer sent on
 * its session, and seal what goes to a peer. The session machinery (src/enclave/impl/sessions.ts)
 * implements it; the transaction calls depend only on this, so each side can be tested alone.
 * Every method advances the session's implicit nonce on success and throws an `EnclaveError`
 * (NOT_FOUND for an unknown or evicted session, DECRYPT_FAILED, …) otherwise; a failure ends
 * the session, as MobileCoin de-attests on any transport failure.
 */
export interface SessionChannels {
  /** Decrypt a client's `EnclaveMessage` on the client session its `channelId` names. */
  openFromClient(message: EnclaveMessage): Uint8Array;
  /** Decrypt a peer's `EnclaveMessage` on the peer session (inbound or outbound) it names. */
  openFromPeer(message: EnclaveMessage): Uint8Array;
  /** Encrypt `plaintext` with `aad` for the peer session `session`. */
  sealForPeer(session: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): EnclaveMessage;
}
