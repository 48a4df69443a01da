// Goal: the admin, health and build-info services answer over real gRPC as MobileCoin's do
// (reference mobilecoin-service.md §5.5): metrics text, GetInfo's fields, SetRustLog really
// changing what a pino logger writes (bad filters → INVALID_ARGUMENT, filter kept), TestLogError's
// line, Check following readiness, Ping echoing, Watch UNIMPLEMENTED, never UNKNOWN.
// Method: RpcServer + RpcClient on 127.0.0.1 (insecure), a real pino root made with the runtime
// filter writing into an array, a prom-client registry for the metrics text.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import { credentials, ServerCredentials, status } from "@grpc/grpc-js";
import { pino } from "pino";
import { Counter, Registry } from "prom-client";
import { RuntimeLogFilter } from "../../src/node/log-filter.js";
import { AdminAPI, SetRustLogRequestSchema } from "../../src/proto/admin_pb.js";
import { BuildInfoApi } from "../../src/proto/build_info_pb.js";
import {
  Health,
  HealthCheckRequestSchema,
  PingRequestSchema,
} from "../../src/proto/health_api_pb.js";
import {
  type BuildFacts,
  buildInfoJson,
  methodPath,
  RpcCallError,
  RpcClient,
  RpcServer,
  serveAdminApi,
  serveBuildInfoApi,
  serveHealthApi,
} from "../../src/rpc/index.js";
import type { Logger } from "../../src/util/index.js";

const FACTS: BuildFacts = {
  gitCommit: "abc123",
  profile: "release",
  debug: "false",
  optLevel: "3",
  debugAssertions: "false",
  targetArch: "x86_64",
  targetFeature: "",
  rustflags: "",
  sgxMode: "SW",
};

