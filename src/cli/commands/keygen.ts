import { randomBytes } from "node:crypto";
import { Ed25519Signer } from "../../crypto/index.js";
import { fromHex } from "../../util/index.js";
import { type Command, EXIT_OK, parseFlags, UsageError } from "../command.js";
import { SUMMARIES } from "./summaries.js";

/** `consensus-tool keygen`: an Ed25519 message-signing key in the encodings the runbook uses. */
export const keygenCommand: Command = {
  name: "keygen",
  summary: SUMMARIES["keygen"],
  help: `Usage: consensus-tool keygen [--json] [--seed HEX]

Generates an Ed25519 message-signing key, printed as the runbook's openssl steps would produce it:
  private key  standard base64 of the PKCS#8 DER   (pass as --msg-signer-key)
  public key   URL-safe base64 of the SPKI DER     (use as consensus-msg-key in peer URIs)

Options:
  --json       print {"private_key", "public_key", "public_key_hex", "pem"} as one JSON document
  --seed HEX   derive the key from this 32-byte seed instead of fresh randomness (for tests only)

The same key from openssl, as the runbook makes it (consensus-service --msg-signer-key takes the
PEM file, its text, or base64 of its DER):
  openssl genpkey -algorithm ed25519 -out key.pem

Example:
  consensus-tool keygen --json`,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      json: { type: "boolean" },
      seed: { type: "string" },
    });
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    let seed: Uint8Array;
    if (values.seed === undefined) {
      seed = new Uint8Array(randomBytes(32));
    } else {
      try {
        seed = fromHex(values.seed, 32);
      } catch {
        throw new UsageError("--seed must be 32 bytes of hex");
      }
    }
    const signer = Ed25519Signer.fromSeed(seed);
    const privateKey = signer.pkcs8Base64();
    const pem = `-----BEGIN PRIVATE KEY-----\n${privateKey}\n-----END PRIVATE KEY-----\n`;
    if (values.json) {
      const doc = {
        private_key: privateKey,
        public_key: signer.consensusMsgKey(),
        public_key_hex: Buffer.from(signer.publicKey).toString("hex"),
        pem,
      };
      context.stdout.write(`${JSON.stringify(doc)}\n`);
    } else {
      context.stdout.write(
        `private key (--msg-signer-key): ${privateKey}\npublic key (consensus-msg-key): ${signer.consensusMsgKey()}\n`,
      );
    }
    return EXIT_OK;
  },
};
