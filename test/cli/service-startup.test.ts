// Goal: consensus-service starts its enclave the way MobileCoin does: an error-level
// software-enclave banner, the enclave process with the seal secret (created 0600 on first
// start), enclave_init with the sealed key file, evidence, the block signer in the log, then the
// node runs ("Listening...") until SIGTERM, which stops it with exit 0 and nothing on stderr.
// The block key survives a restart (same signer);
// a wrong seal secret is exit 2 with one line and leaves the sealed file as it was; a seal secret
// readable by group or others is exit 2 with one line before anything starts; and no enclave
// process outlives the service.
// Method: the real executable (bin/consensus-service.mjs) spawning the real enclave child, files
// in a temporary directory; the child's pid comes from the service's own log line and is looked
// up in /proc after the service has exited.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Ed25519Signer } from "../../src/crypto/index.js";
import {
  BAKED_CONSTANTS,
  computeEnclaveManifest,
  encodeCss,
  measurementOf,
  signCss,
} from "../../src/enclave/index.js";
import { SeededRandom } from "../../src/util/index.js";
import { makeOneNodeFiles, SIGNER_KEY } from "../helpers/one-node-files.js";
import { freePorts } from "../helpers/ports.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const dir = mkdtempSync(path.join(tmpdir(), "service-startup-"));
after(() => rmSync(dir, { recursive: true, force: true }));
// A real origin ledger: the node copies its blocks in on first start.
const { networkPath: network } = makeOneNodeFiles(dir);
const sealed = path.join(dir, "sealed");
// Ports that were free a moment ago: the start-up checks them, though it binds nothing yet.
const PORTS = await freePorts(2);
const secret = path.join(dir, "ledger.seal-secret");

interface LogLine {
  level: number;
  msg: string;
  pid?: number;
  blockSignerPublicKey?: string;
  attestationMode?: string;
}

function serviceArgs(extra: readonly string[]): string[] {
  return [
    path.join(root, "bin", "consensus-service.mjs"),
    "--client-responder-id=c.test:443",
    "--peer-responder-id=me.test:8443",
    `--network=${network}`,
    `--ledger-path=${path.join(dir, "ledger")}`,
    `--origin-block-path=${path.join(dir, "origin")}`,
    `--msg-signer-key=${SIGNER_KEY}`,
    `--sealed-block-signing-key=${sealed}`,
    `--peer-listen-uri=insecure-mcp://127.0.0.1:${PORTS[0]}/`,
    `--client-listen-uri=insecure-mc://127.0.0.1:${PORTS[1]}/`,
    ...extra,
  ];
}

/**
 * Run the service until it exits by itself (a refused start) or logs "Listening..." (then it is
 * stopped with SIGTERM), and collect its exit status, JSON log and stderr lines.
 */
