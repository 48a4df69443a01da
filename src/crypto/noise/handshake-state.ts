import { CryptoError } from "../errors.js";
import { NOISE_TAG_LENGTH } from "./cipher-state.js";
import { X25519_KEY_LENGTH, X25519KeyPair } from "./dh.js";
import {
  type NoiseHandshakeOptions,
  type NoisePatternName,
  type NoiseRole,
  NoiseTransport,
  noiseProtocolName,
  patternMessages,
  sendsStatic,
  type Token,
} from "./pattern.js";
import { SymmetricState } from "./symmetric-state.js";

function stateError(message: string): CryptoError {
  return new CryptoError("HANDSHAKE_STATE", message);
}

/**
 * A Noise HandshakeState for one side. Messages alternate starting with the initiator; any error
 * poisons the state, because Noise gives no way to resume a handshake after a failed step.
 */
export class NoiseHandshake {
  readonly pattern: NoisePatternName;
  readonly role: NoiseRole;
  readonly #symmetric: SymmetricState;
  readonly #static: X25519KeyPair | undefined;
  readonly #ephemeral: X25519KeyPair;
  #remoteStatic: Uint8Array | undefined;
  #remoteEphemeral: Uint8Array | undefined;
  #messageIndex = 0;
  #failed = false;

  constructor(options: NoiseHandshakeOptions) {
    this.pattern = options.pattern;
    this.role = options.role;
    const needsStatic = sendsStatic(options.pattern, options.role);
    if (needsStatic !== (options.staticSecret !== undefined)) {
      const which = needsStatic ? "needs" : "takes no";
      throw new CryptoError(
        "INVALID_KEY",
        `the ${options.role} of ${options.pattern} ${which} static key`,
      );
    }
    this.#static = options.staticSecret && new X25519KeyPair(options.staticSecret);
    this.#ephemeral = new X25519KeyPair(options.ephemeralSecret);
    this.#symmetric = new SymmetricState(noiseProtocolName(options.pattern));
    this.#symmetric.mixHash(options.prologue);
  }

  get isComplete(): boolean {
    return this.#messageIndex >= patternMessages(this.pattern).length;
  }

  /** Whether the next message is ours to write. */
  get isOurTurn(): boolean {
    return !this.isComplete && (this.#messageIndex % 2 === 0) === (this.role === "initiator");
  }

  get handshakeHash(): Uint8Array {
    return this.#symmetric.handshakeHash;
  }

  get remoteStaticKey(): Uint8Array | undefined {
    return this.#remoteStatic;
  }

  writeMessage(payload: Uint8Array): Uint8Array {
    const tokens = this.#beginStep(true);
    return this.#guarded(() => {
      const parts: Uint8Array[] = [];
      for (const token of tokens) parts.push(this.#writeToken(token));
      parts.push(this.#symmetric.encryptAndHash(payload));
      this.#messageIndex++;
      return new Uint8Array(Buffer.concat(parts));
    });
  }

  readMessage(message: Uint8Array): Uint8Array {
    const tokens = this.#beginStep(false);
    return this.#guarded(() => {
      let offset = 0;
      for (const token of tokens) offset = this.#readToken(token, message, offset);
      const payload = this.#symmetric.decryptAndHash(message.subarray(offset));
      this.#messageIndex++;
      return payload;
    });
  }

  /** The transport ciphers, once the last handshake message has been written or read. */
  split(): NoiseTransport {
    if (this.#failed || !this.isComplete) throw stateError("the handshake is not complete");
    const [initiatorToResponder, responderToInitiator] = this.#symmetric.split();
    const initiator = this.role === "initiator";
    return new NoiseTransport(
      this.handshakeHash,
      this.#remoteStatic,
      initiator ? initiatorToResponder : responderToInitiator,
      initiator ? responderToInitiator : initiatorToResponder,
    );
  }

  #beginStep(writing: boolean): readonly Token[] {
    if (this.#failed) throw stateError("the handshake already failed");
    if (this.isComplete) throw stateError("the handshake is already complete");
    if (this.isOurTurn !== writing) {
      throw stateError(writing ? "it is the peer's turn to write" : "it is our turn to write");
    }
    return patternMessages(this.pattern)[this.#messageIndex] as readonly Token[];
  }

  #guarded<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      this.#failed = true;
      throw error;
    }
  }

  #writeToken(token: Token): Uint8Array {
    if (token === "e") {
      this.#symmetric.mixHash(this.#ephemeral.publicKey);
      return this.#ephemeral.publicKey;
    }
    if (token === "s") return this.#symmetric.encryptAndHash(this.#ownStatic().publicKey);
    this.#mixDh(token);
    return new Uint8Array(0);
  }

  #readToken(token: Token, message: Uint8Array, offset: number): number {
    if (token === "e") {
      const key = take(message, offset, X25519_KEY_LENGTH);
      this.#remoteEphemeral = key;
      this.#symmetric.mixHash(key);
      return offset + X25519_KEY_LENGTH;
    }
    if (token === "s") {
      const length = X25519_KEY_LENGTH + (this.#symmetric.hasKey() ? NOISE_TAG_LENGTH : 0);
      this.#remoteStatic = this.#symmetric.decryptAndHash(take(message, offset, length));
      return offset + length;
    }
    this.#mixDh(token);
    return offset;
  }

  /** `es` is DH(initiator e, responder s) whichever side computes it; likewise `se`. */
  #mixDh(token: "ee" | "es" | "se" | "ss"): void {
    const initiator = this.role === "initiator";
    const [localIsStatic, remoteIsStatic] = {
      ee: [false, false],
      es: [!initiator, initiator],
      se: [initiator, !initiator],
      ss: [true, true],
    }[token];
    const local = localIsStatic ? this.#ownStatic() : this.#ephemeral;
    const remote = remoteIsStatic ? this.#remoteStatic : this.#remoteEphemeral;
    if (remote === undefined) throw stateError(`token ${token} before the remote key it needs`);
    this.#symmetric.mixKey(local.dh(remote));
  }

  #ownStatic(): X25519KeyPair {
    if (this.#static === undefined) throw stateError("the pattern uses a static key we lack");
    return this.#static;
  }
}

function take(message: Uint8Array, offset: number, length: number): Uint8Array {
  if (message.length < offset + length) {
    throw new CryptoError("INVALID_LENGTH", "Noise handshake message is too short");
  }
  return message.slice(offset, offset + length);
}
