// Goal: consensus-tool's filesystem and archive mistakes tell the truth (issue 8 §4): a --dir,
// --output-dir or --ledger-db that is a file, lies under a file or cannot be created exits 2 with
// one line and no stack trace; generate-sample-ledger checks everything before it creates anything
// and leaves nothing behind; ledger-from-archive fails (exit 1) on a source with nothing to import,
// gives up on a failing or silent HTTP source within its budget, and prints one line per source.
// Method: the real executable, temporary directories, and HTTP servers on 127.0.0.1 in this
// process (so the tool is spawned asynchronously). Tests run as root, so "unwritable" is a path
// under a regular file (ENOTDIR) or under /sys (EPERM even for root), not a chmod.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const dir = mkdtempSync(path.join(tmpdir(), "tool-errors-"));
const aFile = path.join(dir, "a-file");
writeFileSync(aFile, "");

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function tool(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "bin", "consensus-tool.mjs"), ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "");
}

/** Exit 2, one line on stderr, no stack trace, matching `pattern`. */
async function refuses(args: readonly string[], pattern: RegExp): Promise<void> {
  const r = await tool(args);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(lines(r.stderr).length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at |node:internal|^\s*\^/m);
  assert.match(r.stderr, pattern);
}

async function listen(handler: RequestListener): Promise<[Server, string]> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return [server, `http://127.0.0.1:${port}/`];
}

const keys = path.join(dir, "keys");

describe("filesystem mistakes: exit 2, one line", () => {
  it("sample-keys --dir, generate-sample-ledger --output-dir, ledger-from-archive --ledger-db, ledger-distribution --dest", async () => {
    const r = await tool(["sample-keys", "--num", "2", "--dir", keys]);
    assert.equal(r.status, 0, r.stderr);
    const under = path.join(aFile, "sub");
    const gsl = ["generate-sample-ledger", "--keys-dir", keys, "--txs", "8", "--blocks", "1"];
    const lfa = ["ledger-from-archive", "--tx-source-url", `file://${dir}/archive`];
    await refuses(["sample-keys", "--num", "1", "--dir", aFile], /--dir .*a-file: is a file/);
    await refuses(["sample-keys", "--num", "1", "--dir", under], /--dir .*: lies under .*a-file/);
    await refuses([...gsl, "--output-dir", aFile], /--output-dir .*a-file: is a file/);
    await refuses([...gsl, "--output-dir", under], /--output-dir .*: lies under .*a-file/);
    await refuses([...lfa, "--ledger-db", aFile], /--ledger-db .*a-file: is a file/);
    await refuses([...lfa, "--ledger-db", under], /--ledger-db .*: lies under .*a-file/);
    const ld = ["ledger-distribution", "--ledger-path", path.join(dir, "none"), "--once"];
    await refuses([...ld, "--dest", `file://${aFile}`], /--dest file:.*a-file: is a file/);
    await refuses([...ld, "--dest", `file://${under}`], /--dest file:.*: lies under .*a-file/);
    await refuses(["sample-keys", "--num", "200000", "--dir", path.join(dir, "big")], /--num/);
    assert.equal(existsSync(path.join(dir, "big")), false);
  });

  it("a directory even root cannot create (/sys) is one line too", async (t) => {
    const probe = "/sys/consensus-tool-probe";
    try {
      mkdirSync(probe);
      rmSync(probe, { recursive: true });
      t.skip("this machine lets us create directories under /sys");
      return;
    } catch {}
    await refuses(
      ["sample-keys", "--num", "1", "--dir", `${probe}/keys`],
      /--dir \/sys\/consensus-tool-probe\/keys: E[A-Z]+/,
    );
  });
});

