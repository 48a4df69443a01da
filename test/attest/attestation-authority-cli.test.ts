// Goal: `consensus-tool attestation-authority` works as an operator runs it: `certify` makes a
// chain line from a root key, the service starts from its four files, answers a node's request on
// loopback with a statement that verifies to the root, refuses an unenrolled node, and stops on
// SIGTERM with exit 0; bad arguments are exit 2 with one line.
// Method: the real bin script as a child process (files in a temporary directory); the test waits
// for the "listening on" line, never on a timer.
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Ed25519Signer } from "../../src/crypto/index.js";
import {
  encodeEvidence,
  PRODUCTION_POLICY,
  parseChainFile,
  peerIdentity,
  requestStatement,
  SwEvidenceVerifier,
} from "../../src/enclave/attest/index.js";
import { ENROLLED, MEASUREMENT_A, makeEnclave, seed } from "./fixtures.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = path.join(root, "bin", "consensus-tool.mjs");
const env = { PATH: process.env.PATH ?? "" };

function tool(args: readonly string[]) {
  const r = spawnSync(process.execPath, [bin, "attestation-authority", ...args], {
    cwd: root,
    encoding: "utf8",
    env,
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Resolve with the first stdout line matching `pattern`. */
function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (text: string) => {
      buffered += text;
      const line = buffered.split("\n").find((l) => pattern.test(l));
      if (line !== undefined) resolve(line);
    });
    child.once("exit", (code) => reject(new Error(`exited ${code} before ${pattern}`)));
  });
}

describe("consensus-tool attestation-authority", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "attest-authority-"));
  const rootKey = Ed25519Signer.fromSeed(seed("cli root"));
  const authorityKey = Ed25519Signer.fromSeed(seed("cli authority"));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const children: ChildProcess[] = [];
  after(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  });

  it("--help explains the service and gives an example", () => {
    const r = tool(["--help"]);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Example:/);
    assert.match(r.stdout, /--enrolled FILE/);
    assert.match(r.stdout, /certify/);
  });

  it("bad arguments and files are exit 2 with one line", () => {
    for (const args of [
      [],
      ["--listen", "nowhere"],
      ["--listen", "127.0.0.1:0", "--key", path.join(dir, "missing")],
      ["certify", "--root-key", file("bad.key", "not a key\n"), "--public-key", "00"],
    ]) {
      const r = tool(args);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
  });

  it("certify, serve, sign for an enrolled node, refuse another, stop on SIGTERM", async () => {
    const certified = tool([
      "certify",
      "--root-key",
      file("root.key", `${rootKey.pkcs8Base64()}\n`),
      "--public-key",
      Buffer.from(authorityKey.publicKey).toString("hex"),
      "--subject",
      "cli test authority",
    ]);
    assert.equal(certified.status, 0, certified.stderr);
    const chain = file("authority.chain", certified.stdout);
    assert.equal(parseChainFile(certified.stdout).length, 1);
    const apiKeyHash = createHash("sha256").update(ENROLLED.apiKey).digest("hex");
    const child = spawn(
      process.execPath,
      [
        bin,
        "attestation-authority",
        "--listen",
        "127.0.0.1:0",
        "--key",
        file(
          "authority.key",
          `-----BEGIN PRIVATE KEY-----\n${authorityKey.pkcs8Base64()}\n-----END PRIVATE KEY-----\n`,
        ),
        "--chain",
        chain,
        "--enrolled",
        file("enrolled.txt", `# nodes\n${ENROLLED.spid} ${apiKeyHash}\n`),
        "--allow-list",
        file("measurements.txt", `${Buffer.from(MEASUREMENT_A).toString("hex")}\n`),
      ],
      { cwd: root, env, stdio: ["pipe", "pipe", "pipe"] },
    );
    children.push(child);
    const line = await waitForLine(child, /listening on /);
    const url = (/listening on (\S+)/.exec(line) as RegExpExecArray)[1] as string;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);

    const enclave = makeEnclave("A");
    const signed = await requestStatement({ url }, { report: enclave.report, ...ENROLLED });
    const verifier = new SwEvidenceVerifier({
      policy: PRODUCTION_POLICY,
      rootPublicKey: rootKey.publicKey,
      identities: [peerIdentity(MEASUREMENT_A)],
    });
    const verified = verifier.verify(encodeEvidence(signed, enclave.contents), {
      remoteStaticKey: enclave.staticPublic,
      nowMs: Date.now(),
    });
    assert.equal(verified.statement.nodeEnrollmentId, ENROLLED.spid);
    await assert.rejects(
      requestStatement({ url }, { report: enclave.report, spid: "stranger", apiKey: "x" }),
      (e: { code?: string }) => e.code === "AUTHORITY_REFUSED",
    );

    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
  });
});
