import { randomFillSync } from "node:crypto";
import { url as inspectorUrl } from "node:inspector";
import { parseArgs } from "node:util";
import { bytesEqual, describeError, fromHex, type RandomSource } from "../../util/index.js";
import { decodeCss } from "../bundle/css.js";
import { devEnclaveSigningKey } from "../bundle/dev-key.js";
import { checkCssAgainstFiles } from "../bundle/identity.js";
import { EnclaveSetupError } from "../errors.js";
import { type EnclaveSignature, SoftwareEnclave } from "../impl/enclave.js";
import { loadOrCreateSealSecret } from "./seal-secret.js";
import { EnclaveServer } from "./server.js";

/**
 * Main of the enclave process. Arguments: `--seal-secret FILE --css BASE64
 * [--attestation-root HEX]`. The report's signer, product id and SVN come from the CSS; a CSS
 * signed with the published development key makes a debug enclave (development policy), any
 * other key a release enclave, which needs the operator's attestation root (production policy).
 * In software the host chooses these arguments anyway; a hardware build would bake the root in. It refuses to start
 * (exit 2, one line on stderr) under an inspector, with a bad seal secret file, or when the CSS
 * does not verify or does not match the measurement it recomputes over its own files. Then it
 * sends a ready frame and answers frames on stdin until stdin closes (exit 0: it never outlives
 * its parent), or until a frame length above the cap (exit 3).
 */
export const EXIT_STDIN_CLOSED = 0;
export const EXIT_SETUP = 2;
export const EXIT_FRAMING = 3;

const cryptoRandom: RandomSource = {
  fillBytes: (out) => randomFillSync(out),
};

interface Setup {
  sealSecret: Uint8Array;
  measurement: Uint8Array;
  signature: EnclaveSignature;
  attestationRoot?: Uint8Array;
}

function prepare(argv: readonly string[]): Setup {
  if (inspectorUrl() !== undefined || process.execArgv.some((a) => /^--(inspect|debug)/.test(a))) {
    throw new EnclaveSetupError("INVALID_BUNDLE", "the enclave refuses to run under an inspector");
  }
  let values: {
    "seal-secret"?: string | undefined;
    css?: string | undefined;
    "attestation-root"?: string | undefined;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        "seal-secret": { type: "string" },
        css: { type: "string" },
        "attestation-root": { type: "string" },
      },
      strict: true,
    }));
  } catch (error) {
    throw new EnclaveSetupError("INVALID_BUNDLE", `bad arguments: ${describeError(error)}`);
  }
  const secretPath = values["seal-secret"];
  const cssText = values.css;
  if (secretPath === undefined || cssText === undefined) {
    throw new EnclaveSetupError("INVALID_BUNDLE", "usage: entry --seal-secret FILE --css BASE64");
  }
  const css = decodeCss(new Uint8Array(Buffer.from(cssText, "base64")));
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
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  let setup: Setup;
  try {
    setup = prepare(argv);
  } catch (error) {
    process.stderr.write(`enclave: ${describeError(error).replace(/\s+/g, " ")}\n`);
    return EXIT_SETUP;
  }
  let enclave: SoftwareEnclave;
  try {
    enclave = new SoftwareEnclave({ random: cryptoRandom, ...setup });
  } catch (error) {
    process.stderr.write(`enclave: ${describeError(error).replace(/\s+/g, " ")}\n`);
    return EXIT_SETUP;
  }
  // The enclave's only clock: this process's own, read once per call.
  const server = new EnclaveServer(enclave, () => Date.now());
  process.stdout.write(server.readyFrame(setup.measurement));
  return await new Promise<number>((resolve) => {
    const finish = (code: number) => {
      process.stdin.destroy();
      resolve(code);
    };
    process.stdin.on("data", (chunk: Buffer) => {
      const out = server.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      for (const f of out.frames) process.stdout.write(f);
      if (out.close) finish(EXIT_FRAMING);
    });
    process.stdin.on("end", () => finish(EXIT_STDIN_CLOSED));
    process.stdin.on("error", () => finish(EXIT_STDIN_CLOSED));
    // The host went away while we were answering: same as stdin closing.
    process.stdout.on("error", () => finish(EXIT_STDIN_CLOSED));
  });
}
