// Goal: the Unix-socket enclave and its host: the enclave serves one host at a time (a second
// connection is refused with a log line, the first carries on), exits 0 and removes its socket
// when that host disconnects, and refuses a --socket path that is not a socket; the host behaves
// as the child-process host does when the enclave dies (pending calls fail, one line, told once),
// times out a silent enclave and cuts it off, bounds calls in flight, waits for an enclave that is
// not listening yet up to its start timeout, and names "another host" when refused before ready.
// Method: the real enclave entry with --socket for the enclave's side; in-process stand-in
// servers (a ready frame written by hand, then silence) for the host's failure handling; waits are
// on observable events (replies, closes, exits), never sleeps.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import {
  type EnclaveSocketServer,
  startEnclaveSocketServer,
} from "../../../test/helpers/enclave-socket-server.js";
import { loadEnclaveIdentity } from "../bundle/identity.js";
import { PACKAGE_ROOT } from "../bundle/sources.js";
import type { EnclaveHostError } from "../errors.js";
import { ENCLAVE_ENTRY } from "./child-process.js";
import { connectSocketEnclave } from "./socket.js";

const identity = loadEnclaveIdentity({});
const dir = mkdtempSync(path.join(tmpdir(), "enclave-socket-"));
const servers: EnclaveSocketServer[] = [];
const standIns: Server[] = [];
after(() => {
  for (const s of servers) s.kill();
  for (const s of standIns) s.close();
  rmSync(dir, { recursive: true, force: true });
});

let count = 0;
const fresh = (base: string) => path.join(dir, `${base}-${count++}`);

/** The ready frame as the protocol defines it: length, id 0, kind 2, the 32-byte measurement. */
const READY = Buffer.concat([
  Buffer.from([0, 0, 0, 37, 0, 0, 0, 0, 2]),
  Buffer.from(identity.measurement),
]);

/**
 * An enclave stand-in on `socketPath`: `onConnection` gets each accepted connection, whose
 * requests are read and dropped (a stream nobody reads never sees its end).
 */
async function standIn(socketPath: string, onConnection: (s: Socket) => void): Promise<Server> {
  const server = createServer((s) => {
    s.resume();
    onConnection(s);
  });
  standIns.push(server);
  server.listen(socketPath);
  await once(server, "listening");
  return server;
}

