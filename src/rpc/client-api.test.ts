// Goal: the client API answers over real gRPC as MobileCoin does (reference
// mobilecoin-service.md §5.2, §5.6, §5.9): validation refusals are gRPC OK with the ProposeTxResult,
// block_count and block_version; admission, attestation and other failures are the mapped status
// (never UNKNOWN); minting is refused with MintValidationResult; client auth tokens gate exactly
// upstream's methods. Method: RpcServer + RpcClient on 127.0.0.1 (insecure); the handler throws
// the error named by the request's bytes; expected numbers and texts are written by hand from
// upstream (consensus_common.proto, grpc_error.rs, auth/mod.rs) and a token made with Python's hmac.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import { credentials, Metadata, ServerCredentials, status } from "@grpc/grpc-js";
import { ConsensusError } from "../consensus/index.js";
import { EnclaveError, EnclaveHostError } from "../enclave/index.js";
import { AttestedApi, AuthMessageSchema, MessageSchema } from "../proto/attest_pb.js";
import { ConsensusClientAPI } from "../proto/consensus_client_pb.js";
import { BlockchainAPI } from "../proto/consensus_common_pb.js";
import { ConsensusNodeConfigSchema } from "../proto/consensus_config_pb.js";
import {
  CompressedRistrettoSchema,
  Ed25519MultiSigSchema,
  Ed25519SignatureSchema,
  MintConfigTxPrefixSchema,
  MintConfigTxSchema,
  MintTxPrefixSchema,
  MintTxSchema,
} from "../proto/external_pb.js";
import { TxValidationError } from "../transaction/index.js";
import { fromHex, nullLogger } from "../util/index.js";
import { serveClientApi } from "./client-api.js";
import { clientAuthCheck, mintClientAuthToken, TokenAuthenticator } from "./client-auth.js";
import { RpcError } from "./errors.js";
import { methodPath, RpcCallError, RpcClient, RpcServer } from "./service.js";

const text = (s: string) => new TextEncoder().encode(s);
const api = ConsensusClientAPI.method;

/** What the node's proposeTx throws, chosen by the message's `data`. */
const FAILURES: Record<string, () => Error> = {
  tombstone: () => new TxValidationError("TombstoneBlockExceeded", "index 9 >= tombstone 5"),
  "fee-map": () => new EnclaveError("MALFORMED_TX", "r", { txCode: "FeeMapDigestMismatch" }),
  spent: () => new ConsensusError("TX_INVALID", "x", { reason: "ContainsSpentKeyImage" }),
  over: () => new ConsensusError("OVER_CAPACITY", "500 pending"),
  behind: () => new RpcError("RPC_BEHIND", "catching up"),
  decrypt: () => new EnclaveError("DECRYPT_FAILED", "session x"),
  exited: () => new EnclaveHostError("ENCLAVE_EXITED", "gone"),
  serialization: () => new EnclaveError("SERIALIZATION", "not a Tx"),
  boom: () => new Error("secret detail"),
};

let numBlocks = 9n;
const refusedNames: string[] = [];
/** The compressed Ristretto basepoint (dalek RISTRETTO_BASEPOINT_COMPRESSED). */
const RISTRETTO_BASEPOINT = fromHex(
  "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
);
const mintTx = (key: Uint8Array) =>
  create(MintTxSchema, {
    prefix: create(MintTxPrefixSchema, {
      viewPublicKey: create(CompressedRistrettoSchema, { data: key }),
      spendPublicKey: create(CompressedRistrettoSchema, { data: key }),
    }),
  });
const nodeConfig = create(ConsensusNodeConfigSchema, {
  peerResponderId: "peer:8443",
  blockVersion: 3,
});

async function startServer(server: RpcServer): Promise<{ server: RpcServer; client: RpcClient }> {
  serveClientApi(server, {
    proposeTx: (message) => {
      const failure = FAILURES[new TextDecoder().decode(message.data)];
      if (failure) throw failure();
    },
    numBlocks: () => numBlocks,
    onValidationRefused: (name) => void refusedNames.push(name),
    blockVersion: 3,
    nodeConfig: () => nodeConfig,
  });
  server.unary(AttestedApi.method.auth, (r) => create(AuthMessageSchema, { data: r.data }));
  server.unary(BlockchainAPI.method.getBlocks, () => {
    throw new RpcError("RPC_NOT_SERVING", "not in this test");
  });
  const port = await server.listen("127.0.0.1:0", ServerCredentials.createInsecure());
  return { server, client: new RpcClient(`127.0.0.1:${port}`, credentials.createInsecure()) };
}

