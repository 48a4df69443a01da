import { connect, type Socket } from "node:net";
import { decodeCss } from "../bundle/css.js";
import { EnclaveHostError } from "../errors.js";
import { ENCLAVE_LIMITS } from "../limits.js";
import { FramedEnclaveHost, type FramedHostOptions } from "./framed-host.js";

/**
 * The enclave run apart from the host (reference enclave-attest.md §9.2: its own Unix user, no
 * network), serving the same frames on a Unix socket (`entry --socket PATH`, ops/mc-enclave.service).
 * The host connects instead of spawning; everything else is framed-host.ts's, so timeouts, the
 * in-flight bound and "the enclave went away" behave as with the child process.
 *
 * The enclave serves one host and exits when that host disconnects (its supervisor starts a fresh
 * one): like an SGX enclave, which lives and dies with its host process, no session, pending
 * handshake or block key outlives the host that created it. So connecting retries while the
 * socket is absent or nobody listens yet (an enclave being restarted), up to the start timeout; a
 * connection the enclave closes before its ready frame (it already serves another host) fails.
 */
export interface SocketEnclaveOptions extends FramedHostOptions {
  socketPath: string;
  /** The encoded CSS the host trusts; the enclave's ready frame must carry its measurement. */
  cssBytes: Uint8Array;
}

/** Errors that mean "no enclave listens yet": retried until the start timeout. */
const NOT_LISTENING_YET = new Set(["ENOENT", "ECONNREFUSED", "EAGAIN"]);

function connectOnce(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const onError = (error: Error) => reject(error);
    socket.once("error", onError);
    socket.once("connect", () => {
      socket.off("error", onError);
      resolve(socket);
    });
  });
}

/** Connect to the enclave's socket, waiting for an enclave being (re)started to listen. */
async function connectWhenListening(socketPath: string, startTimeoutMs: number): Promise<Socket> {
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    try {
      return await connectOnce(socketPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "error";
      if (!NOT_LISTENING_YET.has(code) || Date.now() >= deadline) {
        throw new EnclaveHostError(
          "ENCLAVE_START_FAILED",
          `cannot connect to the enclave socket ${socketPath} (${code})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, ENCLAVE_LIMITS.socketConnectRetryMs));
    }
  }
}

/** Connect to the enclave's socket and wait for its ready frame. */
export async function connectSocketEnclave(
  options: SocketEnclaveOptions,
): Promise<SocketEnclaveHost> {
  const { measurement } = decodeCss(options.cssBytes);
  const startTimeoutMs = options.startTimeoutMs ?? ENCLAVE_LIMITS.startTimeoutMs;
  const socket = await connectWhenListening(options.socketPath, startTimeoutMs);
  const host = new SocketEnclaveHost(socket, options, measurement);
  await host.ready();
  return host;
}

/** The frame protocol (framed-host.ts) over a connected Unix socket. */
export class SocketEnclaveHost extends FramedEnclaveHost {
  private readonly closed: Promise<void>;

  constructor(
    private readonly socket: Socket,
    private readonly options: SocketEnclaveOptions,
    expectedMeasurement: Uint8Array,
  ) {
    super(options, expectedMeasurement);
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    let errorCode: string | undefined;
    socket.on("error", (error: NodeJS.ErrnoException) => {
      errorCode ??= error.code ?? "error";
    });
    socket.once("close", () => this.onClose(errorCode));
  }

  /** The socket this host is connected to (for the start-up log line). */
  get socketPath(): string {
    return this.options.socketPath;
  }

  protected write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  protected endStream(): void {
    this.socket.end();
  }

  protected cutStream(): void {
    this.socket.destroy();
  }

  protected ended(): Promise<void> {
    return this.closed;
  }

  private onClose(errorCode: string | undefined): void {
    const how = errorCode === undefined ? "" : ` (${errorCode})`;
    const where = `the enclave at ${this.options.socketPath}`;
    this.streamEnded(
      this.started
        ? `${where} closed the connection${how}`
        : `${where} closed the connection before it was ready${how}; is another host connected to it?`,
    );
  }
}
