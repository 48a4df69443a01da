// Goal: the real consensus-service serves `--admin-http-listen-uri` (SPEC §4.2): /livez and
// /readyz as `{"ok", "reasons"}`, /info as admin GetInfo (its block height), /quorum, /scp,
// /metrics with the quorum gauges the alert rules use, the dashboard page, and POST /log-level
// changing the filter GetInfo reports, without a restart; SIGTERM still stops it with exit 0.
// Method: the real executable with its real enclave child on loopback, one peer in its network
// file (never started), files in a temporary directory; the bound admin HTTP address comes from
// the service's "Listening..." log line (port 0 asked for).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { makeOneNodeFiles, SIGNER_KEY } from "../helpers/one-node-files.js";
import { freePorts } from "../helpers/ports.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const dir = mkdtempSync(path.join(tmpdir(), "admin-http-service-"));
after(() => rmSync(dir, { recursive: true, force: true }));
/** Bound on waiting for the service's start-up (real enclave process; slow CI machines). */
const START_TIMEOUT_MS = 120_000;
const { networkPath: network } = makeOneNodeFiles(dir);

describe("consensus-service --admin-http-listen-uri", () => {
  it("serves health, info, quorum, scp, metrics, the dashboard and /log-level", async () => {
    const [peerPort, clientPort] = await freePorts(2);
    const child = spawn(
      process.execPath,
      [
        path.join(root, "bin", "consensus-service.mjs"),
        "--client-responder-id=c.test:443",
        "--peer-responder-id=me.test:8443",
        `--network=${network}`,
        `--ledger-path=${path.join(dir, "ledger")}`,
        `--origin-block-path=${path.join(dir, "origin")}`,
        `--msg-signer-key=${SIGNER_KEY}`,
        `--sealed-block-signing-key=${path.join(dir, "sealed")}`,
        `--peer-listen-uri=insecure-mcp://127.0.0.1:${peerPort}/`,
        `--client-listen-uri=insecure-mc://127.0.0.1:${clientPort}/`,
        "--admin-http-listen-uri=http://127.0.0.1:0/",
      ],
      {
        cwd: dir,
        env: { PATH: process.env.PATH ?? "", SGX_MODE: "SW", IAS_MODE: "DEV" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const exited = once(child, "exit");
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (c: string) => {
      err += c;
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no start: ${out}\n${err}`)),
          START_TIMEOUT_MS,
        );
        child.stdout.on("data", (c: string) => {
          out += c;
          const line = out.split("\n").find((l) => l.includes('"msg":"Listening..."'));
          if (line !== undefined) {
            clearTimeout(timer);
            resolve(JSON.parse(line).adminHttp as string);
          }
        });
        child.once("exit", () => reject(new Error(`exited: ${err}`)));
      });
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const get = async (p: string) => {
        const r = await fetch(new URL(p, url));
        return { status: r.status, text: await r.text() };
      };
      const livez = await get("/livez");
      assert.equal(livez.status, 200, livez.text);
      assert.deepEqual(JSON.parse(livez.text), { ok: true, reasons: [] });
      const readyz = await get("/readyz");
      const ready = JSON.parse(readyz.text);
      assert.equal(readyz.status, ready.ok ? 200 : 503);
      assert.ok(Array.isArray(ready.reasons), readyz.text);
      const info = JSON.parse((await get("/info")).text);
      assert.equal(info.id, "me.test:8443");
      assert.equal(JSON.parse(info.config_json).status.block_height, 1);
      const quorum = JSON.parse((await get("/quorum")).text);
      assert.deepEqual(
        quorum.members.map((m: { id: string }) => m.id),
        ["me.test:8443", "peer1.test:443"],
      );
      const scp = JSON.parse((await get("/scp")).text);
      assert.equal(scp.slot, 1);
      const metrics = (await get("/metrics")).text;
      for (const name of [
        "mcts_quorum_intersects",
        "mcts_quorum_failures_tolerated",
        "mcts_quorum_members",
        "mcts_sync_is_behind",
        "mcts_sync_blocks_behind",
        "mcts_attestation_evidence_not_after",
        "mcts_ready",
      ])
        assert.match(metrics, new RegExp(`^${name}`, "m"));
      assert.match((await get("/")).text, /<title>Validator dashboard<\/title>/);
      const set = await fetch(new URL("/log-level", url), {
        method: "POST",
        body: "warn,mc=debug",
      });
      assert.equal(set.status, 200);
      assert.equal(JSON.parse((await get("/info")).text).rust_log, "warn,mc=debug");
    } finally {
      child.kill("SIGTERM");
      const [status] = (await exited) as [number | null];
      assert.equal(status, 0, err);
    }
  });
});
