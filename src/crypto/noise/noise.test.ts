// Goal: the Noise core refuses everything MobileCoin's does and nothing else: steps out of turn,
// tampered or truncated messages, mismatched prologues, missing or superfluous static keys,
// low-order keys, reused nonces and the last nonce; messages above Noise's 65,535-byte cap pass
// (MobileCoin enforces none). Byte compatibility is proved by test/vectors/noise.test.ts.
import assert from "node:assert/strict";
import { createCipheriv, createHash } from "node:crypto";
import { describe, it } from "node:test";
import { isCodedError } from "../../util/index.js";
import { CipherState, NOISE_MAX_NONCE } from "./cipher-state.js";
import { X25519KeyPair } from "./dh.js";
import { NoiseHandshake } from "./handshake-state.js";
import type { NoisePatternName, NoiseRole, NoiseTransport } from "./pattern.js";

const EMPTY = new Uint8Array(0);
const text = (s: string) => new TextEncoder().encode(s);

/** Deterministic 32-byte secrets: tests need no ambient randomness. */
function secret(label: string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(label).digest());
}

function party(
  pattern: NoisePatternName,
  role: NoiseRole,
  prologue = "responder.example:8443",
  label = role,
): NoiseHandshake {
  const withStatic = role === "responder" || pattern === "IX";
  return new NoiseHandshake({
    pattern,
    role,
    prologue: text(prologue),
    ...(withStatic ? { staticSecret: secret(`${label}-static`) } : {}),
    ephemeralSecret: secret(`${label}-ephemeral`),
  });
}

function handshake(pattern: NoisePatternName): [NoiseTransport, NoiseTransport] {
  const initiator = party(pattern, "initiator");
  const responder = party(pattern, "responder");
  responder.readMessage(initiator.writeMessage(text("evidence-i")));
  initiator.readMessage(responder.writeMessage(text("evidence-r")));
  return [initiator.split(), responder.split()];
}

function flipByte(bytes: Uint8Array, index: number): void {
  bytes[index] = (bytes[index] ?? 0) ^ 1;
}

function throwsCode(code: string, fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => isCodedError(e, [code]));
}

describe("Noise handshakes", () => {
  for (const pattern of ["IX", "NX"] as const) {
    it(`${pattern}: both sides agree on the binding and learn the right static keys`, () => {
      const initiator = party(pattern, "initiator");
      const responder = party(pattern, "responder");
      assert.deepEqual(responder.readMessage(initiator.writeMessage(text("a"))), text("a"));
      assert.deepEqual(initiator.readMessage(responder.writeMessage(text("b"))), text("b"));
      const [i, r] = [initiator.split(), responder.split()];
      assert.deepEqual(i.channelBinding, r.channelBinding);
      assert.equal(i.channelBinding.length, 64);
      const responderStatic = new X25519KeyPair(secret("responder-static")).publicKey;
      assert.deepEqual(i.remoteStaticKey, responderStatic);
      const initiatorStatic = new X25519KeyPair(secret("initiator-static")).publicKey;
      assert.deepEqual(r.remoteStaticKey, pattern === "IX" ? initiatorStatic : undefined);
    });
  }

  it("a prologue mismatch fails at the initiator, which cannot decrypt the responder's s", () => {
    const initiator = party("IX", "initiator", "node1.example:8443-aa");
    const responder = party("IX", "responder", "node1.example:8443-bb");
    responder.readMessage(initiator.writeMessage(EMPTY));
    const reply = responder.writeMessage(EMPTY);
    throwsCode("DECRYPTION_FAILED", () => initiator.readMessage(reply));
    throwsCode("HANDSHAKE_STATE", () => initiator.readMessage(reply));
    throwsCode("HANDSHAKE_STATE", () => initiator.split());
  });

  it("a changed byte in the first message (clear, but hashed) breaks the second", () => {
    const initiator = party("IX", "initiator");
    const responder = party("IX", "responder");
    const first = initiator.writeMessage(text("evidence"));
    flipByte(first, first.length - 1);
    responder.readMessage(first);
    throwsCode("DECRYPTION_FAILED", () => initiator.readMessage(responder.writeMessage(EMPTY)));
  });

  it("refuses steps out of turn, truncated messages and splitting early", () => {
    const initiator = party("NX", "initiator");
    const responder = party("NX", "responder");
    throwsCode("HANDSHAKE_STATE", () => responder.writeMessage(EMPTY));
    throwsCode("HANDSHAKE_STATE", () => initiator.readMessage(new Uint8Array(48)));
    throwsCode("HANDSHAKE_STATE", () => party("NX", "initiator").split());
    throwsCode("INVALID_LENGTH", () => party("NX", "responder").readMessage(new Uint8Array(31)));
    responder.readMessage(initiator.writeMessage(EMPTY));
    const reply = responder.writeMessage(EMPTY);
    throwsCode("INVALID_LENGTH", () => initiator.readMessage(reply.subarray(0, 70)));
  });

  it("needs a static key exactly where the pattern sends one", () => {
    const base = { prologue: EMPTY, ephemeralSecret: secret("e") };
    throwsCode(
      "INVALID_KEY",
      () => new NoiseHandshake({ ...base, pattern: "IX", role: "initiator" }),
    );
    throwsCode(
      "INVALID_KEY",
      () => new NoiseHandshake({ ...base, pattern: "NX", role: "responder" }),
    );
    throwsCode(
      "INVALID_KEY",
      () =>
        new NoiseHandshake({
          ...base,
          pattern: "NX",
          role: "initiator",
          staticSecret: secret("s"),
        }),
    );
  });

  it("refuses a low-order ephemeral key instead of deriving a weak secret", () => {
    const responder = party("NX", "responder");
    responder.readMessage(new Uint8Array(32));
    throwsCode("INVALID_KEY", () => responder.writeMessage(EMPTY));
  });
});

