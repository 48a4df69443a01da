import type { CipherState } from "./cipher-state.js";

/**
 * The Noise handshakes MobileCoin uses (reference enclave-attest.md §5): IX between peers (both
 * sides send their static key) and NX for clients (only the responder has one). Patterns are data;
 * the engine below walks their tokens. No pre-messages, no PSK, no rekey.
 */
export type Token = "e" | "s" | "ee" | "es" | "se" | "ss";

export type NoisePatternName = "IX" | "NX";

const PATTERNS: Readonly<Record<NoisePatternName, readonly (readonly Token[])[]>> = {
  IX: [
    ["e", "s"],
    ["e", "ee", "se", "s", "es"],
  ],
  NX: [["e"], ["e", "ee", "s", "es"]],
};

export function patternMessages(pattern: NoisePatternName): readonly (readonly Token[])[] {
  return PATTERNS[pattern];
}

export type NoiseRole = "initiator" | "responder";

export function noiseProtocolName(pattern: NoisePatternName): string {
  return `Noise_${pattern}_25519_AESGCM_SHA512`;
}

/** Whether `role` sends its static key in `pattern`, and so must be given one. */
export function sendsStatic(pattern: NoisePatternName, role: NoiseRole): boolean {
  const first = role === "initiator" ? 0 : 1;
  return PATTERNS[pattern].some((tokens, i) => i % 2 === first && tokens.includes("s"));
}

export interface NoiseHandshakeOptions {
  readonly pattern: NoisePatternName;
  readonly role: NoiseRole;
  readonly prologue: Uint8Array;
  /** The long-term X25519 secret; required exactly when the pattern sends this side's `s`. */
  readonly staticSecret?: Uint8Array;
  /** A fresh X25519 secret for this handshake: randomness is the caller's to draw. */
  readonly ephemeralSecret: Uint8Array;
}

/** The result of a completed handshake: one cipher each way and the 64-byte channel binding. */
export class NoiseTransport {
  constructor(
    readonly channelBinding: Uint8Array,
    readonly remoteStaticKey: Uint8Array | undefined,
    private readonly sender: CipherState,
    private readonly receiver: CipherState,
  ) {}

  encrypt(ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    return this.sender.encryptWithAd(ad, plaintext);
  }

  decrypt(ad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    return this.receiver.decryptWithAd(ad, ciphertext);
  }

  /** Nonces each way, for metrics and for tests of the exhaustion limit. */
  get nonces(): { send: bigint; receive: bigint } {
    return { send: this.sender.nonce, receive: this.receiver.nonce };
  }
}
