// Goal: catch-up takes a block only when a peer's GetBlocks names it and an archive holds that
// very block: ids from the peer, contents from the first archive whose file decodes and matches;
// an archive of another chain, a corrupt file or a missing file never becomes our block.
// Method: a synthetic chain (seeded), in-memory archives and a peer that answers from the chain.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ArchiveSource } from "../archive/index.js";
import { archiveBlockPath, type BlockData, encodeArchiveBlock } from "../blockchain/index.js";
import { buildSyntheticChain, openMemoryLedger } from "../ledger/index.js";
import type { PeerConnection } from "../peers/index.js";
import { toHex } from "../util/index.js";
import { networkBlockSource } from "./network-block-source.js";

const chain = (seed: string) =>
  buildSyntheticChain(openMemoryLedger(), { seed, blocks: 5, txsPerBlock: 1 });
const ours = chain("network-block-source/ours");
const theirs = chain("network-block-source/theirs");

function archive(blocks: readonly BlockData[], override = new Map<bigint, Uint8Array>()) {
  const files = new Map(
    blocks.map((d) => [archiveBlockPath(d.block.index), encodeArchiveBlock(d)] as const),
  );
  for (const [i, bytes] of override) files.set(archiveBlockPath(i), bytes);
  const source: ArchiveSource = {
    url: "memory://",
    get: async (p) => files.get(p),
    close: async () => {},
  };
  return source;
}

function peer(blocks: readonly BlockData[]): PeerConnection {
  return {
    remoteResponderId: "peer.test:8443",
    getBlocks: async (offset: bigint, limit: number) =>
      blocks.slice(Number(offset), Number(offset) + limit).map((d) => d.block),
  } as unknown as PeerConnection;
}

const ids = (got: readonly { block: { id: Uint8Array } }[]) => got.map((b) => toHex(b.block.id));
const expected = (from: number, to: number) => ours.slice(from, to).map((d) => toHex(d.block.id));

describe("networkBlockSource: headers from peers, contents from archives", () => {
  it("takes the peer's blocks from the archive that has them", async () => {
    const [source] = networkBlockSource([peer(ours)], [archive([]), archive(ours)]);
    const got = await source?.fetchBlocks(2n, 10);
    assert.deepEqual(ids(got ?? []), expected(2, 6));
  });

  it("stops at the first block no archive has", async () => {
    const [source] = networkBlockSource([peer(ours)], [archive(ours.slice(0, 4))]);
    assert.deepEqual(ids((await source?.fetchBlocks(1n, 10)) ?? []), expected(1, 4));
  });

  it("refuses an archive of another chain, and a corrupt file, but uses a good archive after them", async () => {
    const corrupt = archive(ours, new Map([[2n, new Uint8Array([1, 2, 3])]]));
    const [refused] = networkBlockSource([peer(ours)], [archive(theirs), corrupt]);
    assert.deepEqual(ids((await refused?.fetchBlocks(2n, 10)) ?? []), []);
    const [source] = networkBlockSource([peer(ours)], [archive(theirs), corrupt, archive(ours)]);
    assert.deepEqual(ids((await source?.fetchBlocks(2n, 3)) ?? []), expected(2, 5));
  });
});
