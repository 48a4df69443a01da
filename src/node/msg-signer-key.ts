import { createPrivateKey } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { Ed25519Signer, publicKeyFromSpki } from "../crypto/index.js";
import { describeError } from "../util/index.js";
import { MAX_KEYFILE_BYTES } from "./keyfiles.js";

/** What `--msg-signer-key` accepts, for messages. */
export const MSG_SIGNER_KEY_FORMS =
  "base64 of the PKCS#8 DER private key (MC4CAQAwBQYDK2VwBCIEI…, as `openssl genpkey -algorithm ed25519 -outform DER | openssl base64` prints it), " +
  "PEM text (-----BEGIN PRIVATE KEY-----), or the path of a PEM or DER key file (`openssl genpkey -algorithm ed25519 -out key.pem`)";

const PUBLIC_KEY_GIVEN =
  "this is an Ed25519 public key (SPKI, the consensus-msg-key form), not the private key";

/**
 * The message-signing key from `--msg-signer-key`: base64 DER (MobileCoin's form), PEM text, or a
 * PEM or DER file (what the runbook's openssl steps write). Throws an `Error` whose message says
 * which forms are accepted, or that a public key was given.
 */
export function parseMsgSignerKey(value: string): Ed25519Signer {
  const text = value.trim();
  if (text.startsWith("-----BEGIN")) return fromPem(text);
  if (isFile(text)) return fromFile(text);
  const compact = text.replace(/\s+/g, "");
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) {
    const der = new Uint8Array(Buffer.from(compact, "base64"));
    if (looksLikeSpki(der)) throw new Error(PUBLIC_KEY_GIVEN);
    if (/[_-]/.test(compact))
      throw new Error(`URL-safe base64 is not accepted here; expected ${MSG_SIGNER_KEY_FORMS}`);
    if (der.length === 48) return Ed25519Signer.fromPkcs8Der(der);
    if (der.length > 0)
      throw new Error(
        `base64 of ${der.length} bytes, but an Ed25519 PKCS#8 private key is 48; expected ${MSG_SIGNER_KEY_FORMS}`,
      );
  }
  if (/[./\\]/.test(text) && !/^[A-Za-z0-9+/]{40,}={0,2}$/.test(compact))
    throw new Error(`no such key file: ${text}; expected ${MSG_SIGNER_KEY_FORMS}`);
  throw new Error(`not a private key or a key file; expected ${MSG_SIGNER_KEY_FORMS}`);
}

function isFile(text: string): boolean {
  try {
    return statSync(text).isFile();
  } catch {
    return false;
  }
}

function looksLikeSpki(der: Uint8Array): boolean {
  try {
    publicKeyFromSpki(der);
    return true;
  } catch {
    return false;
  }
}

function fromFile(file: string): Ed25519Signer {
  if (statSync(file).size > MAX_KEYFILE_BYTES)
    throw new Error(`${file}: larger than ${MAX_KEYFILE_BYTES} bytes; expected a key file`);
  const bytes = new Uint8Array(readFileSync(file));
  const text = Buffer.from(bytes).toString("latin1").trim();
  try {
    if (text.startsWith("-----BEGIN")) return fromPem(text);
    if (looksLikeSpki(bytes)) throw new Error(PUBLIC_KEY_GIVEN);
    if (bytes.length === 48) return Ed25519Signer.fromPkcs8Der(bytes);
    throw new Error(
      `neither PEM nor a 48-byte Ed25519 PKCS#8 DER key (${bytes.length} bytes); expected ${MSG_SIGNER_KEY_FORMS}`,
    );
  } catch (error) {
    throw new Error(`${file}: ${describeError(error)}`);
  }
}

function fromPem(pem: string): Ed25519Signer {
  if (/-----BEGIN PUBLIC KEY-----/.test(pem)) throw new Error(PUBLIC_KEY_GIVEN);
  let der: Uint8Array;
  try {
    const key = createPrivateKey({ key: pem, format: "pem" });
    if (key.asymmetricKeyType !== "ed25519")
      throw new Error(`a ${key.asymmetricKeyType ?? "non-Ed25519"} key, not Ed25519`);
    der = new Uint8Array(key.export({ format: "der", type: "pkcs8" }));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new Error(`PEM private key not readable (${reason}); expected ${MSG_SIGNER_KEY_FORMS}`);
  }
  return Ed25519Signer.fromPkcs8Der(der);
}
