import { createHmac, timingSafeEqual } from "node:crypto";
import { AttestedApi } from "../proto/attest_pb.js";
import { ConsensusClientAPI } from "../proto/consensus_client_pb.js";
import { BlockchainAPI } from "../proto/consensus_common_pb.js";
import { CodedError } from "../util/index.js";
import { type CallContext, methodPath, type RequestCheck } from "./service.js";

/**
 * MobileCoin's client auth tokens (util/grpc/src/auth/, reference mobilecoin-service.md §5.6):
 * header `authorization: Basic base64(user:password)` where the password is
 * `user:timestamp:hex(first 10 bytes of HMAC-SHA256(secret, "user:timestamp"))`, accepted while
 * `|now − timestamp| < max lifetime`. Refusals are `AUTH_…` codes, which the one error map turns
 * into UNAUTHENTICATED with MobileCoin's texts.
 */
export const CLIENT_AUTH_ERROR_CODES = [
  /** No authorization header. */
  "AUTH_UNAUTHENTICATED",
  /** A token that does not parse, names another user or whose signature is wrong. */
  "AUTH_INVALID_TOKEN",
  /** A token outside the lifetime window (either direction). */
  "AUTH_EXPIRED_TOKEN",
  /** A header that is not `Basic …`. */
  "AUTH_UNSUPPORTED_METHOD",
  /** A `Basic` header without valid base64. */
  "AUTH_INVALID_HEADER",
  /** Base64 that is not UTF-8 `user:password`. */
  "AUTH_INVALID_CREDENTIALS",
  /** A configured secret of the wrong size (operator error, at start-up). */
  "AUTH_BAD_SECRET",
] as const;
export type ClientAuthErrorCode = (typeof CLIENT_AUTH_ERROR_CODES)[number];

export class ClientAuthError extends CodedError<ClientAuthErrorCode> {
  constructor(code: ClientAuthErrorCode, message: string) {
    super(code, {}, message);
    this.name = "ClientAuthError";
  }
}

/** The secret is `[u8; 32]` upstream (`--client-auth-token-secret`, hex). */
export const CLIENT_AUTH_SECRET_BYTES = 32;
/** Bytes of the HMAC kept in a token. */
const SIGNATURE_BYTES = 10;

function signature(secret: Uint8Array, user: string, timestamp: string): Buffer {
  const mac = createHmac("sha256", secret).update(`${user}:${timestamp}`, "utf8").digest();
  return mac.subarray(0, SIGNATURE_BYTES);
}

function checkSecret(secret: Uint8Array): void {
  if (secret.length !== CLIENT_AUTH_SECRET_BYTES) {
    throw new ClientAuthError(
      "AUTH_BAD_SECRET",
      `the secret must be ${CLIENT_AUTH_SECRET_BYTES} bytes`,
    );
  }
}

/**
 * The `authorization` header value for `user` at `nowSeconds` (MobileCoin
 * `TokenBasicCredentialsGenerator`), for tools and tests.
 */
export function mintClientAuthToken(secret: Uint8Array, user: string, nowSeconds: number): string {
  checkSecret(secret);
  const timestamp = String(Math.floor(nowSeconds));
  const password = `${user}:${timestamp}:${signature(secret, user, timestamp).toString("hex")}`;
  return `Basic ${Buffer.from(`${user}:${password}`, "utf8").toString("base64")}`;
}

interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;
/** Rust's `u64::from_str`: an optional `+`, then decimal digits. */
const U64 = /^\+?[0-9]+$/;
const U64_MAX = 2n ** 64n - 1n;

/** MobileCoin `BasicCredentials::try_from`. */
function parseBasic(header: string): BasicCredentials {
  const parts = header.split(" ");
  if (parts[0] !== "Basic") throw new ClientAuthError("AUTH_UNSUPPORTED_METHOD", "not Basic");
  const encoded = parts[1];
  if (encoded === undefined || !BASE64.test(encoded)) {
    throw new ClientAuthError("AUTH_INVALID_HEADER", "no valid base64 after Basic");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(encoded, "base64"));
  } catch {
    throw new ClientAuthError("AUTH_INVALID_CREDENTIALS", "credentials are not UTF-8");
  }
  const colon = text.indexOf(":");
  if (colon < 0) throw new ClientAuthError("AUTH_INVALID_CREDENTIALS", "no ':' in credentials");
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

