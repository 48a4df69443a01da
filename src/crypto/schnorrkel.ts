import { bytesEqual } from "../util/index.js";
import { CryptoError } from "./errors.js";
import { Hc128Rng } from "./hc128.js";
import { MerlinTranscript } from "./merlin.js";
import { Ristretto, type RistrettoPoint, type Scalar, Scalars } from "./ristretto.js";

/**
 * Schnorrkel (sr25519-style) signatures over ristretto255 as MobileCoin uses them for the fog
 * authority signature: a Merlin "SigningContext" transcript, the "Schnorr-sig" protocol, and the
 * signature `R ‖ s` with bit 7 of the last byte set as the schnorrkel marker.
 */

export const SCHNORRKEL_SIGNATURE_LENGTH = 64;

/** The transcript `signing_context(context).bytes(message)`. */
function signingTranscript(context: Uint8Array, message: Uint8Array): MerlinTranscript {
  const t = new MerlinTranscript("SigningContext");
  t.appendMessage("", context);
  t.appendMessage("sign-bytes", message);
  return t;
}

function challenge(t: MerlinTranscript, publicKey: Uint8Array, r: Uint8Array): Scalar {
  t.appendMessage("proto-name", new TextEncoder().encode("Schnorr-sig"));
  t.appendMessage("sign:pk", publicKey);
  t.appendMessage("sign:R", r);
  return Scalars.fromBytesModOrderWide(t.challengeBytes("sign:c", 64));
}

/**
 * Verify a schnorrkel signature. Returns false for a well-formed signature that does not verify;
 * throws `INVALID_SIGNATURE` for a malformed one (wrong length, missing marker, non-canonical s).
 */
export function schnorrkelVerify(
  publicKey: RistrettoPoint,
  context: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== SCHNORRKEL_SIGNATURE_LENGTH) {
    throw new CryptoError("INVALID_SIGNATURE", "a schnorrkel signature is 64 bytes");
  }
  if ((signature[63]! & 0x80) === 0) {
    throw new CryptoError("INVALID_SIGNATURE", "signature lacks the schnorrkel marker bit");
  }
  const r = signature.slice(0, 32);
  const sBytes = signature.slice(32);
  sBytes[31]! &= 0x7f;
  let s: Scalar;
  try {
    s = Scalars.fromCanonicalBytes(sBytes);
  } catch {
    throw new CryptoError("INVALID_SIGNATURE", "signature scalar is not canonical");
  }
  const k = challenge(signingTranscript(context, message), publicKey.toBytes(), r);
  // R' = s·G − k·A, compared as compressed bytes (schnorrkel never decompresses R).
  const expected = Ristretto.msm([Ristretto.BASE, publicKey], [s, Scalars.neg(k)]);
  return bytesEqual(expected.toBytes(), r);
}

/**
 * MobileCoin's deterministic schnorrkel signing (`mc_crypto_sig` over `RistrettoPrivate`): the
 * nonce half of the secret key is a Merlin challenge over (context, key, message), and the
 * transcript RNG is finalised with bytes from HC-128 seeded by that nonce. The same key, context
 * and message therefore always give the same signature bytes.
 */
export function schnorrkelSignDeterministic(
  privateKey: Scalar,
  context: Uint8Array,
  message: Uint8Array,
): Uint8Array {
  const keyBytes = Scalars.toBytes(privateKey);
  const nonceTranscript = new MerlinTranscript("SigningNonce");
  nonceTranscript.appendMessage("context", context);
  nonceTranscript.appendMessage("private", keyBytes);
  nonceTranscript.appendMessage("message", message);
  const nonce = nonceTranscript.challengeBytes("nonce", 32);

  const t = signingTranscript(context, message);
  t.appendMessage("proto-name", new TextEncoder().encode("Schnorr-sig"));
  t.appendMessage("sign:pk", Ristretto.multiplyBase(privateKey).toBytes());
  const entropy = new Hc128Rng(nonce).fillBytes(new Uint8Array(32));
  const rng = t.buildRng([{ label: "signing", bytes: nonce }], entropy);
  const r = Scalars.fromBytesModOrderWide(rng.fill(64));
  const bigR = Ristretto.multiplyBase(r).toBytes();
  t.appendMessage("sign:R", bigR);
  const k = Scalars.fromBytesModOrderWide(t.challengeBytes("sign:c", 64));
  const s = Scalars.toBytes(Scalars.add(Scalars.mul(k, privateKey), r));
  s[31]! |= 0x80;
  const sig = new Uint8Array(SCHNORRKEL_SIGNATURE_LENGTH);
  sig.set(bigR, 0);
  sig.set(s, 32);
  return sig;
}
