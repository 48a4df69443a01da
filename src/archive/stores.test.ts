// Goal: the storage seams classify every outcome the way sync and publishing rely on: missing files
// are `undefined`, 5xx/429/dropped connections are TRANSIENT, 403 is permanent, oversized files are
// TOO_LARGE before they are read; writes are atomic renames; URLs are checked; backoff grows and is
// capped; a dead decode worker falls back to decoding inline.
// Method: temp directories, a local node:http server with injected failures, direct calls.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import {
  type StaticServer,
  startStaticServer,
  syntheticLedger,
} from "../../test/archive/helpers.js";
import { encodeArchiveBlock } from "../blockchain/index.js";
import { isCodedError } from "../util/index.js";
import { WorkerDecoder } from "./decoder.js";
import { ArchiveError } from "./errors.js";
import { FileArchive } from "./file-store.js";
import { HttpArchiveSource } from "./http-source.js";
import { openArchiveDestination, openArchiveSource } from "./open.js";
import { backoffDelayMs, withRetry } from "./retry.js";
import { SourceSet } from "./sources.js";
import type { ArchiveSource } from "./store.js";

const code = (c: string) => (e: unknown) => isCodedError(e) && e.code === c;

describe("FileArchive", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "archive-store-"));
  const store = new FileArchive(dir);

  it("writes atomically, reads back, and reports missing files as undefined", async () => {
    await store.put("a/b/c.pb", Uint8Array.from([1, 2, 3]));
    await store.put("a/b/c.pb", Uint8Array.from([4, 5]));
    assert.deepEqual(await store.get("a/b/c.pb", 10), Uint8Array.from([4, 5]));
    assert.deepEqual(readdirSync(path.join(dir, "a", "b")), ["c.pb"]); // no temp files left
    assert.equal(await store.exists("a/b/c.pb"), true);
    assert.equal(await store.exists("a/b/d.pb"), false);
    assert.equal(await store.get("a/b/d.pb", 10), undefined);
    assert.equal(await store.get("a/b/c.pb/x", 10), undefined);
  });

  it("refuses a file over the limit before reading it", async () => {
    await assert.rejects(store.get("a/b/c.pb", 1), code("TOO_LARGE"));
  });

  it("refuses paths that leave the archive", async () => {
    await assert.rejects(store.get("../x", 10), RangeError);
    await assert.rejects(store.put("/etc/x", new Uint8Array()), RangeError);
  });
});

describe("HttpArchiveSource", () => {
  let server: StaticServer;
  const dir = mkdtempSync(path.join(tmpdir(), "archive-http-"));
  before(async () => {
    writeFileSync(path.join(dir, "f.pb"), Uint8Array.from([9, 8, 7, 6]));
    server = await startStaticServer(dir);
  });
  after(() => server.close());

  it("classifies answers", async () => {
    // A base URL without its trailing slash still resolves paths under it.
    const source = new HttpArchiveSource(server.url.replace(/\/$/, ""));
    assert.deepEqual(await source.get("f.pb", 100), Uint8Array.from([9, 8, 7, 6]));
    assert.equal(await source.get("g.pb", 100), undefined);
    await assert.rejects(source.get("f.pb", 3), code("TOO_LARGE"));
    for (const [status, expected] of [
      [503, "TRANSIENT"],
      [500, "TRANSIENT"],
      [429, "TRANSIENT"],
      [403, "FETCH_FAILED"],
      [400, "FETCH_FAILED"],
    ] as const) {
      server.failNext(1, status);
      await assert.rejects(source.get("f.pb", 100), code(expected), String(status));
    }
    server.dropNext(1);
    await assert.rejects(source.get("f.pb", 100), code("TRANSIENT"));
    assert.deepEqual(await source.get("f.pb", 100), Uint8Array.from([9, 8, 7, 6]));
  });

  it("treats a refused connection as transient", async () => {
    const closed = await startStaticServer(dir);
    const url = closed.url;
    await closed.close();
    await assert.rejects(new HttpArchiveSource(url).get("f.pb", 100), code("TRANSIENT"));
  });
});

describe("archive URLs", () => {
  it("opens each scheme and refuses the others", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "archive-url-"));
    assert.ok(openArchiveSource(pathToFileURL(dir).href) instanceof FileArchive);
    assert.ok(openArchiveSource("https://example.org/chain/") instanceof HttpArchiveSource);
    assert.equal(openArchiveDestination(pathToFileURL(dir).href).url, `file://${dir}`);
    for (const bad of ["ftp://h/x", "file://host/x", "file:///x?y=1", "/plain/path", "nonsense"])
      assert.throws(() => openArchiveSource(bad), code("INVALID_URL"), bad);
    assert.throws(() => openArchiveDestination("https://example.org/x"), code("INVALID_URL"));
  });
});

