// Goal: the two-unit layout works end to end: consensus-service with --enclave-socket uses the
// enclave served on that socket (it spawns none and makes no seal secret of its own) and closes a
// block; the enclave refuses a second host while the service is connected; SIGTERM to the
// service stops it cleanly and the enclave exits 0 after it, as designed for its supervisor to
// start a fresh one; a fresh enclave with the same seal secret reopens the same block key on the
// service's restart; and an enclave that dies under a running service makes it exit 1 with one line.
// Method: the real enclave entry with --socket (as ops/mc-enclave.service runs it) and a real
// one-node network (threshold 0) from the runbook helper, loopback only; a wallet payment drives
// the block; waits poll observable state (logs, exits, GetLastBlockInfo) under deadlines.
import assert from "node:assert/strict";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  type EnclaveSocketServer,
  startEnclaveSocketServer,
} from "../helpers/enclave-socket-server.js";
import { RunbookNetwork } from "../helpers/runbook-network.js";

/** The service's "block signer public key" line (its structured field). */
function blockSigner(log: string): string | undefined {
  for (const line of log.split("\n").reverse()) {
    if (!line.includes('"blockSignerPublicKey"')) continue;
    return (JSON.parse(line) as { blockSignerPublicKey: string }).blockSignerPublicKey;
  }
  return undefined;
}

describe("consensus-service with --enclave-socket", () => {
  let net: RunbookNetwork;
  let socketPath: string;
  let sealSecretPath: string;
  const servers: EnclaveSocketServer[] = [];
  const startServer = async () => {
    const server = await startEnclaveSocketServer({ socketPath, sealSecretPath });
    servers.push(server);
    return server;
  };
  const flags = () => [`--enclave-socket=${socketPath}`];

  before(async () => {
    net = await RunbookNetwork.create({ nodes: 1, threshold: 0 });
    socketPath = path.join(net.dir, "enclave.sock");
    sealSecretPath = path.join(net.dir, "enclave.seal-secret");
  });

  after(async () => {
    for (const s of servers) s.kill();
    await net?.destroy();
  });

  it("closes a block through the socket enclave and refuses a second host", async () => {
    const server = await startServer();
    await net.start(0, flags());
    const node = net.nodes[0];
    assert.ok(node !== undefined);
    assert.ok(node.log.includes('"msg":"enclave connected"'), net.tail(0));
    assert.ok(!node.log.includes("enclave process started"), "no enclave child was spawned");
    assert.equal(existsSync(`${node.ledgerPath}.seal-secret`), false, "no seal secret of its own");
    assert.equal(existsSync(sealSecretPath), true, "the socket enclave made its seal secret");

    const second = connect(socketPath);
    const bytes: Buffer[] = [];
    second.on("data", (b: Buffer) => bytes.push(b));
    await once(second, "close");
    assert.equal(Buffer.concat(bytes).length, 0);
    assert.match(server.stderr(), /refused a second host connection/);

    net.send(0, { from: 0, to: 1, picoMob: 10n ** 12n });
    await net.waitFor(async () => (await net.blockCount(0)) >= 2n, "the payment's block");
  });

  it("SIGTERM stops the service cleanly; the enclave exits 0 after its host", async () => {
    const server = servers.at(-1) as EnclaveSocketServer;
    assert.deepEqual(await net.stop(0, "SIGTERM"), { code: 0, signal: null });
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    assert.match(server.stderr(), /the host disconnected; exiting with code 0/);
    assert.equal(existsSync(socketPath), false);
  });

  it("a fresh enclave reopens the same block key; its death stops the service with exit 1", async () => {
    const before = blockSigner((net.nodes[0] as { log: string }).log);
    assert.ok(before !== undefined);
    const server = await startServer();
    await net.start(0, flags());
    const node = net.nodes[0];
    assert.ok(node?.exited !== undefined);
    assert.equal(blockSigner(node.log), before);
    assert.ok(node.log.includes('"reusedSealedKey":true'), net.tail(0));
    server.kill();
    assert.deepEqual(await node.exited, { code: 1, signal: null });
    const lines = node.stderr.split("\n").filter((l) => l !== "");
    assert.equal(lines.length, 1, node.stderr);
    assert.match(lines[0] as string, /^consensus-service: the enclave at .* closed the connection/);
  });
});
