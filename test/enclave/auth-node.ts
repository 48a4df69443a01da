// A test-only node: an enclave child process (ChildProcessEnclaveHost) with development evidence
// installed through the node's evidence lifecycle, serving attest.AttestedApi.Auth for peers on
// 127.0.0.1 port 0. It prints `port N`, then takes commands on stdin, one per line:
//   connect HOST:PORT RESPONDER_ID   → runs peer_init → Auth → peer_connect, prints `session HEX`
//                                      or `error CODE`
// and prints `accepted HEX` for every handshake it answers. It exits when stdin closes, so it
// never outlives the test that started it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { credentials, ServerCredentials } from "@grpc/grpc-js";
import { SAMPLE_CONFIG } from "../../src/enclave/codec/sample-calls.js";
import { callOk, loadEnclaveIdentity, startChildEnclave } from "../../src/enclave/index.js";
import { EvidenceRefresher, statementSource } from "../../src/node/index.js";
import { PeerConnector, RpcClient, RpcServer, servePeerAuth } from "../../src/rpc/index.js";
import { isCodedError, nullLogger, toHex } from "../../src/util/index.js";

export const AUTH_NODE_SPID = "0123456789abcdef0123456789abcdef";
export const AUTH_NODE_API_KEY = "auth-node test credential";

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { "peer-responder-id": { type: "string" } },
    strict: true,
  });
  const peerResponderId = values["peer-responder-id"];
  if (peerResponderId === undefined) throw new Error("usage: auth-node --peer-responder-id ID");
  const dir = mkdtempSync(path.join(tmpdir(), "auth-node-"));
  const identity = loadEnclaveIdentity({});
  const host = await startChildEnclave({
    sealSecretPath: path.join(dir, "seal.secret"),
    cssBytes: identity.cssBytes,
  });
  await callOk(host, {
    call: "enclave_init",
    peerResponderId,
    clientResponderId: "client.test:3223",
    sealedBlockSigningKey: undefined,
    config: SAMPLE_CONFIG,
  });
  const refresher = new EvidenceRefresher({
    host,
    source: statementSource({
      iasMode: "DEV",
      spid: AUTH_NODE_SPID,
      apiKey: AUTH_NODE_API_KEY,
      measurement: host.measurement,
    }),
  });
  const installed = await refresher.step(Date.now());
  if (installed.kind !== "installed") throw new Error(`evidence: ${JSON.stringify(installed)}`);
  const server = new RpcServer({ logger: nullLogger });
  servePeerAuth(server, host, { onSession: (session) => say(`accepted ${toHex(session)}`) });
  const port = await server.listen("127.0.0.1:0", ServerCredentials.createInsecure());
  say(`port ${port}`);

  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [command, address, remoteId] = line.trim().split(/\s+/);
    if (command !== "connect" || address === undefined || remoteId === undefined) {
      say("error BAD_COMMAND");
      continue;
    }
    const client = new RpcClient(address, credentials.createInsecure());
    try {
      const { session } = await new PeerConnector(host, client, remoteId).attest();
      say(`session ${toHex(session)}`);
    } catch (error) {
      say(`error ${isCodedError(error) ? error.code : String(error)}`);
    } finally {
      client.close();
    }
  }
  await server.close(100);
  await host.close();
  rmSync(dir, { recursive: true, force: true });
  return 0;
}
