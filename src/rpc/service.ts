import {
  type DescMessage,
  type DescMethodUnary,
  fromBinary,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import {
  type ChannelCredentials,
  Client,
  Metadata,
  Server,
  type ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type ServiceError,
  type sendUnaryData,
  status,
} from "@grpc/grpc-js";
import type { Logger } from "../util/index.js";
import { RpcError, rpcStatusOf } from "./errors.js";
import { RPC_LIMITS } from "./limits.js";

/**
 * gRPC over protobuf-es schemas. Messages cross grpc-js as raw bytes and are decoded inside our
 * handler wrapper, so that a malformed request becomes a typed INVALID_ARGUMENT through the one
 * error map instead of grpc-js's own deserialisation failure.
 */
const passBytes = {
  requestSerialize: (bytes: Buffer) => bytes,
  requestDeserialize: (bytes: Buffer) => bytes,
  responseSerialize: (bytes: Buffer) => bytes,
  responseDeserialize: (bytes: Buffer) => bytes,
};

export function methodPath(method: DescMethodUnary<DescMessage, DescMessage>): string {
  return `/${method.parent.typeName}/${method.name}`;
}

/** What a handler learns about its call besides the request. */
export interface CallContext {
  /** The remote address as grpc-js reports it, for logs and per-peer limits. */
  readonly peer: string;
  readonly metadata: Metadata;
}

export type UnaryHandler<I extends DescMessage, O extends DescMessage> = (
  request: MessageShape<I>,
  context: CallContext,
) => Promise<MessageShape<O>> | MessageShape<O>;

/**
 * A plain Uint8Array view of a grpc-js Buffer, so that decoded `bytes` fields are Uint8Arrays
 * (protobuf-es slices its input, and a Buffer's slices are Buffers).
 */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function decodeRequest<I extends DescMessage>(schema: I, bytes: Buffer): MessageShape<I> {
  try {
    return fromBinary(schema, plainBytes(bytes));
  } catch (error) {
    throw new RpcError("RPC_BAD_REQUEST", `request is not a ${schema.typeName}: ${String(error)}`);
  }
}

/**
 * A check every call of a server passes before its request is decoded (client auth tokens, the
 * chain-id header): metadata is refused before a stranger's bytes are parsed. It throws a typed
 * error to refuse; `path` is `/package.Service/Method`, so a check can apply to some methods only.
 */
export type RequestCheck = (context: CallContext, path: string) => void;

/** Told of every finished call: its path, the gRPC status code sent and how long it took. */
export type CallObserver = (path: string, code: status, seconds: number) => void;

/**
 * Told of every refused call, where its error is mapped (metrics count rejects by reason):
 * `request` is the decoded request, `undefined` when the refusal came before decoding.
 */
export type RefusalObserver = (
  path: string,
  error: unknown,
  request: unknown,
  context: CallContext,
) => void;

interface CallHooks {
  readonly logger: Logger;
  readonly checks: readonly RequestCheck[];
  readonly onCall: CallObserver | undefined;
  readonly onRefused: RefusalObserver | undefined;
}

/** Run an observer without letting its failure change the answer the caller gets. */
function observe(logger: Logger, what: string, f: () => void): void {
  try {
    f();
  } catch (error) {
    logger.warn({ err: error }, `${what} observer failed`);
  }
}

/** Wrap a typed handler as a grpc-js handler: decode, check, run, encode, map failures in one place. */
function wrapUnary<I extends DescMessage, O extends DescMessage>(
  method: DescMethodUnary<I, O>,
  handler: UnaryHandler<I, O>,
  { logger, checks, onCall, onRefused }: CallHooks,
) {
  const path = methodPath(method);
  return (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void => {
    const context: CallContext = { peer: call.getPeer(), metadata: call.metadata };
    const started = performance.now();
    const finished = (code: status) =>
      observe(logger, "call", () => onCall?.(path, code, (performance.now() - started) / 1000));
    let request: MessageShape<I> | undefined;
    Promise.resolve()
      .then(() => {
        for (const check of checks) check(context, path);
        request = decodeRequest(method.input, call.request);
        return handler(request, context);
      })
      .then(
        (response) => {
          finished(status.OK);
          callback(null, Buffer.from(toBinary(method.output, response)));
        },
        (error: unknown) => {
          const mapped = rpcStatusOf(error);
          logger.debug({ method: path, peer: context.peer, err: error }, "refused");
          observe(logger, "refusal", () => onRefused?.(path, error, request, context));
          finished(mapped.code);
          callback({ code: mapped.code, details: mapped.details } as ServiceError, null);
        },
      );
  };
}

export interface RpcServerOptions {
  readonly logger: Logger;
  readonly maxReceiveMessageBytes?: number;
  readonly maxSendMessageBytes?: number;
  /** Run on every call, in order, before decoding (see `RequestCheck`). */
  readonly checks?: readonly RequestCheck[];
  /** Per-call metrics (MobileCoin's `consensus_service_num_req` and its kin). */
  readonly onCall?: CallObserver;
  /** Every refused call with its error (reject metrics). */
  readonly onRefused?: RefusalObserver;
}

/** One gRPC server (a node has two: the peer port and the client port). */
export class RpcServer {
  readonly #server: Server;
  readonly #logger: Logger;
  readonly #checks: RequestCheck[];
  readonly #onCall: CallObserver | undefined;
  readonly #onRefused: RefusalObserver | undefined;
  readonly #definitions = new Map<
    string,
    { definition: Record<string, ServiceDefinition[string]>; handlers: Record<string, unknown> }
  >();

  constructor(options: RpcServerOptions) {
    this.#logger = options.logger;
    this.#checks = [...(options.checks ?? [])];
    this.#onCall = options.onCall;
    this.#onRefused = options.onRefused;
    this.#server = new Server({
      "grpc.max_receive_message_length":
        options.maxReceiveMessageBytes ?? RPC_LIMITS.maxReceiveMessageBytes,
      "grpc.max_send_message_length": options.maxSendMessageBytes ?? RPC_LIMITS.maxSendMessageBytes,
    });
  }

  /** Register `handler` for a unary method (e.g. `AttestedApi.method.auth`) before `listen`. */
  unary<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    handler: UnaryHandler<I, O>,
  ): this {
    const service = method.parent.typeName;
    const entry = this.#definitions.get(service) ?? { definition: {}, handlers: {} };
    entry.definition[method.name] = {
      path: methodPath(method),
      requestStream: false,
      responseStream: false,
      originalName: method.localName,
      ...passBytes,
    };
    entry.handlers[method.name] = wrapUnary(method, handler, {
      logger: this.#logger,
      checks: this.#checks,
      onCall: this.#onCall,
      onRefused: this.#onRefused,
    });
    this.#definitions.set(service, entry);
    return this;
  }

  /** Add a check that every call of this server passes first (in the order added). */
  requestCheck(check: RequestCheck): this {
    this.#checks.push(check);
    return this;
  }

  /** Bind and start; resolves to the bound port (useful with port 0 in tests). */
  async listen(address: string, credentials: ServerCredentials): Promise<number> {
    for (const { definition, handlers } of this.#definitions.values()) {
      this.#server.addService(definition as ServiceDefinition, handlers as never);
    }
    return new Promise((resolve, reject) => {
      this.#server.bindAsync(address, credentials, (error, port) =>
        error ? reject(error) : resolve(port),
      );
    });
  }

  /** Stop accepting calls, let those in flight finish for up to `graceMs`, then cancel them. */
  async close(graceMs: number = RPC_LIMITS.shutdownGraceMs): Promise<void> {
    const forced = setTimeout(() => this.#server.forceShutdown(), graceMs);
    await new Promise<void>((resolve) => this.#server.tryShutdown(() => resolve()));
    clearTimeout(forced);
  }
}

/** A failed call as the client sees it: the gRPC status code and the server's public message. */
export class RpcCallError extends Error {
  constructor(
    readonly code: status,
    readonly details: string,
  ) {
    super(`${(status as unknown as Record<number, string>)[code] ?? code}: ${details}`);
    this.name = "RpcCallError";
  }
}

/** A client of one remote node for any of our services. */
export class RpcClient {
  readonly #client: Client;

  constructor(
    address: string,
    credentials: ChannelCredentials,
    options: Readonly<Record<string, number | string>> = {},
  ) {
    this.#client = new Client(address, credentials, options);
  }

  async unary<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    request: MessageShape<I>,
    options: { deadlineMs?: number; metadata?: Metadata } = {},
  ): Promise<MessageShape<O>> {
    const bytes = Buffer.from(toBinary(method.input, request));
    const reply = await this.unaryBytes(methodPath(method), bytes, options);
    return fromBinary(method.output, plainBytes(reply));
  }

  /** The raw form, for tests that must send bytes no well-behaved client would. */
  unaryBytes(
    path: string,
    request: Buffer,
    options: { deadlineMs?: number; metadata?: Metadata } = {},
  ): Promise<Buffer> {
    const deadline = Date.now() + (options.deadlineMs ?? RPC_LIMITS.defaultDeadlineMs);
    return new Promise((resolve, reject) => {
      this.#client.makeUnaryRequest(
        path,
        passBytes.requestSerialize,
        passBytes.responseDeserialize,
        request,
        options.metadata ?? new Metadata(),
        { deadline },
        (error, response) => {
          if (error) reject(new RpcCallError(error.code, error.details));
          else resolve(response as Buffer);
        },
      );
    });
  }

  close(): void {
    this.#client.close();
  }
}
