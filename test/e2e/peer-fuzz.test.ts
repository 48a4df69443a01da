// Goal: issue 11's fuzz acceptance point. Fuzzed SendConsensusMsg, PeerTxPropose, GetTxs and Auth
// requests reach a node's peer port from a configured peer and from a stranger, while payments go
// through the network: the node keeps closing blocks (the same blocks as its peers), never answers
// UNKNOWN (an unhandled exception) nor INTERNAL (bad input is the caller's fault), and its
// Prometheus metrics count the rejects by method and reason, and per peer for the configured one.
// Method: four runbook nodes (test/helpers/runbook-network.ts: real processes, real gRPC on
// loopback) of which three run; each trusts the others with a threshold of two, so three close
// blocks alone. The fuzzer holds the fourth node's message key and responder id and attests over
// IX with evidence of the nodes' own measurement (test/helpers/peer-fuzzer.ts); requests are drawn
// from a seeded PRNG (FUZZ_SEED, printed on failure) by test/helpers/peer-fuzz-cases.ts; FUZZ_REQUESTS
// sets how many (default 5,000). A payment loop (`consensus-tool wallet send`) runs meanwhile and
// waits for each payment's block. Every gRPC status is tallied per method; the metrics come from
// the admin port's GetPrometheusMetrics. after() kills every process.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import { credentials, status } from "@grpc/grpc-js";
import { AdminAPI } from "../../src/proto/admin_pb.js";
import { RpcClient } from "../../src/rpc/index.js";
import { SeededRandom } from "../../src/util/index.js";
import { drawRequest, type Role, type SessionView } from "../helpers/peer-fuzz-cases.js";
import {
  FUZZ_METHODS,
  type FuzzMethod,
  type FuzzRequest,
  PeerFuzzer,
  statusName,
} from "../helpers/peer-fuzzer.js";
import { RunbookNetwork } from "../helpers/runbook-network.js";

