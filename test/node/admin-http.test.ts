// Goal: the operator views answer from the node's real state (SPEC §4.2, issue 13): /readyz stays
// 200 while a quorum of the local quorum set remains and turns 503 with NO_QUORUM when it does not;
// a stopped node turns `missing` in the others' /quorum within the keepalive window; /scp says
// why the slot waits; /log-level changes the RuntimeLogFilter without a restart; the server is
// bounded (body size, unknown paths).
// Method: four validators in one process on a virtual clock (admin-world.ts), node n0's admin HTTP
// server on loopback (real node:http), requests with fetch. Time moves only by firing timers.
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, describe, it } from "node:test";
import pino from "pino";
import { Registry } from "prom-client";
import {
  ADMIN_LIMITS,
  type AdminHttpServer,
  registerAdminGauges,
  startAdminHttp,
} from "../../src/node/index.js";
import { RuntimeLogFilter } from "../../src/node/log-filter.js";
import { PEERS_LIMITS } from "../../src/peers/index.js";
import { prepareWallet, type WalletTx } from "../../src/sim/index.js";
import {
  ADMIN_IDS,
  type AdminNode,
  closeWorld,
  makeAdminWorld,
  runUntil,
  spent,
  stopNode,
  submit,
} from "./admin-world.js";

const SEED = process.env.ADMIN_HTTP_SEED ?? "admin-http-1";
const wallet = prepareWallet(SEED, 6);

