// Goal: the chain-id header behaves exactly as MobileCoin's util/grpc/src/chain_id.rs: absent
// passes, equal passes, any differing value is FAILED_PRECONDITION "chain-id mismatch: '<ours>'",
// only on the methods MobileCoin checks; and our peer connection sends our chain id.
// Method: unit checks of the header rule, then a real server on loopback with the check installed.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { credentials, Metadata, ServerCredentials, status } from "@grpc/grpc-js";
import { PeersError } from "../../src/peers/index.js";
import { AttestedApi, AuthMessageSchema } from "../../src/proto/attest_pb.js";
import {
  ConsensusMsgResponseSchema,
  ConsensusMsgSchema,
  ConsensusPeerAPI,
} from "../../src/proto/consensus_peer_pb.js";
import {
  chainIdMetadata,
  chainIdRequestCheck,
  checkChainId,
  GrpcPeerConnection,
  RpcCallError,
  RpcClient,
  RpcError,
  RpcServer,
  rpcStatusOf,
} from "../../src/rpc/index.js";
import { nullLogger, parseServiceUri } from "../../src/util/index.js";

const headers = (...values: string[]) => {
  const m = new Metadata();
  for (const v of values) m.add("chain-id", v);
  return m;
};

describe("chain-id header rule", () => {
  it("passes an absent or equal header and refuses any differing value", () => {
    checkChainId("main", new Metadata());
    checkChainId("main", headers("main"));
    for (const wrong of [headers("test"), headers("main", "test"), headers(""), headers("Main")]) {
      assert.throws(
        () => checkChainId("main", wrong),
        (e) => e instanceof RpcError && e.code === "RPC_CHAIN_ID_MISMATCH",
      );
    }
  });

  it("maps a mismatch to FAILED_PRECONDITION naming the server's chain id", () => {
    assert.throws(
      () => checkChainId("main", headers("test")),
      (e) => {
        assert.deepEqual(rpcStatusOf(e), {
          code: status.FAILED_PRECONDITION,
          details: "chain-id mismatch: 'main'",
        });
        return true;
      },
    );
  });

  it("sends no header for an empty chain id", () => {
    assert.deepEqual(chainIdMetadata("").get("chain-id"), []);
    assert.deepEqual(chainIdMetadata("main").get("chain-id"), ["main"]);
  });
});

describe("chain-id over loopback", () => {
  let server: RpcServer;
  let client: RpcClient;
  let port: number;
  const seen: unknown[][] = [];

  before(async () => {
    server = new RpcServer({ logger: nullLogger });
    server.requestCheck((context) => void seen.push(context.metadata.get("chain-id")));
    server.requestCheck(chainIdRequestCheck("local"));
    server.unary(AttestedApi.method.auth, (r) => create(AuthMessageSchema, { data: r.data }));
    server.unary(ConsensusPeerAPI.method.sendConsensusMsg, () =>
      create(ConsensusMsgResponseSchema, {}),
    );
    port = await server.listen("127.0.0.1:0", ServerCredentials.createInsecure());
    client = new RpcClient(`127.0.0.1:${port}`, credentials.createInsecure());
  });

  after(async () => {
    client.close();
    await server.close(100);
  });

  const auth = (metadata: Metadata) =>
    client.unary(
      AttestedApi.method.auth,
      create(AuthMessageSchema, { data: new Uint8Array([1]) }),
      {
        metadata,
      },
    );

  it("refuses Auth from another chain and accepts ours or none", async () => {
    await assert.rejects(
      auth(chainIdMetadata("other")),
      (e) =>
        e instanceof RpcCallError &&
        e.code === status.FAILED_PRECONDITION &&
        e.details === "chain-id mismatch: 'local'",
    );
    assert.deepEqual((await auth(chainIdMetadata("local"))).data, new Uint8Array([1]));
    assert.deepEqual((await auth(new Metadata())).data, new Uint8Array([1]));
  });

  it("does not check the peer RPCs, as MobileCoin does not", async () => {
    const request = create(ConsensusMsgSchema, { fromResponderId: "a:1" });
    await client.unary(ConsensusPeerAPI.method.sendConsensusMsg, request, {
      metadata: chainIdMetadata("other"),
    });
  });

  it("a GrpcPeerConnection sends our chain id on its calls", async () => {
    const connection = new GrpcPeerConnection({
      remoteResponderId: "peer.test:8443",
      uri: parseServiceUri(`insecure-mcp://127.0.0.1:${port}/`, "peer"),
      chainId: "local",
    });
    seen.length = 0;
    await connection.sendConsensusMsg("us.test:8443", new Uint8Array([1]));
    connection.close();
    assert.deepEqual(seen, [["local"]]);
  });

  it("a GrpcPeerConnection from another chain is refused at Auth", async () => {
    const connect = (chainId: string) =>
      new GrpcPeerConnection({
        remoteResponderId: "peer.test:8443",
        uri: parseServiceUri(`insecure-mcp://127.0.0.1:${port}/`, "peer"),
        chainId,
      });
    const ours = connect("local");
    const theirs = connect("other");
    assert.deepEqual(await ours.auth(new Uint8Array([5])), new Uint8Array([5]));
    await assert.rejects(
      theirs.auth(new Uint8Array([5])),
      (e) =>
        e instanceof PeersError &&
        e.code === "PEER_UNAVAILABLE" &&
        e.payload.grpcStatus === status.FAILED_PRECONDITION,
    );
    ours.close();
    theirs.close();
  });
});
