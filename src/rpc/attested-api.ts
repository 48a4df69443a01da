import { create } from "@bufbuild/protobuf";
import {
  AkeInitiator,
  type AttestMessage,
  callOk,
  type EnclaveHost,
  EnclaveHostError,
  type SwEvidenceVerifier,
  type VerifiedEvidence,
} from "../enclave/index.js";
import {
  AttestedApi,
  type AuthMessage,
  AuthMessageSchema,
  type Message,
  MessageSchema,
} from "../proto/attest_pb.js";
import { CodedError, isCodedError, type RandomSource } from "../util/index.js";
import { RpcError } from "./errors.js";
import type { CallContext, RpcClient, RpcServer, UnaryHandler } from "./service.js";

/**
 * `attest.AttestedApi.Auth` (reference enclave-attest.md §5, §7.2–7.4) on top of an enclave host:
 * on the peer port it answers IX message 1 with the enclave's `peer_accept`, on the client port
 * NX message 1 with `client_accept`. Each call gets a fresh responder inside the enclave (a
 * handshake message is never routed to an existing session). Before evidence is installed the
 * service is UNAVAILABLE; every other refusal is an `ATTEST_…` code, which the one error map
 * turns into PERMISSION_DENIED "Permission denied" — the reason goes to the log only.
 *
 * The client side: `PeerConnector` runs peer_init → Auth → peer_connect through our own enclave,
 * one attempt at a time per connection, and `AttestedClient` is a wallet-side NX initiator that
 * holds its own Noise state and verifies the node's evidence against trusted identities.
 */
export const ATTESTED_RPC_ERROR_CODES = [
  /** The enclave refused the handshake (bad message, evidence refused, replay, key not bound…). */
  "ATTEST_AUTH_REFUSED",
  /** Our side could not complete a handshake the remote answered (its evidence, its message). */
  "ATTEST_AUTH_FAILED",
  /** A transport message on an attested channel that could not be sealed or opened. */
  "ATTEST_CHANNEL_FAILED",
] as const;
export type AttestedRpcErrorCode = (typeof ATTESTED_RPC_ERROR_CODES)[number];

export class AttestedRpcError extends CodedError<AttestedRpcErrorCode> {
  constructor(
    code: AttestedRpcErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(code, payload, message, options);
    this.name = "AttestedRpcError";
  }
}

/** Enclave refusals that mean "not serving yet", not "you are refused". */
const NOT_SERVING_CODES: ReadonlySet<string> = new Set(["EVIDENCE_NOT_INSTALLED"]);

/** Map a failed enclave call of an Auth handler to the error the caller's status comes from. */
function authFailure(what: string, error: unknown): Error {
  if (error instanceof EnclaveHostError) {
    return new RpcError("RPC_NOT_SERVING", `${what}: enclave unavailable (${error.code})`);
  }
  if (isCodedError(error) && NOT_SERVING_CODES.has(error.code)) {
    return new RpcError("RPC_NOT_SERVING", `${what}: no attestation evidence installed`);
  }
  const reason = isCodedError(error) ? error.code : "unexpected";
  return new AttestedRpcError(
    "ATTEST_AUTH_REFUSED",
    `${what} refused: ${reason}`,
    { reason },
    { cause: error },
  );
}

export interface AuthHandlerOptions {
  /** Told the session id of every handshake accepted (for logs and metrics). */
  readonly onSession?: (session: Uint8Array, context: CallContext) => void;
}

/** The peer port's Auth: IX message 1 in, message 2 out. */
export function peerAuthHandler(
  host: EnclaveHost,
  options: AuthHandlerOptions = {},
): UnaryHandler<typeof AuthMessageSchema, typeof AuthMessageSchema> {
  return async (request, context) => {
    try {
      const accepted = await callOk(host, { call: "peer_accept", authRequest: request.data });
      options.onSession?.(accepted.session, context);
      return create(AuthMessageSchema, { data: accepted.authResponse });
    } catch (error) {
      throw authFailure("peer_accept", error);
    }
  };
}

/** The client port's Auth: NX message 1 in, message 2 out. */
export function clientAuthHandler(
  host: EnclaveHost,
  options: AuthHandlerOptions = {},
): UnaryHandler<typeof AuthMessageSchema, typeof AuthMessageSchema> {
  return async (request, context) => {
    try {
      const accepted = await callOk(host, { call: "client_accept", authRequest: request.data });
      options.onSession?.(accepted.session, context);
      return create(AuthMessageSchema, { data: accepted.authResponse });
    } catch (error) {
      throw authFailure("client_accept", error);
    }
  };
}

export function servePeerAuth(
  server: RpcServer,
  host: EnclaveHost,
  options: AuthHandlerOptions = {},
): RpcServer {
  return server.unary(AttestedApi.method.auth, peerAuthHandler(host, options));
}

export function serveClientAuth(
  server: RpcServer,
  host: EnclaveHost,
  options: AuthHandlerOptions = {},
): RpcServer {
  return server.unary(AttestedApi.method.auth, clientAuthHandler(host, options));
}

/** Run calls one after another (implicit nonces: one call at a time per connection). */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

export interface PeerSession {
  /** The 64-byte channel id, the same on both ends. */
  readonly session: Uint8Array;
  /** The peer's evidence in its EvidenceKind wrapper, as our enclave verified it. */
  readonly evidenceKind: Uint8Array;
}

