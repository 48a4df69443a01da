import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { ArchiveError } from "./errors.js";
import { ARCHIVE_LIMITS } from "./limits.js";
import { type ArchiveDestination, checkArchivePath } from "./store.js";

/** Where an `s3://BUCKET/PATH?region=…&endpoint=…&acl=…` URL points. */
export interface S3Location {
  bucket: string;
  /** Key prefix without leading or trailing slashes ("" for the bucket root). */
  prefix: string;
  region: string;
  /** A custom endpoint (MinIO, a local test server); path-style addressing is forced with it. */
  endpoint: string | undefined;
  /** Canned ACL for uploads; MobileCoin publishes with `public-read`. `none` sends no ACL. */
  acl: "public-read" | "private" | "none";
}

/** Credentials for tests; production uses the SDK's standard chain (AWS_* variables, profiles). */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const ACLS = new Set(["public-read", "private", "none"]);
/** A bucket name as S3 allows it (3–63 lower-case letters, digits, dots and hyphens). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parse an `s3://` archive URL. The region comes from `?region=`, else AWS_REGION /
 * AWS_DEFAULT_REGION, else us-east-1; `?endpoint=` (else AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL)
 * selects an S3-compatible server.
 */
export function parseS3Url(
  url: string,
  env: Readonly<Record<string, string | undefined>>,
): S3Location {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ArchiveError("INVALID_URL", `not a URL: ${url}`);
  }
  if (parsed.protocol !== "s3:") throw new ArchiveError("INVALID_URL", `not an s3:// URL: ${url}`);
  const bucket = parsed.hostname;
  if (!BUCKET_NAME.test(bucket))
    throw new ArchiveError("INVALID_URL", `${url}: invalid bucket name ${JSON.stringify(bucket)}`);
  for (const key of parsed.searchParams.keys()) {
    if (!["region", "endpoint", "acl"].includes(key))
      throw new ArchiveError("INVALID_URL", `${url}: unknown query parameter ${key}`);
  }
  const endpoint =
    parsed.searchParams.get("endpoint") ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  if (endpoint !== undefined) {
    let e: URL;
    try {
      e = new URL(endpoint);
    } catch {
      throw new ArchiveError("INVALID_URL", `${url}: endpoint is not a URL`);
    }
    if (e.protocol !== "http:" && e.protocol !== "https:")
      throw new ArchiveError("INVALID_URL", `${url}: endpoint must be http:// or https://`);
  }
  const acl = parsed.searchParams.get("acl") ?? "public-read";
  if (!ACLS.has(acl))
    throw new ArchiveError("INVALID_URL", `${url}: acl must be public-read, private or none`);
  const prefix = decodeURIComponent(parsed.pathname).replace(/^\/+|\/+$/g, "");
  if (prefix.split("/").some((p) => p === ".." || p === "."))
    throw new ArchiveError("INVALID_URL", `${url}: path may not contain . or .. segments`);
  const region =
    parsed.searchParams.get("region") ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
  if (!/^[a-z0-9-]{1,40}$/.test(region))
    throw new ArchiveError("INVALID_URL", `${url}: invalid region ${JSON.stringify(region)}`);
  return { bucket, prefix, region, endpoint, acl: acl as S3Location["acl"] };
}

interface SdkError {
  name?: string;
  code?: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number };
  message?: string;
}

function statusOf(error: unknown): number | undefined {
  return (error as SdkError | null)?.$metadata?.httpStatusCode;
}

function isNotFound(error: unknown): boolean {
  const e = error as SdkError | null;
  // A missing bucket is a misconfiguration, not the end of the archive.
  if (e?.name === "NoSuchBucket") return false;
  return statusOf(error) === 404 || e?.name === "NoSuchKey" || e?.name === "NotFound";
}

/** Server faults, throttling, timeouts and connection failures (no HTTP answer at all). */
function isTransientSdkError(error: unknown): boolean {
  const name = (error as SdkError | null)?.name;
  if (name === "CredentialsProviderError" || name === "TypeError" || name === "RangeError")
    return false;
  const status = statusOf(error);
  if (status === undefined) return true;
  return status === 408 || status === 429 || status >= 500;
}

