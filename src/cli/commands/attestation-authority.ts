import { readFileSync, statSync } from "node:fs";
import { type Ed25519Signer, parseConsensusMsgKey } from "../../crypto/index.js";
import {
  ATTEST_LIMITS,
  AttestationAuthority,
  encodeCertificate,
  parseAllowListFile,
  parseChainFile,
  parseEnrolmentFile,
  parseKeyFile,
  signCertificate,
  startAuthorityServer,
} from "../../enclave/index.js";
import { LIMITS, toBase64 } from "../../util/index.js";
import {
  type Command,
  type CommandContext,
  EXIT_OK,
  intFlag,
  parseFlags,
  UsageError,
} from "../command.js";
import { SUMMARIES } from "./summaries.js";

const HELP = `Usage: consensus-tool attestation-authority --listen HOST:PORT --key FILE --chain FILE
                                            --enrolled FILE --allow-list FILE [--validity-hours N]
       consensus-tool attestation-authority certify --root-key FILE --public-key KEY
                                            [--subject TEXT] [--valid-days N] [--dev]

Runs the software attestation authority that IAS_MODE=PROD nodes ask for statements (reference
enclave-attest.md §9.3): POST /v1/statement with a protobuf StatementRequest (the enclave's SW
report and the node's --ias-spid / --ias-api-key) answers a signed StatementResponse. It signs
only for enrolled nodes and only for measurements on its allow-list. It attests what a machine
claims to run; it cannot check it. Software attestation gives no confidentiality or integrity
against a node's operator.

Options:
  --listen HOST:PORT    address to bind (use 127.0.0.1 unless a proxy with TLS fronts it)
  --key FILE            the authority's Ed25519 key: base64 PKCS#8 DER (consensus-tool keygen's
                        private key) or its PEM
  --chain FILE          certificates from the root down to this key, one base64 line each
                        (make them with "certify")
  --enrolled FILE       one node per line: "<spid> <sha256 hex of its api key>"
  --allow-list FILE     one measurement per line: 64 hex digits
  --validity-hours N    how long statements are valid (default 48; nodes refresh every 18 h)
Lines starting with # and blank lines are ignored in the three list files.

certify: sign a certificate for an authority key with a root key and print it as one base64
line for the --chain file. --public-key takes 64 hex digits or the URL-safe base64 SPKI form
that keygen prints; --valid-days defaults to 365; --dev marks a development authority (its
evidence is then refused by production policies).

Example:
  consensus-tool keygen --json > root.json        # keep the root key offline
  consensus-tool keygen --json > authority.json
  jq -r .private_key root.json > root.key
  jq -r .private_key authority.json > authority.key
  consensus-tool attestation-authority certify --root-key root.key \\
      --public-key "$(jq -r .public_key_hex authority.json)" > authority.chain
  printf '%s %s\\n' node1-spid "$(printf %s "$NODE1_API_KEY" | sha256sum | cut -d' ' -f1)" > enrolled.txt
  echo "<measurement from consensus-tool enclave-bundle>" > measurements.txt
  consensus-tool attestation-authority --listen 127.0.0.1:7300 --key authority.key \\
      --chain authority.chain --enrolled enrolled.txt --allow-list measurements.txt

It prints "listening on http://HOST:PORT" once bound, one line per request served, and stops on
SIGINT or SIGTERM. Exit codes: 0 stopped by a signal; 2 bad arguments or an unusable file.`;

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

function readConfigFile(flag: string, path: string | undefined): string {
  if (path === undefined) throw new UsageError(`--${flag} is required`);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new UsageError(`--${flag}: cannot read ${path}`);
  }
  if (size > LIMITS.configFileBytesMax) throw new UsageError(`--${flag}: ${path} is too large`);
  return readFileSync(path, "utf8");
}

function parseListen(value: string | undefined): { host: string; port: number } {
  const match = /^(.+):([0-9]{1,5})$/.exec(value ?? "");
  const port = Number(match?.[2]);
  if (match === null || port > 65535) throw new UsageError("--listen must be HOST:PORT");
  return { host: (match[1] as string).replace(/^\[(.*)\]$/, "$1"), port };
}

async function serve(args: readonly string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    listen: { type: "string" },
    key: { type: "string" },
    chain: { type: "string" },
    enrolled: { type: "string" },
    "allow-list": { type: "string" },
    "validity-hours": { type: "string" },
  });
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const { host, port } = parseListen(values.listen);
  const maxHours = ATTEST_LIMITS.maxStatementValidityMs / HOUR_MS;
  const hours = intFlag("validity-hours", values["validity-hours"], 48, 1);
  if (hours > maxHours) throw new UsageError(`--validity-hours must be at most ${maxHours}`);
  const authority = new AttestationAuthority({
    signer: parseKeyFile(readConfigFile("key", values.key)),
    chain: parseChainFile(readConfigFile("chain", values.chain)),
    enrolled: parseEnrolmentFile(readConfigFile("enrolled", values.enrolled)),
    allowedMeasurements: parseAllowListFile(readConfigFile("allow-list", values["allow-list"])),
    statementValidityMs: hours * HOUR_MS,
  });
  const server = await startAuthorityServer({
    authority,
    host,
    port,
    nowMs: () => Date.now(),
    log: (line) => context.stdout.write(`${line}\n`),
  });
  const kind = authority.dev ? "DEVELOPMENT (dev=true) " : "";
  context.stdout.write(`${kind}attestation authority listening on ${server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  return EXIT_OK;
}

function certify(args: readonly string[], context: CommandContext): number {
  const { values, positionals } = parseFlags(args, {
    "root-key": { type: "string" },
    "public-key": { type: "string" },
    subject: { type: "string" },
    "valid-days": { type: "string" },
    dev: { type: "boolean" },
  });
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const root: Ed25519Signer = parseKeyFile(readConfigFile("root-key", values["root-key"]));
  if (values["public-key"] === undefined) throw new UsageError("--public-key is required");
  let publicKey: Uint8Array;
  try {
    publicKey = parseConsensusMsgKey(values["public-key"]);
  } catch {
    throw new UsageError("--public-key must be 64 hex digits or keygen's URL-safe base64 form");
  }
  const days = intFlag("valid-days", values["valid-days"], 365, 1);
  const now = Date.now();
  const certificate = signCertificate(root, {
    publicKey,
    subject: values.subject ?? "attestation authority",
    notBeforeMs: now - HOUR_MS,
    notAfterMs: now + days * DAY_MS,
    dev: values.dev ?? false,
  });
  context.stdout.write(`${toBase64(encodeCertificate(certificate))}\n`);
  return EXIT_OK;
}

/** `consensus-tool attestation-authority`: the SW attestation authority service, and `certify`. */
export const attestationAuthorityCommand: Command = {
  name: "attestation-authority",
  summary: SUMMARIES["attestation-authority"],
  help: HELP,
  async run(args, context) {
    if (args[0] === "certify") return certify(args.slice(1), context);
    return serve(args, context);
  },
};