/**
 * Our outbound attested channel to one peer (MobileCoin `PeerConnection::attest`): peer_init in
 * our enclave, Auth on the peer's port, peer_connect in our enclave. Attempts and every later
 * call that uses the session go through one queue, so nonces never race.
 */
export class PeerConnector {
  readonly #host: EnclaveHost;
  readonly #client: RpcClient;
  readonly #peerResponderId: string;
  readonly queue = new SerialQueue();
  #current: PeerSession | undefined;

  constructor(host: EnclaveHost, client: RpcClient, peerResponderId: string) {
    this.#host = host;
    this.#client = client;
    this.#peerResponderId = peerResponderId;
  }

  get session(): PeerSession | undefined {
    return this.#current;
  }

  /** Forget the session (after any failed call on it); the next use attests again. */
  deattest(): void {
    this.#current = undefined;
  }

  /** Attest afresh. A refusal by the peer surfaces as the RpcCallError of its status. */
  attest(): Promise<PeerSession> {
    return this.queue.run(async () => {
      this.#current = undefined;
      const init = await callOk(this.#host, {
        call: "peer_init",
        peerResponderId: this.#peerResponderId,
      });
      const reply = await this.#client.unary(
        AttestedApi.method.auth,
        create(AuthMessageSchema, { data: init.authRequest }),
      );
      try {
        const connected = await callOk(this.#host, {
          call: "peer_connect",
          peerResponderId: this.#peerResponderId,
          authResponse: reply.data,
        });
        this.#current = { session: connected.session, evidenceKind: connected.evidenceKind };
        return this.#current;
      } catch (error) {
        throw new AttestedRpcError(
          "ATTEST_AUTH_FAILED",
          `peer_connect to ${this.#peerResponderId}: ${isCodedError(error) ? error.code : "failed"}`,
          {},
          { cause: error },
        );
      }
    });
  }
}

export interface AttestedClientOptions {
  readonly client: RpcClient;
  /** The node's client responder id (URI `responder-id`, else `host:port`). */
  readonly responderId: string;
  /** Verifies the node's evidence: trusted identities, policy and root chosen by the wallet. */
  readonly verifier: SwEvidenceVerifier;
  readonly random: RandomSource;
}

/**
 * A wallet-side attested channel to a node's client port (MobileCoin `ThickClient`): NX over
 * `Auth`, the node's evidence verified at `nowMs` and bound to its Noise static key, then
 * `attest.Message`s encrypted on the session. Any failure ends the session.
 */
export class AttestedClient {
  readonly #options: AttestedClientOptions;
  readonly queue = new SerialQueue();
  #machine: AkeInitiator | undefined;
  #evidence: VerifiedEvidence | undefined;

  constructor(options: AttestedClientOptions) {
    this.#options = options;
  }

  get sessionId(): Uint8Array | undefined {
    return this.#machine?.phase === "ready" ? this.#machine.sessionId : undefined;
  }

  /** The node's verified evidence, once attested. */
  get nodeEvidence(): VerifiedEvidence | undefined {
    return this.#evidence;
  }

  deattest(): void {
    this.#machine = undefined;
    this.#evidence = undefined;
  }

  attest(nowMs: number): Promise<Uint8Array> {
    return this.queue.run(async () => {
      this.deattest();
      const machine = new AkeInitiator();
      const request = machine.initiateClient({
        responderId: this.#options.responderId,
        ephemeralSecret: this.#options.random.fillBytes(new Uint8Array(32)),
      });
      const reply: AuthMessage = await this.#options.client.unary(
        AttestedApi.method.auth,
        create(AuthMessageSchema, { data: request }),
      );
      try {
        this.#evidence = machine.readAuthResponse({
          message: reply.data,
          verifier: this.#options.verifier,
          nowMs,
        });
      } catch (error) {
        throw new AttestedRpcError(
          "ATTEST_AUTH_FAILED",
          `the node's handshake: ${isCodedError(error) ? error.code : "failed"}`,
          { reason: isCodedError(error) ? error.code : "unknown" },
          { cause: error },
        );
      }
      this.#machine = machine;
      return machine.sessionId;
    });
  }

  /** Encrypt `plaintext` for the node as an `attest.Message` (clients use empty AAD upstream). */
  encrypt(plaintext: Uint8Array, aad: Uint8Array = new Uint8Array(0)): Message {
    const sealed = this.#step((m) => m.encrypt(aad, plaintext));
    return create(MessageSchema, {
      aad: sealed.aad,
      channelId: sealed.channelId,
      data: sealed.data,
    });
  }

  /** Decrypt an `attest.Message` from the node on this session. */
  decrypt(message: Message): Uint8Array {
    const record: AttestMessage = {
      aad: message.aad,
      channelId: message.channelId,
      data: message.data,
    };
    return this.#step((m) => m.decrypt(record));
  }

  #step<T>(step: (machine: AkeInitiator) => T): T {
    const machine = this.#machine;
    if (machine === undefined) {
      throw new AttestedRpcError("ATTEST_CHANNEL_FAILED", "not attested");
    }
    try {
      return step(machine);
    } catch (error) {
      this.deattest();
      throw new AttestedRpcError(
        "ATTEST_CHANNEL_FAILED",
        `attested channel: ${isCodedError(error) ? error.code : "failed"}`,
        {},
        { cause: error },
      );
    }
  }
}