/**
 * An `s3://` archive through @aws-sdk/client-s3. The SDK's own retries are off (one attempt per
 * call): the archive layer retries with its named limits, the same way for every backend.
 */
export class S3Archive implements ArchiveDestination {
  readonly url: string;
  private readonly location: S3Location;
  private readonly client: S3Client;
  private readonly timeoutMs: number;

  constructor(
    url: string,
    env: Readonly<Record<string, string | undefined>>,
    options: { credentials?: S3Credentials; timeoutMs?: number } = {},
  ) {
    this.url = url;
    this.location = parseS3Url(url, env);
    this.timeoutMs = options.timeoutMs ?? ARCHIVE_LIMITS.requestTimeoutMs;
    const config: S3ClientConfig = {
      region: this.location.region,
      maxAttempts: 1,
      // S3-compatible servers often lack the newer flexible checksums; send them only if required.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    };
    if (this.location.endpoint !== undefined) {
      config.endpoint = this.location.endpoint;
      config.forcePathStyle = true;
    }
    if (options.credentials !== undefined) config.credentials = options.credentials;
    this.client = new S3Client(config);
  }

  private key(archivePath: string): string {
    checkArchivePath(archivePath);
    return this.location.prefix === "" ? archivePath : `${this.location.prefix}/${archivePath}`;
  }

  private describe(key: string): string {
    return `s3://${this.location.bucket}/${key}`;
  }

  private failure(
    code: "FETCH_FAILED" | "WRITE_FAILED",
    key: string,
    error: unknown,
  ): ArchiveError {
    const e = error as SdkError | null;
    const status = statusOf(error);
    const what = `${e?.name ?? "Error"}${status === undefined ? "" : ` (HTTP ${status})`}: ${e?.message ?? String(error)}`;
    return new ArchiveError(
      isTransientSdkError(error) ? "TRANSIENT" : code,
      `${this.describe(key)}: ${what}`,
      { status },
      { cause: error },
    );
  }

  async get(
    archivePath: string,
    maxBytes: number,
    cancel?: AbortSignal,
  ): Promise<Uint8Array | undefined> {
    const key = this.key(archivePath);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: key }),
        { abortSignal: cancel === undefined ? timeout : AbortSignal.any([timeout, cancel]) },
      );
      if (out.ContentLength !== undefined && out.ContentLength > maxBytes) {
        await out.Body?.transformToWebStream().cancel();
        throw new ArchiveError(
          "TOO_LARGE",
          `${this.describe(key)}: ${out.ContentLength} bytes exceeds ${maxBytes}`,
        );
      }
      if (out.Body === undefined) return new Uint8Array(0);
      const bytes = await out.Body.transformToByteArray();
      if (bytes.length > maxBytes)
        throw new ArchiveError(
          "TOO_LARGE",
          `${this.describe(key)}: body exceeds ${maxBytes} bytes`,
        );
      return bytes;
    } catch (error) {
      if (error instanceof ArchiveError) throw error;
      if (isNotFound(error)) return undefined;
      throw this.failure("FETCH_FAILED", key, error);
    }
  }

  async exists(archivePath: string): Promise<boolean> {
    const key = this.key(archivePath);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: key }), {
        abortSignal: AbortSignal.timeout(this.timeoutMs),
      });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw this.failure("FETCH_FAILED", key, error);
    }
  }

  async put(archivePath: string, bytes: Uint8Array): Promise<void> {
    const key = this.key(archivePath);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: key,
          Body: bytes,
          ContentLength: bytes.length,
          ContentType: "application/octet-stream",
          ...(this.location.acl === "none" ? {} : { ACL: this.location.acl }),
        }),
        { abortSignal: AbortSignal.timeout(this.timeoutMs) },
      );
    } catch (error) {
      throw this.failure("WRITE_FAILED", key, error);
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
