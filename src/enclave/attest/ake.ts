import { NoiseHandshake, type NoisePatternName, type NoiseTransport } from "../../crypto/index.js";
import { bytesEqual, isCodedError, toHex, utf8 } from "../../util/index.js";
import { AttestError, type AttestErrorCode } from "./errors.js";
import { decodeEvidenceResponse, encodeEvidenceResponse } from "./formats.js";
import { ATTEST_LIMITS, CONFIG_DIGEST_LENGTH } from "./limits.js";
import type { SwEvidenceVerifier, VerifiedEvidence } from "./verifier.js";

/**
 * The attested key exchange of reference enclave-attest.md §5.4 as two Mealy machines over our
 * Noise core: an initiator (Start → AuthPending → Ready) and a responder (Start → Ready), for IX
 * between peers and NX for clients. They are pure: ephemeral keys, static keys and the time are
 * inputs. Any failure moves a machine to Terminated for good; a handshake message that reaches a
 * machine past the point of taking it is a replay and is refused (and also terminates it).
 */

/** `attest.Message`: one transport record on an attested channel. */
export interface AttestMessage {
  readonly aad: Uint8Array;
  readonly channelId: Uint8Array;
  readonly data: Uint8Array;
}

export type AkePhase = "start" | "auth-pending" | "ready" | "terminated";

function checkResponderId(responderId: string): void {
  if (responderId.length === 0 || responderId.length > ATTEST_LIMITS.maxNameChars) {
    throw new AttestError("HANDSHAKE_FAILED", "a responder id must be 1..256 characters");
  }
}

/**
 * Peer prologue: `"<responder id>-<64 lowercase hex of the blockchain-config digest>"`, so peers
 * with a different config (or a wrong responder id) cannot complete a handshake.
 */
export function peerPrologue(responderId: string, configDigest: Uint8Array): Uint8Array {
  checkResponderId(responderId);
  if (configDigest.length !== CONFIG_DIGEST_LENGTH) {
    throw new AttestError("HANDSHAKE_FAILED", "the config digest must be 32 bytes");
  }
  return utf8(`${responderId}-${toHex(configDigest)}`);
}

/** Client prologue: the node's client responder id, verbatim. */
export function clientPrologue(clientResponderId: string): Uint8Array {
  checkResponderId(clientResponderId);
  return utf8(clientResponderId);
}

/** Shared by both roles: the phase, termination on failure and the Ready transport. */
abstract class AkeMachine {
  #phase: AkePhase = "start";
  #transport: NoiseTransport | undefined;
  #remote: VerifiedEvidence | undefined;
  #failure: AttestError | undefined;

  get phase(): AkePhase {
    return this.#phase;
  }

  /** Why the machine terminated, for logs. */
  get failure(): AttestError | undefined {
    return this.#failure;
  }

  /** The 64-byte handshake hash: the channel id, equal on both ends. */
  get sessionId(): Uint8Array {
    return this.#ready().channelBinding.slice();
  }

  /** The remote enclave's verified evidence (absent for a client, which has none). */
  get remoteEvidence(): VerifiedEvidence | undefined {
    return this.#remote;
  }

  /** Encrypt `plaintext` for the remote side as an `attest.Message`. */
  encrypt(aad: Uint8Array, plaintext: Uint8Array): AttestMessage {
    const transport = this.#ready();
    return this.guard("ENCRYPT_FAILED", () => ({
      aad,
      channelId: transport.channelBinding,
      data: transport.encrypt(aad, plaintext),
    }));
  }

  /** Decrypt a record from the remote side; any failure ends the session. */
  decrypt(message: AttestMessage): Uint8Array {
    const transport = this.#ready();
    return this.guard("DECRYPT_FAILED", () => {
      if (!bytesEqual(message.channelId, transport.channelBinding)) {
        throw new AttestError("CHANNEL_MISMATCH", "the message names another channel");
      }
      return transport.decrypt(message.aad, message.data);
    });
  }