describe("generate-sample-ledger checks first, creates last", () => {
  it("refuses --txs 0, --blocks abc, an empty keys folder and too few outputs, leaving nothing", async () => {
    const out = path.join(dir, "new", "origin");
    const emptyKeys = path.join(dir, "empty-keys");
    mkdirSync(emptyKeys);
    const base = ["generate-sample-ledger", "--output-dir", out];
    const cases: [string[], RegExp][] = [
      [["--keys-dir", keys, "--txs", "0", "--blocks", "1"], /--txs must be an integer ≥ 1/],
      [["--keys-dir", keys, "--txs", "8", "--blocks", "abc"], /--blocks must be a non-negative/],
      [["--keys-dir", emptyKeys, "--txs", "8", "--blocks", "1"], /holds no account_keys_\*\.pub/],
      [["--keys-dir", keys, "--txs", "1", "--blocks", "1"], /2 × 1 × 1 = 2 outputs/],
    ];
    for (const [args, pattern] of cases) {
      await refuses([...base, ...args], pattern);
      assert.equal(existsSync(path.join(dir, "new")), false, `${args.join(" ")} left files`);
    }
    const fixed = await tool([...base, "--keys-dir", keys, "--txs", "8", "--blocks", "1"]);
    assert.equal(fixed.status, 0, fixed.stderr);
    assert.ok(existsSync(path.join(out, "data.mdb")));
  });
});

describe("ledger-from-archive", () => {
  const servers: Server[] = [];
  after(() => {
    for (const s of servers) s.closeAllConnections();
    for (const s of servers) s.close();
  });

  /** Exit 1: one line per source and a last line; the ledger it created is gone again. */
  async function nothingImported(url: string, pattern: RegExp, extra: string[] = []) {
    const db = path.join(dir, `db-${readdirSync(dir).length}`);
    const r = await tool([
      "ledger-from-archive",
      "--ledger-db",
      db,
      "--tx-source-url",
      url,
      ...extra,
    ]);
    assert.equal(r.status, 1, r.stderr);
    const out = lines(r.stderr);
    assert.equal(out.length, 2, r.stderr);
    assert.match(out[0] as string, new RegExp(`source ${url.replace(/[.]/g, "\\.")}: `));
    assert.match(out[1] as string, pattern);
    assert.equal(existsSync(db), false, "the ledger it created was left behind");
  }

  it("fails on a missing file:// folder and on an HTTP source that answers 404", async () => {
    await nothingImported(`file://${dir}/no-archive`, /no source has block 0/);
    const [server, url] = await listen((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    servers.push(server);
    await nothingImported(url, /no source has block 0/);
  });

  it("gives up on a source answering 500, and on one that never answers, within the budget", async () => {
    let requests = 0;
    const [failing, failingUrl] = await listen((_req, res) => {
      requests++;
      res.statusCode = 500;
      res.end();
    });
    const [silent, silentUrl] = await listen(() => {});
    servers.push(failing, silent);
    const budget = ["--retry-budget-ms", "3000", "--request-timeout-ms", "1000"];
    await nothingImported(failingUrl, /UNAVAILABLE/, budget);
    assert.ok(requests >= 2, `retried (${requests} requests)`);
    await nothingImported(silentUrl, /UNAVAILABLE/, budget);
  });

  it("imports a published archive, then finds the ledger complete (exit 0)", async () => {
    const origin = path.join(dir, "new", "origin");
    const archive = path.join(dir, "archive");
    const pub = await tool([
      "ledger-distribution",
      "--ledger-path",
      origin,
      "--dest",
      `file://${archive}`,
      "--once",
    ]);
    assert.equal(pub.status, 0, pub.stderr);
    const db = path.join(dir, "imported");
    const args = ["ledger-from-archive", "--ledger-db", db, "--tx-source-url", `file://${archive}`];
    const first = await tool(args);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /imported 1 blocks/);
    const again = await tool(args);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /the ledger is complete: it holds 1 blocks/);
    assert.deepEqual(lines(again.stderr).length, 1, again.stderr);
    // A ledger of another chain (another seed) is not "complete" against this archive.
    const other = path.join(dir, "other");
    const made = await tool([
      "generate-sample-ledger",
      ...["--keys-dir", keys, "--output-dir", other, "--txs", "8", "--blocks", "1", "--seed", "02"],
    ]);
    assert.equal(made.status, 0, made.stderr);
    const mismatch = await tool([
      "ledger-from-archive",
      ...["--ledger-db", other, "--tx-source-url", `file://${archive}`],
    ]);
    assert.equal(mismatch.status, 1, mismatch.stderr);
    assert.match(lines(mismatch.stderr).at(-1) ?? "", /block 0 is not the ledger's block 0/);
    assert.ok(existsSync(path.join(other, "data.mdb")), "an existing ledger was removed");
  });
});
