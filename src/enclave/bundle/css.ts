import { type Ed25519Signer, ed25519Verify, sha256 } from "../../crypto/index.js";
import { bytesEqual, concatBytes, fromHex, toHex } from "../../util/index.js";
import { EnclaveSetupError } from "../errors.js";

/**
 * The signed manifest, named "CSS" after SGX's SIGSTRUCT (`CONSENSUS_ENCLAVE_CSS`): the
 * measurement, the signer (SHA-256 of the release-signing Ed25519 public key, the analogue of
 * MRSIGNER), the product id and SVN, and an Ed25519 signature over
 * "mc-ts-enclave-css-v1" ‖ measurement ‖ signer ‖ product_id u16 BE ‖ svn u16 BE.
 * Stored as one line of JSON so an operator can read it.
 */
export const CSS_FORMAT = "mc-ts-enclave-css-v1";
/** A CSS file larger than this is refused. */
export const CSS_BYTES_MAX = 4096;

export interface EnclaveCss {
  measurement: Uint8Array;
  /** SHA-256 of `signerPublicKey`. */
  signer: Uint8Array;
  signerPublicKey: Uint8Array;
  productId: number;
  svn: number;
  signature: Uint8Array;
}

function signedBytes(
  measurement: Uint8Array,
  signer: Uint8Array,
  productId: number,
  svn: number,
): Uint8Array {
  const numbers = new Uint8Array(4);
  const view = new DataView(numbers.buffer);
  view.setUint16(0, productId);
  view.setUint16(2, svn);
  return concatBytes(new TextEncoder().encode(CSS_FORMAT), measurement, signer, numbers);
}

export function signCss(
  measurement: Uint8Array,
  productId: number,
  svn: number,
  key: Ed25519Signer,
): EnclaveCss {
  const signer = sha256(key.publicKey);
  const signature = key.sign(signedBytes(measurement, signer, productId, svn));
  return { measurement, signer, signerPublicKey: key.publicKey, productId, svn, signature };
}

export function encodeCss(css: EnclaveCss): Uint8Array {
  const doc = {
    format: CSS_FORMAT,
    measurement: toHex(css.measurement),
    signer: toHex(css.signer),
    signer_public_key: toHex(css.signerPublicKey),
    product_id: css.productId,
    svn: css.svn,
    signature: toHex(css.signature),
  };
  return new TextEncoder().encode(`${JSON.stringify(doc)}\n`);
}

function invalid(problem: string): never {
  throw new EnclaveSetupError("INVALID_CSS", `the enclave CSS ${problem}`);
}

function hexField(doc: Record<string, unknown>, name: string, length: number): Uint8Array {
  const v = doc[name];
  if (typeof v !== "string" || !/^[0-9a-f]*$/.test(v) || v.length !== length * 2) {
    invalid(`field ${name} is not ${length} bytes of lowercase hex`);
  }
  return fromHex(v, length);
}

function u16Field(doc: Record<string, unknown>, name: string): number {
  const v = doc[name];
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffff) {
    invalid(`field ${name} is not a u16`);
  }
  return v;
}

/** Parse and verify a CSS: the signature must verify and the signer must hash the key. */
export function decodeCss(bytes: Uint8Array): EnclaveCss {
  if (bytes.length > CSS_BYTES_MAX) invalid(`is larger than ${CSS_BYTES_MAX} bytes`);
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    invalid("is not JSON");
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) invalid("is not an object");
  const d = doc as Record<string, unknown>;
  if (d["format"] !== CSS_FORMAT) invalid(`format is not ${CSS_FORMAT}`);
  const known = new Set([
    "format",
    "measurement",
    "signer",
    "signer_public_key",
    "product_id",
    "svn",
    "signature",
  ]);
  for (const k of Object.keys(d)) if (!known.has(k)) invalid(`has an unknown field ${k}`);
  const css: EnclaveCss = {
    measurement: hexField(d, "measurement", 32),
    signer: hexField(d, "signer", 32),
    signerPublicKey: hexField(d, "signer_public_key", 32),
    productId: u16Field(d, "product_id"),
    svn: u16Field(d, "svn"),
    signature: hexField(d, "signature", 64),
  };
  if (!bytesEqual(sha256(css.signerPublicKey), css.signer)) {
    invalid("signer is not the SHA-256 of its public key");
  }
  const message = signedBytes(css.measurement, css.signer, css.productId, css.svn);
  if (!ed25519Verify(css.signerPublicKey, message, css.signature)) {
    invalid("signature does not verify");
  }
  return css;
}
