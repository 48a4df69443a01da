// Shared fixtures for the archive tests: synthetic chains, an instant retry policy, a static
// file server with injectable faults, and whole-directory snapshots for byte comparisons.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { RetryPolicy } from "../../src/archive/index.js";
import type { BlockData } from "../../src/blockchain/index.js";
import { buildSyntheticChain, type Ledger, openMemoryLedger } from "../../src/ledger/index.js";

/** A chain of `blocks` blocks after the origin, and a memory ledger holding it. */
export function syntheticLedger(
  seed: string,
  blocks: number,
  txsPerBlock = 2,
): { ledger: Ledger; chain: BlockData[] } {
  const ledger = openMemoryLedger();
  const chain = buildSyntheticChain(ledger, { seed, blocks, txsPerBlock });
  return { ledger, chain };
}

/** A retry policy that never waits; the delays it was asked for are recorded. */
export function instantRetry(maxAttempts = 5): RetryPolicy & { delays: number[] } {
  const delays: number[] = [];
  return {
    maxAttempts,
    baseDelayMs: 100,
    maxDelayMs: 10_000,
    jitter: () => 0.999_999,
    delays,
    sleep: async (ms) => {
      delays.push(ms);
    },
  };
}

/** Every file under `root`, by relative path with `/`, with its bytes. */
export function snapshot(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const rel of readdirSync(root, { recursive: true }).map(String).sort()) {
    const abs = path.join(root, rel);
    if (statSync(abs).isFile()) out.set(rel.split(path.sep).join("/"), readFileSync(abs));
  }
  return out;
}

export interface StaticServer {
  url: string;
  /** Paths requested, in order. */
  requests: string[];
  /** Answer the next `n` requests with this status instead of serving them. */
  failNext(n: number, status?: number): void;
  /** Drop the connection (no HTTP answer) for the next `n` requests. */
  dropNext(n: number): void;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 (port 0) serving `root` read-only, with fault injection. */
export async function startStaticServer(root: string): Promise<StaticServer> {
  const requests: string[] = [];
  let failures = 0;
  let failStatus = 503;
  let drops = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    requests.push(urlPath);
    if (drops > 0) {
      drops--;
      req.socket.destroy();
      return;
    }
    if (failures > 0) {
      failures--;
      res.writeHead(failStatus).end("injected failure");
      return;
    }
    const file = path.join(root, ...urlPath.split("/").filter((p) => p !== "" && p !== ".."));
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": body.length,
    });
    res.end(body);
  };
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    failNext(n, status = 503) {
      failures = n;
      failStatus = status;
    },
    dropNext(n) {
      drops = n;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
