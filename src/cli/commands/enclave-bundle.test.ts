// Goal: `consensus-tool enclave-bundle` writes a bundle and CSS that loadEnclaveIdentity accepts
// through CONSENSUS_ENCLAVE_SIGNED / CONSENSUS_ENCLAVE_CSS, signed with the development key or a
// given one, and refuses bad input with exit 2 and one line.
// Method: run the command in-process with captured output into a temporary folder.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { Ed25519Signer, sha256 } from "../../crypto/index.js";
import { devEnclaveSigningKey, loadEnclaveIdentity } from "../../enclave/index.js";
import { SeededRandom, toHex } from "../../util/index.js";
import { type CommandContext, runCommand } from "../command.js";
import { enclaveBundleCommand } from "./enclave-bundle.js";

const dir = mkdtempSync(path.join(tmpdir(), "enclave-bundle-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]) {
  let stdout = "";
  let stderr = "";
  const context: CommandContext = {
    stdout: {
      write: (t) => {
        stdout += t;
      },
    },
    stderr: {
      write: (t) => {
        stderr += t;
      },
    },
    env: {},
  };
  const code = await runCommand(enclaveBundleCommand, args, context);
  return { code, stdout, stderr };
}

describe("consensus-tool enclave-bundle", () => {
  it("writes a development-signed bundle that the service's loader accepts", async () => {
    const out = path.join(dir, "dev");
    const r = await run("--out", out, "--json");
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.development, true);
    assert.equal(doc.signer, toHex(sha256(devEnclaveSigningKey().publicKey)));
    const id = loadEnclaveIdentity({
      CONSENSUS_ENCLAVE_SIGNED: doc.manifest_path,
      CONSENSUS_ENCLAVE_CSS: doc.css_path,
    });
    assert.equal(toHex(id.measurement), doc.measurement);
    assert.equal(id.development, true);
    assert.deepEqual(id.measurement, loadEnclaveIdentity({}).measurement);
  });

  it("signs with --signing-key (PEM as keygen prints it)", async () => {
    const key = Ed25519Signer.fromSeed(new SeededRandom("release").bytes(32));
    const keyFile = path.join(dir, "release.pem");
    writeFileSync(
      keyFile,
      `-----BEGIN PRIVATE KEY-----\n${key.pkcs8Base64()}\n-----END PRIVATE KEY-----\n`,
    );
    const out = path.join(dir, "release");
    const r = await run("--out", out, "--signing-key", keyFile, "--json");
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.signer, toHex(sha256(key.publicKey)));
    assert.equal(doc.development, false);
    const id = loadEnclaveIdentity({ CONSENSUS_ENCLAVE_CSS: doc.css_path });
    assert.equal(id.development, false);
  });

  it("refuses a bad key file and a missing --out with exit 2 and one line", async () => {
    const bad = path.join(dir, "bad.pem");
    writeFileSync(bad, "not a key");
    for (const args of [
      ["--out", dir, "--signing-key", bad],
      ["--out", dir, "--signing-key", path.join(dir, "absent")],
      [],
    ]) {
      const r = await run(...args);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^enclave-bundle: [^\n]+\n$/);
    }
  });
});
