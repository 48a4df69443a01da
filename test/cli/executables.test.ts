// Goal: the two executables work as installed commands (SPEC §4.2, §4.3): --help, exit codes, and
// `bench --json` printing one parseable JSON object per figure.
// Method: spawn the real bin scripts as child processes, as an operator's shell would.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

function run(bin: string, args: readonly string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [path.join(root, "bin", bin), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ...env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("consensus-tool", () => {
  it("prints help and lists its commands", () => {
    const r = run("consensus-tool.mjs", ["--help"]);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Usage: consensus-tool/);
    assert.match(r.stdout, /bench/);
  });
  it("exits 2 with one line for an unknown command or flag", () => {
    const unknown = run("consensus-tool.mjs", ["frobnicate"]);
    assert.equal(unknown.status, 2);
    assert.equal(unknown.stderr.trim().split("\n").length, 1);
    assert.match(run("consensus-tool.mjs", ["sampel-keys"]).stderr, /did you mean sample-keys\?/);
    const badFlag = run("consensus-tool.mjs", ["bench", "hashes", "--bogus"]);
    assert.equal(badFlag.status, 2);
    assert.equal(badFlag.stderr.trim().split("\n").length, 1);
    const typo = run("consensus-tool.mjs", ["sample-keys", "--nmu", "3"]);
    assert.equal(typo.status, 2);
    assert.equal(typo.stderr, "sample-keys: Unknown option '--nmu' (did you mean --num?)\n");
    assert.equal(run("consensus-tool.mjs", ["bench", "no-such-bench"]).status, 2);
  });
  it("bench --json prints one JSON object per figure with the pinned fields", () => {
    const r = run("consensus-tool.mjs", [
      "bench",
      "hashes",
      "--json",
      "--runs",
      "2",
      "--warmup-ms",
      "1",
      "--min-run-ms",
      "1",
    ]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 8);
    for (const line of lines) {
      const figure = JSON.parse(line) as Record<string, unknown>;
      for (const key of ["bench", "metric", "unit", "value", "runs", "min", "median", "max"]) {
        assert.ok(key in figure, `${key} missing in ${line}`);
      }
      assert.equal(figure.runs, 2);
      assert.ok(
        (figure.min as number) <= (figure.median as number) &&
          (figure.median as number) <= (figure.max as number),
      );
    }
  });
  it("bench peer-msg times a first copy and a relayed copy of a consensus message", () => {
    const quick = ["--json", "--runs", "1", "--warmup-ms", "1", "--min-run-ms", "1"];
    const r = run("consensus-tool.mjs", ["bench", "peer-msg", ...quick]);
    assert.equal(r.status, 0, r.stderr);
    const figures = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { bench: string; metric: string; unit: string; value: number });
    assert.deepEqual(
      figures.map((f) => [f.bench, f.metric, f.unit]),
      [
        ["peer-msg", "verify_first_copy_us", "us"],
        ["peer-msg", "verify_relayed_copy_us", "us"],
      ],
    );
    for (const f of figures) assert.ok(f.value > 0);
  });
});

describe("consensus-service", () => {
  it("describes every flag in --help", () => {
    const r = run("consensus-service.mjs", ["--help"]);
    assert.equal(r.status, 0);
    for (const flag of [
      "--peer-responder-id",
      "--msg-signer-key",
      "--network",
      "--ledger-path",
      "--ias-api-key",
      "--ias-spid",
      "--admin-listen-uri",
    ]) {
      assert.ok(r.stdout.includes(flag), `${flag} missing from --help`);
    }
    assert.match(r.stdout, /SGX_MODE/);
  });
  it("exits 2 before binding anything, with one line naming the problem", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "service-cli-"));
    const network = path.join(dir, "mc-network.toml");
    writeFileSync(network, "broadcast_peers = []\ntx_source_urls = []\n");
    const args = [
      "--client-responder-id",
      "my_node.my_domain.com:443",
      "--peer-responder-id",
      "node1.my_domain.com:8443",
      "--network",
      network,
      "--ledger-path",
      path.join(dir, "ledger"),
      "--peer-listen-uri=mcp://0.0.0.0:8443/",
      "--msg-signer-key",
      "MC4CAQAwBQYDK2VwBCIEIGz4xR7wuPKjwM1EK0MKrc9ukTjiDqvKKREITPXPkNku",
      "--sealed-block-signing-key",
      path.join(dir, "sealed"),
    ];
    const hw = run("consensus-service.mjs", args, { SGX_MODE: "HW", IAS_MODE: "DEV" });
    assert.equal(hw.status, 2);
    assert.match(hw.stderr, /SGX_MODE/);
    assert.equal(hw.stderr.trim().split("\n").length, 1);
    const missing = run(
      "consensus-service.mjs",
      args.filter((_, i) => i !== 2 && i !== 3),
    );
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--peer-responder-id/);
    const typo = run("consensus-service.mjs", ["--netwrok", network]);
    assert.equal(typo.status, 2);
    assert.match(typo.stderr, /Unknown option '--netwrok' \(did you mean --network\?\)/);
  });
});

describe("consensus-tool keygen", () => {
  it("prints a key openssl reads back to the same public key", () => {
    const r = run("consensus-tool.mjs", ["keygen", "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as Record<string, string>;
    assert.match(doc.private_key as string, /^MC4CAQAwBQYDK2VwBCIEI/);
    assert.match(doc.public_key as string, /^MCowBQYDK2VwAyEA[A-Za-z0-9_-]+=*$/);
    const openssl = spawnSync(
      "sh",
      ["-c", "openssl pkey -pubout -outform DER | openssl base64 | tr '+/' '-_'"],
      {
        input: doc.pem,
        encoding: "utf8",
      },
    );
    if (openssl.status === 0) assert.equal(openssl.stdout.trim(), doc.public_key);
  });
  it("is deterministic with --seed and rejects a bad seed", () => {
    const seed = "11".repeat(32);
    const a = run("consensus-tool.mjs", ["keygen", "--seed", seed]);
    const b = run("consensus-tool.mjs", ["keygen", "--seed", seed]);
    assert.equal(a.stdout, b.stdout);
    assert.equal(run("consensus-tool.mjs", ["keygen", "--seed", "zz"]).status, 2);
  });
});

describe("every --help page", () => {
  it("shows at least one example command line", () => {
    const list = run("consensus-tool.mjs", ["--help"]);
    const names = [...list.stdout.matchAll(/^ {2}([a-z][a-z-]+) {2,}/gm)].map(
      (m) => m[1] as string,
    );
    assert.ok(names.length >= 8, `commands listed: ${names.join(", ")}`);
    const pages: [string, string][] = [
      ["consensus-service", run("consensus-service.mjs", ["--help"]).stdout],
      ...names.map((n): [string, string] => [n, run("consensus-tool.mjs", [n, "--help"]).stdout]),
    ];
    for (const [name, page] of pages) {
      const at = page.search(/^Examples?(\s*\(.*\))?:?\s*$/m);
      assert.ok(at >= 0, `${name} --help has no Example line`);
      const next = page
        .slice(at)
        .split("\n")
        .slice(1)
        .find((l) => l.trim() !== "");
      assert.match(
        next ?? "",
        /^\s+(SGX_MODE=\S+ )*(IAS_MODE=\S+ )*consensus-(tool|service)\b/,
        name,
      );
    }
  });
});
