// Goal: ops/nginx.conf, filled in as the runbook says, publishes a node over TLS: a wallet payment
// through its client port is accepted and included; a second validator whose network file names
// the node by its published mcp:// address (TLS through nginx) attests to it (IX `Auth`) and
// reaches consensus with it; a peer connection through the peer port fetches the node's blocks
// and latest message; the client port does not serve the peer API.
// Method: a real two-node network in which each node needs the other (threshold 1 of 1), node 0
// behind the real nginx with openssl-made certificates (temp prefix, no root paths); node 1's
// network file routes to node 0 only through nginx, so blocks close only if that path works.
// Skips with one line where nginx is absent, unless MCTS_REQUIRE_NGINX=1 (CI installs it).
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { GrpcPeerConnection } from "../../src/rpc/index.js";
import { parseServiceUri } from "../../src/util/index.js";
import { freePorts, RunbookNetwork } from "../helpers/runbook-network.js";
import { makeTestCerts, type TestCerts } from "../helpers/tls-certs.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const TOOL = path.join(root, "bin", "consensus-tool.mjs");
const hasNginx = spawnSync("sh", ["-c", "command -v nginx"]).status === 0;
if (!hasNginx && process.env.MCTS_REQUIRE_NGINX === "1")
  throw new Error("MCTS_REQUIRE_NGINX=1 but nginx is not on PATH");
const skip = hasNginx ? false : "nginx not on PATH (apt-get install nginx to run this test)";

/** ops/nginx.conf with its `${NAME}` placeholders filled in; fails on any left unfilled. */
function renderTemplate(values: Record<string, string>): string {
  const text = readFileSync(path.join(root, "ops", "nginx.conf"), "utf8");
  const body = text.replace(/\$\{([A-Z_]+)\}/g, (whole, name: string) => {
    // The header's examples name the placeholders too; only fill the directives.
    return values[name] ?? whole;
  });
  const directives = body.split("\n").filter((l) => !l.trimStart().startsWith("#"));
  const left = directives.join("\n").match(/\$\{[A-Z_]+\}/);
  assert.equal(left, null, `unfilled placeholder ${left?.[0]}`);
  return body;
}

/** A main nginx.conf under `dir` (no root paths) that includes the rendered servers. */
function mainConf(dir: string): string {
  const at = (f: string) => path.join(dir, f);
  return [
    // As root, workers would otherwise drop to `nobody`, which cannot enter the 0700 temp dir.
    process.getuid?.() === 0 ? "user root root;" : "",
    "worker_processes 1;",
    "events { worker_connections 64; }",
    "http {",
    `  access_log off;`,
    `  client_body_temp_path ${at("client_body")};`,
    `  proxy_temp_path ${at("proxy")};`,
    `  fastcgi_temp_path ${at("fastcgi")};`,
    `  uwsgi_temp_path ${at("uwsgi")};`,
    `  scgi_temp_path ${at("scgi")};`,
    `  include ${at("mobilecoin.conf")};`,
    "}",
    "",
  ].join("\n");
}