async function refusal(promise: Promise<unknown>): Promise<RpcCallError> {
  const error = await promise.then(
    () => assert.fail("the call succeeded"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RpcCallError, String(error));
  assert.notEqual(error.code, status.UNKNOWN);
  return error;
}

const propose = (client: RpcClient, data: string, metadata?: Metadata) =>
  client.unary(
    api.clientTxPropose,
    create(MessageSchema, { channelId: text("c"), data: text(data) }),
    metadata ? { metadata } : {},
  );

describe("client API over loopback", () => {
  let server: RpcServer;
  let client: RpcClient;
  before(async () => {
    ({ server, client } = await startServer(new RpcServer({ logger: nullLogger })));
  });
  after(async () => {
    client.close();
    await server.close(100);
  });

  it("accepts a transaction: Ok with block_count and block_version", async () => {
    numBlocks = 9n;
    const reply = await propose(client, "fine");
    assert.equal(reply.result, 0);
    assert.equal(reply.blockCount, 9n);
    assert.equal(reply.blockVersion, 3);
    assert.equal(reply.errMsg, "");
  });

  it("answers validation refusals with gRPC OK and the ProposeTxResult", async () => {
    numBlocks = 12n;
    const tombstone = await propose(client, "tombstone");
    assert.equal(tombstone.result, 18);
    assert.equal(
      tombstone.errMsg,
      "Number of blocks in ledger exceeds the tombstone block number.",
    );
    assert.equal(tombstone.blockCount, 12n);
    assert.equal(tombstone.blockVersion, 3);
    assert.equal((await propose(client, "fee-map")).result, 55);
    assert.equal((await propose(client, "spent")).result, 27);
    assert.deepEqual(refusedNames.slice(-3), [
      "TombstoneBlockExceeded",
      "FeeMapDigestMismatch",
      "ContainsSpentKeyImage",
    ]);
  });

  it("maps every other refusal to its status, never UNKNOWN", async () => {
    const expected: [string, status, string][] = [
      ["over", status.UNAVAILABLE, "Temporarily over capacity"],
      ["behind", status.UNAVAILABLE, "Temporarily not serving requests"],
      ["decrypt", status.PERMISSION_DENIED, "Permission Denied (attestation)"],
      ["exited", status.UNAVAILABLE, "Service unavailable"],
      ["serialization", status.INTERNAL, "Internal error"],
      ["boom", status.INTERNAL, "Internal error"],
    ];
    for (const [data, code, details] of expected) {
      const error = await refusal(propose(client, data));
      assert.equal(error.code, code, data);
      assert.equal(error.details, details, data);
    }
  });

  it("serves GetNodeConfig", async () => {
    const reply = await client.unary(api.getNodeConfig, create(EmptySchema, {}));
    assert.equal(reply.peerResponderId, "peer:8443");
    assert.equal(reply.blockVersion, 3);
  });

  it("refuses minting as a node without governors does", async () => {
    numBlocks = 4n;
    const config = await client.unary(
      api.proposeMintConfigTx,
      create(MintConfigTxSchema, { prefix: create(MintConfigTxPrefixSchema, { tokenId: 8n }) }),
    );
    assert.equal(config.result?.code, 10); // NoGovernors
    assert.equal(config.result?.tokenId, 8n);
    assert.equal(config.blockCount, 4n);
    assert.equal(config.blockVersion, 3);
    const mint = await client.unary(api.proposeMintTx, mintTx(RISTRETTO_BASEPOINT));
    assert.equal(mint.result?.code, 12); // NoMatchingMintConfig
    assert.equal(mint.blockCount, 4n);
  });

  it("answers mints whose protobuf does not convert INTERNAL, as upstream", async () => {
    const noKeys = await refusal(client.unary(api.proposeMintTx, create(MintTxSchema, {})));
    assert.equal(noKeys.code, status.INTERNAL);
    const notAPoint = await refusal(
      client.unary(api.proposeMintTx, mintTx(new Uint8Array(32).fill(0xff))),
    );
    assert.equal(notAPoint.code, status.INTERNAL);
    const shortSig = create(MintConfigTxSchema, {
      signature: create(Ed25519MultiSigSchema, {
        signatures: [create(Ed25519SignatureSchema, { data: new Uint8Array(63) })],
      }),
    });
    const error = await refusal(client.unary(api.proposeMintConfigTx, shortSig));
    assert.equal(error.code, status.INTERNAL);
  });

  it("refuses bytes that are not the method's message with INVALID_ARGUMENT", async () => {
    // Field 1 announcing 5 bytes that are not there: no message decodes from this.
    for (const method of [api.clientTxPropose, api.proposeMintConfigTx, api.proposeMintTx]) {
      const error = await refusal(client.unaryBytes(methodPath(method), Buffer.from([0x0a, 0x05])));
      assert.equal(error.code, status.INVALID_ARGUMENT, method.name);
    }
  });
});

/** A token made outside our code: Python hmac/base64, secret 32×0x03, "test user", 1700000000. */
const PYTHON_TOKEN = "Basic dGVzdCB1c2VyOnRlc3QgdXNlcjoxNzAwMDAwMDAwOjA3NWUxMDQzZjJlMWNiOGZkMjY3";
const SECRET = new Uint8Array(32).fill(3);
const T0 = 1_700_000_000;

function withAuth(value: string | undefined): Metadata {
  const metadata = new Metadata();
  if (value !== undefined) metadata.set("authorization", value);
  return metadata;
}

describe("client auth tokens over loopback", () => {
  let server: RpcServer;
  let client: RpcClient;
  let now = T0;
  before(async () => {
    const authenticator = new TokenAuthenticator({
      secret: SECRET,
      maxLifetimeSeconds: 60,
      nowSeconds: () => now,
    });
    const checks = [clientAuthCheck(authenticator)];
    ({ server, client } = await startServer(new RpcServer({ logger: nullLogger, checks })));
  });
  after(async () => {
    client.close();
    await server.close(100);
  });

  it("mints the same token as an independent HMAC", () => {
    assert.equal(mintClientAuthToken(SECRET, "test user", T0), PYTHON_TOKEN);
  });

  it("accepts a valid token, within the lifetime either side", async () => {
    now = T0 + 59;
    assert.equal((await propose(client, "fine", withAuth(PYTHON_TOKEN))).result, 0);
    now = T0 - 59;
    assert.equal((await propose(client, "fine", withAuth(PYTHON_TOKEN))).result, 0);
    const auth = await client.unary(
      AttestedApi.method.auth,
      create(AuthMessageSchema, { data: text("hi") }),
      { metadata: withAuth(PYTHON_TOKEN) },
    );
    assert.equal(new TextDecoder().decode(auth.data), "hi");
  });

  it("refuses missing, expired, forged and malformed tokens with UNAUTHENTICATED", async () => {
    now = T0;
    const forged = mintClientAuthToken(new Uint8Array(32).fill(4), "test user", T0);
    const otherUser = `Basic ${Buffer.from(`eve:test user:${T0}:075e1043f2e1cb8fd267`).toString("base64")}`;
    const cases: [string | undefined, string, number][] = [
      [undefined, "Unauthenticated", T0],
      [PYTHON_TOKEN, "Expired user authorization token", T0 + 60],
      [PYTHON_TOKEN, "Expired user authorization token", T0 - 60],
      [forged, "Invalid user authorization token", T0],
      [otherUser, "Invalid user authorization token", T0],
      ["Bearer abc", "Authorization header error: Unsupported authorization method", T0],
      ["Basic !!!", "Authorization header error: Invalid authorization header", T0],
      [
        `Basic ${Buffer.from("no-colon").toString("base64")}`,
        "Authorization header error: Invalid credentials",
        T0,
      ],
    ];
    for (const [header, details, at] of cases) {
      now = at;
      const error = await refusal(propose(client, "fine", withAuth(header)));
      assert.equal(error.code, status.UNAUTHENTICATED, `${header}`);
      assert.equal(error.details, details, `${header}`);
    }
    const blocks = await refusal(
      client.unaryBytes(methodPath(BlockchainAPI.method.getBlocks), Buffer.alloc(0)),
    );
    assert.equal(blocks.code, status.UNAUTHENTICATED, "BlockchainAPI is authenticated too");
  });

  it("does not ask GetNodeConfig for a token", async () => {
    const reply = await client.unary(api.getNodeConfig, create(EmptySchema, {}));
    assert.equal(reply.peerResponderId, "peer:8443");
  });
});
