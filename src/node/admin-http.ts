import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { PACKAGE_ROOT } from "../enclave/index.js";
import { ADMIN_LIMITS } from "./admin-limits.js";
import type { AdminStatus } from "./admin-status.js";
import type { HealthVerdict } from "./health.js";
import { failQueryProblem } from "./quorum-health.js";

/**
 * `--admin-http-listen-uri` (SPEC §4.2): HTTP for operators on node:http. Paths: `GET /livez`,
 * `/readyz` (200/503, `{"ok", "reasons"}`), `/quorum[?fail=ID,ID]`, `/scp`, `/metrics`, `/info`,
 * `GET|POST /log-level`, `GET /` (the dashboard) with its script and uPlot, and `/api/status`
 * (what the dashboard polls). Bounded: request target length, body size, concurrent requests,
 * header and request timeouts. Binds loopback unless the URI names another host.
 */
/** The `error.code` of admin HTTP refusals; documented in docs/OPERATIONS.md. */
export const ADMIN_HTTP_ERROR_CODES = [
  "BUSY",
  "INTERNAL",
  "URI_TOO_LONG",
  "METHOD_NOT_ALLOWED",
  "BAD_QUERY",
  "BODY_TOO_LARGE",
  "LOG_FILTER_INVALID",
  "BAD_REQUEST",
  "NOT_FOUND",
] as const;
type AdminHttpErrorCode = (typeof ADMIN_HTTP_ERROR_CODES)[number];

export interface AdminHttpHandlers {
  readonly status: AdminStatus;
  metricsText(): Promise<string>;
  readonly metricsContentType: string;
  /** The admin GetInfo answer as JSON (see `adminInfoJson`). */
  info(): Promise<object>;
  /** The log filter in force and its setter (RuntimeLogFilter; throws LOG_FILTER_INVALID). */
  logFilter(): string;
  setLogFilter(text: string): void;
}

export interface AdminHttpServer {
  /** `http://HOST:PORT/` as bound (the port resolved when 0 was asked for). */
  readonly url: string;
  close(): Promise<void>;
}

/** HOST and PORT of `http://HOST:PORT/`; a missing host is loopback. */
export function parseAdminHttpUri(uri: string): { host: string; port: number } {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw new RangeError(`admin HTTP listen URI is not a URI: ${uri}`);
  }
  if (u.protocol !== "http:") throw new RangeError(`admin HTTP listen URI must be http://: ${uri}`);
  if (u.port === "")
    throw new RangeError(`admin HTTP listen URI needs a port (http://HOST:PORT/): ${uri}`);
  if (u.pathname !== "/" || u.search !== "")
    throw new RangeError(`admin HTTP listen URI takes no path or query: ${uri}`);
  const host = u.hostname === "" ? "127.0.0.1" : u.hostname.replace(/^\[|\]$/g, "");
  return { host, port: Number(u.port) };
}

