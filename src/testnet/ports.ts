import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { type AddressInfo, createServer, type Server } from "node:net";
import { TestnetError } from "./errors.js";
import { TESTNET_LIMITS } from "./limits.js";
import { LOOPBACK, type NodePorts } from "./manifest.js";

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Where the kernel hands out ports for outgoing connections (Linux; a common default elsewhere). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync(EPHEMERAL_RANGE_FILE, "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > TESTNET_LIMITS.lowestPort ? low : DEFAULT_EPHEMERAL_LOW;
  } catch {
    return DEFAULT_EPHEMERAL_LOW;
  }
}

const EPHEMERAL_RANGE_FILE = "/proc/sys/net/ipv4/ip_local_port_range";
const DEFAULT_EPHEMERAL_LOW = 32768;

/**
 * `count` distinct loopback ports free right now, drawn at random below the kernel's ephemeral
 * range: a port picked there could be taken by another program's outgoing connection before the
 * node binds it. All are held open together while they are picked, so none is handed out twice,
 * then released for the nodes to bind. (A program may still take one in between; the node then
 * refuses to start with one line naming the port.)
 */
export async function freePorts(count: number): Promise<number[]> {
  const low = TESTNET_LIMITS.lowestPort;
  const high = ephemeralLow();
  const servers: Server[] = [];
  try {
    for (let tries = 0; servers.length < count; tries++) {
      if (tries >= TESTNET_LIMITS.portDrawAttempts)
        throw new TestnetError("NO_PORT", `no ${count} free loopback ports in ${low}–${high - 1}`);
      const port = low + randomInt(high - low);
      try {
        servers.push(await listen(port));
      } catch {
        // Taken: draw another.
      }
    }
    return servers.map((s) => (s.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map(close));
  }
}

/** Whether every port can be bound on loopback now (an existing testnet's ports, on restart). */
export async function portsFree(ports: readonly number[]): Promise<boolean> {
  const servers: Server[] = [];
  try {
    for (const port of ports) servers.push(await listen(port));
    return true;
  } catch {
    return false;
  } finally {
    await Promise.all(servers.map(close));
  }
}

/** Ports for `n` nodes, four each. */
export async function nodePorts(n: number): Promise<NodePorts[]> {
  const ports = await freePorts(4 * n);
  return Array.from({ length: n }, (_, i) => {
    const [peer, client, admin, adminHttp] = ports.slice(4 * i, 4 * i + 4) as [
      number,
      number,
      number,
      number,
    ];
    return { peer, client, admin, adminHttp };
  });
}
