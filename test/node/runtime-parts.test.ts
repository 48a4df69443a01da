// Goal: the small parts of the node runtime behave as their contracts say: the file statement
// store is durable and refuses a file that is not its own; the rotating block source asks the
// next source after the last one that answered, skips failing and empty sources, and reports
// none when no source has blocks.
// Method: a real temporary directory for the file store; scripted block sources recording calls.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { Block } from "../../src/blockchain/index.js";
import {
  ActionExecutor,
  type BlockSource,
  type ExecutorPorts,
  type FetchedBlock,
  fileStatementStore,
  rotatingBlockSource,
} from "../../src/node/index.js";
import { PeersError } from "../../src/peers/index.js";

const dir = mkdtempSync(join(tmpdir(), "statement-store-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("fileStatementStore", () => {
  it("keeps the newest statement across reopening, and refuses a foreign file", () => {
    const path = join(dir, "statement");
    assert.equal(fileStatementStore(path).load(), undefined, "nothing saved yet");
    fileStatementStore(path).save(5, new Uint8Array([1, 2, 3]));
    fileStatementStore(path).save(6, new Uint8Array([4, 5]));
    const loaded = fileStatementStore(path).load();
    assert.equal(loaded?.slot, 6);
    assert.deepEqual([...(loaded?.payload ?? [])], [4, 5]);
    writeFileSync(join(dir, "short"), new Uint8Array([1, 2]));
    assert.throws(() => fileStatementStore(join(dir, "short")).load(), {
      code: "STATEMENT_FILE_INVALID",
    });
  });
});

const fake = (index: number): FetchedBlock =>
  ({ block: { index: BigInt(index) } as unknown as Block, contents: {} }) as FetchedBlock;

function source(name: string, log: string[], answer: () => FetchedBlock[]): BlockSource {
  return {
    fetchBlocks: async () => {
      log.push(name);
      return answer();
    },
  };
}

describe("rotatingBlockSource", () => {
  it("rotates after the source that answered, skips failures and empty answers", async () => {
    const log: string[] = [];
    const rotating = rotatingBlockSource([
      source("a", log, () => [fake(1)]),
      source("b", log, () => {
        throw new PeersError("PEER_UNAVAILABLE", "down");
      }),
      source("c", log, () => []),
    ]);
    assert.equal((await rotating.fetchBlocks(1n, 10)).length, 1);
    assert.equal((await rotating.fetchBlocks(1n, 10)).length, 1);
    assert.deepEqual(log, ["a", "b", "c", "a"], "b failed and c had nothing, so a answered again");
  });

  it("answers nothing when no source has blocks", async () => {
    const log: string[] = [];
    const rotating = rotatingBlockSource([source("a", log, () => []), source("b", log, () => [])]);
    assert.deepEqual(await rotating.fetchBlocks(3n, 10), []);
    assert.deepEqual(log, ["a", "b"]);
  });
});

describe("ActionExecutor sync-ledger", () => {
  const executorWith = (blocks: BlockSource, asked: [bigint, number][]) =>
    new ActionExecutor({
      ledger: { numBlocks: () => 3n },
      blocks: {
        fetchBlocks: (from: bigint, max: number) => {
          asked.push([from, max]);
          return blocks.fetchBlocks(from, max);
        },
      },
    } as unknown as ExecutorPorts);

  it("asks after our last block and reports blocks, nothing, or a peer failure as inputs", async () => {
    const asked: [bigint, number][] = [];
    const got = await executorWith({ fetchBlocks: async () => [fake(3)] }, asked).start({
      kind: "sync-ledger",
      maxBlocks: 100,
    });
    assert.deepEqual(asked, [[3n, 100]]);
    assert.equal(got[0]?.kind, "catch-up-blocks");
    const none = await executorWith({ fetchBlocks: async () => [] }, []).start({
      kind: "sync-ledger",
      maxBlocks: 100,
    });
    assert.deepEqual(none, [{ kind: "catch-up-failed" }]);
    const down = await executorWith(
      {
        fetchBlocks: async () => {
          throw new PeersError("PEER_UNAVAILABLE", "down");
        },
      },
      [],
    ).start({ kind: "sync-ledger", maxBlocks: 100 });
    assert.deepEqual(down, [{ kind: "catch-up-failed" }]);
  });

  it("lets an untyped error (our bug) reject, which the driver treats as fatal", async () => {
    const executor = executorWith(
      {
        fetchBlocks: async () => {
          throw new TypeError("bug");
        },
      },
      [],
    );
    await assert.rejects(executor.start({ kind: "sync-ledger", maxBlocks: 100 }), TypeError);
  });
});
