import type { ArchiveSource } from "../archive/index.js";
import {
  archiveBlockPath,
  decodeArchiveBlock,
  MAX_ARCHIVE_BLOCK_BYTES,
} from "../blockchain/index.js";
import type { PeerConnection } from "../peers/index.js";
import { bytesEqual } from "../util/index.js";
import type { BlockSource, FetchedBlock } from "./block-source.js";

/** Bounds of one catch-up fetch (reference mobilecoin-service.md §6.6, §10.3). */
export const NETWORK_BLOCK_SOURCE_LIMITS = {
  /** Headers asked of a peer per fetch; the worker asks for at most this many blocks anyway. */
  headersPerFetch: 100,
} as const;

/**
 * Catch-up as MobileCoin's ledger sync does it: block headers (ids) from a peer's `GetBlocks`,
 * block contents from the `tx_source_urls` archives. An archived block is taken only when it is
 * the block the peer named (same id; `decodeArchiveBlock` checks that the id matches the header
 * and the contents hash); the worker then checks that the blocks extend our chain. Peers are
 * asked in turn (`rotatingBlockSource` wraps one source per peer), archives in order until one
 * has the file. Fewer blocks than asked is fine: the next attempt goes on from there.
 */
export function networkBlockSource(
  peers: readonly PeerConnection[],
  archives: readonly ArchiveSource[],
): BlockSource[] {
  return peers.map((peer) => ({
    async fetchBlocks(fromIndex, max) {
      const limit = Math.min(max, NETWORK_BLOCK_SOURCE_LIMITS.headersPerFetch);
      const headers = await peer.getBlocks(fromIndex, limit);
      const out: FetchedBlock[] = [];
      for (const header of headers) {
        const data = await archivedBlock(archives, header.index, header.id);
        if (data === undefined) break;
        out.push({ block: data.block, contents: data.contents });
      }
      return out;
    },
  }));
}

/**
 * The block from the first archive whose file for `index` decodes, passes its checks and is the
 * block with id `id` (an archive of another chain, or a stale one, is passed over).
 */
async function archivedBlock(archives: readonly ArchiveSource[], index: bigint, id: Uint8Array) {
  for (const archive of archives) {
    try {
      const bytes = await archive.get(archiveBlockPath(index), MAX_ARCHIVE_BLOCK_BYTES);
      if (bytes === undefined) continue;
      const data = decodeArchiveBlock(bytes);
      if (data.block.index === index && bytesEqual(data.block.id, id)) return data;
    } catch {
      // An unreachable archive or a bad file: the next archive may have a good one.
    }
  }
  return undefined;
}
