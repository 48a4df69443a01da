// Goal: two real processes, each with its own enclave child process and development evidence
// installed by the node's evidence lifecycle, complete an IX handshake over gRPC
// attest.AttestedApi.Auth on 127.0.0.1, and both report the same 64-byte session id.
// Method: start test/enclave/auth-node.mjs twice as separate OS processes (each starts a
// ChildProcessEnclaveHost), read the port each prints, tell A to connect to B, compare the
// session id A prints with the one B prints for the handshake it answered. Closing their stdin
// ends them; `after` kills any that is still alive, so none outlives the test.
import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), "auth-node.mjs");
/** Start-up through tsx twice (node and enclave) on a loaded machine, ms. */
const LINE_TIMEOUT_MS = 40_000;

interface AuthNode {
  child: ChildProcessWithoutNullStreams;
  next(prefix: string): Promise<string>;
  stderr(): string;
}

const started: ChildProcessWithoutNullStreams[] = [];
after(() => {
  for (const child of started) if (child.exitCode === null) child.kill("SIGKILL");
});

function startNode(peerResponderId: string): AuthNode {
  const child = spawn(process.execPath, [ENTRY, "--peer-responder-id", peerResponderId], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  started.push(child);
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4000);
  });
  const waiting: { prefix: string; resolve: (rest: string) => void }[] = [];
  const seen: string[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    const index = waiting.findIndex((w) => line.startsWith(`${w.prefix} `));
    const found = waiting[index];
    if (found === undefined) {
      seen.push(line);
      return;
    }
    waiting.splice(index, 1);
    found.resolve(line.slice(found.prefix.length + 1));
  });
  return {
    child,
    stderr: () => errors,
    next: (prefix) => {
      const early = seen.findIndex((l) => l.startsWith(`${prefix} `));
      if (early >= 0) {
        const [line] = seen.splice(early, 1);
        return Promise.resolve((line as string).slice(prefix.length + 1));
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no "${prefix}" line; stderr: ${errors}`)),
          LINE_TIMEOUT_MS,
        );
        waiting.push({
          prefix,
          resolve: (rest) => {
            clearTimeout(timer);
            resolve(rest);
          },
        });
      });
    },
  };
}

function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe("attested Auth between two real processes", () => {
  it("completes IX over gRPC and both sides hold the same session id", async () => {
    const a = startNode("node-a.test:8443");
    const b = startNode("node-b.test:8443");
    const [, portB] = await Promise.all([a.next("port"), b.next("port")]);
    a.child.stdin.write(`connect 127.0.0.1:${portB} node-b.test:8443\n`);
    const [fromA, fromB] = await Promise.all([a.next("session"), b.next("accepted")]);
    assert.match(fromA, /^[0-9a-f]{128}$/, `A said: ${fromA}; stderr: ${a.stderr()}`);
    assert.equal(fromA, fromB);
    // A wrong responder id is refused by the initiator's enclave: B answered for its own id.
    a.child.stdin.write(`connect 127.0.0.1:${portB} node-x.test:8443\n`);
    assert.equal(await a.next("error"), "ATTEST_AUTH_FAILED");
    a.child.stdin.end();
    b.child.stdin.end();
    assert.deepEqual(await Promise.all([exited(a.child), exited(b.child)]), [0, 0]);
  });
});
