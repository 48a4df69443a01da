// Goal: the child-process host's failure handling: the enclave gets no environment and no
// inspector flag; a dead enclave fails every pending call with ENCLAVE_EXITED and is reported once
// in one line; a silent enclave hits the call timeout and is killed; calls beyond the in-flight
// bound are refused; a garbled reply is a protocol violation; an enclave that cannot start (CSS
// for another measurement, a seal secret others can read) fails start-up with its one line; and
// the enclave exits when its parent goes, even when the parent is killed.
// Method: the real enclave process, and small stand-in enclaves written to a temporary folder;
// waits are on observable events (replies, exits), never sleeps.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { Ed25519Signer, sha256 } from "../../crypto/index.js";
import { SeededRandom } from "../../util/index.js";
import { decodeReport } from "../attest/formats.js";
import { encodeCss, signCss } from "../bundle/css.js";
import { loadEnclaveIdentity } from "../bundle/identity.js";
import { PACKAGE_ROOT } from "../bundle/sources.js";
import { sampleInit } from "../codec/sample-calls.js";
import type { EnclaveHostError } from "../errors.js";
import {
  type ChildEnclaveOptions,
  type ChildProcessEnclaveHost,
  childSpawnSpec,
  startChildEnclave,
} from "./child-process.js";
import { callOk } from "./host.js";

