import type { RandomSource } from "../../util/index.js";
import { toHex } from "../../util/index.js";
import type { EnclaveMessage } from "../api.js";
import { AkeInitiator, AkeResponder } from "../attest/ake.js";
import { AttestError, type AttestErrorCode } from "../attest/errors.js";
import { encodeEvidenceResponse } from "../attest/formats.js";
import type { SwEvidenceVerifier } from "../attest/verifier.js";
import { EnclaveError, type EnclaveErrorCode } from "../errors.js";
import { ENCLAVE_LIMITS } from "../limits.js";
import type { SessionChannels } from "./channels.js";

/**
 * The enclave's attested-session bookkeeping (reference enclave-attest.md §5.4, MobileCoin's
 * `AkeEnclaveState`): pending initiator handshakes keyed by the digest-suffixed peer responder
 * id, inbound and outbound peer sessions keyed by their 64-byte binding, and client sessions.
 * Every map is an LRU with a named bound; eviction is silent and the next use is NOT_FOUND.
 * Any failure of a handshake or of a transport message ends that session (it is dropped from its
 * map), so a peer or client must attest again. Every `Auth` gets a fresh responder: a handshake
 * message is never routed to an existing session. A message 1 whose initiator ephemeral key was
 * already answered is refused as a replay (remembered in a bounded LRU per port; past the bound a
 * replay only yields a session whose keys nobody but the original initiator can derive).
 */

/** A map that forgets its least recently used entry beyond `capacity`. */
export class LruMap<V> {
  readonly #entries = new Map<string, V>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.#entries.size;
  }

  /** The value, now the most recently used. */
  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Insert or replace; the oldest entries go when over capacity. */
  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  delete(key: string): boolean {
    return this.#entries.delete(key);
  }
}

export interface SessionLimits {
  readonly pendingPeerHandshakesMax: number;
  readonly peerSessionsMax: number;
  readonly clientSessionsMax: number;
  readonly answeredHandshakesMax: number;
}

export interface AttestedSessionsOptions {
  readonly random: RandomSource;
  /** The enclave's X25519 key-exchange secret: the Noise static key bound to its evidence. */
  readonly staticSecret: Uint8Array;
  /** Our peer responder id as given to enclave_init (without the digest suffix). */
  readonly peerResponderId: string;
  readonly clientResponderId: string;
  /** Merlin digest32 of the BlockchainConfig under "mc-blockchain-config". */
  readonly configDigest: Uint8Array;
  /** Verifies a peer's evidence: own measurement, the enclave's policy and root. */
  readonly peerVerifier: SwEvidenceVerifier;
  readonly limits?: SessionLimits;
}

const DEFAULT_LIMITS: SessionLimits = {
  pendingPeerHandshakesMax: ENCLAVE_LIMITS.pendingPeerHandshakesMax,
  peerSessionsMax: ENCLAVE_LIMITS.peerSessionsMax,
  clientSessionsMax: ENCLAVE_LIMITS.clientSessionsMax,
  answeredHandshakesMax: ENCLAVE_LIMITS.answeredHandshakesMax,
};

/** Bytes of an X25519 public key: the initiator's ephemeral opens every message 1. */
const EPHEMERAL_BYTES = 32;

type Session = AkeInitiator | AkeResponder;

/** The enclave code a failed attested step is reported under (the AttestError stays inside). */
function enclaveCodeOf(code: AttestErrorCode): EnclaveErrorCode {
  switch (code) {
    case "DECRYPT_FAILED":
    case "CHANNEL_MISMATCH":
      return "DECRYPT_FAILED";
    case "ENCRYPT_FAILED":
      return "ENCRYPT_FAILED";
    case "HANDSHAKE_FAILED":
    case "HANDSHAKE_REPLAYED":
    case "HANDSHAKE_OUT_OF_ORDER":
    case "SESSION_TERMINATED":
      return "HANDSHAKE_FAILED";
    default:
      return "ATTESTATION_FAILED";
  }
}

