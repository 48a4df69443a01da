import { fileURLToPath } from "node:url";
import { ArchiveError } from "./errors.js";
import { FileArchive } from "./file-store.js";
import { HttpArchiveSource } from "./http-source.js";
import { S3Archive, type S3Credentials } from "./s3-store.js";
import type { ArchiveDestination, ArchiveSource } from "./store.js";

/** Options for opening archives; tests pass S3 credentials and short timeouts. */
export interface OpenArchiveOptions {
  env?: Readonly<Record<string, string | undefined>>;
  s3Credentials?: S3Credentials;
  timeoutMs?: number;
}

function schemeOf(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  if (match === null)
    throw new ArchiveError("INVALID_URL", `${url}: expected file://, http(s):// or s3://`);
  return (match[1] as string).toLowerCase();
}

function fileRoot(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ArchiveError("INVALID_URL", `not a URL: ${url}`);
  }
  if (parsed.host !== "" && parsed.host !== "localhost")
    throw new ArchiveError(
      "INVALID_URL",
      `${url}: file:// URLs must name a local path (file:///DIR)`,
    );
  if (parsed.search !== "" || parsed.hash !== "")
    throw new ArchiveError("INVALID_URL", `${url}: file:// URLs take no query or fragment`);
  return fileURLToPath(parsed);
}

/** A reader for `file://`, `http(s)://` or `s3://` archive URLs. */
export function openArchiveSource(url: string, options: OpenArchiveOptions = {}): ArchiveSource {
  switch (schemeOf(url)) {
    case "file":
      return new FileArchive(fileRoot(url));
    case "http":
    case "https":
      try {
        new URL(url);
      } catch {
        throw new ArchiveError("INVALID_URL", `not a URL: ${url}`);
      }
      return new HttpArchiveSource(url, options.timeoutMs);
    case "s3":
      return new S3Archive(url, options.env ?? {}, {
        ...(options.s3Credentials === undefined ? {} : { credentials: options.s3Credentials }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
    default:
      throw new ArchiveError(
        "INVALID_URL",
        `${url}: unsupported scheme; use file://, http(s):// or s3://`,
      );
  }
}

/** A writer for `file://` or `s3://` destinations (ledger-distribution's `--dest`). */
export function openArchiveDestination(
  url: string,
  options: OpenArchiveOptions = {},
): ArchiveDestination {
  switch (schemeOf(url)) {
    case "file":
      return new FileArchive(fileRoot(url));
    case "s3":
      return new S3Archive(url, options.env ?? {}, {
        ...(options.s3Credentials === undefined ? {} : { credentials: options.s3Credentials }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
    default:
      throw new ArchiveError(
        "INVALID_URL",
        `${url}: a destination must be file:///DIR or s3://BUCKET/PATH`,
      );
  }
}