const identity = loadEnclaveIdentity({});
const dir = mkdtempSync(path.join(tmpdir(), "enclave-child-"));
/** Every process a test started; killed at the end so a failing test cannot leave one behind. */
const started: number[] = [];
after(() => {
  for (const pid of started) if (alive(pid)) process.kill(pid, "SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: ChildEnclaveOptions): Promise<ChildProcessEnclaveHost> {
  const host = await startChildEnclave(options);
  started.push(host.pid as number);
  return host;
}
const secret = path.join(dir, "seal.secret");

const READY = `
const body = Buffer.concat([Buffer.from([0, 0, 0, 0, 2]), Buffer.from("${Buffer.from(identity.measurement).toString("hex")}", "hex")]);
const head = Buffer.alloc(4); head.writeUInt32BE(body.length);
process.stdout.write(Buffer.concat([head, body]));
process.stdin.on("end", () => process.exit(0));
`;

function standIn(name: string, onData: string): string {
  const file = path.join(dir, `${name}.mjs`);
  writeFileSync(file, `${READY}\nprocess.stdin.on("data", (chunk) => { ${onData} });\n`);
  return file;
}

/** Resolves once `pid` is gone (polled: the process is not necessarily our child). */
function gone(pid: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (alive(pid) ? setTimeout(check, 5) : resolve());
    check();
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("child-process enclave host", () => {
  it("spawns node on the entry with an empty environment and none of our flags", async () => {
    const spec = childSpawnSpec({ sealSecretPath: secret, cssBytes: identity.cssBytes });
    assert.equal(spec.command, process.execPath);
    assert.deepEqual(spec.env, {});
    assert.match(spec.args[0] as string, /src\/enclave\/process\/entry\.mjs$/);
    assert.ok(!spec.args.some((a) => /^--(inspect|debug|import|require|loader)/.test(a)));
    const host = await start({ sealSecretPath: secret, cssBytes: identity.cssBytes });
    const pid = host.pid as number;
    assert.equal(readFileSync(`/proc/${pid}/environ`).length, 0);
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    assert.ok(!argv.some((a) => /inspect/.test(a)), argv.join(" "));
    await host.close();
    assert.equal(alive(pid), false);
  });

  it("fails pending calls and reports once, in one line, when the enclave dies", async () => {
    const reports: EnclaveHostError[] = [];
    // A stand-in that never answers, so the call is surely pending when the process dies.
    const host = await start({
      sealSecretPath: secret,
      cssBytes: identity.cssBytes,
      entry: standIn("mute", ""),
      onExit: (e) => reports.push(e),
    });
    const exited = new Promise<void>((resolve) => {
      const pending = host.call({ call: "get_identity" });
      process.kill(host.pid as number, "SIGKILL");
      pending.then(
        () => assert.fail("a call to a killed enclave resolved"),
        (e: EnclaveHostError) => {
          assert.equal(e.code, "ENCLAVE_EXITED");
          resolve();
        },
      );
    });
    await exited;
    await assert.rejects(host.call({ call: "get_identity" }), { code: "ENCLAVE_EXITED" });
    await host.close();
    assert.equal(reports.length, 1);
    assert.equal(reports[0]?.code, "ENCLAVE_EXITED");
    assert.match(reports[0]?.message ?? "", /^the enclave process exited with signal SIGKILL$/);
  });

  it("times out a silent enclave, kills it, and refuses calls beyond the in-flight bound", {
    timeout: 15_000,
  }, async () => {
    const reports: EnclaveHostError[] = [];
    // This stand-in ignores stdin closing too, so only a kill ends it.
    const stubborn = path.join(dir, "stubborn.mjs");
    writeFileSync(
      stubborn,
      `${READY.replace(/process\.stdin\.on\("end".*\n/, "")}setInterval(() => {}, 1000);\n`,
    );
    const host = await start({
      sealSecretPath: secret,
      cssBytes: identity.cssBytes,
      entry: stubborn,
      callTimeoutMs: 60_000,
      callTimeoutsMs: { get_identity: 300 },
      callsInFlightMax: 3,
      onExit: (e) => reports.push(e),
    });
    const first = host.call({ call: "get_identity" });
    const others = [host.call({ call: "get_signer" }), host.call({ call: "get_signer" })];
    await assert.rejects(host.call({ call: "get_signer" }), { code: "TOO_MANY_CALLS_IN_FLIGHT" });
    await assert.rejects(first, { code: "CALL_TIMEOUT" });
    for (const o of others) await assert.rejects(o, { code: "ENCLAVE_EXITED" });
    await gone(host.pid as number);
    await host.close();
    assert.deepEqual(
      reports.map((r) => r.code),
      ["CALL_TIMEOUT"],
    );
    assert.equal(reports[0]?.message, "the enclave did not answer get_identity within 300 ms");
  });

  it("treats a garbled reply as a protocol violation and stops the enclave", async () => {
    const reports: EnclaveHostError[] = [];
    const host = await start({
      sealSecretPath: secret,
      cssBytes: identity.cssBytes,
      entry: standIn(
        "garbled",
        "process.stdout.write(Buffer.from([0, 0, 0, 6, 0, 0, 0, 1, 9, 9]));",
      ),
      onExit: (e) => reports.push(e),
    });
    await assert.rejects(host.call({ call: "get_identity" }), { code: "PROTOCOL_VIOLATION" });
    await host.close();
    assert.deepEqual(
      reports.map((r) => r.code),
      ["PROTOCOL_VIOLATION"],
    );
  });

  it("fails start-up with the enclave's one line for a CSS of another measurement", async () => {
    const key = Ed25519Signer.fromSeed(new SeededRandom("k").bytes(32));
    const wrong = encodeCss(signCss(new SeededRandom("m").bytes(32), 1, 10, key));
    await assert.rejects(
      startChildEnclave({ sealSecretPath: secret, cssBytes: wrong }),
      (e: EnclaveHostError) => {
        assert.equal(e.code, "ENCLAVE_START_FAILED");
        assert.match(
          e.message,
          /^the enclave process exited with code 2: enclave: MEASUREMENT_MISMATCH: /,
        );
        assert.ok(!e.message.includes("\n"));
        return true;
      },
    );
  });

  it("reports debug for the development key's CSS and release for another key's, which needs a root", async () => {
    const dev = await start({ sealSecretPath: secret, cssBytes: identity.cssBytes });
    try {
      await callOk(dev, sampleInit(undefined));
      const report = decodeReport((await callOk(dev, { call: "new_report" })).report);
      assert.equal(report.debug, true);
      assert.deepEqual(report.signer, identity.signer);
    } finally {
      await dev.close();
    }
    const key = Ed25519Signer.fromSeed(new SeededRandom("release key").bytes(32));
    const release = encodeCss(signCss(identity.measurement, identity.productId, identity.svn, key));
    await assert.rejects(
      startChildEnclave({ sealSecretPath: secret, cssBytes: release }),
      (e: EnclaveHostError) => /needs --attestation-root/.test(e.message),
    );
    const root = Ed25519Signer.fromSeed(new SeededRandom("root").bytes(32)).publicKey;
    const host = await start({ sealSecretPath: secret, cssBytes: release, attestationRoot: root });
    try {
      await callOk(host, sampleInit(undefined));
      const report = decodeReport((await callOk(host, { call: "new_report" })).report);
      assert.equal(report.debug, false);
      assert.deepEqual(report.signer, sha256(key.publicKey));
      assert.deepEqual(report.measurement, identity.measurement);
    } finally {
      await host.close();
    }
  });

  it("refuses a forged CSS on both sides: the host before spawning, the enclave at start", async () => {
    const doc = JSON.parse(new TextDecoder().decode(identity.cssBytes)) as Record<string, string>;
    const sig = doc["signature"] as string;
    doc["signature"] = (sig[0] === "0" ? "1" : "0") + sig.slice(1);
    const forged = new TextEncoder().encode(JSON.stringify(doc));
    await assert.rejects(startChildEnclave({ sealSecretPath: secret, cssBytes: forged }), {
      code: "INVALID_CSS",
    });
    // The enclave does not rely on its host having checked: started directly, it refuses too.
    const spec = childSpawnSpec({ sealSecretPath: secret, cssBytes: forged });
    const child = spawn(spec.command, spec.args, { env: spec.env, cwd: spec.cwd });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const code = await new Promise((resolve) => child.once("close", resolve));
    assert.equal(code, 2);
    assert.equal(stderr, "enclave: INVALID_CSS: the enclave CSS signature does not verify\n");
  });

  it("fails start-up for an enclave that says it is ready under another measurement", async () => {
    const other = path.join(dir, "other-measurement.mjs");
    writeFileSync(
      other,
      READY.replace(/Buffer\.from\("[0-9a-f]{64}", "hex"\)/, "Buffer.alloc(32)"),
    );
    await assert.rejects(
      startChildEnclave({ sealSecretPath: secret, cssBytes: identity.cssBytes, entry: other }),
      (e: EnclaveHostError) => {
        assert.equal(e.code, "ENCLAVE_START_FAILED");
        assert.match(e.message, new RegExp(`ready under measurement ${"00".repeat(32)}, not `));
        return true;
      },
    );
  });

  it("fails start-up for a seal secret that others can read", async () => {
    const open = path.join(dir, "open.secret");
    writeFileSync(open, new Uint8Array(32));
    chmodSync(open, 0o644);
    await assert.rejects(
      startChildEnclave({ sealSecretPath: open, cssBytes: identity.cssBytes }),
      (e: EnclaveHostError) => {
        assert.equal(e.code, "ENCLAVE_START_FAILED");
        assert.match(e.message, /code 2: enclave: SEAL_SECRET: .*0600/);
        return true;
      },
    );
  });

  it("exits when its parent is killed", async () => {
    const parentScript = path.join(dir, "parent.mts");
    writeFileSync(
      parentScript,
      `import { startChildEnclave } from ${JSON.stringify(path.join(PACKAGE_ROOT, "src/enclave/index.ts"))};
const host = await startChildEnclave({ sealSecretPath: ${JSON.stringify(secret)}, cssBytes: Buffer.from(${JSON.stringify(Buffer.from(identity.cssBytes).toString("base64"))}, "base64") });
process.stdout.write(String(host.pid) + "\\n");
setInterval(() => {}, 1000);
`,
    );
    const parent = spawn(process.execPath, ["--import", "tsx", parentScript], {
      cwd: PACKAGE_ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const enclavePid = await new Promise<number>((resolve) => {
      parent.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    });
    started.push(enclavePid, parent.pid as number);
    assert.equal(alive(enclavePid), true);
    const parentExited = new Promise((resolve) => parent.once("exit", resolve));
    parent.kill("SIGKILL");
    await parentExited;
    await gone(enclavePid);
  });
});