const SEED = process.env.FUZZ_SEED ?? randomBytes(8).toString("hex");
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? "5000");
/** Requests in flight at once (each worker has its own attested session). */
const WORKERS = 4;
/** The fuzzed node and the node whose keys the fuzzer holds (never started). */
const TARGET = 0;
const FUZZER = 3;
/** The node's latest consensus message is fetched again after this many requests. */
const TEMPLATE_EVERY = 200;
const MOB = 1_000_000_000_000n;
/** Statuses that mean the node failed, never the caller. */
const NODE_FAULTS = new Set<number>([status.UNKNOWN, status.INTERNAL]);
/** Statuses the transport gives before a handler runs (message size, deadline): not rejects. */
const TRANSPORT_ONLY = new Set(["OK", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED", "CANCELLED"]);

let net: RunbookNetwork;
let fuzzer: PeerFuzzer;

interface Tally {
  readonly statuses: Map<FuzzMethod, Map<string, number>>;
  /** The first request of each kind answered UNKNOWN or INTERNAL (for the failure message). */
  readonly faults: Map<string, string>;
  sent: number;
}

function record(tally: Tally, r: FuzzRequest, role: Role, code: number): void {
  const byStatus = tally.statuses.get(r.method) ?? new Map<string, number>();
  byStatus.set(statusName(code), (byStatus.get(statusName(code)) ?? 0) + 1);
  tally.statuses.set(r.method, byStatus);
  if (NODE_FAULTS.has(code) && !tally.faults.has(`${r.method} ${role} ${r.kind}`))
    tally.faults.set(`${r.method} ${role} ${r.kind}`, statusName(code));
}

/** One worker: draws and sends requests until `tally.sent` reaches REQUESTS. */
async function worker(tally: Tally): Promise<void> {
  let session: (SessionView & { machine: unknown }) | undefined;
  while (tally.sent < REQUESTS) {
    const n = tally.sent++;
    if (n % TEMPLATE_EVERY === 0) await fuzzer.refreshTemplate();
    const role: Role = fuzzer.rng.nextInt(2) === 0 ? "peer" : "stranger";
    if (role === "peer" && session === undefined) {
      const s = await fuzzer.attest();
      session = {
        machine: s.machine,
        channelId: s.channelId,
        encrypt: (aad, plaintext) => s.machine.encrypt(aad, plaintext).data,
      };
    }
    const method = FUZZ_METHODS[fuzzer.rng.nextInt(FUZZ_METHODS.length)] as FuzzMethod;
    const request = drawRequest(fuzzer, method, role, role === "peer" ? session : undefined);
    const { code } = await fuzzer.send(request.method, request.bytes);
    record(tally, request, role, code);
    // A refusal on the session may have ended it (or left the nonces apart): attest again.
    if (request.onSession === true && code !== status.OK && code !== status.INVALID_ARGUMENT)
      session = undefined;
  }
}

interface Payments {
  made: number;
  blocksClosed: number;
  failure: unknown;
}

/** Payments one after another while `running()`, each waiting for the block that holds it. */
async function payments(p: Payments, running: () => boolean): Promise<void> {
  try {
    while (running()) {
      const k = p.made;
      const before = await net.blockCount(TARGET);
      const sent = (await net.sendAsync(k % 3, {
        from: k % 4,
        to: (k + 1) % 4,
        picoMob: MOB,
      })) as Record<string, unknown>;
      assert.equal(sent.result, "Ok", JSON.stringify(sent));
      p.made++;
      await net.waitFor(
        async () => (await net.blockCount(TARGET)) > before,
        `payment ${k}'s block`,
      );
      p.blocksClosed = Number((await net.blockCount(TARGET)) - before) + p.blocksClosed;
    }
  } catch (error) {
    p.failure = error;
  }
}

async function metricsText(): Promise<string> {
  const address = (net.nodes[TARGET]?.adminUri ?? "").replace(/^insecure-mca:\/\/|\/$/g, "");
  const client = new RpcClient(address, credentials.createInsecure());
  try {
    const reply = await client.unary(AdminAPI.method.getPrometheusMetrics, create(EmptySchema), {
      deadlineMs: 10_000,
    });
    return reply.metrics;
  } finally {
    client.close();
  }
}

/** The sum of a family's samples whose labels include every `label="value"` given. */
function sumOf(text: string, family: string, labels: readonly string[]): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${family}{`)) continue;
    if (!labels.every((l) => line.includes(l))) continue;
    sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

const METHOD_LABELS: Readonly<Record<FuzzMethod, string>> = {
  sendConsensusMsg: "consensus_peer.ConsensusPeerAPI.SendConsensusMsg",
  peerTxPropose: "consensus_peer.ConsensusPeerAPI.PeerTxPropose",
  getTxs: "consensus_peer.ConsensusPeerAPI.GetTxs",
  auth: "attest.AttestedApi.Auth",
};

describe(`peer-port fuzz (FUZZ_SEED=${SEED}, FUZZ_REQUESTS=${REQUESTS})`, {
  timeout: 3_600_000,
}, () => {
  before(async () => {
    net = await RunbookNetwork.create({ nodes: 4 });
    await Promise.all([0, 1, 2].map((i) => net.start(i)));
    const peer = net.nodes[FUZZER];
    assert.ok(peer !== undefined);
    const target = net.nodes[TARGET]?.peerResponderId ?? "";
    fuzzer = new PeerFuzzer(
      target,
      { responderId: peer.peerResponderId, msgSignerKey: peer.msgSignerKey },
      new SeededRandom(SEED),
    );
  });
  after(async () => {
    fuzzer?.close();
    await net?.destroy();
  });

  it("keeps closing blocks, never answers UNKNOWN or INTERNAL, and counts the rejects", async () => {
    const seedNote = `FUZZ_SEED=${SEED} FUZZ_REQUESTS=${REQUESTS}`;
    const first = net.send(0, { from: 0, to: 1, picoMob: MOB });
    assert.equal(first.result, "Ok", JSON.stringify(first));
    await net.waitFor(async () => (await net.blockCount(TARGET)) >= 2n, "the first payment");
    const startBlocks = await net.blockCount(TARGET);
    const tally: Tally = { statuses: new Map(), faults: new Map(), sent: 0 };
    const pay: Payments = { made: 0, blocksClosed: 0, failure: undefined };
    let fuzzing = true;
    const started = Date.now();
    const paying = payments(pay, () => fuzzing);
    try {
      await Promise.all(Array.from({ length: WORKERS }, () => worker(tally)));
    } finally {
      fuzzing = false;
    }
    const seconds = (Date.now() - started) / 1000;
    await paying;
    const endBlocks = await net.blockCount(TARGET);
    const summary = {
      seed: SEED,
      requests: REQUESTS,
      seconds,
      statuses: Object.fromEntries([...tally.statuses].map(([m, s]) => [m, Object.fromEntries(s)])),
      payments: pay.made,
      blocksClosed: Number(endBlocks - startBlocks),
    };
    console.log(`peer fuzz: ${JSON.stringify(summary)}`);

    assert.deepEqual(Object.fromEntries(tally.faults), {}, `node faults (${seedNote})`);
    assert.equal(pay.failure, undefined, `payments stopped (${seedNote}): ${String(pay.failure)}`);
    assert.ok(pay.made >= 1, `no payment went through while fuzzing (${seedNote})`);
    assert.ok(endBlocks - startBlocks >= BigInt(pay.made), `blocks closed (${seedNote})`);
    // The fuzzed node has the same blocks as the others.
    await net.waitFor(async () => {
      const ids = await Promise.all([0, 1, 2].map((i) => net.blockIds(i)));
      return ids.every((l) => JSON.stringify(l) === JSON.stringify(ids[0]));
    }, "nodes 0-2 agree on their blocks");

    const text = await metricsText();
    for (const method of FUZZ_METHODS) {
      const statuses = tally.statuses.get(method) ?? new Map<string, number>();
      const refused = [...statuses]
        .filter(([s]) => !TRANSPORT_ONLY.has(s))
        .reduce((a, [, n]) => a + n, 0);
      assert.ok(refused > 0, `${method}: the fuzz refused nothing (${seedNote})`);
      const counted = sumOf(text, "mcts_rejected_total", [
        'source="peer"',
        `method="${METHOD_LABELS[method]}"`,
      ]);
      assert.ok(counted >= refused, `${method}: ${counted} rejects counted, ${refused} refused`);
    }
    const peerId = net.nodes[FUZZER]?.peerResponderId ?? "";
    assert.ok(
      sumOf(text, "mcts_peer_rejects_total", [`remote_responder_id="${peerId}"`]) > 0,
      "the configured peer's rejects",
    );
    assert.equal(
      sumOf(text, "consensus_service_grpc_num_status_code", ['status_code="2-UNKNOWN"']),
      0,
    );
  });
});