async function refusal(promise: Promise<unknown>): Promise<RpcCallError> {
  const error = await promise.then(
    () => assert.fail("the call succeeded"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RpcCallError, String(error));
  assert.notEqual(error.code, status.UNKNOWN);
  return error;
}

describe("admin, health and build info over loopback", () => {
  const lines: { level: number; msg: string; module?: string }[] = [];
  const filter = new RuntimeLogFilter("info");
  const root = pino(filter.pinoOptions(), { write: (s: string) => void lines.push(JSON.parse(s)) });
  filter.attach(root);
  const worker = root.child({ module: "consensus" });
  const registry = new Registry();
  const counter = new Counter({
    name: "consensus_scp",
    help: "op counters",
    labelNames: ["op"],
    registers: [registry],
  });
  let ready = true;
  let server: RpcServer;
  let client: RpcClient;

  before(async () => {
    server = new RpcServer({ logger: root as unknown as Logger });
    serveAdminApi(server, {
      name: "Consensus Service",
      id: "peer1:8443",
      buildInfo: FACTS,
      buildInfoJson: buildInfoJson(FACTS, "linux"),
      metricsText: () => registry.metrics(),
      configJson: () => JSON.stringify({ status: { sync_status: "synced" } }),
      logFilter: () => filter.text,
      setLogFilter: (text) => filter.set(text),
      logger: root as unknown as Logger,
    });
    serveHealthApi(server, { ready: () => ready });
    serveBuildInfoApi(server, FACTS);
    const port = await server.listen("127.0.0.1:0", ServerCredentials.createInsecure());
    client = new RpcClient(`127.0.0.1:${port}`, credentials.createInsecure());
  });
  after(async () => {
    client.close();
    await server.close(100);
  });

  it("GetPrometheusMetrics returns the registry's text", async () => {
    counter.inc({ op: "tx_externalized_count" }, 3);
    const reply = await client.unary(AdminAPI.method.getPrometheusMetrics, create(EmptySchema, {}));
    assert.match(reply.metrics, /consensus_scp\{op="tx_externalized_count"\} 3/);
  });

  it("GetInfo carries name, id, build info, config JSON and the log filter", async () => {
    const reply = await client.unary(AdminAPI.method.getInfo, create(EmptySchema, {}));
    assert.equal(reply.name, "Consensus Service");
    assert.equal(reply.id, "peer1:8443");
    assert.equal(reply.buildInfo?.gitCommit, "abc123");
    assert.equal(reply.buildInfo?.sgxMode, "SW");
    assert.deepEqual(JSON.parse(reply.configJson), { status: { sync_status: "synced" } });
    assert.equal(reply.rustLog, "info");
    const report = JSON.parse(reply.buildInfoJson) as Record<string, string>;
    assert.deepEqual(Object.keys(report), [
      "GIT_COMMIT",
      "MOBILECOIN_GIT_COMMIT",
      "PROFILE",
      "DEBUG",
      "OPT_LEVEL",
      "DEBUG_ASSERTIONS",
      "TARGET_ARCH",
      "TARGET_OS",
      "TARGET_FEATURE",
      "RUSTFLAGS",
      "SGX_MODE",
    ]);
    assert.equal(report["TARGET_OS"], "linux");
  });

  it("SetRustLog changes what gets logged; a bad filter is INVALID_ARGUMENT", async () => {
    const debugLines = () => lines.filter((l) => l.msg === "worker detail").length;
    worker.debug("worker detail");
    assert.equal(debugLines(), 0, "info filters debug out");
    await client.unary(
      AdminAPI.method.setRustLog,
      create(SetRustLogRequestSchema, { rustLog: "warn,consensus=debug" }),
    );
    worker.debug("worker detail");
    assert.equal(debugLines(), 1, "consensus=debug lets it through");
    assert.ok(lines.some((l) => l.msg === "Updating RUST_LOG to 'warn,consensus=debug'"));
    root.info("root info");
    assert.ok(!lines.some((l) => l.msg === "root info"), "warn filters root info out");

    const bad = await refusal(
      client.unary(
        AdminAPI.method.setRustLog,
        create(SetRustLogRequestSchema, { rustLog: "x=loud" }),
      ),
    );
    assert.equal(bad.code, status.INVALID_ARGUMENT);
    const info = await client.unary(AdminAPI.method.getInfo, create(EmptySchema, {}));
    assert.equal(info.rustLog, "warn,consensus=debug", "the refused text is not in force");
  });

  it("TestLogError logs MobileCoin's error line", async () => {
    await client.unary(AdminAPI.method.testLogError, create(EmptySchema, {}));
    const line = lines.find((l) => l.msg === "Test log message admin admin interface");
    assert.equal(line?.level, 50);
  });

  it("Check follows readiness; Ping echoes; Watch is UNIMPLEMENTED", async () => {
    const check = () =>
      client.unary(Health.method.check, create(HealthCheckRequestSchema, { service: "" }));
    ready = true;
    assert.equal((await check()).status, 1); // SERVING
    ready = false;
    assert.equal((await check()).status, 2); // NOT_SERVING
    const data = new Uint8Array([0, 1, 2, 255]);
    const pong = await client.unary(Health.method.ping, create(PingRequestSchema, { data }));
    assert.deepEqual(Uint8Array.from(pong.data), data);
    const watch = await refusal(client.unaryBytes("/grpc.health.v1.Health/Watch", Buffer.alloc(0)));
    assert.equal(watch.code, status.UNIMPLEMENTED);
  });

  it("GetBuildInfo answers the build facts", async () => {
    const reply = await client.unary(BuildInfoApi.method.getBuildInfo, create(EmptySchema, {}));
    assert.equal(reply.gitCommit, "abc123");
    assert.equal(reply.optLevel, "3");
  });

  it("refuses undecodable requests with INVALID_ARGUMENT", async () => {
    for (const method of [AdminAPI.method.setRustLog, Health.method.check, Health.method.ping]) {
      const error = await refusal(client.unaryBytes(methodPath(method), Buffer.from([0x0a, 0x05])));
      assert.equal(error.code, status.INVALID_ARGUMENT, method.name);
    }
  });
});
