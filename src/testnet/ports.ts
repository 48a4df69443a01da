import { createServer, type Server } from "node:net";
import { TestnetError } from "./errors.js";
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

/**
 * `count` distinct loopback ports free right now: all are held open together while the kernel
 * picks them, so none is handed out twice, then released for the nodes to bind. (Another program
 * may take one in between; the node then refuses to start with one line naming the port.)
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listen(0));
    return servers.map((s) => {
      const address = s.address();
      if (address === null || typeof address === "string")
        throw new TestnetError("NO_PORT", "the kernel gave no loopback port");
      return address.port;
    });
  } catch (error) {
    if (error instanceof TestnetError) throw error;
    throw new TestnetError("NO_PORT", `no free loopback port: ${(error as Error).message}`);
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