describe("Unix-socket enclave", () => {
  it("serves one host, refuses a second, and exits 0 without its socket when the host goes", {
    timeout: 60_000,
  }, async () => {
    const socketPath = fresh("one.sock");
    const server = await startEnclaveSocketServer({
      socketPath,
      sealSecretPath: fresh("one.secret"),
    });
    servers.push(server);
    const host = await connectSocketEnclave({ socketPath, cssBytes: identity.cssBytes });
    assert.deepEqual(host.measurement, identity.measurement);
    const second = connect(socketPath);
    const bytes: Buffer[] = [];
    second.on("data", (b: Buffer) => bytes.push(b));
    await once(second, "close");
    assert.equal(Buffer.concat(bytes).length, 0, "the refused connection got no frame");
    assert.match(
      server.stderr(),
      /enclave: refused a second host connection on .*: one host at a time\n/,
    );
    assert.deepEqual(await host.call({ call: "get_identity" }), {
      ok: false,
      code: "NOT_INITIALIZED",
    });
    await host.close();
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    assert.match(server.stderr(), /enclave: the host disconnected; exiting with code 0/);
    assert.equal(existsSync(socketPath), false);
  });

  it("refuses a --socket path that is a regular file, exit 2 with one line", async () => {
    const file = fresh("not-a-socket");
    writeFileSync(file, "x");
    const child = spawn(
      process.execPath,
      [ENCLAVE_ENTRY, "--socket", file, "--seal-secret", fresh("s.secret")],
      { env: {}, cwd: PACKAGE_ROOT, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const [code] = await once(child, "close");
    assert.equal(code, 2);
    assert.match(stderr, /^enclave: INVALID_BUNDLE: --socket .* exists and is no socket\n$/);
  });
});

describe("Unix-socket enclave host", () => {
  it("fails pending calls and reports once, in one line, when the enclave goes", async () => {
    const socketPath = fresh("dies.sock");
    let enclaveSide: Socket | undefined;
    await standIn(socketPath, (s) => {
      enclaveSide = s;
      s.write(READY);
    });
    const reports: EnclaveHostError[] = [];
    const host = await connectSocketEnclave({
      socketPath,
      cssBytes: identity.cssBytes,
      onExit: (e) => reports.push(e),
    });
    const pending = host.call({ call: "get_identity" });
    enclaveSide?.destroy();
    await assert.rejects(pending, { code: "ENCLAVE_EXITED" });
    await assert.rejects(host.call({ call: "get_identity" }), { code: "ENCLAVE_EXITED" });
    await host.close();
    assert.equal(reports.length, 1);
    assert.equal(reports[0]?.code, "ENCLAVE_EXITED");
    // A reset (the enclave went with our call unread) is named; a clean close is not.
    assert.match(
      reports[0]?.message ?? "",
      new RegExp(`^the enclave at ${socketPath} closed the connection( \\(ECONNRESET\\))?$`),
    );
  });

  it("times out a silent enclave, cuts it off, and refuses calls beyond the in-flight bound", async () => {
    const socketPath = fresh("silent.sock");
    let cut: Promise<unknown> | undefined;
    await standIn(socketPath, (s) => {
      cut = once(s, "close");
      s.write(READY);
    });
    const reports: EnclaveHostError[] = [];
    const host = await connectSocketEnclave({
      socketPath,
      cssBytes: identity.cssBytes,
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
    await cut;
    await host.close();
    assert.deepEqual(
      reports.map((r) => [r.code, r.message]),
      [["CALL_TIMEOUT", "the enclave did not answer get_identity within 300 ms"]],
    );
  });

  it("waits for an enclave that is not listening yet, and gives up at its start timeout", async () => {
    const socketPath = fresh("late.sock");
    const connecting = connectSocketEnclave({ socketPath, cssBytes: identity.cssBytes });
    await standIn(socketPath, (s) => s.write(READY));
    const host = await connecting;
    await host.close();
    const nobody = fresh("nobody.sock");
    await assert.rejects(
      connectSocketEnclave({
        socketPath: nobody,
        cssBytes: identity.cssBytes,
        startTimeoutMs: 300,
      }),
      (e: EnclaveHostError) => {
        assert.equal(e.code, "ENCLAVE_START_FAILED");
        assert.equal(e.message, `cannot connect to the enclave socket ${nobody} (ENOENT)`);
        return true;
      },
    );
  });

  it("fails start-up naming another host when the enclave closes before its ready frame", async () => {
    const socketPath = fresh("busy.sock");
    await standIn(socketPath, (s) => s.destroy());
    await assert.rejects(
      connectSocketEnclave({ socketPath, cssBytes: identity.cssBytes }),
      (e: EnclaveHostError) => {
        assert.equal(e.code, "ENCLAVE_START_FAILED");
        assert.match(e.message, /closed the connection before it was ready.*another host/);
        assert.ok(!e.message.includes("\n"));
        return true;
      },
    );
  });

  it("fails start-up (not a protocol violation) for an enclave of another measurement", async () => {
    // Another install's enclave behind the socket: the operator's to fix, so exit 2, no restarts.
    const socketPath = fresh("other.sock");
    const other = Buffer.from(READY);
    other.fill(0xab, READY.length - 32);
    await standIn(socketPath, (s) => s.write(other));
    await assert.rejects(
      connectSocketEnclave({ socketPath, cssBytes: identity.cssBytes }),
      (e: EnclaveHostError) => {
        assert.equal(e.code, "ENCLAVE_START_FAILED");
        assert.equal(
          e.message,
          `the enclave is ready under measurement ${"ab".repeat(32)}, not ${Buffer.from(identity.measurement).toString("hex")} of this service's CSS: give both the same CSS file`,
        );
        return true;
      },
    );
  });
});