export async function startAdminHttp(uri: string, h: AdminHttpHandlers): Promise<AdminHttpServer> {
  const { host, port } = parseAdminHttpUri(uri);
  let active = 0;
  const server = createServer({ maxHeaderSize: 8_192 }, (req, res) => {
    if (active >= ADMIN_LIMITS.httpConcurrentMax)
      return send(res, 503, err("BUSY", "too many requests"));
    active++;
    res.on("close", () => active--);
    route(req, res, h).catch((e) => send(res, 500, err("INTERNAL", String(e))));
  });
  server.headersTimeout = ADMIN_LIMITS.httpHeadersTimeoutMs;
  server.requestTimeout = ADMIN_LIMITS.httpRequestTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = server.address();
  const actual = typeof bound === "object" && bound !== null ? bound.port : port;
  const shown = host.includes(":") ? `[${host}]` : host;
  return { url: `http://${shown}:${actual}/`, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const err = (code: AdminHttpErrorCode, message: string) => ({
  ok: false,
  error: { code, message },
});

function send(res: ServerResponse, status: number, body: unknown, type = "application/json"): void {
  if (res.headersSent) return;
  const text = typeof body === "string" ? body : `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    "content-type": type,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  res.end(text);
}

const verdict = (res: ServerResponse, v: HealthVerdict) =>
  send(res, v.ok ? 200 : 503, { ok: v.ok, reasons: v.reasons });

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  h: AdminHttpHandlers,
): Promise<void> {
  const target = req.url ?? "/";
  if (target.length > ADMIN_LIMITS.httpUrlMaxLength)
    return send(res, 414, err("URI_TOO_LONG", "request target too long"));
  const url = new URL(target, "http://admin.invalid");
  const method = req.method ?? "GET";
  if (url.pathname === "/log-level") return logLevel(req, res, h, method);
  if (method !== "GET" && method !== "HEAD")
    return send(res, 405, err("METHOD_NOT_ALLOWED", `${method} not allowed`));
  switch (url.pathname) {
    case "/livez":
      return verdict(res, await h.status.liveness());
    case "/readyz":
      return verdict(res, h.status.readiness());
    case "/quorum":
      return quorum(res, h, url.searchParams.get("fail"));
    case "/scp":
      return send(res, 200, h.status.scp());
    case "/metrics":
      return send(res, 200, await h.metricsText(), h.metricsContentType);
    case "/info":
      return send(res, 200, await h.info());
    case "/api/status":
      return send(res, 200, h.status.status());
    default:
      return asset(res, url.pathname);
  }
}

function quorum(res: ServerResponse, h: AdminHttpHandlers, fail: string | null): void {
  const ids =
    fail === null
      ? undefined
      : fail
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== "");
  if (ids !== undefined && ids.length > ADMIN_LIMITS.failIdsMax) {
    send(res, 400, err("BAD_QUERY", `at most ${ADMIN_LIMITS.failIdsMax} ids in fail=`));
    return;
  }
  const problem = ids === undefined ? undefined : failQueryProblem(h.status.quorum(), ids);
  if (problem !== undefined) {
    send(res, 400, err("BAD_QUERY", problem));
    return;
  }
  const q = h.status.quorum(ids);
  send(res, 200, { ok: q.hasQuorum && q.intersection.intersects === true, ...q });
}

async function logLevel(
  req: IncomingMessage,
  res: ServerResponse,
  h: AdminHttpHandlers,
  method: string,
): Promise<void> {
  if (method === "GET") return send(res, 200, { ok: true, rust_log: h.logFilter() });
  if (method !== "POST" && method !== "PUT")
    return send(res, 405, err("METHOD_NOT_ALLOWED", `${method} not allowed`));
  const body = await readBody(req);
  if (body === undefined)
    return send(
      res,
      413,
      err("BODY_TOO_LARGE", `body over ${ADMIN_LIMITS.httpBodyMaxBytes} bytes`),
    );
  try {
    h.setLogFilter(body.trim());
  } catch (e) {
    const code =
      (e as { code?: unknown }).code === "LOG_FILTER_INVALID"
        ? "LOG_FILTER_INVALID"
        : "BAD_REQUEST";
    return send(res, 400, err(code, e instanceof Error ? e.message : String(e)));
  }
  send(res, 200, { ok: true, rust_log: h.logFilter() });
}

/** The body as text, or undefined past the limit (the rest is not read). */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      // Past the limit the rest is read and dropped, so that the 413 reaches the client.
      if (size <= ADMIN_LIMITS.httpBodyMaxBytes) chunks.push(c);
    });
    req.on("end", () =>
      resolve(
        size > ADMIN_LIMITS.httpBodyMaxBytes ? undefined : Buffer.concat(chunks).toString("utf8"),
      ),
    );
    req.on("error", reject);
  });
}

/** The page's own files stay in the package's sources (the build copies nothing), so the built node
 * and the sources serve the same files. */
const DASHBOARD_DIR = path.join(PACKAGE_ROOT, "src", "node", "dashboard");
const UPLOT_DIST = path.dirname(
  createRequire(import.meta.url).resolve("uplot/dist/uPlot.iife.min.js"),
);

/** The dashboard's files: fixed names only, read from the package (no build step). */
const ASSETS: Readonly<Record<string, readonly [string, string]>> = {
  "/": [path.join(DASHBOARD_DIR, "index.html"), "text/html; charset=utf-8"],
  "/dashboard.js": [path.join(DASHBOARD_DIR, "dashboard.js"), "text/javascript; charset=utf-8"],
  "/dashboard.css": [path.join(DASHBOARD_DIR, "dashboard.css"), "text/css; charset=utf-8"],
  "/uplot.min.js": [path.join(UPLOT_DIST, "uPlot.iife.min.js"), "text/javascript; charset=utf-8"],
  "/uplot.min.css": [path.join(UPLOT_DIST, "uPlot.min.css"), "text/css; charset=utf-8"],
};

function asset(res: ServerResponse, pathname: string): void {
  const a = ASSETS[pathname];
  if (a === undefined) send(res, 404, err("NOT_FOUND", `no such path: ${pathname}`));
  else send(res, 200, readFileSync(a[0], "utf8"), a[1]);
}

/** The admin `GetInfo` answer as JSON (proto field names), for `GET /info`. */
export async function adminInfoJson(h: {
  readonly name: string;
  readonly id: string;
  readonly buildInfoJson: string;
  configJson(): string | Promise<string>;
  logFilter(): string;
}): Promise<object> {
  return {
    name: h.name,
    id: h.id,
    build_info_json: h.buildInfoJson,
    config_json: await h.configJson(),
    rust_log: h.logFilter(),
  };
}
