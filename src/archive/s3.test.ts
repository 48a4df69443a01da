// Goal: the s3:// destination and source work against a real S3-compatible server: publishing
// writes the pinned layout, resuming finds the tip with HEAD requests, reading back (over s3:// and
// over the bucket's plain HTTP URL) imports the identical chain, and missing keys read as absent.
// Also: s3:// URL parsing (region, endpoint, acl, prefix) and its refusals.
// Method: s3rver on 127.0.0.1 (port 0) in a temp directory, started and stopped by the test; the
// SDK is given s3rver's fixed test credentials.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import S3rver from "s3rver";
import { instantRetry, syntheticLedger } from "../../test/archive/helpers.js";
import { archiveBlockPath, encodeArchiveBlock, mergedArchivePath } from "../blockchain/index.js";
import { openMemoryLedger } from "../ledger/index.js";
import { isCodedError } from "../util/index.js";
import { HttpArchiveSource } from "./http-source.js";
import { openArchiveDestination, openArchiveSource } from "./open.js";
import { ArchivePublisher } from "./publisher.js";
import { parseS3Url } from "./s3-store.js";
import { SourceSet } from "./sources.js";
import { syncFromArchive } from "./sync.js";

const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

describe("s3:// URLs", () => {
  it("reads bucket, prefix, region, endpoint and acl", () => {
    assert.deepEqual(parseS3Url("s3://my-bucket/node1/ledger/?region=eu-west-2", {}), {
      bucket: "my-bucket",
      prefix: "node1/ledger",
      region: "eu-west-2",
      endpoint: undefined,
      acl: "public-read",
    });
    const local = parseS3Url("s3://b12/?endpoint=http://127.0.0.1:9000&acl=none", {
      AWS_REGION: "us-west-1",
    });
    assert.equal(local.region, "us-west-1");
    assert.equal(local.endpoint, "http://127.0.0.1:9000");
    assert.equal(local.prefix, "");
    assert.equal(local.acl, "none");
    assert.equal(parseS3Url("s3://b12", {}).region, "us-east-1");
    assert.equal(
      parseS3Url("s3://b12", { AWS_ENDPOINT_URL: "http://127.0.0.1:1" }).endpoint,
      "http://127.0.0.1:1",
    );
  });

  for (const bad of [
    "s3://UPPER/x",
    "s3://ab/x",
    "s3://bucket/x?colour=red",
    "s3://bucket/x?endpoint=ftp://h",
    "s3://bucket/x?acl=public-read-write",
    "s3://bucket/a/%2e%2e%2fx",
    "http://bucket/x",
  ]) {
    it(`refuses ${bad}`, () => {
      assert.throws(
        () => parseS3Url(bad, {}),
        (e: unknown) => isCodedError(e) && e.code === "INVALID_URL",
      );
    });
  }
});

describe("s3:// archives against a local S3 server", () => {
  let server: S3rver;
  let endpoint = "";
  const { ledger, chain } = syntheticLedger("s3-archive", 12);

  before(async () => {
    server = new S3rver({
      address: "127.0.0.1",
      port: 0,
      silent: true,
      directory: mkdtempSync(path.join(tmpdir(), "archive-s3rver-")),
      configureBuckets: [{ name: "chain-archive", configs: [] }],
    });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await server.close();
  });

  const url = () => `s3://chain-archive/node1.test/?region=us-west-1&endpoint=${endpoint}`;

  it("publishes, resumes and reads back the identical chain", async () => {
    const partial = openMemoryLedger();
    for (const d of chain.slice(0, 7)) partial.appendBlock(d);
    const dest = openArchiveDestination(url(), { s3Credentials: credentials });
    try {
      const first = await new ArchivePublisher(partial, dest, {
        buckets: [5],
        retry: instantRetry(),
      }).run({ once: true, sleep: async () => {} });
      assert.equal(first.blocks_published, 7);
      const second = await new ArchivePublisher(ledger, dest, {
        buckets: [5],
        retry: instantRetry(),
      }).run({ once: true, sleep: async () => {} });
      assert.equal(second.resumed_at, "7");
      assert.equal(second.blocks_published, 6);
      assert.equal(await dest.exists(archiveBlockPath(12n)), true);
      assert.equal(await dest.exists(archiveBlockPath(13n)), false);
      assert.equal(await dest.exists(mergedArchivePath(5, 5n)), true);
      assert.deepEqual(
        await dest.get(archiveBlockPath(4n), 1 << 20),
        encodeArchiveBlock(chain[4] as never),
      );
      assert.equal(await dest.get(archiveBlockPath(99n), 1 << 20), undefined);
    } finally {
      await dest.close();
    }

    const target = openMemoryLedger();
    const source = openArchiveSource(url(), { s3Credentials: credentials });
    const summary = await syncFromArchive(target, new SourceSet([source], instantRetry()), {
      buckets: [5],
    });
    await source.close();
    assert.equal(summary.imported, 13);
    assert.equal(summary.from_merged_files, 10);
    for (let i = 0n; i < 13n; i++)
      assert.deepEqual(target.getBlockData(i), ledger.getBlockData(i), `block ${i}`);
  });

  it("serves the same archive over the bucket's HTTP URL", async () => {
    const target = openMemoryLedger();
    const summary = await syncFromArchive(
      target,
      new SourceSet(
        [new HttpArchiveSource(`${endpoint}/chain-archive/node1.test/`)],
        instantRetry(),
      ),
      { buckets: [5] },
    );
    assert.equal(summary.imported, 13);
  });

  it("reports a missing bucket as a permanent failure, not as the end of the archive", async () => {
    const source = openArchiveSource(`s3://no-such-bucket/x?endpoint=${endpoint}`, {
      s3Credentials: credentials,
    });
    await assert.rejects(
      syncFromArchive(openMemoryLedger(), new SourceSet([source], instantRetry()), { buckets: [] }),
      (e: unknown) => isCodedError(e) && e.code === "FETCH_FAILED",
    );
    await source.close();
  });
});