  protected expectPhase(phase: AkePhase, replayed: AttestErrorCode): void {
    if (this.#phase === phase) return;
    // Before the machine has started, an input is early; after, it is a replay.
    const code = this.#phase === "start" ? "HANDSHAKE_OUT_OF_ORDER" : replayed;
    this.guard(code, () => {
      throw new AttestError(code, `input not taken in phase ${this.#phase}`, {
        phase: this.#phase,
      });
    });
  }

  protected enterAuthPending(): void {
    this.#phase = "auth-pending";
  }

  protected enterReady(transport: NoiseTransport, remote: VerifiedEvidence | undefined): void {
    this.#transport = transport;
    this.#remote = remote;
    this.#phase = "ready";
  }

  /**
   * Run a step; on any error terminate, and report a non-attestation error (a Noise failure) under
   * `code` so that callers see one typed error family.
   */
  protected guard<T>(code: AttestErrorCode, step: () => T): T {
    try {
      return step();
    } catch (error) {
      const attestError =
        error instanceof AttestError
          ? error
          : new AttestError(
              code,
              isCodedError(error) ? error.message : "step failed",
              {},
              {
                cause: error,
              },
            );
      this.#terminate(attestError);
      throw attestError;
    }
  }

  #terminate(error: AttestError): void {
    this.#phase = "terminated";
    this.#failure ??= error;
    this.#transport = undefined;
  }

  #ready(): NoiseTransport {
    if (this.#phase === "terminated" || this.#transport === undefined) {
      const phase = this.#phase;
      throw new AttestError(
        phase === "terminated" ? "SESSION_TERMINATED" : "HANDSHAKE_OUT_OF_ORDER",
        `no session in phase ${phase}`,
        { phase },
      );
    }
    return this.#transport;
  }
}

export interface PeerInitiateInput {
  /** The remote peer's responder id (its `host:port` or URI override). */
  readonly responderId: string;
  /** Our blockchain-config digest; the remote must have the same one. */
  readonly configDigest: Uint8Array;
  readonly staticSecret: Uint8Array;
  readonly ephemeralSecret: Uint8Array;
  /** Our installed SwEvidence bytes, sent bare in IX message 1. */
  readonly ownEvidence: Uint8Array;
}

export interface ClientInitiateInput {
  /** The node's client responder id (URI `responder-id` or `host:port`). */
  readonly responderId: string;
  readonly ephemeralSecret: Uint8Array;
}

export interface AuthResponseInput {
  readonly message: Uint8Array;
  readonly verifier: SwEvidenceVerifier;
  readonly nowMs: number;
}

/** The side that starts: a node opening a peer channel (IX) or a client (NX). */
export class AkeInitiator extends AkeMachine {
  #handshake: NoiseHandshake | undefined;

  /** Start → AuthPending: IX message 1 carrying our evidence. */
  initiatePeer(input: PeerInitiateInput): Uint8Array {
    return this.#initiate("IX", input.ephemeralSecret, input.ownEvidence, () => ({
      prologue: peerPrologue(input.responderId, input.configDigest),
      staticSecret: input.staticSecret,
    }));
  }

  /** Start → AuthPending: NX message 1 (an ephemeral key, empty payload). */
  initiateClient(input: ClientInitiateInput): Uint8Array {
    return this.#initiate("NX", input.ephemeralSecret, new Uint8Array(0), () => ({
      prologue: clientPrologue(input.responderId),
    }));
  }

  /** AuthPending → Ready: read message 2, verify the responder's evidence and key binding. */
  readAuthResponse(input: AuthResponseInput): VerifiedEvidence {
    this.expectPhase("auth-pending", "HANDSHAKE_REPLAYED");
    const handshake = this.#handshake as NoiseHandshake;
    return this.guard("HANDSHAKE_FAILED", () => {
      const payload = handshake.readMessage(input.message);
      const evidence = decodeEvidenceResponse(payload);
      const remoteStaticKey = handshake.remoteStaticKey ?? new Uint8Array(0);
      const verified = input.verifier.verify(evidence, { remoteStaticKey, nowMs: input.nowMs });
      this.enterReady(handshake.split(), verified);
      this.#handshake = undefined;
      return verified;
    });
  }

  #initiate(
    pattern: NoisePatternName,
    ephemeralSecret: Uint8Array,
    payload: Uint8Array,
    keys: () => { prologue: Uint8Array; staticSecret?: Uint8Array },
  ): Uint8Array {
    this.expectPhase("start", "HANDSHAKE_OUT_OF_ORDER");
    return this.guard("HANDSHAKE_FAILED", () => {
      const handshake = new NoiseHandshake({
        pattern,
        role: "initiator",
        ephemeralSecret,
        ...keys(),
      });
      const message = handshake.writeMessage(payload);
      this.#handshake = handshake;
      this.enterAuthPending();
      return message;
    });
  }
}

