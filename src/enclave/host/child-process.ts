import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import path from "node:path";
import { toBase64, toHex } from "../../util/index.js";
import { decodeCss } from "../bundle/css.js";
import { PACKAGE_ROOT } from "../bundle/sources.js";
import { ENCLAVE_LIMITS } from "../limits.js";
import { FramedEnclaveHost, type FramedHostOptions } from "./framed-host.js";

/**
 * The enclave as a separate OS process (reference §9.2): `process.execPath` on the enclave entry
 * with an empty environment, none of the parent's `execArgv` (so no inspector or loader flags leak
 * in), the seal secret file and the CSS as arguments, and frames over stdin/stdout.
 *
 * The frame protocol's rules are framed-host.ts's (cutting the stream kills the process); the
 * one-line report on exit is the exit status and the enclave's last stderr line; the child exits
 * when its stdin closes, so it cannot outlive this process.
 */
export const ENCLAVE_ENTRY = path.join(PACKAGE_ROOT, "src/enclave/process/entry.mjs");
/** The same entry built by scripts/build.mjs: no tsx loader in the enclave process. */
export const BUILT_ENCLAVE_ENTRY = path.join(PACKAGE_ROOT, "dist/enclave-process.mjs");

/**
 * The enclave runs from the same place as this module: built when this module is part of a dist/
 * bundle (the bins chose dist because it is fresh, and the build writes both at once), else the
 * TypeScript sources. So a host never pairs with an enclave built from other sources. Either way
 * the enclave measures the sources (bundle/sources.ts), not the built file it runs from.
 */
export function defaultEnclaveEntry(moduleUrl: string = import.meta.url): string {
  return moduleUrl.endsWith(".ts") ? ENCLAVE_ENTRY : BUILT_ENCLAVE_ENTRY;
}

export interface ChildEnclaveOptions extends FramedHostOptions {
  sealSecretPath: string;
  /** The encoded CSS (see bundle/css.ts) the enclave must verify and match. */
  cssBytes: Uint8Array;
  /** The attestation root the enclave trusts (required for a release-signed CSS). */
  attestationRoot?: Uint8Array;
  /** The script to run; tests substitute misbehaving enclaves. */
  entry?: string;
}

/** What is spawned: exported so that tests can check there is no environment and no flag. */
export function childSpawnSpec(options: ChildEnclaveOptions): {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
} {
  return {
    command: process.execPath,
    args: [
      options.entry ?? defaultEnclaveEntry(),
      "--seal-secret",
      options.sealSecretPath,
      "--css",
      toBase64(options.cssBytes),
      ...(options.attestationRoot === undefined
        ? []
        : ["--attestation-root", toHex(options.attestationRoot)]),
    ],
    env: {},
    cwd: PACKAGE_ROOT,
  };
}

/** Spawn the enclave process and wait until it has checked its identity and is ready. */
export async function startChildEnclave(
  options: ChildEnclaveOptions,
): Promise<ChildProcessEnclaveHost> {
  // Refuse a CSS that does not verify before starting anything.
  const { measurement } = decodeCss(options.cssBytes);
  const spec = childSpawnSpec(options);
  const child = spawn(spec.command, spec.args, {
    env: spec.env,
    cwd: spec.cwd,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const host = new ChildProcessEnclaveHost(child, options, measurement);
  await host.ready();
  return host;
}

/** The frame protocol (framed-host.ts) over the child's stdin and stdout. */
export class ChildProcessEnclaveHost extends FramedEnclaveHost {
  private stderrTail = "";
  private readonly exited: Promise<void>;

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    options: ChildEnclaveOptions,
    expectedMeasurement: Uint8Array,
  ) {
    super(options, expectedMeasurement);
    this.exited = new Promise((resolve) => child.once("close", () => resolve()));
    child.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
    child.stderr.on("data", (chunk: Buffer) => this.onStderr(chunk));
    child.stdin.on("error", () => {});
    child.on("error", (error) =>
      this.fail("ENCLAVE_EXITED", `cannot run the enclave: ${error.message}`),
    );
    child.once("close", (code, signal) => this.onClose(code, signal));
  }

  /** The process id of the enclave process (for tests and operators). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  protected write(bytes: Uint8Array): void {
    this.child.stdin.write(bytes);
  }

  protected endStream(): void {
    this.child.stdin.end();
  }

  protected cutStream(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }

  protected ended(): Promise<void> {
    return this.exited;
  }

  private onStderr(chunk: Buffer): void {
    this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(
      -ENCLAVE_LIMITS.stderrTailBytes,
    );
  }

  private lastStderrLine(): string {
    const lines = this.stderrTail
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "");
    return lines[lines.length - 1] ?? "";
  }

  private onClose(code: number | null, signal: NodeJS.Signals | null): void {
    const status = signal !== null ? `signal ${signal}` : `code ${code}`;
    const last = this.lastStderrLine();
    this.streamEnded(`the enclave process exited with ${status}${last === "" ? "" : `: ${last}`}`);
  }
}
