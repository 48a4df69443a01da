import { chmodSync, lstatSync, unlinkSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import type { Readable, Writable } from "node:stream";
import { EnclaveSetupError } from "../errors.js";
import type { EnclaveServer } from "./server.js";

/**
 * The byte streams the enclave process serves its frames on: its own stdin/stdout (spawned by the
 * host), or one connection on a Unix socket (run apart, ops/mc-enclave.service). Both go through
 * `serveStream`, so there is one implementation of the enclave's side of the protocol.
 */
export const EXIT_STREAM_CLOSED = 0;
export const EXIT_SETUP = 2;
export const EXIT_FRAMING = 3;

/** Group members may connect (the host's user is in the socket's group); nobody else. */
export const ENCLAVE_SOCKET_MODE = 0o660;

/**
 * The ready frame, then one reply frame per request frame, until the input ends (exit 0) or a
 * frame length above the cap (exit 3, after its error reply).
 */
export function serveStream(
  server: EnclaveServer,
  readyFrame: Uint8Array,
  input: Readable,
  output: Writable,
): Promise<number> {
  output.write(readyFrame);
  return new Promise<number>((resolve) => {
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      // A socket is both ends: end() lets the last replies out before it closes.
      if ((input as unknown) === output) output.end();
      else input.destroy();
      resolve(code);
    };
    input.on("data", (chunk: Buffer) => {
      if (done) return;
      const out = server.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      for (const f of out.frames) output.write(f);
      if (out.close) finish(EXIT_FRAMING);
    });
    input.on("end", () => finish(EXIT_STREAM_CLOSED));
    input.on("close", () => finish(EXIT_STREAM_CLOSED));
    input.on("error", () => finish(EXIT_STREAM_CLOSED));
    // The host went away while we were answering: same as the input closing.
    output.on("error", () => finish(EXIT_STREAM_CLOSED));
  });
}

/** A socket file left by an enclave that was killed is removed; anything else at the path is not. */
function removeStaleSocket(socketPath: string): void {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(socketPath).isSocket();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new EnclaveSetupError("INVALID_BUNDLE", `cannot inspect --socket ${socketPath}`);
  }
  if (!isSocket) {
    throw new EnclaveSetupError("INVALID_BUNDLE", `--socket ${socketPath} exists and is no socket`);
  }
  unlinkSync(socketPath);
}

export interface SocketServeOptions {
  socketPath: string;
  server: EnclaveServer;
  readyFrame: Uint8Array;
  /** One line for the operator (the enclave process's stderr, i.e. the journal). */
  log: (line: string) => void;
}

/**
 * Serve one host on a Unix socket (mode 0660). A second connection while a host is connected is
 * closed at once, before any frame, with a log line. When the host disconnects the process exits
 * (0; 3 after an oversized frame) and its supervisor starts a fresh enclave: like an SGX enclave,
 * this one's sessions and keys live exactly as long as the host that drives it.
 */
export function serveSocket(options: SocketServeOptions): Promise<number> {
  const { socketPath, log } = options;
  removeStaleSocket(socketPath);
  const listener = createServer({ allowHalfOpen: false });
  let host: Socket | undefined;
  return new Promise<number>((resolve) => {
    const stop = (code: number, ownsPath: boolean) => {
      listener.close();
      try {
        if (ownsPath) unlinkSync(socketPath);
      } catch {
        // Already gone; nothing to tidy.
      }
      resolve(code);
    };
    listener.on("connection", (socket: Socket) => {
      if (host !== undefined) {
        log(`refused a second host connection on ${socketPath}: one host at a time`);
        socket.destroy();
        return;
      }
      host = socket;
      log(`a host connected on ${socketPath}`);
      void serveStream(options.server, options.readyFrame, socket, socket).then((code) => {
        log(`the host disconnected; exiting with code ${code} (a fresh enclave serves the next)`);
        stop(code, true);
      });
    });
    listener.on("error", (error: NodeJS.ErrnoException) => {
      log(`cannot serve on ${socketPath}: ${error.code ?? error.message}`);
      stop(EXIT_SETUP, false);
    });
    listener.listen(socketPath, () => {
      chmodSync(socketPath, ENCLAVE_SOCKET_MODE);
      log(`serving one host on ${socketPath}`);
    });
  });
}
