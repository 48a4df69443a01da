import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  AuthorityCertificateSchema,
  StatementRequestSchema,
  StatementResponseSchema,
} from "../../proto/sw_attestation_pb.js";
import { describeError, isCodedError } from "../../util/index.js";
import type { AttestationAuthority, StatementRequestInput } from "./authority.js";
import { AttestError, type AttestErrorCode } from "./errors.js";
import type { SignedStatement } from "./formats.js";
import { ATTEST_LIMITS } from "./limits.js";

/**
 * The attestation authority over HTTP: `POST /v1/statement` with a protobuf `StatementRequest`
 * answers a protobuf `StatementResponse`, or an error status with `{"code": …}` as JSON.
 */
export const STATEMENT_PATH = "/v1/statement";
const PROTOBUF = "application/x-protobuf";
/** Deadline for a whole request, ms, so a slow client cannot hold a connection open. */
const SERVER_REQUEST_TIMEOUT_MS = 10_000;

const STATUS_OF: Partial<Record<AttestErrorCode, number>> = {
  NODE_NOT_ENROLLED: 403,
  MEASUREMENT_NOT_ALLOWED: 422,
  MODE_NOT_ALLOWED: 422,
  UNSUPPORTED_REPORT_FORMAT: 422,
  EVIDENCE_FIELD_INVALID: 400,
  EVIDENCE_MALFORMED: 400,
};

export interface AuthorityServerOptions {
  readonly authority: AttestationAuthority;
  readonly host: string;
  readonly port: number;
  /** Wall-clock milliseconds since the Unix epoch; statements are dated with it. */
  readonly nowMs: () => number;
  /** One line per request outcome, for the operator (never the API key). */
  readonly log?: (line: string) => void;
}

export interface RunningAuthorityServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startAuthorityServer(
  options: AuthorityServerOptions,
): Promise<RunningAuthorityServer> {
  const server = createServer((request, response) => {
    handle(options, request, response).catch((error: unknown) => {
      options.log?.(`internal error: ${describeError(error)}`);
      if (!response.headersSent) reply(response, 500, "INTERNAL");
      else response.destroy();
    });
  });
  server.requestTimeout = SERVER_REQUEST_TIMEOUT_MS;
  server.headersTimeout = SERVER_REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return { url: `http://${host}:${address.port}`, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

function reply(response: ServerResponse, status: number, code: string): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(`${JSON.stringify({ code })}\n`);
}

async function handle(
  options: AuthorityServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.url !== STATEMENT_PATH) return reply(response, 404, "NOT_FOUND");
  if (request.method !== "POST") return reply(response, 405, "METHOD_NOT_ALLOWED");
  const body = await readBody(request, ATTEST_LIMITS.maxStatementRequestBytes);
  if (body === undefined) {
    response.setHeader("connection", "close");
    return reply(response, 413, "REQUEST_TOO_LARGE");
  }
  let input: StatementRequestInput;
  try {
    input = fromBinary(StatementRequestSchema, body);
  } catch {
    return reply(response, 400, "EVIDENCE_MALFORMED");
  }
  try {
    const signed = options.authority.issue(input, options.nowMs());
    options.log?.(`signed a statement for ${JSON.stringify(input.spid)}`);
    response.writeHead(200, { "content-type": PROTOBUF });
    response.end(encodeStatementResponse(signed));
  } catch (error) {
    if (!(error instanceof AttestError)) throw error;
    options.log?.(`refused ${JSON.stringify(input.spid)}: ${describeError(error)}`);
    reply(response, STATUS_OF[error.code] ?? 400, error.code);
  }
}

/**
 * The body, or undefined once it passes `limit` bytes; the rest is then discarded unread and the
 * connection closes after the reply.
 */
function readBody(request: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    if (Number(request.headers["content-length"] ?? 0) > limit) {
      request.resume();
      return resolve(undefined);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total <= limit) return void chunks.push(chunk);
      request.off("data", onData);
      request.resume();
      resolve(undefined);
    };
    request.on("data", onData);
    request.once("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    request.once("error", reject);
  });
}

function encodeStatementResponse(signed: SignedStatement): Uint8Array {
  return toBinary(
    StatementResponseSchema,
    create(StatementResponseSchema, {
      statement: signed.statement,
      signature: signed.signature,
      authorityChain: signed.chain.map((c) => create(AuthorityCertificateSchema, c)),
    }),
  );
}

// ---- the node's side ---------------------------------------------------------------------------

export interface StatementClientOptions {
  /** The authority's base URL, e.g. `http://127.0.0.1:7300`. */
  readonly url: string;
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
}

/**
 * Ask the authority to sign a statement about our report. Bounded in time (one deadline for
 * connect, headers and body) and in size; every failure is a typed AttestError. The answer is only
 * decoded here: the enclave verifies it when the evidence is installed.
 */
export async function requestStatement(
  options: StatementClientOptions,
  request: StatementRequestInput,
): Promise<SignedStatement> {
  const limit = options.maxResponseBytes ?? ATTEST_LIMITS.maxStatementResponseBytes;
  const signal = AbortSignal.timeout(options.timeoutMs ?? ATTEST_LIMITS.defaultRequestTimeoutMs);
  const body = toBinary(StatementRequestSchema, create(StatementRequestSchema, request));
  let response: Response;
  try {
    response = await fetch(new URL(STATEMENT_PATH, options.url), {
      method: "POST",
      headers: { "content-type": PROTOBUF },
      body,
      signal,
    });
  } catch (error) {
    throw unavailable(options.url, error);
  }
  const bytes = await readLimited(response, limit, options.url);
  if (response.status !== 200) throw refused(response.status, bytes);
  return decodeStatementResponse(bytes);
}

function unavailable(url: string, error: unknown): AttestError {
  return new AttestError(
    "AUTHORITY_UNAVAILABLE",
    `attestation authority ${url}: ${describeError(error)}`,
    { url },
    { cause: error },
  );
}

async function readLimited(response: Response, limit: number, url: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > limit || response.body === null) {
    await response.body?.cancel();
    if (declared > limit) throw tooLarge(limit);
    return new Uint8Array(0);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) {
        await reader.cancel();
        throw tooLarge(limit);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (isCodedError(error)) throw error;
    throw unavailable(url, error);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function tooLarge(limit: number): AttestError {
  return new AttestError("AUTHORITY_RESPONSE_INVALID", `response larger than ${limit} bytes`, {
    limit,
  });
}

function refused(status: number, body: Uint8Array): AttestError {
  let code = "UNKNOWN";
  try {
    const parsed = JSON.parse(Buffer.from(body).toString("utf8")) as { code?: unknown };
    if (typeof parsed.code === "string" && /^[A-Z_]{1,64}$/.test(parsed.code)) code = parsed.code;
  } catch {
    // Not our JSON: keep UNKNOWN, the status says enough.
  }
  return new AttestError("AUTHORITY_REFUSED", `the authority refused (${status} ${code})`, {
    status,
    code,
  });
}

function decodeStatementResponse(bytes: Uint8Array): SignedStatement {
  try {
    const m = fromBinary(StatementResponseSchema, bytes);
    if (m.statement.length === 0 || m.signature.length === 0 || m.authorityChain.length === 0) {
      throw new Error("empty statement, signature or chain");
    }
    return {
      statement: m.statement,
      signature: m.signature,
      chain: m.authorityChain.map((c) => ({ body: c.body, signature: c.signature })),
    };
  } catch (error) {
    throw new AttestError(
      "AUTHORITY_RESPONSE_INVALID",
      "not a StatementResponse",
      {},
      { cause: error },
    );
  }
}
