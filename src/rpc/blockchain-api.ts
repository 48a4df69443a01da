import { create, toBinary } from "@bufbuild/protobuf";
import { type Block, blockToProto } from "../blockchain/index.js";
import { PEERS_LIMITS } from "../peers/index.js";
import type { Block as BlockProto } from "../proto/blockchain_pb.js";
import {
  BlockchainAPI,
  type BlocksResponse,
  BlocksResponseSchema,
  type LastBlockInfoResponse,
  LastBlockInfoResponseSchema,
} from "../proto/consensus_common_pb.js";
import { RPC_LIMITS } from "./limits.js";
import type { RpcServer } from "./service.js";

/**
 * `consensus_common.BlockchainAPI` (reference mobilecoin-service.md §5.3, MobileCoin
 * consensus/service/src/api/blockchain_api_service.rs), served on both the client and the peer
 * port. GetBlocks answers headers in `[offset, offset + min(limit, 2000))`, cut at the end of the
 * ledger: like MobileCoin it caps a larger limit rather than refusing it, and `limit = 0` is an
 * empty page. We also cut a page at `RPC_LIMITS.maxBlocksReplyBytes` so it always fits.
 */
export interface LastBlockInfo {
  /** Index of the last block (num_blocks − 1). */
  readonly index: bigint;
  /** Minimum fee per token id; token 0 (MOB) also fills the deprecated `mob_minimum_fee`. */
  readonly minimumFees: ReadonlyMap<bigint, bigint>;
  /** The configured `--block-version`. */
  readonly networkBlockVersion: number;
}

export interface BlockchainSource {
  lastBlockInfo(): LastBlockInfo | Promise<LastBlockInfo>;
  /** Consecutive headers from `offset`, at most `limit` (1 ≤ limit ≤ 2000), fewer at the end. */
  getBlocks(offset: bigint, limit: number): readonly Block[] | Promise<readonly Block[]>;
}

export interface BlockchainApiOptions {
  /** Bytes a GetBlocks reply may take; headers past it are left for the next page. */
  readonly maxReplyBytes?: number;
}

export function lastBlockInfoToProto(info: LastBlockInfo): LastBlockInfoResponse {
  const minimumFees: Record<string, bigint> = {};
  for (const [token, fee] of info.minimumFees) minimumFees[token.toString()] = fee;
  return create(LastBlockInfoResponseSchema, {
    index: info.index,
    mobMinimumFee: info.minimumFees.get(0n) ?? 0n,
    minimumFees,
    networkBlockVersion: info.networkBlockVersion,
  });
}

/** The longest prefix of `blocks` whose encoded reply fits in `maxBytes`. */
export function blocksReplyWithin(blocks: readonly Block[], maxBytes: number): BlocksResponse {
  const kept: BlockProto[] = [];
  let size = 0;
  for (const block of blocks) {
    const proto = blockToProto(block);
    // Each repeated field entry costs its tag, its length varint (< 5 bytes) and its bytes.
    const entry = toBinary(BlocksResponseSchema, create(BlocksResponseSchema, { blocks: [proto] }));
    if (size + entry.length > maxBytes) break;
    size += entry.length;
    kept.push(proto);
  }
  return create(BlocksResponseSchema, { blocks: kept });
}

export function serveBlockchainApi(
  server: RpcServer,
  source: BlockchainSource,
  options: BlockchainApiOptions = {},
): RpcServer {
  const maxBytes = options.maxReplyBytes ?? RPC_LIMITS.maxBlocksReplyBytes;
  return server
    .unary(BlockchainAPI.method.getLastBlockInfo, async () =>
      lastBlockInfoToProto(await source.lastBlockInfo()),
    )
    .unary(BlockchainAPI.method.getBlocks, async (request) => {
      const limit = Math.min(request.limit, PEERS_LIMITS.maxBlocksPerRequest);
      if (limit === 0) return create(BlocksResponseSchema, {});
      const blocks = await source.getBlocks(request.offset, limit);
      return blocksReplyWithin(blocks, maxBytes);
    });
}