async function start(extra: readonly string[] = [], whenRunning: "stop" | "kill-enclave" = "stop") {
  const child = spawn(process.execPath, serviceArgs(extra), {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", SGX_MODE: "SW", IAS_MODE: "DEV" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  const exited = once(child, "exit");
  let running = false;
  child.stdout.on("data", (chunk: string) => {
    out += chunk;
    if (!running && out.includes('"msg":"Listening..."')) {
      running = true;
      if (whenRunning === "stop") child.kill("SIGTERM");
      else process.kill(enclavePid(parseLog(out)), "SIGKILL");
    }
  });
  child.stderr.on("data", (chunk: string) => {
    err += chunk;
  });
  const [status] = (await exited) as [number | null];
  const stderr = err.split("\n").filter((l) => l !== "");
  return { status, log: parseLog(out), stderr, running };
}

function parseLog(out: string): LogLine[] {
  return out
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as LogLine);
}

function enclavePid(log: readonly LogLine[]): number {
  const line = log.find((l) => l.msg === "enclave process started");
  assert.ok(line?.pid !== undefined, JSON.stringify(log));
  return line.pid;
}

/** The enclave process is gone (or its pid now names some other program). */
function assertGone(pid: number): void {
  const cmdline = path.join("/proc", String(pid), "cmdline");
  const alive = existsSync(cmdline) && readFileSync(cmdline, "utf8").includes("entry.mjs");
  assert.equal(alive, false, `enclave process ${pid} outlived the service`);
}

function signerOf(log: readonly LogLine[]): string {
  const line = log.find((l) => l.blockSignerPublicKey !== undefined);
  assert.ok(line?.blockSignerPublicKey !== undefined, JSON.stringify(log));
  return line.blockSignerPublicKey;
}

describe("consensus-service start-up with the real enclave process", () => {
  let firstSigner = "";

  it("first start: banner, a new seal secret (0600) and sealed key, signer logged, runs until SIGTERM, exit 0", async () => {
    const r = await start();
    assert.equal(r.status, 0, r.stderr.join("\n"));
    assert.ok(r.running, "it logged Listening...");
    assert.deepEqual(r.stderr, []);
    assert.ok(r.log.some((l) => l.msg === "stopped"));
    const banner = r.log.find((l) => l.msg.startsWith("software enclave")) as LogLine;
    assert.ok(banner !== undefined, JSON.stringify(r.log));
    assert.equal(banner.level, 50, "the banner is at error level");
    assert.match(banner.msg, /no confidentiality or integrity against this machine's operator/);
    assert.match(
      banner.msg,
      /mode SW-DEV, measurement [0-9a-f]{64}, authority key id [0-9a-f]{64}/,
    );
    assert.equal(statSync(secret).mode & 0o777, 0o600);
    assert.equal(statSync(sealed).mode & 0o777, 0o600);
    firstSigner = signerOf(r.log);
    assert.match(firstSigner, /^[0-9a-f]{64}$/);
    assertGone(enclavePid(r.log));
  });

  it("second start with the same secret: the same block signer (the key survived)", async () => {
    const r = await start();
    assert.equal(r.status, 0, r.stderr.join("\n"));
    assert.equal(signerOf(r.log), firstSigner);
    assertGone(enclavePid(r.log));
  });

  it("an enclave process that dies while the node runs: exit 1 with one line", async () => {
    const r = await start([], "kill-enclave");
    assert.ok(r.running, "it logged Listening...");
    assert.equal(r.status, 1, r.stderr.join("\n"));
    assert.deepEqual(r.stderr, [
      "consensus-service: the enclave process exited with signal SIGKILL",
    ]);
    assertGone(enclavePid(r.log));
  });

  it("a wrong seal secret: exit 2, one line, the sealed file untouched, no process left", async () => {
    const before = readFileSync(sealed);
    const moved = path.join(dir, "other.seal-secret");
    writeFileSync(moved, new Uint8Array(32).fill(7), { mode: 0o600 });
    const r = await start([`--seal-secret-path=${moved}`]);
    assert.equal(r.status, 2, r.stderr.join("\n"));
    assert.equal(r.stderr.length, 1, r.stderr.join("\n"));
    assert.match(r.stderr[0] as string, /sealed block-signing key .*sealed does not open/);
    assert.deepEqual(readFileSync(sealed), before);
    assert.equal(
      r.log.some((l) => l.blockSignerPublicKey !== undefined),
      false,
    );
    assertGone(enclavePid(r.log));
  });

  it("a seal secret file group or others may read: exit 2, one line, nothing started", async () => {
    const before = readFileSync(sealed);
    for (const mode of [0o640, 0o604]) {
      chmodSync(secret, mode);
      const r = await start();
      assert.equal(r.status, 2, r.stderr.join("\n"));
      assert.equal(r.stderr.length, 1);
      assert.match(
        r.stderr[0] as string,
        new RegExp(`--seal-secret-path .*ledger\\.seal-secret: has mode ${mode.toString(8)}`),
      );
      assert.deepEqual(r.log, [], "nothing was started, not even the banner");
    }
    assert.deepEqual(readFileSync(sealed), before);
    chmodSync(secret, 0o600);
  });

  it("a service killed with SIGKILL mid-start leaves no enclave process behind", async () => {
    const started = await startWaitingOnAuthority("sealed-prod");
    try {
      const exited = once(started.child, "exit");
      started.child.kill("SIGKILL");
      await exited;
      await waitGone(started.pid);
      assert.equal(
        enclaveRunning(started.pid),
        false,
        `enclave process ${started.pid} outlived a killed service`,
      );
    } finally {
      started.cleanup();
    }
  });

  it("an enclave process that dies mid-start: the service exits non-zero with one line", async () => {
    const started = await startWaitingOnAuthority("sealed-prod-2");
    try {
      const exited = once(started.child, "exit");
      process.kill(started.pid, "SIGKILL");
      const [code] = (await exited) as [number | null];
      assert.ok(code !== null && code !== 0, `the service exited with ${code}`);
      const stderr = started
        .stderr()
        .split("\n")
        .filter((l) => l !== "");
      assert.equal(stderr.length, 1, JSON.stringify(stderr));
      // Nothing half-done: the sealed key was written whole before the evidence round, and no
      // temporary file of an interrupted write is left beside it.
      assert.ok(existsSync(path.join(dir, "sealed-prod-2")), "the sealed key file is missing");
      const leftovers = readdirSync(dir).filter(
        (f) => f.startsWith("sealed-prod-2") && f !== "sealed-prod-2",
      );
      assert.deepEqual(leftovers, []);
    } finally {
      started.cleanup();
    }
  });
});

/**
 * Start the service under IAS_MODE=PROD against an authority that accepts connections and never
 * answers: the service is then reliably waiting on the evidence round, with its enclave running.
 */
async function startWaitingOnAuthority(sealedName: string) {
  const held: Socket[] = [];
  const silent = createServer((socket) => void held.push(socket));
  silent.listen(0, "127.0.0.1");
  await once(silent, "listening");
  const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  const release = Ed25519Signer.fromSeed(new SeededRandom("release key").bytes(32));
  const css = signCss(
    measurementOf(computeEnclaveManifest(root)),
    BAKED_CONSTANTS.productId,
    BAKED_CONSTANTS.svn,
    release,
  );
  const cssFile = path.join(dir, "enclave.css");
  writeFileSync(cssFile, encodeCss(css));
  const child = spawn(
    process.execPath,
    serviceArgs([
      `--sealed-block-signing-key=${path.join(dir, sealedName)}`,
      `--attestation-authority-url=${url}`,
      `--attestation-root=${"ab".repeat(32)}`,
      `--ias-spid=${"00".repeat(16)}`,
      "--ias-api-key=k",
    ]),
    {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "",
        SGX_MODE: "SW",
        IAS_MODE: "PROD",
        CONSENSUS_ENCLAVE_CSS: cssFile,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  const connected = once(silent, "connection");
  child.stdout.on("data", (chunk: string) => {
    out += chunk;
  });
  child.stderr.on("data", (chunk: string) => {
    err += chunk;
  });
  // The service asks the authority only after the enclave process is up and initialised.
  await connected;
  while (!out.includes("enclave process started")) await once(child.stdout, "data");
  const pid = enclavePid(
    out
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as LogLine),
  );
  const cleanup = (): void => {
    // A failing run must not leave its service, enclave or the silent authority behind.
    if (child.exitCode === null) child.kill("SIGKILL");
    if (enclaveRunning(pid)) process.kill(pid, "SIGKILL");
    for (const s of held) s.destroy();
    silent.close();
  };
  return { child, pid, stderr: () => err, cleanup };
}

/** The enclave sees its stdin close and exits; wait for that (bounded), reading /proc. */
async function waitGone(pid: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && enclaveRunning(pid)) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Alive and still the enclave (a zombie awaiting its reaper counts as gone). */
function enclaveRunning(pid: number): boolean {
  try {
    const status = readFileSync(path.join("/proc", String(pid), "status"), "utf8");
    const cmdline = readFileSync(path.join("/proc", String(pid), "cmdline"), "utf8");
    return !/^State:\s+Z/m.test(status) && cmdline.includes("entry.mjs");
  } catch {
    return false;
  }
}