/** Run an attested step; an AttestError becomes the EnclaveError the host sees. */
function attested<T>(what: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof AttestError) {
      throw new EnclaveError(enclaveCodeOf(error.code), `${what}: ${error.code}`, {
        reason: error.code,
      });
    }
    throw error;
  }
}

export class AttestedSessions implements SessionChannels {
  readonly #options: AttestedSessionsOptions;
  readonly #pending: LruMap<AkeInitiator>;
  readonly #outbound: LruMap<AkeInitiator>;
  readonly #inbound: LruMap<AkeResponder>;
  readonly #clients: LruMap<AkeResponder>;
  readonly #answeredPeers: LruMap<true>;
  readonly #answeredClients: LruMap<true>;

  constructor(options: AttestedSessionsOptions) {
    const limits = options.limits ?? DEFAULT_LIMITS;
    this.#options = options;
    this.#pending = new LruMap(limits.pendingPeerHandshakesMax);
    this.#outbound = new LruMap(limits.peerSessionsMax);
    this.#inbound = new LruMap(limits.peerSessionsMax);
    this.#clients = new LruMap(limits.clientSessionsMax);
    this.#answeredPeers = new LruMap(limits.answeredHandshakesMax);
    this.#answeredClients = new LruMap(limits.answeredHandshakesMax);
  }

