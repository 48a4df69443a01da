import { InputError } from "./errors.js";

/**
 * MobileCoin service URIs (`mcp://host:port/?consensus-msg-key=…`). Each kind of endpoint has a
 * secure and an insecure scheme and default ports; a URI of one kind is rejected where another kind
 * is expected (a `mcp://` string is not a client URI).
 */
export type UriKind = "client" | "peer" | "admin";

interface SchemeSpec {
  secure: string;
  insecure: string;
  securePort: number;
  insecurePort: number;
}

const SCHEMES: Readonly<Record<UriKind, SchemeSpec>> = {
  client: { secure: "mc", insecure: "insecure-mc", securePort: 443, insecurePort: 3223 },
  peer: { secure: "mcp", insecure: "insecure-mcp", securePort: 8443, insecurePort: 8080 },
  admin: { secure: "mca", insecure: "insecure-mca", securePort: 9443, insecurePort: 9090 },
};

export interface ServiceUri {
  kind: UriKind;
  /** The string as given. */
  original: string;
  scheme: string;
  useTls: boolean;
  host: string;
  port: number;
  /** Query parameters; an empty value counts as absent. */
  params: ReadonlyMap<string, string>;
  /** `responder-id` parameter if present, else `host:port`. */
  responderId: string;
}

/** Longest URI we parse; far beyond any real one. */
const MAX_URI_LENGTH = 4096;

export function parseServiceUri(text: string, kind: UriKind): ServiceUri {
  const spec = SCHEMES[kind];
  if (text.length > MAX_URI_LENGTH)
    throw new InputError("INVALID_URI", `URI longer than ${MAX_URI_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError("INVALID_URI", `not a URI: ${JSON.stringify(text)}`);
  }
  const scheme = url.protocol.replace(/:$/, "");
  if (scheme !== spec.secure && scheme !== spec.insecure) {
    throw new InputError(
      "INVALID_URI",
      `a ${kind} URI must use ${spec.secure}:// or ${spec.insecure}://, got ${JSON.stringify(text)}`,
    );
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (host === "") throw new InputError("INVALID_URI", `URI has no host: ${JSON.stringify(text)}`);
  const useTls = scheme === spec.secure;
  const port = url.port === "" ? (useTls ? spec.securePort : spec.insecurePort) : Number(url.port);
  const params = new Map<string, string>();
  for (const [key, value] of url.searchParams) if (value !== "") params.set(key, value);
  const hostPort = `${url.hostname}:${port}`;
  return {
    kind,
    original: text,
    scheme,
    useTls,
    host,
    port,
    params,
    responderId: params.get("responder-id") ?? hostPort,
  };
}

/** Display form `scheme://host:port/` (query dropped), as MobileCoin logs it. */
export function formatServiceUri(uri: ServiceUri): string {
  const host = uri.host.includes(":") ? `[${uri.host}]` : uri.host;
  return `${uri.scheme}://${host}:${uri.port}/`;
}

/** A responder id is `host:port`; MobileCoin's only check is that it contains a colon. */
export function parseResponderId(text: string): string {
  const colon = text.lastIndexOf(":");
  if (colon <= 0 || colon === text.length - 1) {
    throw new InputError(
      "INVALID_RESPONDER_ID",
      `a responder id is host:port, got ${JSON.stringify(text)}`,
    );
  }
  return text;
}