export interface PeerAcceptInput {
  readonly message: Uint8Array;
  /** Our own peer responder id. */
  readonly responderId: string;
  readonly configDigest: Uint8Array;
  readonly staticSecret: Uint8Array;
  readonly ephemeralSecret: Uint8Array;
  /** Our installed SwEvidence bytes, wrapped under field 5 in message 2. */
  readonly ownEvidence: Uint8Array;
  readonly verifier: SwEvidenceVerifier;
  readonly nowMs: number;
}

export interface ClientAcceptInput {
  readonly message: Uint8Array;
  /** Our client responder id, verbatim. */
  readonly responderId: string;
  readonly staticSecret: Uint8Array;
  readonly ephemeralSecret: Uint8Array;
  readonly ownEvidence: Uint8Array;
}

/** The side that answers an `Auth` call: a node, for a peer (IX) or a client (NX). */
export class AkeResponder extends AkeMachine {
  /**
   * Start → Ready for IX: read message 1, verify the initiator's evidence and that its Noise
   * static key is the key in that evidence (the check MobileCoin's DCAP responder lacks, §5.3),
   * then answer with our evidence.
   */
  acceptPeer(input: PeerAcceptInput): { message: Uint8Array; evidence: VerifiedEvidence } {
    this.expectPhase("start", "HANDSHAKE_REPLAYED");
    return this.guard("HANDSHAKE_FAILED", () => {
      const handshake = new NoiseHandshake({
        pattern: "IX",
        role: "responder",
        prologue: peerPrologue(input.responderId, input.configDigest),
        staticSecret: input.staticSecret,
        ephemeralSecret: input.ephemeralSecret,
      });
      const payload = handshake.readMessage(input.message);
      const remoteStaticKey = handshake.remoteStaticKey ?? new Uint8Array(0);
      const evidence = input.verifier.verify(payload, { remoteStaticKey, nowMs: input.nowMs });
      const message = handshake.writeMessage(encodeEvidenceResponse(input.ownEvidence));
      this.enterReady(handshake.split(), evidence);
      return { message, evidence };
    });
  }

  /** Start → Ready for NX: a client has no evidence; we answer with ours. */
  acceptClient(input: ClientAcceptInput): Uint8Array {
    this.expectPhase("start", "HANDSHAKE_REPLAYED");
    return this.guard("HANDSHAKE_FAILED", () => {
      const handshake = new NoiseHandshake({
        pattern: "NX",
        role: "responder",
        prologue: clientPrologue(input.responderId),
        staticSecret: input.staticSecret,
        ephemeralSecret: input.ephemeralSecret,
      });
      if (handshake.readMessage(input.message).length !== 0) {
        throw new AttestError("HANDSHAKE_FAILED", "NX message 1 carries an unexpected payload");
      }
      const message = handshake.writeMessage(encodeEvidenceResponse(input.ownEvidence));
      this.enterReady(handshake.split(), undefined);
      return message;
    });
  }
}
