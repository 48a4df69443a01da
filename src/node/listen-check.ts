import { connect } from "node:net";
import type { ServiceUri } from "../util/index.js";
import { ConfigError } from "./errors.js";
import type { ServiceConfig } from "./service-config.js";

/** How long a probe of a listen address waits for an answer before calling the port free. */
export const LISTEN_PROBE_TIMEOUT_MS = 500;

/** Whether something accepts TCP connections at host:port (probed by connecting, not binding). */
function acceptsConnections(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(LISTEN_PROBE_TIMEOUT_MS, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** A wildcard listen address is probed on loopback, where any listener on the port answers. */
function probeHost(host: string): string {
  const bare = host.replace(/^\[|\]$/g, "");
  if (bare === "0.0.0.0" || bare === "") return "127.0.0.1";
  if (bare === "::") return "::1";
  return bare;
}

/**
 * The listen URIs name distinct ports that nothing else is serving yet. Checked without binding:
 * a port that accepts a connection is taken. (A port held by a listener on another address, or a
 * privileged port, is only found when the service binds; that error is one line too.)
 */
export async function checkListenPorts(config: ServiceConfig): Promise<void> {
  const uris: [string, ServiceUri | null][] = [
    ["--peer-listen-uri (MC_PEER_LISTEN_URI)", config.peerListenUri],
    ["--client-listen-uri (MC_CLIENT_LISTEN_URI)", config.clientListenUri],
    ["--admin-listen-uri (MC_ADMIN_LISTEN_URI)", config.adminListenUri],
  ];
  const seen = new Map<number, string>();
  for (const [flag, uri] of uris) {
    if (uri === null) continue;
    const other = seen.get(uri.port);
    if (other !== undefined)
      throw new ConfigError("CONFIG_INVALID", flag, `port ${uri.port} is also ${other}'s port`);
    seen.set(uri.port, flag.split(" ")[0] as string);
  }
  for (const [flag, uri] of uris) {
    if (uri === null) continue;
    if (await acceptsConnections(probeHost(uri.host), uri.port))
      throw new ConfigError(
        "CONFIG_INVALID",
        `${flag} ${uri.original}`,
        `port ${uri.port} is already in use (something accepts connections on it)`,
      );
  }
}
