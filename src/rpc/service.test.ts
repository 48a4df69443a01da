// Goal: our gRPC layer speaks real gRPC over loopback, decodes requests itself and maps every
// failure through the one error map, so callers see a status category and never a reason.
// Method: a real grpc-js server on 127.0.0.1 with the AttestedApi.Auth method, called by our client
// and with raw bytes; each kind of failure is provoked and its status and message asserted.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { credentials, ServerCredentials, status } from "@grpc/grpc-js";
import { AttestedApi, AuthMessageSchema } from "../proto/attest_pb.js";
import { CodedError, type LogFn, type Logger, nullLogger } from "../util/index.js";
import { rpcStatusOf } from "./errors.js";
import { methodPath, RpcCallError, RpcClient, RpcServer } from "./service.js";

const text = (s: string) => new TextEncoder().encode(s);
const logged: unknown[] = [];
const debug: LogFn = (fields: unknown) => void logged.push(fields);
const recordingLogger: Logger = { ...nullLogger, debug, child: () => recordingLogger };
const calls: { path: string; code: number; seconds: number }[] = [];
const refusals: { path: string; code: unknown; request: unknown }[] = [];

describe("rpc over loopback", () => {
  let server: RpcServer;
  let client: RpcClient;
  const authPath = methodPath(AttestedApi.method.auth);

  before(async () => {
    server = new RpcServer({
      logger: recordingLogger,
      maxReceiveMessageBytes: 4096,
      onCall: (path, code, seconds) => void calls.push({ path, code, seconds }),
      onRefused: (path, error, request) =>
        void refusals.push({ path, code: (error as { code?: unknown }).code, request }),
    });
    server.unary(AttestedApi.method.auth, (request) => {
      const body = new TextDecoder().decode(request.data);
      if (body === "deny") throw new CodedError("ATTEST_BAD_MEASUREMENT", {}, "measurement x");
      if (body === "boom") throw new Error("secret internal detail");
      return create(AuthMessageSchema, { data: text(`ok:${body}`) });
    });
    const port = await server.listen("127.0.0.1:0", ServerCredentials.createInsecure());
    client = new RpcClient(`127.0.0.1:${port}`, credentials.createInsecure());
  });

  after(async () => {
    client.close();
    await server.close(100);
  });

  async function refusal(promise: Promise<unknown>): Promise<RpcCallError> {
    const error = await promise.then(
      () => assert.fail("the call succeeded"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof RpcCallError, String(error));
    return error;
  }

  it("answers a well-formed request", async () => {
    const reply = await client.unary(
      AttestedApi.method.auth,
      create(AuthMessageSchema, { data: text("hi") }),
    );
    assert.equal(new TextDecoder().decode(reply.data), "ok:hi");
  });

  it("tells the call observer of every answer, with its status code", async () => {
    calls.length = 0;
    await client.unary(AttestedApi.method.auth, create(AuthMessageSchema, { data: text("a") }));
    await refusal(
      client.unary(AttestedApi.method.auth, create(AuthMessageSchema, { data: text("deny") })),
    );
    assert.deepEqual(
      calls.map((c) => [c.path, c.code]),
      [
        [authPath, status.OK],
        [authPath, status.PERMISSION_DENIED],
      ],
    );
    assert.ok(calls.every((c) => c.seconds >= 0));
  });

  it("tells the refusal observer of every refusal, with the error and the decoded request", async () => {
    refusals.length = 0;
    await client.unary(AttestedApi.method.auth, create(AuthMessageSchema, { data: text("a") }));
    await refusal(
      client.unary(AttestedApi.method.auth, create(AuthMessageSchema, { data: text("deny") })),
    );
    await refusal(client.unaryBytes(authPath, Buffer.from([0x08, 0x01])));
    assert.deepEqual(
      refusals.map((r) => [r.path, r.code]),
      [
        [authPath, "ATTEST_BAD_MEASUREMENT"],
        [authPath, "RPC_BAD_REQUEST"],
      ],
    );
    const decoded = refusals[0]?.request as { data?: Uint8Array } | undefined;
    assert.equal(new TextDecoder().decode(decoded?.data), "deny");
    assert.equal(refusals[1]?.request, undefined, "refused before decoding: no request");
  });

  it("maps an attestation failure to PERMISSION_DENIED without the reason", async () => {
    const request = create(AuthMessageSchema, { data: text("deny") });
    const error = await refusal(client.unary(AttestedApi.method.auth, request));
    assert.equal(error.code, status.PERMISSION_DENIED);
    assert.equal(error.details, "Permission denied");
    assert.ok(logged.length > 0, "the reason goes to the log");
  });

  it("maps an untyped failure to INTERNAL without its message", async () => {
    const error = await refusal(
      client.unary(AttestedApi.method.auth, create(AuthMessageSchema, { data: text("boom") })),
    );
    assert.equal(error.code, status.INTERNAL);
    assert.doesNotMatch(error.details, /secret/);
  });

  it("refuses bytes that are not the method's message with INVALID_ARGUMENT", async () => {
    // Field 1 as a varint: AuthMessage.data is length-delimited, so this cannot decode.
    const error = await refusal(client.unaryBytes(authPath, Buffer.from([0x08, 0x01])));
    assert.equal(error.code, status.INVALID_ARGUMENT);
  });

  it("refuses a request over the server's size limit and an unknown method", async () => {
    const big = toBinary(
      AuthMessageSchema,
      create(AuthMessageSchema, { data: new Uint8Array(8192) }),
    );
    const tooBig = await refusal(client.unaryBytes(authPath, Buffer.from(big)));
    assert.equal(tooBig.code, status.RESOURCE_EXHAUSTED);
    const unknown = await refusal(client.unaryBytes("/attest.AttestedApi/Nope", Buffer.alloc(0)));
    assert.equal(unknown.code, status.UNIMPLEMENTED);
  });
});

describe("the error map", () => {
  it("sends unknown codes and non-coded errors to INTERNAL", () => {
    assert.equal(rpcStatusOf(new CodedError("SOMETHING_NEW", {})).code, status.INTERNAL);
    assert.equal(rpcStatusOf("a string").code, status.INTERNAL);
    assert.equal(rpcStatusOf(new CodedError("RPC_NOT_SERVING", {})).code, status.UNAVAILABLE);
  });
});