describe("Noise transport", () => {
  it("carries messages above Noise's 65,535-byte cap both ways", () => {
    const [i, r] = handshake("IX");
    const big = new Uint8Array(200_000).fill(7);
    assert.deepEqual(r.decrypt(text("aad"), i.encrypt(text("aad"), big)), big);
    assert.deepEqual(i.decrypt(EMPTY, r.encrypt(EMPTY, big)), big);
  });

  it("a failed decrypt does not move the nonce; a replay or wrong AAD fails", () => {
    const [i, r] = handshake("NX");
    const first = i.encrypt(text("a"), text("one"));
    const tampered = first.slice();
    flipByte(tampered, 0);
    throwsCode("DECRYPTION_FAILED", () => r.decrypt(text("a"), tampered));
    throwsCode("DECRYPTION_FAILED", () => r.decrypt(text("b"), first));
    assert.deepEqual(r.decrypt(text("a"), first), text("one"));
    throwsCode("DECRYPTION_FAILED", () => r.decrypt(text("a"), first));
    assert.deepEqual(r.nonces, { send: 0n, receive: 1n });
  });
});

describe("Noise cipher state", () => {
  const key = secret("cipher-key");

  it("encrypts at nonce 2^64 − 2 as AES-GCM with 4 zero bytes ‖ big-endian counter", () => {
    const cipher = new CipherState(key);
    cipher.setNonce(NOISE_MAX_NONCE - 1n);
    const ours = cipher.encryptWithAd(text("ad"), text("last"));
    const iv = Buffer.from("00000000fffffffffffffffe", "hex");
    const reference = createCipheriv("aes-256-gcm", key, iv);
    reference.setAAD(text("ad"));
    const expected = Buffer.concat([reference.update(text("last")), reference.final()]);
    assert.deepEqual(Buffer.from(ours), Buffer.concat([expected, reference.getAuthTag()]));
  });

  it("refuses to encrypt or decrypt at nonce 2^64 − 1", () => {
    const sender = new CipherState(key);
    sender.setNonce(NOISE_MAX_NONCE - 1n);
    sender.encryptWithAd(EMPTY, EMPTY);
    throwsCode("NONCE_EXHAUSTED", () => sender.encryptWithAd(EMPTY, EMPTY));
    const receiver = new CipherState(key);
    receiver.setNonce(NOISE_MAX_NONCE);
    throwsCode("NONCE_EXHAUSTED", () => receiver.decryptWithAd(EMPTY, new Uint8Array(16)));
    throwsCode("OUT_OF_RANGE", () => receiver.setNonce(NOISE_MAX_NONCE + 1n));
  });

  it("passes data through before it has a key, as Noise specifies for the handshake", () => {
    const cipher = new CipherState();
    assert.deepEqual(cipher.encryptWithAd(EMPTY, text("clear")), text("clear"));
  });
});
