// Goal: the archive tools work end to end as an operator runs them (SPEC §4.3, issue 5):
// ledger → ledger-distribution (file://) → ledger-from-archive → ledger-distribution gives a
// byte-identical archive (every file, merged ones included), starting from a synthetic chain and
// from `generate-sample-ledger`; a flipped byte is refused with a one-line reason naming the block
// and nothing after it is imported; the same over http:// and s3:// servers started by the test;
// the publisher follows a growing ledger until SIGTERM; flags come from MC_* variables too.
// Method: the real `consensus-tool` bin run as child processes (async spawn, so the test's own
// servers keep serving); events are awaited on the child's stderr lines, never with sleeps.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import S3rver from "s3rver";
import { splitArchiveBlocks } from "../../src/archive/index.js";
import { archiveBlockPath, type BlockData, mergedArchivePath } from "../../src/blockchain/index.js";
import { buildSyntheticChain, openLmdbLedger } from "../../src/ledger/index.js";
import { snapshot, startStaticServer } from "./helpers.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const tool = path.join(root, "bin", "consensus-tool.mjs");

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function start(args: readonly string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [tool, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function finish(child: ChildProcess): Promise<Result> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  return new Promise((resolve) =>
    child.on("close", (status) => resolve({ status, stdout, stderr })),
  );
}

function run(args: readonly string[], env: Record<string, string> = {}): Promise<Result> {
  return finish(start(args, env));
}

/** Resolve when the child's stderr has printed a line matching `pattern`. */
function stderrLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    const onData = (d: Buffer | string) => {
      buffer += d.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (pattern.test(line)) {
          child.stderr?.off("data", onData);
          resolve(line);
          return;
        }
      }
    };
    child.stderr?.on("data", onData);
    child.once("close", () => reject(new Error(`exited before printing ${pattern}`)));
  });
}

function tempDir(name: string): string {
  return mkdtempSync(path.join(tmpdir(), `archive-e2e-${name}-`));
}

const fileUrl = (dir: string) => pathToFileURL(dir).href;

/** An LMDB ledger holding a synthetic chain of `blocks` blocks after the origin. */
function lmdbChain(seed: string, blocks: number): { dir: string; chain: BlockData[] } {
  const dir = tempDir("ledger");
  const ledger = openLmdbLedger(dir, { durable: false });
  const chain = buildSyntheticChain(ledger, { seed, blocks, txsPerBlock: 2 });
  ledger.close();
  return { dir, chain };
}

function ledgerBlocks(dir: string): bigint {
  const ledger = openLmdbLedger(dir, { readOnly: true });
  try {
    return ledger.numBlocks();
  } finally {
    ledger.close();
  }
}

function flipByte(file: string, offset: number): void {
  const bytes = readFileSync(file);
  bytes[offset % bytes.length] = (bytes[offset % bytes.length] as number) ^ 0x80;
  writeFileSync(file, bytes);
}

async function roundTrip(ledgerDir: string, buckets: string): Promise<Map<string, Buffer>> {
  const first = tempDir("archive1");
  const published = await run([
    "ledger-distribution",
    "--ledger-path",
    ledgerDir,
    "--dest",
    fileUrl(first),
    "--merge-buckets",
    buckets,
    "--once",
    "--json",
  ]);
  assert.equal(published.status, 0, published.stderr);
  const summary = JSON.parse(published.stdout) as Record<string, unknown>;
  const blocks = ledgerBlocks(ledgerDir);
  assert.equal(summary.blocks_published, Number(blocks));

  const imported = tempDir("ledger2");
  const synced = await run([
    "ledger-from-archive",
    "--ledger-db",
    imported,
    "--tx-source-url",
    fileUrl(first),
    "--json",
  ]);
  assert.equal(synced.status, 0, synced.stderr);
  assert.equal((JSON.parse(synced.stdout) as Record<string, unknown>).num_blocks, String(blocks));

  const second = tempDir("archive2");
  const republished = await run(
    ["ledger-distribution", "--ledger-path", imported, "--dest", fileUrl(second), "--once"],
    { MC_MERGE_BUCKETS: buckets },
  );
  assert.equal(republished.status, 0, republished.stderr);
  const a = snapshot(first);
  const b = snapshot(second);
  assert.deepEqual([...b.keys()], [...a.keys()]);
  for (const [file, bytes] of a) assert.ok(bytes.equals(b.get(file) as Buffer), file);
  return a;
}