  /** Refuse a message 1 already answered; returns the key to remember once it is answered. */
  #checkFresh(answered: LruMap<true>, message: Uint8Array): string {
    const key = toHex(message.subarray(0, EPHEMERAL_BYTES));
    if (message.length < EPHEMERAL_BYTES || answered.get(key) !== undefined) {
      throw new EnclaveError("HANDSHAKE_FAILED", "a replayed or truncated handshake message", {
        reason: "HANDSHAKE_REPLAYED",
      });
    }
    return key;
  }

  /** Counts per map, for tests of the bounds. */
  sizes(): { pending: number; outbound: number; inbound: number; clients: number } {
    return {
      pending: this.#pending.size,
      outbound: this.#outbound.size,
      inbound: this.#inbound.size,
      clients: this.#clients.size,
    };
  }

  #ephemeral(): Uint8Array {
    return this.#options.random.fillBytes(new Uint8Array(32));
  }

  #pendingKey(peerResponderId: string): string {
    return `${peerResponderId}-${toHex(this.#options.configDigest)}`;
  }

  /** peer_init: IX message 1 to `peerResponderId`; replaces an earlier pending one to it. */
  peerInit(peerResponderId: string, ownEvidence: Uint8Array): Uint8Array {
    const initiator = new AkeInitiator();
    const message = attested("peer_init", () =>
      initiator.initiatePeer({
        responderId: peerResponderId,
        configDigest: this.#options.configDigest,
        staticSecret: this.#options.staticSecret,
        ephemeralSecret: this.#ephemeral(),
        ownEvidence,
      }),
    );
    this.#pending.set(this.#pendingKey(peerResponderId), initiator);
    return message;
  }

  /** peer_connect: finish the pending handshake to `peerResponderId` with its message 2. */
  peerConnect(
    peerResponderId: string,
    message: Uint8Array,
    nowMs: number,
  ): { session: Uint8Array; evidenceKind: Uint8Array } {
    const key = this.#pendingKey(peerResponderId);
    const initiator = this.#pending.get(key);
    if (initiator === undefined) {
      throw new EnclaveError("NOT_FOUND", "no pending handshake to this peer");
    }
    // One answer per peer_init, whatever its outcome.
    this.#pending.delete(key);
    const verified = attested("peer_connect", () =>
      initiator.readAuthResponse({ message, verifier: this.#options.peerVerifier, nowMs }),
    );
    const session = initiator.sessionId;
    this.#outbound.set(toHex(session), initiator);
    return { session, evidenceKind: encodeEvidenceResponse(verified.bytes) };
  }

  /** peer_accept: answer a peer's IX message 1 with a fresh responder. */
  peerAccept(
    message: Uint8Array,
    ownEvidence: Uint8Array,
    nowMs: number,
  ): { authResponse: Uint8Array; session: Uint8Array } {
    const fresh = this.#checkFresh(this.#answeredPeers, message);
    const responder = new AkeResponder();
    const answer = attested("peer_accept", () =>
      responder.acceptPeer({
        message,
        responderId: this.#options.peerResponderId,
        configDigest: this.#options.configDigest,
        staticSecret: this.#options.staticSecret,
        ephemeralSecret: this.#ephemeral(),
        ownEvidence,
        verifier: this.#options.peerVerifier,
        nowMs,
      }),
    );
    this.#answeredPeers.set(fresh, true);
    const session = responder.sessionId;
    this.#inbound.set(toHex(session), responder);
    return { authResponse: answer.message, session };
  }

  /** client_accept: answer a client's NX message 1 with a fresh responder. */
  clientAccept(
    message: Uint8Array,
    ownEvidence: Uint8Array,
  ): { authResponse: Uint8Array; session: Uint8Array } {
    const fresh = this.#checkFresh(this.#answeredClients, message);
    const responder = new AkeResponder();
    const authResponse = attested("client_accept", () =>
      responder.acceptClient({
        message,
        responderId: this.#options.clientResponderId,
        staticSecret: this.#options.staticSecret,
        ephemeralSecret: this.#ephemeral(),
        ownEvidence,
      }),
    );
    this.#answeredClients.set(fresh, true);
    const session = responder.sessionId;
    this.#clients.set(toHex(session), responder);
    return { authResponse, session };
  }

  clientClose(session: Uint8Array): void {
    if (!this.#clients.delete(toHex(session))) {
      throw new EnclaveError("NOT_FOUND", "no such client session");
    }
  }

  peerClose(session: Uint8Array): void {
    const key = toHex(session);
    const found = this.#inbound.delete(key);
    if (!this.#outbound.delete(key) && !found) {
      throw new EnclaveError("NOT_FOUND", "no such peer session");
    }
  }

  /** client_discard_message: decrypt and drop, keeping the client's nonce in step. */
  discardFromClient(message: EnclaveMessage): void {
    this.openFromClient(message);
  }

  openFromClient(message: EnclaveMessage): Uint8Array {
    return this.#open(this.#clients, message, "client");
  }

  openFromPeer(message: EnclaveMessage): Uint8Array {
    const key = toHex(message.channelId);
    if (this.#inbound.get(key) !== undefined) return this.#open(this.#inbound, message, "peer");
    return this.#open(this.#outbound, message, "peer");
  }

  sealForPeer(session: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): EnclaveMessage {
    const key = toHex(session);
    const map: LruMap<Session> =
      this.#inbound.get(key) !== undefined ? this.#inbound : this.#outbound;
    const found = map.get(key);
    if (found === undefined) throw new EnclaveError("NOT_FOUND", "no such peer session");
    return this.#ending(map, key, "seal for peer", () => {
      const sealed = found.encrypt(aad, plaintext);
      return { aad: sealed.aad, channelId: sealed.channelId.slice(), data: sealed.data };
    });
  }

  #open(map: LruMap<Session>, message: EnclaveMessage, who: string): Uint8Array {
    const key = toHex(message.channelId);
    const found = map.get(key);
    if (found === undefined) throw new EnclaveError("NOT_FOUND", `no such ${who} session`);
    return this.#ending(map, key, `open from ${who}`, () => found.decrypt(message));
  }

  /** Run a transport step; on failure the session is gone (its machine is terminated anyway). */
  #ending<T>(map: LruMap<Session>, key: string, what: string, step: () => T): T {
    try {
      return attested(what, step);
    } catch (error) {
      map.delete(key);
      throw error;
    }
  }
}
