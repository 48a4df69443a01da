import { Ed25519Signer } from "../../crypto/index.js";
import { fromBase64, fromHex } from "../../util/index.js";
import type { Enrolment } from "./authority.js";
import { AttestError } from "./errors.js";
import { decodeCertificate, type SignedCertificate } from "./formats.js";
import { ATTEST_LIMITS } from "./limits.js";

/**
 * The attestation authority's configuration files. All are line-based text: blank lines and lines
 * starting with `#` are ignored, and every other line must parse or the file is refused with the
 * file's role and line number.
 *
 *   enrolled nodes   `<spid> <sha256 of the api key, 64 hex>`   (printf %s "$KEY" | sha256sum)
 *   allow-list       `<measurement, 64 hex>`
 *   chain            `<base64 AuthorityCertificate>`, root-signed first, ours last
 *   key              base64 PKCS#8 DER of an Ed25519 key (consensus-tool keygen), or its PEM
 */

function configError(file: string, line: number, message: string): AttestError {
  return new AttestError("AUTHORITY_CONFIG_INVALID", `${file} line ${line}: ${message}`, {
    file,
    line,
  });
}

function meaningfulLines(file: string, text: string): { line: number; text: string }[] {
  if (text.length > ATTEST_LIMITS.maxAuthorityFileBytes) {
    throw configError(file, 0, `larger than ${ATTEST_LIMITS.maxAuthorityFileBytes} bytes`);
  }
  return text
    .split("\n")
    .map((raw, i) => ({ line: i + 1, text: raw.trim() }))
    .filter((l) => l.text.length > 0 && !l.text.startsWith("#"));
}

const HEX32 = /^[0-9a-fA-F]{64}$/;
const SPID = /^[!-~]{1,256}$/;

export function parseEnrolmentFile(text: string): Enrolment[] {
  const seen = new Set<string>();
  return meaningfulLines("enrolled", text).map(({ line, text: entry }) => {
    const parts = entry.split(/\s+/);
    const [spid, hash] = parts;
    if (parts.length !== 2 || spid === undefined || hash === undefined) {
      throw configError("enrolled", line, "expected `<spid> <sha256 hex>`");
    }
    if (!SPID.test(spid)) throw configError("enrolled", line, "a SPID is printable ASCII");
    if (!HEX32.test(hash)) throw configError("enrolled", line, "the hash is 64 hex digits");
    if (seen.has(spid)) throw configError("enrolled", line, `SPID ${spid} appears twice`);
    seen.add(spid);
    return { spid, apiKeySha256: fromHex(hash) };
  });
}

export function parseAllowListFile(text: string): Uint8Array[] {
  return meaningfulLines("allow-list", text).map(({ line, text: entry }) => {
    if (!HEX32.test(entry)) throw configError("allow-list", line, "a measurement is 64 hex digits");
    return fromHex(entry);
  });
}

export function parseChainFile(text: string): SignedCertificate[] {
  const chain = meaningfulLines("chain", text).map(({ line, text: entry }) => {
    try {
      return decodeCertificate(fromBase64(entry));
    } catch (error) {
      throw new AttestError(
        "AUTHORITY_CONFIG_INVALID",
        `chain line ${line}: not a base64 certificate`,
        {
          file: "chain",
          line,
        },
        { cause: error },
      );
    }
  });
  if (chain.length === 0 || chain.length > ATTEST_LIMITS.maxChainCertificates) {
    throw configError("chain", 0, `expected 1..${ATTEST_LIMITS.maxChainCertificates} certificates`);
  }
  return chain;
}

/** An Ed25519 key as `keygen` prints it: base64 PKCS#8 DER, bare or inside PEM armour. */
export function parseKeyFile(text: string): Ed25519Signer {
  const body = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith("-----"))
    .join("");
  try {
    return Ed25519Signer.fromBase64(body);
  } catch (error) {
    throw new AttestError(
      "AUTHORITY_CONFIG_INVALID",
      "key: not an Ed25519 PKCS#8 key",
      { file: "key" },
      { cause: error },
    );
  }
}