export interface TokenAuthenticatorOptions {
  readonly secret: Uint8Array;
  /** `--client-auth-token-max-lifetime`, seconds. */
  readonly maxLifetimeSeconds: number;
  /** Unix seconds now (the wall clock in the node; a fixed value in tests). */
  readonly nowSeconds: () => number;
}

/** MobileCoin `TokenAuthenticator`: the user name of a valid token, else a typed refusal. */
export class TokenAuthenticator {
  readonly #secret: Uint8Array;
  readonly #maxLifetime: bigint;
  readonly #now: () => number;

  constructor(options: TokenAuthenticatorOptions) {
    checkSecret(options.secret);
    this.#secret = Uint8Array.from(options.secret);
    this.#maxLifetime = BigInt(Math.floor(options.maxLifetimeSeconds));
    this.#now = options.nowSeconds;
  }

  /** Check the `authorization` header value (undefined when the call had none). */
  authenticate(header: string | undefined): string {
    if (header === undefined) throw new ClientAuthError("AUTH_UNAUTHENTICATED", "no header");
    const credentials = parseBasic(header);
    const parts = credentials.password.split(":");
    const [user, timestamp, sig] = parts;
    if (parts.length !== 3 || user === undefined || timestamp === undefined || sig === undefined) {
      throw new ClientAuthError("AUTH_INVALID_TOKEN", "a token has three ':'-separated parts");
    }
    if (user !== credentials.username) {
      throw new ClientAuthError("AUTH_INVALID_TOKEN", "the token names another user");
    }
    // Upstream order: the time is checked before the signature.
    if (!this.#fresh(timestamp)) throw new ClientAuthError("AUTH_EXPIRED_TOKEN", "expired");
    if (!this.#signed(user, timestamp, sig)) {
      throw new ClientAuthError("AUTH_INVALID_TOKEN", "bad signature");
    }
    return user;
  }

  #fresh(timestamp: string): boolean {
    if (!U64.test(timestamp) || BigInt(timestamp) > U64_MAX) {
      throw new ClientAuthError("AUTH_INVALID_TOKEN", "the timestamp is not a u64");
    }
    const distance = BigInt(Math.floor(this.#now())) - BigInt(timestamp);
    return (distance < 0n ? -distance : distance) < this.#maxLifetime;
  }

  #signed(user: string, timestamp: string, sig: string): boolean {
    if (!HEX.test(sig)) throw new ClientAuthError("AUTH_INVALID_TOKEN", "the signature is not hex");
    const theirs = Buffer.from(sig, "hex");
    const ours = signature(this.#secret, user, timestamp);
    return theirs.length === ours.length && timingSafeEqual(theirs, ours);
  }
}

/**
 * The methods MobileCoin authenticates on the client port: Auth, the propose RPCs and the
 * BlockchainAPI; not GetNodeConfig, health or build info.
 */
export const CLIENT_AUTH_METHODS: ReadonlySet<string> = new Set([
  methodPath(AttestedApi.method.auth),
  methodPath(ConsensusClientAPI.method.clientTxPropose),
  methodPath(ConsensusClientAPI.method.proposeMintConfigTx),
  methodPath(ConsensusClientAPI.method.proposeMintTx),
  methodPath(BlockchainAPI.method.getLastBlockInfo),
  methodPath(BlockchainAPI.method.getBlocks),
]);

function authorizationHeader(context: CallContext): string | undefined {
  // grpc-js lower-cases metadata keys, so this is upstream's case-insensitive lookup.
  const value = context.metadata.get("authorization")[0];
  return typeof value === "string" ? value : value?.toString("utf8");
}

/** The `RequestCheck` for a client server when `--client-auth-token-secret` is set. */
export function clientAuthCheck(
  authenticator: TokenAuthenticator,
  methods: ReadonlySet<string> = CLIENT_AUTH_METHODS,
): RequestCheck {
  return (context, path) => {
    if (methods.has(path)) authenticator.authenticate(authorizationHeader(context));
  };
}
