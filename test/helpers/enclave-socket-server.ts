import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { PACKAGE_ROOT } from "../../src/enclave/bundle/sources.js";
import { ENCLAVE_ENTRY } from "../../src/enclave/host/child-process.js";
import { toBase64 } from "../../src/util/index.js";

/** Time for the enclave entry to load, measure its files and listen, ms. */
export const ENCLAVE_SERVER_START_DEADLINE_MS = 60_000;

export interface EnclaveSocketServer {
  readonly child: ChildProcess;
  /** Everything the process wrote to stderr so far (its log lines). */
  stderr(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL when still running (for after()). */
  kill(): void;
}

/**
 * The real enclave entry with `--socket`, as ops/mc-enclave.service runs it (empty environment);
 * resolves once it logged that it serves the socket, rejects if it exits first or is late.
 */
export async function startEnclaveSocketServer(options: {
  socketPath: string;
  sealSecretPath: string;
  cssBytes?: Uint8Array;
}): Promise<EnclaveSocketServer> {
  const args = [ENCLAVE_ENTRY, "--socket", options.socketPath];
  args.push("--seal-secret", options.sealSecretPath);
  if (options.cssBytes !== undefined) args.push("--css", toBase64(options.cssBytes));
  const child = spawn(process.execPath, args, {
    env: {},
    cwd: PACKAGE_ROOT,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr?.setEncoding("utf8");
  const exited = once(child, "exit").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const server: EnclaveSocketServer = {
    child,
    stderr: () => err,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      server.kill();
      reject(new Error(`the enclave server was not serving within the deadline: ${err}`));
    }, ENCLAVE_SERVER_START_DEADLINE_MS);
    child.stderr?.on("data", (chunk: string) => {
      err += chunk;
      if (err.includes("enclave: serving one host on")) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`the enclave server exited (${e.code ?? e.signal}): ${err}`));
    });
  });
  return server;
}