async function serve(n: AdminNode, filter: RuntimeLogFilter): Promise<AdminHttpServer> {
  return startAdminHttp("http://127.0.0.1:0/", {
    status: n.status,
    metricsText: async () => "# none\n",
    metricsContentType: "text/plain; version=0.0.4",
    info: async () => ({
      id: n.id,
      config_json: JSON.stringify({ status: { block_height: Number(n.ledger.numBlocks()) } }),
    }),
    logFilter: () => filter.text,
    setLogFilter: (t) => filter.set(t),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies, checked field by field below
async function get(server: AdminHttpServer, path: string): Promise<{ status: number; body: any }> {
  const r = await fetch(new URL(path, server.url));
  return { status: r.status, body: await r.json() };
}

function memberState(n: AdminNode, id: string): string | undefined {
  return n.status.quorum().members.find((m) => m.id === id)?.state;
}

describe(`admin HTTP over a four-node in-process network (seed ${SEED})`, () => {
  const servers: AdminHttpServer[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });

  it("readiness follows the quorum: 200 with one node stopped, 503 NO_QUORUM with two; the stopped node is missing within the keepalive window", async () => {
    wallet.wallet.rewind();
    const w = await makeAdminWorld(SEED, wallet);
    const nodes = ADMIN_IDS.map((id) => w.nodes.get(id)!);
    const [n0, n1, n2, n3] = nodes as [AdminNode, AdminNode, AdminNode, AdminNode];
    const server = await serve(n0, new RuntimeLogFilter("info"));
    servers.push(server);
    const tx = wallet.wallet.next() as WalletTx;
    await submit(w, n1, tx);
    await runUntil(w, () => nodes.every((n) => spent(n, tx)), "the transaction in every ledger");
    let ready = await get(server, "/readyz");
    assert.equal(ready.status, 200, JSON.stringify(ready.body));
    assert.deepEqual(ready.body, { ok: true, reasons: [] });
    assert.equal((await get(server, "/livez")).status, 200);
    const q0 = await get(server, "/quorum");
    assert.deepEqual(
      q0.body.members.map((m: { id: string; state: string }) => [m.id, m.state]),
      [
        [n0.id, "self"],
        [n1.id, "agreeing"],
        [n2.id, "agreeing"],
        [n3.id, "agreeing"],
      ],
      `seed ${SEED}`,
    );
    assert.equal(q0.body.intersection.intersects, true);
    assert.deepEqual([q0.body.liveness.tolerates, q0.body.safety.tolerates], [1, 1]);

    const stoppedAt = w.timers.nowMs();
    await stopNode(w, n3);
    await runUntil(w, () => memberState(n0, n3.id) === "missing", "n3 missing at n0");
    const tookMs = w.timers.nowMs() - stoppedAt;
    // Missing once silent past the window; the virtual clock jumps timer to timer, at most one probe interval late.
    assert.ok(
      tookMs > ADMIN_LIMITS.missingAfterMs - PEERS_LIMITS.keepaliveSilenceMs,
      `not before silence (${tookMs} ms)`,
    );
    assert.ok(
      tookMs <= ADMIN_LIMITS.missingAfterMs + PEERS_LIMITS.keepaliveIntervalMs,
      `within the window (${tookMs} ms)`,
    );
    // Keep the clock going well past another window: live members stay heard (keepalive answers).
    const until = w.timers.nowMs() + 2 * ADMIN_LIMITS.missingAfterMs;
    await runUntil(w, () => w.timers.nowMs() >= until, "two more windows");
    assert.deepEqual([memberState(n0, n1.id), memberState(n0, n2.id)], ["agreeing", "agreeing"]);
    ready = await get(server, "/readyz");
    assert.equal(ready.status, 200, `a quorum remains: ${JSON.stringify(ready.body)}`);
    const q1 = (await get(server, "/quorum")).body;
    assert.equal(q1.liveness.tolerates, 0, "one more failure stops us");
    const registry = new Registry();
    registerAdminGauges(registry, n0.status);
    const text = await registry.metrics();
    assert.match(text, /^mcts_quorum_members\{state="missing"\} 1$/m);
    assert.match(text, /^mcts_quorum_failures_tolerated\{property="liveness"\} 0$/m);
    assert.match(text, /^mcts_quorum_intersects 1$/m);
    assert.match(text, /^mcts_ready 1$/m);

    await stopNode(w, n2);
    await runUntil(w, () => !n0.status.readiness().ok, "n0 not ready");
    ready = await get(server, "/readyz");
    assert.equal(ready.status, 503);
    assert.equal(ready.body.ok, false);
    const codes = ready.body.reasons.map((r: { code: string }) => r.code);
    assert.deepEqual(codes, ["NO_QUORUM"], JSON.stringify(ready.body));
    assert.match(ready.body.reasons[0].text, /n2\.test:8443, n3\.test:8443/);
    assert.equal(
      n0.status.ready("consensus_common.BlockchainAPI"),
      false,
      "gRPC health says the same",
    );

    // A value pending with no quorum: the stuck-slot view names why.
    await submit(w, n0, wallet.wallet.next() as WalletTx);
    await runUntil(w, () => n0.runtime.validator.worker.pending.length > 0, "pending at n0");
    const scp = (await get(server, "/scp")).body;
    assert.equal(scp.slot, Number(n0.ledger.numBlocks()));
    assert.ok(
      scp.waiting.some((r: { code: string }) => r.code === "NO_QUORUM_ON_SLOT"),
      JSON.stringify(scp),
    );
    assert.equal(scp.state.phase, "NominatePrepare", JSON.stringify(scp));
    await closeWorld(w);
  });

  it("/log-level changes the runtime log filter without a restart; a bad filter is refused and the old one stays", async () => {
    wallet.wallet.rewind();
    const w = await makeAdminWorld(`${SEED}/log`, wallet);
    const n0 = w.nodes.get(ADMIN_IDS[0]!)!;
    const filter = new RuntimeLogFilter("info");
    const lines: string[] = [];
    const sink = new Writable({
      write: (c, _e, cb) => {
        lines.push(String(c));
        cb();
      },
    });
    const log = pino({ ...filter.pinoOptions() }, sink);
    filter.attach(log);
    const server = await serve(n0, filter);
    servers.push(server);
    log.debug("before");
    let r = await fetch(new URL("/log-level", server.url), { method: "POST", body: "debug" });
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { ok: true, rust_log: "debug" });
    log.debug("after");
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).msg),
      ["after"],
    );
    r = await fetch(new URL("/log-level", server.url), { method: "POST", body: "a=b=c" });
    assert.equal(r.status, 400);
    assert.equal(
      ((await r.json()) as { error: { code: string } }).error.code,
      "LOG_FILTER_INVALID",
    );
    assert.equal(filter.text, "debug");
    r = await fetch(new URL("/log-level", server.url), {
      method: "POST",
      body: "x".repeat(ADMIN_LIMITS.httpBodyMaxBytes + 1),
    });
    assert.equal(r.status, 413);
    assert.equal((await get(server, "/log-level")).body.rust_log, "debug");
    assert.equal((await get(server, "/nope")).status, 404);
    const many = Array.from({ length: ADMIN_LIMITS.failIdsMax + 1 }, (_, i) => `x${i}`).join(",");
    assert.equal((await get(server, `/quorum?fail=${many}`)).status, 400);
    const whatIf = (await get(server, `/quorum?fail=${ADMIN_IDS[1]},${ADMIN_IDS[2]}`)).body;
    assert.deepEqual([whatIf.hasQuorum, whatIf.failed], [false, [ADMIN_IDS[1], ADMIN_IDS[2]]]);
    // The server is n0's: failing itself, or a node no quorum set names, is refused, not "ok".
    for (const [fail, why] of [
      [`${ADMIN_IDS[1]},${ADMIN_IDS[0]}`, `fail= names this node (${ADMIN_IDS[0]})`],
      ["no-such-node:8443", "fail= names no-such-node:8443, which is in no quorum set"],
    ] as const) {
      const refused = await get(server, `/quorum?fail=${encodeURIComponent(fail)}`);
      assert.equal(refused.status, 400, fail);
      const error = (refused.body as { error: { code: string; message: string } }).error;
      assert.equal(error.code, "BAD_QUERY");
      assert.ok(error.message.startsWith(why), error.message);
    }
    const page = await fetch(new URL("/", server.url));
    assert.match(await page.text(), /uplot\.min\.js/);
    assert.equal((await fetch(new URL("/uplot.min.js", server.url))).status, 200);
    await closeWorld(w);
  });
});
