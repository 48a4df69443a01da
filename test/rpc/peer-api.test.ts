// Goal: the peer port's servers refuse bad requests with typed statuses (never UNKNOWN), cap and
// size GetBlocks as MobileCoin does, and the gRPC PeerConnection turns every misbehaving reply into
// BAD_REPLY and every refusal, hang or dead channel into PEER_UNAVAILABLE.
// Method: real servers on loopback; raw bytes where a well-behaved client would never send them;
// fake peers (RpcServer handlers that answer what a broken peer would) for the client side.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import { credentials, ServerCredentials, status } from "@grpc/grpc-js";
import { blockToProto } from "../../src/blockchain/index.js";
import type { EnclaveHost } from "../../src/enclave/index.js";
import { PEERS_LIMITS, PeersError, type PeersErrorCode } from "../../src/peers/index.js";
import { BlockIDSchema } from "../../src/proto/blockchain_pb.js";
import {
  BlockchainAPI,
  BlocksRequestSchema,
  BlocksResponseSchema,
} from "../../src/proto/consensus_common_pb.js";
import {
  ConsensusMsgResponseSchema,
  type ConsensusMsgResult,
  ConsensusMsgSchema,
  ConsensusPeerAPI,
  GetLatestMsgResponseSchema,
  GetTxsRequestSchema,
  GetTxsResponseSchema,
} from "../../src/proto/consensus_peer_pb.js";
import {
  GrpcPeerConnection,
  RpcCallError,
  RpcClient,
  RpcServer,
  servePeerApi,
} from "../../src/rpc/index.js";
import { nullLogger, parseServiceUri } from "../../src/util/index.js";
import { chainOf, ScriptedService } from "../peers/connection-compliance.js";

const servers: RpcServer[] = [];
const closers: (() => void)[] = [];
after(async () => {
  for (const close of closers) close();
  await Promise.all(servers.map((s) => s.close(100)));
});

async function start(setup: (server: RpcServer) => void): Promise<number> {
  const server = new RpcServer({ logger: nullLogger });
  setup(server);
  servers.push(server);
  return server.listen("127.0.0.1:0", ServerCredentials.createInsecure());
}

function rawClient(port: number): RpcClient {
  const client = new RpcClient(`127.0.0.1:${port}`, credentials.createInsecure(), {
    "grpc.max_send_message_length": 64 * 1024 * 1024,
  });
  closers.push(() => client.close());
  return client;
}

function connectionTo(
  port: number,
  extra: { deadlineMs?: number; maxBlocksReplyBytes?: number; maxReplyBytes?: number } = {},
) {
  const c = new GrpcPeerConnection({
    remoteResponderId: "peer.test:8443",
    uri: parseServiceUri(`insecure-mcp://127.0.0.1:${port}/`, "peer"),
    chainId: "local",
    ...extra,
  });
  closers.push(() => c.close());
  return c;
}

async function statusOf(p: Promise<unknown>): Promise<status> {
  const e = await p.then(
    () => assert.fail("the call succeeded"),
    (error: unknown) => error,
  );
  assert.ok(e instanceof RpcCallError, String(e));
  return e.code;
}

async function rejectsWith(p: Promise<unknown>, code: PeersErrorCode): Promise<PeersError> {
  const e = await p.then(
    () => assert.fail(`expected ${code}`),
    (error: unknown) => error,
  );
  assert.ok(e instanceof PeersError && e.code === code, `expected ${code}, got ${String(e)}`);
  return e;
}

const LAST = {
  index: 4n,
  minimumFees: new Map([
    [0n, 400n],
    [1n, 1024n],
  ]),
  networkBlockVersion: 3,
};