describe("archive tools end to end", () => {
  const synthetic = lmdbChain("e2e-round-trip", 104); // 105 blocks: merged-100 and merged-5
  let archive = "";
  before(async () => {
    archive = tempDir("published");
    const r = await run([
      "ledger-distribution",
      "--ledger-path",
      synthetic.dir,
      "--dest",
      fileUrl(archive),
      "--merge-buckets",
      "5,100",
      "--once",
    ]);
    assert.equal(r.status, 0, r.stderr);
  });

  it("round-trips a synthetic chain byte for byte, merged files included", async () => {
    const files = await roundTrip(synthetic.dir, "1,5,100");
    assert.ok(files.has(mergedArchivePath(100, 0n)));
    assert.ok(files.has(mergedArchivePath(5, 100n)));
    assert.ok(files.has("00/00/00/00/00/00/00/0000000000000068.pb")); // block 104
    assert.equal(files.size, 105 + 21 + 1);
  });

  it("round-trips generate-sample-ledger's ledger byte for byte", async () => {
    const keys = tempDir("keys");
    const k = await run(["sample-keys", "--num", "4", "--dir", keys]);
    assert.equal(k.status, 0, k.stderr);
    const ledgerDir = path.join(tempDir("sample"), "ledger");
    const g = await run([
      "generate-sample-ledger",
      "--keys-dir",
      keys,
      "--output-dir",
      ledgerDir,
      "--txs",
      "4",
      "--blocks",
      "3",
      "--seed",
      "42".repeat(32),
    ]);
    assert.equal(g.status, 0, g.stderr);
    const files = await roundTrip(ledgerDir, "2");
    assert.equal(files.size, 3 + 1);
  });

  it("refuses a flipped byte with one line naming the block, importing only the prefix", async () => {
    const copy = tempDir("corrupt");
    for (const [file, bytes] of snapshot(archive)) {
      const target = path.join(copy, file);
      await import("node:fs/promises").then((fs) =>
        fs.mkdir(path.dirname(target), { recursive: true }),
      );
      writeFileSync(target, bytes);
    }
    flipByte(path.join(copy, archiveBlockPath(57n)), 700);
    // Corrupt block 57 inside the merged file too, so no intact copy of it remains.
    const merged = path.join(copy, mergedArchivePath(100, 0n));
    const bundle = readFileSync(merged);
    const record = splitArchiveBlocks(bundle)[57] as Uint8Array;
    flipByte(merged, record.byteOffset - bundle.byteOffset + 700);
    const ledgerDir = tempDir("refuse");
    const r = await run(["ledger-from-archive", "--ledger-db", ledgerDir], {
      MC_TX_SOURCE_URL: fileUrl(copy),
    });
    assert.equal(r.status, 2, r.stderr);
    const errors = r.stderr
      .split("\n")
      .filter((l) => l.startsWith("ledger-from-archive: INVALID_BLOCK"));
    assert.equal(errors.length, 1, r.stderr);
    assert.match(errors[0] as string, /block 57/);
    assert.equal(ledgerBlocks(ledgerDir), 57n);
  });

  it("imports over http:// from a server started by the test, honouring --num-blocks", async () => {
    const server = await startStaticServer(archive);
    try {
      const ledgerDir = tempDir("http");
      const r = await run([
        "ledger-from-archive",
        "--ledger-db",
        ledgerDir,
        "--tx-source-url",
        `${server.url},${server.url}`,
        "--num-blocks",
        "103",
        "--json",
      ]);
      assert.equal(r.status, 0, r.stderr);
      const summary = JSON.parse(r.stdout) as Record<string, unknown>;
      assert.equal(summary.num_blocks, "103");
      assert.equal(summary.from_merged_files, 100);
      assert.equal(summary.stopped, "num-blocks-reached");
      const more = await run(
        ["ledger-from-archive", "--ledger-db", ledgerDir, "--tx-source-url", server.url, "--json"],
        { MC_NUM_BLOCKS: "200" },
      );
      assert.equal(more.status, 1, more.stderr);
      assert.match(more.stderr, /block 105 is not in the archive/);
      assert.equal((JSON.parse(more.stdout) as Record<string, unknown>).num_blocks, "105");
    } finally {
      await server.close();
    }
  });

  describe("over s3://", () => {
    let s3: S3rver;
    let endpoint = "";
    before(async () => {
      s3 = new S3rver({
        address: "127.0.0.1",
        port: 0,
        silent: true,
        directory: tempDir("s3rver"),
        configureBuckets: [{ name: "e2e-archive", configs: [] }],
      });
      endpoint = `http://127.0.0.1:${(await s3.run()).port}`;
    });
    after(() => s3.close());

    it("publishes to and imports from a local S3 server with AWS_* credentials", async () => {
      const small = lmdbChain("e2e-s3", 11);
      const env = {
        AWS_ACCESS_KEY_ID: "S3RVER",
        AWS_SECRET_ACCESS_KEY: "S3RVER",
        AWS_REGION: "us-west-1",
      };
      const url = `s3://e2e-archive/node1?endpoint=${endpoint}`;
      const p = await run(["ledger-distribution", "--once", "--json"], {
        ...env,
        MC_LEDGER_PATH: small.dir,
        MC_DEST: url,
        MC_MERGE_BUCKETS: "4",
      });
      assert.equal(p.status, 0, p.stderr);
      assert.equal((JSON.parse(p.stdout) as Record<string, unknown>).merged_files_written, 3);
      const ledgerDir = tempDir("s3-import");
      const r = await run(
        ["ledger-from-archive", "--ledger-db", ledgerDir, "--tx-source-url", url, "--json"],
        env,
      );
      assert.equal(r.status, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as Record<string, unknown>).num_blocks, "12");
    });
  });

  it("follows a growing ledger until SIGTERM, then prints its summary", async () => {
    const { chain } = lmdbChain("e2e-follow", 9);
    const ledgerDir = tempDir("growing");
    const writer = openLmdbLedger(ledgerDir, { durable: false });
    for (const d of chain.slice(0, 4)) writer.appendBlock(d);
    const dest = tempDir("follow-archive");
    const child = start([
      "ledger-distribution",
      "--ledger-path",
      ledgerDir,
      "--dest",
      fileUrl(dest),
      "--merge-buckets",
      "5",
      "--json",
    ]);
    const done = finish(child);
    try {
      await stderrLine(child, /published blocks \{"count":4,"next":"4"\}/);
      for (const d of chain.slice(4)) writer.appendBlock(d);
      await stderrLine(child, /published blocks .*"next":"10"/);
    } finally {
      writer.close();
      child.kill("SIGTERM");
    }
    const r = await done;
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(summary.blocks_published, 10);
    assert.equal(summary.merged_files_written, 2);
    assert.equal(snapshot(dest).size, 12);
  });

  it("explains itself and refuses bad arguments with exit 2 and one line", async () => {
    for (const name of ["ledger-distribution", "ledger-from-archive"]) {
      const help = await run([name, "--help"]);
      assert.equal(help.status, 0);
      assert.match(help.stdout, new RegExp(`Usage: consensus-tool ${name}`));
    }
    const emptyLedger = tempDir("empty-mdb");
    writeFileSync(path.join(emptyLedger, "data.mdb"), new Uint8Array());
    const cases: [string[], RegExp][] = [
      [
        ["ledger-distribution", "--ledger-path", emptyLedger, "--dest", "file:///tmp/x", "--once"],
        /data.mdb is empty/,
      ],
      [["ledger-distribution", "--dest", "file:///tmp/x", "--once"], /--ledger-path/],
      [
        ["ledger-distribution", "--ledger-path", tempDir("empty"), "--dest", "file:///tmp/x"],
        /no ledger/,
      ],
      [
        ["ledger-distribution", "--ledger-path", synthetic.dir, "--dest", "ftp://h/x"],
        /INVALID_URL/,
      ],
      [
        [
          "ledger-distribution",
          "--ledger-path",
          synthetic.dir,
          "--dest",
          "file:///tmp/x",
          "--merge-buckets",
          "5,x",
        ],
        /merge-buckets/,
      ],
      [["ledger-from-archive", "--ledger-db", tempDir("none")], /tx-source-url/],
      [
        ["ledger-from-archive", "--tx-source-url", "file:///tmp/x", "--num-blocks", "-1"],
        /num-blocks/,
      ],
    ];
    for (const [args, reason] of cases) {
      const r = await run(args);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr, reason);
    }
  });
});
