import { NoiseHandshake, type NoiseTransport } from "../../src/crypto/index.js";
import type { EnclaveMessage } from "../../src/enclave/index.js";
import { EnclaveError } from "../../src/enclave/index.js";
import { type RandomSource, toHex, utf8 } from "../../src/util/index.js";

/**
 * Attested-channel stand-ins for unit tests of the transaction calls, made of real
 * Noise sessions (NX for clients, IX for peers, over X25519 / AES-256-GCM / SHA-512) but without
 * attestation: both ends are made here, from injected randomness, and the caller gets the remote
 * end. It has the shape of `SessionChannels` (src/enclave/impl/channels.ts) and is what the
 * transaction calls' unit tests pass as the enclave's `channels`, to test those calls apart from
 * the session machinery. Never used by a node or a benchmark.
 *
 * A session that fails to open a message is dropped, as the real sessions end. Failures are
 * INVALID_ARGUMENT here; the real sessions have their own codes.
 */
export interface TestSession {
  /** The session id: the 64-byte handshake hash. */
  readonly channelId: Uint8Array;
  /** The remote end (client or peer): encrypts what it sends, decrypts what the enclave seals. */
  readonly remote: NoiseTransport;
}

const PROLOGUE = utf8("test-channels.local:443");

function handshake(
  pattern: "NX" | "IX",
  random: RandomSource,
): { initiator: NoiseTransport; responder: NoiseTransport } {
  const key = () => random.fillBytes(new Uint8Array(32));
  const initiator = new NoiseHandshake({
    pattern,
    role: "initiator",
    prologue: PROLOGUE,
    ephemeralSecret: key(),
    ...(pattern === "IX" ? { staticSecret: key() } : {}),
  });
  const responder = new NoiseHandshake({
    pattern,
    role: "responder",
    prologue: PROLOGUE,
    staticSecret: key(),
    ephemeralSecret: key(),
  });
  responder.readMessage(initiator.writeMessage(new Uint8Array(0)));
  initiator.readMessage(responder.writeMessage(new Uint8Array(0)));
  return { initiator: initiator.split(), responder: responder.split() };
}

function refused(message: string): EnclaveError {
  return new EnclaveError("INVALID_ARGUMENT", message);
}

export class NoiseTestChannels {
  private readonly clients = new Map<string, NoiseTransport>();
  private readonly peers = new Map<string, NoiseTransport>();

  constructor(private readonly random: RandomSource) {}

  /** A client session (NX, the client initiates); the enclave keeps the responder end. */
  connectClient(): TestSession {
    const { initiator, responder } = handshake("NX", this.random);
    this.clients.set(toHex(responder.channelBinding), responder);
    return { channelId: responder.channelBinding, remote: initiator };
  }

  /** A peer session (IX, the peer initiates); the enclave keeps the responder end. */
  connectPeer(): TestSession {
    const { initiator, responder } = handshake("IX", this.random);
    this.peers.set(toHex(responder.channelBinding), responder);
    return { channelId: responder.channelBinding, remote: initiator };
  }

  openFromClient(message: EnclaveMessage): Uint8Array {
    return open(this.clients, message);
  }

  openFromPeer(message: EnclaveMessage): Uint8Array {
    return open(this.peers, message);
  }

  sealForPeer(session: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): EnclaveMessage {
    const transport = this.peers.get(toHex(session));
    if (transport === undefined) throw refused("unknown peer session");
    return {
      aad: aad.slice(),
      channelId: session.slice(),
      data: transport.encrypt(aad, plaintext),
    };
  }
}

function open(sessions: Map<string, NoiseTransport>, message: EnclaveMessage): Uint8Array {
  const id = toHex(message.channelId);
  const transport = sessions.get(id);
  if (transport === undefined) throw refused("unknown session");
  try {
    return transport.decrypt(message.aad, message.data);
  } catch {
    sessions.delete(id);
    throw refused("the message does not decrypt; the session ends");
  }
}

/** What a remote end sends: its message on the session. */
export function sealFromRemote(
  session: TestSession,
  aad: Uint8Array,
  plaintext: Uint8Array,
): EnclaveMessage {
  return { aad, channelId: session.channelId, data: session.remote.encrypt(aad, plaintext) };
}