async function accepting(port: number): Promise<boolean> {
  const socket = connect(port, "127.0.0.1");
  try {
    await once(socket, "connect");
    return true;
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

describe("ops/nginx.conf in front of a node", { skip }, () => {
  let net: RunbookNetwork;
  let certs: TestCerts;
  let nginx: ChildProcess | undefined;
  let nginxErr = "";
  let clientPort = 0;
  let peerPort = 0;

  before(async () => {
    certs = makeTestCerts();
    net = await RunbookNetwork.create({ nodes: 2, threshold: 1 });
    const node = net.nodes[0];
    assert.ok(node !== undefined);
    [clientPort, peerPort] = (await freePorts(2)) as [number, number];
    const portOf = (uri: string) => (uri.match(/:(\d+)\/$/) as RegExpMatchArray)[1] as string;
    const servers = renderTemplate({
      CLIENT_SERVER_NAME: "localhost",
      PEER_SERVER_NAME: "localhost",
      CLIENT_LISTEN_PORT: `127.0.0.1:${clientPort}`,
      PEER_LISTEN_PORT: `127.0.0.1:${peerPort}`,
      NODE_CLIENT_PORT: portOf(node.clientUri),
      NODE_PEER_PORT: portOf(node.peerUri),
      TLS_CERT: certs.leafChain,
      TLS_KEY: certs.leafKey,
    });
    const dir = net.dir;
    writeFileSync(path.join(dir, "mobilecoin.conf"), servers);
    writeFileSync(path.join(dir, "nginx.conf"), mainConf(dir));
    const args = ["-p", dir, "-c", path.join(dir, "nginx.conf")];
    nginx = spawn(
      "nginx",
      [...args, "-g", `daemon off; pid ${path.join(dir, "nginx.pid")}; error_log stderr;`],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    nginx.stderr?.setEncoding("utf8");
    nginx.stderr?.on("data", (c: string) => {
      nginxErr += c;
    });
    const child = nginx;
    await net.waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`nginx exited: ${nginxErr}`);
      return (await accepting(clientPort)) && (await accepting(peerPort));
    }, "nginx listening");
    // Node 1 knows node 0 only by its published address: TLS to nginx, node 0's responder id.
    net.routePeer(
      1,
      0,
      `mcp://localhost:${peerPort}/?ca-bundle=${certs.caCert}&responder-id=${node.peerResponderId}`,
    );
    await net.startAll();
  });

  after(async () => {
    if (nginx !== undefined && nginx.exitCode === null && nginx.signalCode === null) {
      const exited = once(nginx, "exit");
      nginx.kill("SIGQUIT");
      await exited;
    }
    await net?.destroy();
    certs?.remove();
  });

  it("carries a wallet payment over TLS to inclusion", async () => {
    const node = net.nodes[0];
    assert.ok(node !== undefined);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [TOOL, "wallet", "send", "--keys-dir", net.keysDir, "--account", "0"]
        .concat(["--to-account", "1", "--amount", "1000000000000"])
        .concat(["--ledger-db", node.ledgerPath])
        .concat(["--node", `mc://localhost:${clientPort}/?ca-bundle=${certs.caCert}`])
        .concat(["--insecure-sw-attestation", "--wait", "--json"]),
      { cwd: net.dir, encoding: "utf8" },
    );
    const doc = JSON.parse(stdout) as { result: string; block_index: number | null };
    assert.equal(doc.result, "Ok", stdout);
    assert.ok(doc.block_index !== null && doc.block_index >= 1, stdout);
  });

  it("a validator peering through it attests and agrees on the blocks", async () => {
    // The payment's block exists on node 0; node 1 has it too only if consensus ran through nginx.
    await net.waitFor(async () => {
      const [a, b] = await Promise.all([net.blockIds(0), net.blockIds(1)]);
      return a.length >= 2 && a.length === b.length && a.every((id, k) => id === b[k]);
    }, "nodes 0 and 1 agree on the payment's block");
    const heard = await net.metric(0, "mcts_peer_messages_total", {
      remote_responder_id: net.nodes[1]?.peerResponderId as string,
      direction: "in",
      outcome: "ok",
    });
    assert.ok(heard !== undefined && heard > 0, "node 0 took node 1's messages");
  });

  it("carries a peer connection over TLS: blocks and the latest message", async () => {
    const peer = new GrpcPeerConnection({
      remoteResponderId: `localhost:${peerPort}`,
      uri: parseServiceUri(`mcp://localhost:${peerPort}/?ca-bundle=${certs.caCert}`, "peer"),
      chainId: "",
    });
    try {
      const count = await net.blockCount(0);
      const blocks = await peer.getBlocks(0n, 100);
      assert.equal(BigInt(blocks.length), count);
      assert.ok(count >= 2n, "the payment's block");
      const latest = await peer.getLatestMsg();
      assert.ok(latest !== undefined && latest.length > 0, "a latest SCP message");
    } finally {
      peer.close();
    }
  });

  it("does not serve the peer API on the client port", async () => {
    const wrong = new GrpcPeerConnection({
      remoteResponderId: `localhost:${clientPort}`,
      uri: parseServiceUri(`mcp://localhost:${clientPort}/?ca-bundle=${certs.caCert}`, "peer"),
      chainId: "",
    });
    try {
      await assert.rejects(wrong.getLatestMsg(), /UNIMPLEMENTED/);
    } finally {
      wrong.close();
    }
  });
});