describe("retries", () => {
  const policy = {
    maxAttempts: 4,
    baseDelayMs: 10,
    maxDelayMs: 50,
    jitter: () => 0.5,
    sleep: async () => {},
  };

  it("backs off exponentially with jitter in [1/2, 1] of the capped delay", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((r) => backoffDelayMs(policy, r)),
      [8, 15, 30, 38, 38],
    );
    assert.equal(backoffDelayMs({ ...policy, jitter: () => 0 }, 3), 20);
  });

  it("retries only transient failures, up to the attempt limit", async () => {
    let calls = 0;
    const result = await withRetry("op", policy, async () => {
      if (++calls < 3) throw new ArchiveError("TRANSIENT", "flaky");
      return "ok";
    });
    assert.equal(result, "ok");
    assert.equal(calls, 3);
    calls = 0;
    await assert.rejects(
      withRetry("op", policy, async () => {
        calls++;
        throw new ArchiveError("TRANSIENT", "down");
      }),
      code("UNAVAILABLE"),
    );
    assert.equal(calls, 4);
    calls = 0;
    await assert.rejects(
      withRetry("op", policy, async () => {
        calls++;
        throw new ArchiveError("WRITE_FAILED", "denied");
      }),
      code("WRITE_FAILED"),
    );
    assert.equal(calls, 1);
  });
});

describe("SourceSet's retry budget and per-source outcomes", () => {
  /** A source that always fails transiently, each attempt costing `costMs` of virtual time. */
  function failing(url: string, clock: { now: number }, costMs: number) {
    const source = {
      url,
      calls: 0,
      async get(): Promise<Uint8Array | undefined> {
        source.calls++;
        clock.now += costMs;
        throw new ArchiveError("TRANSIENT", `${url}: HTTP 500`);
      },
      async close() {},
    };
    return source;
  }
  function policy(clock: { now: number }, budgetMs: number) {
    return {
      maxAttempts: 1000,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      jitter: () => 0.999,
      budgetMs,
      now: () => clock.now,
      sleep: async (ms: number) => {
        clock.now += ms;
      },
    };
  }

  it("stops retrying a failing source within the budget, then does not ask it again", async () => {
    const clock = { now: 0 };
    const source = failing("http://dead/", clock, 50);
    const set = new SourceSet([source], policy(clock, 2000));
    await assert.rejects(set.get("a.pb", 10), code("UNAVAILABLE"));
    assert.ok(clock.now <= 2000, `spent ${clock.now} ms of a 2000 ms budget`);
    assert.ok(source.calls >= 3, `retried (${source.calls} calls)`);
    const calls = source.calls;
    await assert.rejects(set.get("b.pb", 10), code("UNAVAILABLE"));
    assert.equal(source.calls, calls, "asked again after it was given up on");
    const [outcome] = set.outcomes();
    assert.deepEqual(
      { ...outcome, lastError: outcome?.lastError?.includes("HTTP 500") },
      {
        url: "http://dead/",
        served: 0,
        absent: 0,
        failures: calls,
        lastError: true,
        unavailable: true,
      },
    );
  });

  it("reads on from a healthy mirror and reports each source's outcome", async () => {
    const clock = { now: 0 };
    const dead = failing("http://dead/", clock, 10);
    const dir = mkdtempSync(path.join(tmpdir(), "archive-sources-"));
    writeFileSync(path.join(dir, "a.pb"), Uint8Array.from([1]));
    const good: ArchiveSource = new FileArchive(dir);
    const set = new SourceSet([dead, good], policy(clock, 500));
    assert.deepEqual(await set.get("a.pb", 10), Uint8Array.from([1]));
    assert.equal(await set.get("missing.pb", 10), undefined);
    const [d, g] = set.outcomes();
    assert.equal(g?.served, 1);
    assert.equal(g?.absent, 1);
    assert.equal(g?.unavailable, false);
    assert.ok((d?.failures ?? 0) >= 1);
  });
});

describe("WorkerDecoder", () => {
  it("falls back to decoding inline when its worker is gone", async () => {
    const { chain } = syntheticLedger("decoder-fallback", 2);
    const decoder = new WorkerDecoder();
    const bytes = encodeArchiveBlock(chain[1] as never);
    assert.equal((await decoder.decode(bytes)).block.index, 1n);
    await decoder.close();
    assert.equal((await decoder.decode(bytes)).block.index, 1n);
    await assert.rejects(decoder.decode(bytes.subarray(1)), (e: unknown) => e instanceof Error);
  });
});
