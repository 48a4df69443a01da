import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Ed25519Signer } from "../../crypto/index.js";
import {
  BAKED_CONSTANTS,
  computeEnclaveManifest,
  devEnclaveSigningKey,
  encodeCss,
  measurementOf,
  signCss,
} from "../../enclave/index.js";
import { toHex } from "../../util/index.js";
import { type Command, EXIT_OK, parseFlags, UsageError } from "../command.js";
import { SUMMARIES } from "./summaries.js";

/** Largest signing key file we read (a PEM of an Ed25519 key is about 120 bytes). */
const SIGNING_KEY_FILE_BYTES_MAX = 16 * 1024;
export const BUNDLE_MANIFEST_FILE = "enclave.manifest";
export const BUNDLE_CSS_FILE = "enclave.css";

function readSigningKey(file: string): Ed25519Signer {
  let text: string;
  try {
    if (statSync(file).size > SIGNING_KEY_FILE_BYTES_MAX) throw new Error("too large");
    text = readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`--signing-key: cannot read ${file}`);
  }
  const body = text
    .replace(/-----BEGIN PRIVATE KEY-----/, "")
    .replace(/-----END PRIVATE KEY-----/, "")
    .replace(/\s+/g, "");
  try {
    return Ed25519Signer.fromBase64(body);
  } catch {
    throw new UsageError(
      `--signing-key: ${file} is not an Ed25519 private key (PEM or base64 PKCS#8 DER)`,
    );
  }
}

/** `consensus-tool enclave-bundle`: the enclave's manifest and its signed manifest (CSS). */
export const enclaveBundleCommand: Command = {
  name: "enclave-bundle",
  summary: SUMMARIES["enclave-bundle"],
  help: `Usage: consensus-tool enclave-bundle --out DIR [--signing-key FILE] [--json]

Measures the software enclave of this package (reference enclave-attest.md §9.3): the canonical
manifest lists every file the enclave process loads with its SHA-256, the lockfile's hash, the
Node major version and the baked-in constants (fee recipient, minting trust root, product id,
SVN); the measurement is the SHA-256 of that manifest. Writes:
  DIR/${BUNDLE_MANIFEST_FILE}  the bundle: the manifest       (CONSENSUS_ENCLAVE_SIGNED)
  DIR/${BUNDLE_CSS_FILE}       the signed manifest (CSS): measurement, signer, product id, SVN and an
                         Ed25519 signature                 (CONSENSUS_ENCLAVE_CSS)
The signer is the SHA-256 of the signing public key. The service and the enclave process check
at start that the files on disk still give this measurement.

Options:
  --out DIR            where to write the two files (created if absent)
  --signing-key FILE   Ed25519 release-signing key, PEM or base64 of the PKCS#8 DER (as
                       \`consensus-tool keygen\` prints it); default: the development key whose
                       seed is published in src/enclave/bundle/dev-key.ts (proves nothing)
  --json               print {"measurement", "signer", "product_id", "svn", "development",
                       "files", "manifest_path", "css_path"}

Example:
  consensus-tool enclave-bundle --out ./enclave --signing-key release-key.pem
  CONSENSUS_ENCLAVE_SIGNED=./enclave/${BUNDLE_MANIFEST_FILE} CONSENSUS_ENCLAVE_CSS=./enclave/${BUNDLE_CSS_FILE} consensus-service ...`,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      out: { type: "string" },
      "signing-key": { type: "string" },
      json: { type: "boolean" },
    });
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (values.out === undefined) throw new UsageError("--out DIR is required");
    const development = values["signing-key"] === undefined;
    const key = development
      ? devEnclaveSigningKey()
      : readSigningKey(values["signing-key"] as string);
    const manifest = computeEnclaveManifest();
    const c = BAKED_CONSTANTS;
    const css = signCss(measurementOf(manifest), c.productId, c.svn, key);
    const manifestPath = path.resolve(values.out, BUNDLE_MANIFEST_FILE);
    const cssPath = path.resolve(values.out, BUNDLE_CSS_FILE);
    try {
      mkdirSync(values.out, { recursive: true });
      writeFileSync(manifestPath, manifest);
      writeFileSync(cssPath, encodeCss(css));
    } catch {
      throw new UsageError(`--out: cannot write to ${values.out}`);
    }
    const summary = {
      measurement: toHex(css.measurement),
      signer: toHex(css.signer),
      product_id: css.productId,
      svn: css.svn,
      development,
      files: manifest.split("\n").filter((l) => l.startsWith("file ")).length,
      manifest_path: manifestPath,
      css_path: cssPath,
    };
    if (values.json) {
      context.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
      context.stdout.write(
        `measurement ${summary.measurement}\nsigner      ${summary.signer}${development ? " (development key)" : ""}\nwrote ${manifestPath} (${summary.files} files) and ${cssPath}\n`,
      );
    }
    return EXIT_OK;
  },
};
