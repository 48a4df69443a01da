import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/**
 * Ports that were free a moment ago, drawn at random below the kernel's ephemeral range: a port
 * from that range may be taken meanwhile as the local end of some outgoing connection (nodes
 * bind several seconds later, and their ports are written into every network file).
 */
export async function freePorts(n: number): Promise<number[]> {
  const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/);
  const top = Math.min(Number(low ?? 32768), 32768);
  const bottom = Math.max(1024, top - 12_000);
  const out = new Set<number>();
  while (out.size < n) {
    const port = bottom + Math.floor(Math.random() * (top - bottom));
    if (!out.has(port) && (await canBind(port))) out.add(port);
  }
  return [...out];
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
