import { randomFillSync } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { url as inspectorUrl } from "node:inspector";
import { parseArgs } from "node:util";
import { bytesEqual, describeError, fromHex, type RandomSource } from "../../util/index.js";
import { CSS_BYTES_MAX, decodeCss, type EnclaveCss } from "../bundle/css.js";
import { devEnclaveSigningKey } from "../bundle/dev-key.js";
import { checkCssAgainstFiles, loadEnclaveIdentity } from "../bundle/identity.js";
import { EnclaveSetupError } from "../errors.js";
import { type EnclaveSignature, SoftwareEnclave } from "../impl/enclave.js";
import { loadOrCreateSealSecret } from "./seal-secret.js";
import { EXIT_SETUP, serveSocket, serveStream } from "./serve.js";
import { EnclaveServer } from "./server.js";

/**
 * Main of the enclave process. Arguments: `--seal-secret FILE [--css BASE64 | --css-file FILE]
 * [--attestation-root HEX] [--socket PATH]`. Without a CSS, the package's own manifest signed
 * with the development key (what the host uses without CONSENSUS_ENCLAVE_CSS). The report's signer, product id and SVN come from the CSS; a CSS
 * signed with the published development key makes a debug enclave (development policy), any
 * other key a release enclave, which needs the operator's attestation root (production policy).
 * In software the host chooses these arguments anyway; a hardware build would bake the root in. It refuses to start
 * (exit 2, one line on stderr) under an inspector, with a bad seal secret file, or when the CSS
 * does not verify or does not match the measurement it recomputes over its own files. Then it
 * sends a ready frame and answers frames on stdin until stdin closes (exit 0: it never outlives
 * its parent), or until a frame length above the cap (exit 3). With `--socket` it serves the same
 * frames to one host connecting on that Unix socket instead, and exits when that host goes
 * (serve.ts), for its supervisor to start a fresh one.
 */
export { EXIT_FRAMING, EXIT_SETUP, EXIT_STREAM_CLOSED as EXIT_STDIN_CLOSED } from "./serve.js";

const cryptoRandom: RandomSource = {
  fillBytes: (out) => randomFillSync(out),
};

interface Setup {
  sealSecret: Uint8Array;
  measurement: Uint8Array;
  signature: EnclaveSignature;
  attestationRoot?: Uint8Array;
  socketPath?: string;
}

/** The CSS from `--css` or `--css-file`, else the development-signed one of the package. */
function cssFrom(cssText: string | undefined, cssFile: string | undefined): EnclaveCss {
  if (cssText !== undefined && cssFile !== undefined) {
    throw new EnclaveSetupError("INVALID_BUNDLE", "give --css or --css-file, not both");
  }
  if (cssText !== undefined) return decodeCss(new Uint8Array(Buffer.from(cssText, "base64")));
  if (cssFile === undefined) return loadEnclaveIdentity({}).css;
  try {
    if (statSync(cssFile).size > CSS_BYTES_MAX) throw new Error("too large");
    return decodeCss(new Uint8Array(readFileSync(cssFile)));
  } catch (error) {
    if (error instanceof EnclaveSetupError) throw error;
    throw new EnclaveSetupError("INVALID_CSS", `cannot read --css-file ${cssFile}`);
  }
}

function prepare(argv: readonly string[]): Setup {
  if (inspectorUrl() !== undefined || process.execArgv.some((a) => /^--(inspect|debug)/.test(a))) {
    throw new EnclaveSetupError("INVALID_BUNDLE", "the enclave refuses to run under an inspector");
  }
  let values: {
    "seal-secret"?: string | undefined;
    css?: string | undefined;
    "css-file"?: string | undefined;
    "attestation-root"?: string | undefined;
    socket?: string | undefined;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        "seal-secret": { type: "string" },
        css: { type: "string" },
        "css-file": { type: "string" },
        "attestation-root": { type: "string" },
        socket: { type: "string" },
      },
      strict: true,
    }));
  } catch (error) {
    throw new EnclaveSetupError("INVALID_BUNDLE", `bad arguments: ${describeError(error)}`);
  }
  const secretPath = values["seal-secret"];
  if (secretPath === undefined) {
    throw new EnclaveSetupError(
      "INVALID_BUNDLE",
      "usage: entry --seal-secret FILE [--css BASE64 | --css-file FILE] [--attestation-root HEX] [--socket PATH]",
    );
  }
  const css = cssFrom(values.css, values["css-file"]);
  checkCssAgainstFiles(css);
  const { secret } = loadOrCreateSealSecret(secretPath, cryptoRandom);
  const development = bytesEqual(css.signerPublicKey, devEnclaveSigningKey().publicKey);
  const rootHex = values["attestation-root"];
  if (rootHex !== undefined && !/^[0-9a-f]{64}$/.test(rootHex)) {
    throw new EnclaveSetupError("INVALID_BUNDLE", "--attestation-root is not 32 bytes of hex");
  }
  if (rootHex === undefined && !development) {
    throw new EnclaveSetupError(
      "INVALID_BUNDLE",
      "a release-signed enclave needs --attestation-root",
    );
  }
  const signature = { signer: css.signer, productId: css.productId, svn: css.svn, development };
  return {
    sealSecret: secret,
    measurement: css.measurement,
    signature,
    ...(rootHex === undefined ? {} : { attestationRoot: fromHex(rootHex, 32) }),
    ...(values.socket === undefined ? {} : { socketPath: values.socket }),
  };
}

function logLine(line: string): void {
  process.stderr.write(`enclave: ${line.replace(/\s+/g, " ")}\n`);
}

export async function main(argv: readonly string[]): Promise<number> {
  let setup: Setup;
  try {
    setup = prepare(argv);
  } catch (error) {
    logLine(describeError(error));
    return EXIT_SETUP;
  }
  const { socketPath, ...enclaveSetup } = setup;
  let enclave: SoftwareEnclave;
  try {
    enclave = new SoftwareEnclave({ random: cryptoRandom, ...enclaveSetup });
  } catch (error) {
    logLine(describeError(error));
    return EXIT_SETUP;
  }
  // The enclave's only clock: this process's own, read once per call.
  const server = new EnclaveServer(enclave, () => Date.now());
  const readyFrame = server.readyFrame(setup.measurement);
  if (socketPath === undefined) {
    return await serveStream(server, readyFrame, process.stdin, process.stdout);
  }
  try {
    return await serveSocket({ socketPath, server, readyFrame, log: logLine });
  } catch (error) {
    logLine(describeError(error));
    return EXIT_SETUP;
  }
}