describe("peer API server refusals", () => {
  it("refuses oversized and malformed requests with INVALID_ARGUMENT, never calling the service", async () => {
    const s = new ScriptedService();
    const client = rawClient(await start((server) => servePeerApi(server, s)));
    const big = create(ConsensusMsgSchema, {
      fromResponderId: "a:1",
      payload: new Uint8Array(PEERS_LIMITS.maxPayloadBytes + 1),
    });
    assert.equal(
      await statusOf(client.unary(ConsensusPeerAPI.method.sendConsensusMsg, big)),
      status.INVALID_ARGUMENT,
    );
    const tooMany = create(GetTxsRequestSchema, {
      txHashes: Array.from({ length: PEERS_LIMITS.getTxsChunk + 1 }, () => new Uint8Array(32)),
    });
    assert.equal(
      await statusOf(client.unary(ConsensusPeerAPI.method.getTxs, tooMany)),
      status.INVALID_ARGUMENT,
    );
    const short = create(GetTxsRequestSchema, { txHashes: [new Uint8Array(31)] });
    assert.equal(
      await statusOf(client.unary(ConsensusPeerAPI.method.getTxs, short)),
      status.INVALID_ARGUMENT,
    );
    assert.equal(s.consensusMsgs.length + s.txRequests.length, 0);
  });

  it("maps what the service throws: peer-input codes to INVALID_ARGUMENT, the rest to INTERNAL", async () => {
    const s = new ScriptedService();
    let thrown: unknown = new PeersError("INVALID_SIGNATURE", "bad signature");
    s.handleConsensusMsg = () => {
      throw thrown;
    };
    const client = rawClient(await start((server) => servePeerApi(server, s)));
    const request = create(ConsensusMsgSchema, {
      fromResponderId: "a:1",
      payload: new Uint8Array([1]),
    });
    const send = () => statusOf(client.unary(ConsensusPeerAPI.method.sendConsensusMsg, request));
    assert.equal(await send(), status.INVALID_ARGUMENT);
    thrown = new PeersError("MALFORMED_PAYLOAD", "not cbor");
    assert.equal(await send(), status.INVALID_ARGUMENT);
    thrown = new Error("a bug");
    assert.equal(await send(), status.INTERNAL);
  });
});

describe("BlockchainAPI on the peer port", () => {
  it("answers GetLastBlockInfo with MobileCoin's fields", async () => {
    const port = await start((server) =>
      servePeerApi(server, new ScriptedService(), { lastBlockInfo: () => LAST }),
    );
    const reply = await rawClient(port).unary(
      BlockchainAPI.method.getLastBlockInfo,
      create(EmptySchema),
    );
    assert.equal(reply.index, 4n);
    assert.equal(reply.mobMinimumFee, 400n);
    assert.deepEqual(reply.minimumFees, { "0": 400n, "1": 1024n });
    assert.equal(reply.networkBlockVersion, 3);
  });

  it("caps a limit above 2000 (as MobileCoin does) and answers limit 0 with an empty page", async () => {
    const s = new ScriptedService();
    s.chain = chainOf(2100);
    const asked: number[] = [];
    s.blocksReply = (offset, limit) => {
      asked.push(limit);
      return s.chain.slice(Number(offset), Number(offset) + limit);
    };
    const client = rawClient(
      await start((server) => servePeerApi(server, s, { lastBlockInfo: () => LAST })),
    );
    const page = (offset: bigint, limit: number) =>
      client.unary(BlockchainAPI.method.getBlocks, create(BlocksRequestSchema, { offset, limit }));
    const capped = await page(50n, 5000);
    assert.equal(capped.blocks.length, 2000);
    assert.equal(capped.blocks[0]?.index, 50n);
    assert.equal((await page(0n, 0)).blocks.length, 0);
    assert.deepEqual(asked, [2000], "limit 0 never reaches the ledger");
  });

  it("cuts a page at the reply byte limit; the connection accepts the shorter page", async () => {
    const s = new ScriptedService();
    s.chain = chainOf(5);
    const threeBlocks = toBinary(
      BlocksResponseSchema,
      create(BlocksResponseSchema, { blocks: s.chain.slice(0, 3).map(blockToProto) }),
    ).length;
    const serve = (maxReplyBytes: number) =>
      start((server) =>
        servePeerApi(server, s, { lastBlockInfo: () => LAST, blockchain: { maxReplyBytes } }),
      );
    assert.equal((await connectionTo(await serve(threeBlocks)).getBlocks(0n, 5)).length, 3);
    assert.equal((await connectionTo(await serve(threeBlocks - 1)).getBlocks(0n, 5)).length, 2);
  });
});

