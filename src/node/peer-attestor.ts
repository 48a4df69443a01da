import { connectPeer, type EnclaveHost } from "../enclave/index.js";
import { PeersError } from "../peers/index.js";
import { RUNTIME_LIMITS } from "./limits.js";

/**
 * The IX sessions of our enclave to its peers (MobileCoin's `PeerConnection` attests lazily and
 * re-attests after an attestation error). A session is made on first use and kept until a call
 * over it fails; concurrent users of one peer share one handshake.
 */
export interface PeerAttestor {
  /** Our session id with `peer` (the `channel_id` of our messages to it), made if needed. */
  sessionFor(peer: string): Promise<Uint8Array>;
  /** Drop the session (a call over it failed: the peer restarted or the nonces went apart). */
  forget(peer: string): void;
}

/**
 * Runs the peer's half of the handshake: the peer API's `Auth` over gRPC, or the other node's
 * enclave `peer_accept` in one process.
 */
export type PeerAuth = (peer: string, authRequest: Uint8Array) => Promise<Uint8Array>;

/** `peer_init` → `remoteAuth` → `peer_connect` on `host`. */
export function enclavePeerAttestor(host: EnclaveHost, remoteAuth: PeerAuth): PeerAttestor {
  const sessions = new Map<string, Promise<Uint8Array>>();
  let handshakes = 0;
  const handshake = async (peer: string): Promise<Uint8Array> => {
    if (handshakes >= RUNTIME_LIMITS.attestationsInFlightMax)
      throw new PeersError("PEER_UNAVAILABLE", "too many handshakes under way", { peer });
    handshakes++;
    try {
      return await connectPeer(host, peer, (request) => remoteAuth(peer, request));
    } finally {
      handshakes--;
    }
  };
  return {
    sessionFor(peer) {
      let session = sessions.get(peer);
      if (session === undefined) {
        session = handshake(peer);
        sessions.set(peer, session);
        // A failed handshake is not kept: the next call tries again.
        session.catch(() => {
          if (sessions.get(peer) === session) sessions.delete(peer);
        });
      }
      return session;
    },
    forget(peer) {
      sessions.delete(peer);
    },
  };
}