describe("GrpcPeerConnection against broken peers", () => {
  it("a GetBlocks reply over the connection's byte limit is BAD_REPLY", async () => {
    const s = new ScriptedService();
    s.chain = chainOf(5);
    const port = await start((server) => servePeerApi(server, s, { lastBlockInfo: () => LAST }));
    const whole = toBinary(
      BlocksResponseSchema,
      create(BlocksResponseSchema, { blocks: s.chain.map(blockToProto) }),
    ).length;
    assert.equal(
      (await connectionTo(port, { maxBlocksReplyBytes: whole }).getBlocks(0n, 5)).length,
      5,
    );
    await rejectsWith(
      connectionTo(port, { maxBlocksReplyBytes: whole - 1 }).getBlocks(0n, 5),
      "BAD_REPLY",
    );
  });

  it("any reply over the connection's message limit is BAD_REPLY", async () => {
    const s = new ScriptedService();
    s.latest = new Uint8Array(2048).fill(7);
    const port = await start((server) => servePeerApi(server, s));
    assert.equal((await connectionTo(port, { maxReplyBytes: 4096 }).getLatestMsg())?.length, 2048);
    await rejectsWith(connectionTo(port, { maxReplyBytes: 1024 }).getLatestMsg(), "BAD_REPLY");
  });

  it("replies that do not decode or break the message rules are BAD_REPLY", async () => {
    const [block] = chainOf(1);
    const badBlock = blockToProto(block as never);
    badBlock.id = create(BlockIDSchema, { data: new Uint8Array(31) });
    const port = await start((server) => {
      server.unary(ConsensusPeerAPI.method.sendConsensusMsg, () =>
        create(ConsensusMsgResponseSchema, { result: 7 as ConsensusMsgResult }),
      );
      server.unary(ConsensusPeerAPI.method.getTxs, () => create(GetTxsResponseSchema, {}));
      // GetLatestMsg answered with a message whose field 1 is a varint, not bytes.
      server.unary(
        { ...ConsensusPeerAPI.method.getLatestMsg, output: ConsensusMsgResponseSchema },
        () => create(ConsensusMsgResponseSchema, { result: 10 }),
      );
      server.unary(BlockchainAPI.method.getBlocks, () =>
        create(BlocksResponseSchema, { blocks: [badBlock] }),
      );
    });
    const c = connectionTo(port);
    await rejectsWith(c.sendConsensusMsg("us:1", new Uint8Array([1])), "BAD_REPLY");
    await rejectsWith(c.getTxs(new Uint8Array([1]), [new Uint8Array(32)]), "BAD_REPLY");
    await rejectsWith(c.getLatestMsg(), "BAD_REPLY");
    await rejectsWith(c.getBlocks(0n, 1), "BAD_REPLY");
  });

  it("a refusal, a missing method, a hang past the deadline and a closed channel are PEER_UNAVAILABLE", async () => {
    const s = new ScriptedService();
    s.handleConsensusMsg = () => {
      throw new PeersError("INVALID_SIGNATURE", "bad");
    };
    let release = () => {};
    const port = await start((server) => servePeerApi(server, s));
    const c = connectionTo(port);
    const refused = await rejectsWith(
      c.sendConsensusMsg("us:1", new Uint8Array([1])),
      "PEER_UNAVAILABLE",
    );
    assert.equal(refused.payload.grpcStatus, status.INVALID_ARGUMENT);
    const missing = await rejectsWith(c.getBlocks(0n, 1), "PEER_UNAVAILABLE");
    assert.equal(missing.payload.grpcStatus, status.UNIMPLEMENTED);
    const hangPort = await start((server) =>
      server.unary(
        ConsensusPeerAPI.method.getLatestMsg,
        () =>
          new Promise((resolve) => {
            release = () => resolve(create(GetLatestMsgResponseSchema, {}));
          }),
      ),
    );
    const hung = await rejectsWith(
      connectionTo(hangPort, { deadlineMs: 200 }).getLatestMsg(),
      "PEER_UNAVAILABLE",
    );
    assert.equal(hung.payload.grpcStatus, status.DEADLINE_EXCEEDED);
    release();
    c.close();
    await rejectsWith(c.getLatestMsg(), "PEER_UNAVAILABLE");
  });
});

describe("Auth on the peer port", () => {
  /** An enclave host that answers peer_accept with a fixed reply, or refuses it. */
  function fakeEnclave(refuse: boolean): EnclaveHost {
    return {
      measurement: new Uint8Array(32),
      close: async () => {},
      call: (async (call: { call: string; authRequest?: Uint8Array }) => {
        if (call.call !== "peer_accept") throw new Error(`unexpected ${call.call}`);
        if (refuse) return { ok: false, code: "HANDSHAKE_FAILED" };
        const authResponse = Uint8Array.of(0xee, ...(call.authRequest ?? []));
        return {
          ok: true,
          value: { call: "peer_accept", authResponse, session: new Uint8Array(64) },
        };
      }) as EnclaveHost["call"],
    };
  }

  it("is served by the enclave when one is given (peerAuthHandler), not by the service", async () => {
    const s = new ScriptedService();
    const port = await start((server) => servePeerApi(server, s, { enclave: fakeEnclave(false) }));
    assert.deepEqual(await connectionTo(port).auth(Uint8Array.of(1, 2)), Uint8Array.of(0xee, 1, 2));
    assert.equal(s.authRequests.length, 0);
  });

  it("an enclave refusal reaches the caller as PERMISSION_DENIED, seen as PEER_UNAVAILABLE", async () => {
    const port = await start((server) =>
      servePeerApi(server, new ScriptedService(), { enclave: fakeEnclave(true) }),
    );
    const e = await rejectsWith(connectionTo(port).auth(Uint8Array.of(1)), "PEER_UNAVAILABLE");
    assert.equal(e.payload.grpcStatus, status.PERMISSION_DENIED);
  });
});
