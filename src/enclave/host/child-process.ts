import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import path from "node:path";
import { bytesEqual, toBase64, toHex } from "../../util/index.js";
import type { CallName, CallOf, EnclaveOutcome } from "../api.js";
import { decodeCss } from "../bundle/css.js";
import { PACKAGE_ROOT } from "../bundle/sources.js";
import {
  decodeReplyBody,
  encodeRequestBody,
  FrameReader,
  frame,
  MAX_REQUEST_ID,
} from "../codec/frames.js";
import { EnclaveHostError } from "../errors.js";
import { ENCLAVE_LIMITS } from "../limits.js";
import type { EnclaveHost } from "./host.js";

/**
 * The enclave as a separate OS process (reference §9.2): `process.execPath` on the enclave entry
 * with an empty environment, none of the parent's `execArgv` (so no inspector or loader flags leak
 * in), the seal secret file and the CSS as arguments, and frames over stdin/stdout.
 *
 * - one reply per call id, at most `callsInFlightMax` calls waiting (the next is refused);
 * - a call without a reply within its timeout means the enclave is wedged: that call fails with
 *   CALL_TIMEOUT and the process is killed (a late reply could not be trusted to match the state
 *   the caller now assumes, e.g. a session's nonce);
 * - when the process dies, every pending call fails with ENCLAVE_EXITED and `onExit` is told once,
 *   with one line (the exit status and the enclave's last stderr line) for the node to print;
 * - the child exits when its stdin closes, so it cannot outlive this process.
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

export interface ChildEnclaveOptions {
  sealSecretPath: string;
  /** The encoded CSS (see bundle/css.ts) the enclave must verify and match. */
  cssBytes: Uint8Array;
  /** The attestation root the enclave trusts (required for a release-signed CSS). */
  attestationRoot?: Uint8Array;
  /** The script to run; tests substitute misbehaving enclaves. */
  entry?: string;
  /** Time for one reply, ms (default ENCLAVE_LIMITS.callTimeoutMs)… */
  callTimeoutMs?: number;
  /** …or per call, e.g. longer for form_block. */
  callTimeoutsMs?: Partial<Record<CallName, number>>;
  callsInFlightMax?: number;
  startTimeoutMs?: number;
  /** Told once when the enclave process dies or is killed for misbehaving (not after close()). */
  onExit?: (error: EnclaveHostError) => void;
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

interface Pending {
  call: CallName;
  resolve: (outcome: EnclaveOutcome) => void;
  reject: (error: EnclaveHostError) => void;
  timer: NodeJS.Timeout;
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

export class ChildProcessEnclaveHost implements EnclaveHost {
  measurement: Uint8Array = new Uint8Array(32);
  private readonly pending = new Map<number, Pending>();
  private readonly reader = new FrameReader();
  private nextId = 1;
  private stderrTail = "";
  private failure: EnclaveHostError | undefined;
  private closing = false;
  private started = false;
  private readonly exited: Promise<void>;
  private readonly readyPromise: Promise<void>;
  private readyResolve!: () => void;
  private readyReject!: (e: EnclaveHostError) => void;
  private readonly timeoutMs: number;
  private readonly inFlightMax: number;
  private readonly expectedMeasurement: Uint8Array;

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly options: ChildEnclaveOptions,
    expectedMeasurement: Uint8Array,
  ) {
    this.timeoutMs = options.callTimeoutMs ?? ENCLAVE_LIMITS.callTimeoutMs;
    this.inFlightMax = options.callsInFlightMax ?? ENCLAVE_LIMITS.callsInFlightMax;
    this.expectedMeasurement = expectedMeasurement;
    this.readyPromise = new Promise((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    this.readyPromise.catch(() => {});
    this.exited = new Promise((resolve) => child.once("close", () => resolve()));
    child.stdout.on("data", (chunk: Buffer) => this.onData(chunk));
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

  ready(): Promise<void> {
    const startTimeout = this.options.startTimeoutMs ?? ENCLAVE_LIMITS.startTimeoutMs;
    const timer = setTimeout(
      () =>
        this.fail("ENCLAVE_START_FAILED", `the enclave was not ready within ${startTimeout} ms`),
      startTimeout,
    );
    return this.readyPromise.finally(() => clearTimeout(timer));
  }

  call<K extends CallName>(call: CallOf<K>): Promise<EnclaveOutcome<K>> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new EnclaveHostError("HOST_CLOSED", "closed"));
    if (this.pending.size >= this.inFlightMax) {
      return Promise.reject(
        new EnclaveHostError("TOO_MANY_CALLS_IN_FLIGHT", `${this.inFlightMax} calls in flight`),
      );
    }
    const id = this.allocateId();
    return new Promise<EnclaveOutcome<K>>((resolve, reject) => {
      const timeoutMs = this.options.callTimeoutsMs?.[call.call] ?? this.timeoutMs;
      const timer = setTimeout(() => this.onTimeout(id, timeoutMs), timeoutMs);
      this.pending.set(id, {
        call: call.call,
        resolve: (outcome) => resolve(outcome as EnclaveOutcome<K>),
        reject,
        timer,
      });
      this.child.stdin.write(frame(encodeRequestBody({ id, call })));
    });
  }

  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      this.rejectAll(new EnclaveHostError("HOST_CLOSED", "the enclave host was closed"));
      this.child.stdin.end();
      const killTimer = setTimeout(() => this.child.kill("SIGKILL"), ENCLAVE_LIMITS.callTimeoutMs);
      await this.exited;
      clearTimeout(killTimer);
    }
    await this.exited;
  }

  private allocateId(): number {
    let id = this.nextId;
    while (this.pending.has(id)) id = id === MAX_REQUEST_ID ? 1 : id + 1;
    this.nextId = id === MAX_REQUEST_ID ? 1 : id + 1;
    return id;
  }

  private onData(chunk: Buffer): void {
    if (this.failure !== undefined) return;
    try {
      for (const event of this.reader.push(
        new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length),
      )) {
        if (event.kind === "too_large") {
          throw new EnclaveHostError("PROTOCOL_VIOLATION", `a reply of ${event.length} bytes`);
        }
        this.onFrame(event.body);
      }
    } catch (error) {
      const e = error instanceof EnclaveHostError ? error : undefined;
      this.fail("PROTOCOL_VIOLATION", e?.message ?? "undecodable reply from the enclave");
    }
  }

  private onFrame(body: Uint8Array): void {
    const decoded = decodeReplyBody(body, (id) => this.pending.get(id)?.call);
    if (decoded.kind === "ready") {
      if (this.started) throw new EnclaveHostError("PROTOCOL_VIOLATION", "a second ready notice");
      if (!bytesEqual(decoded.measurement, this.expectedMeasurement)) {
        throw new EnclaveHostError(
          "PROTOCOL_VIOLATION",
          "the enclave is ready under another measurement",
        );
      }
      this.started = true;
      this.measurement = decoded.measurement;
      this.readyResolve();
      return;
    }
    if (!this.started) throw new EnclaveHostError("PROTOCOL_VIOLATION", "a reply before ready");
    const { id, outcome } = decoded.reply;
    const p = this.pending.get(id) as Pending;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(outcome);
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

  private onTimeout(id: number, timeoutMs: number): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    p.reject(new EnclaveHostError("CALL_TIMEOUT", `${p.call}: no reply within ${timeoutMs} ms`));
    this.fail("CALL_TIMEOUT", `the enclave did not answer ${p.call} within ${timeoutMs} ms`);
  }

  private onClose(code: number | null, signal: NodeJS.Signals | null): void {
    const status = signal !== null ? `signal ${signal}` : `code ${code}`;
    const last = this.lastStderrLine();
    const line = `the enclave process exited with ${status}${last === "" ? "" : `: ${last}`}`;
    if (!this.started) this.fail("ENCLAVE_START_FAILED", line);
    else this.fail("ENCLAVE_EXITED", line);
  }

  /** Record the first failure, stop the process, fail everything pending, report once. */
  private fail(code: EnclaveHostError["code"], message: string): void {
    if (this.failure !== undefined) return;
    if (this.closing && code === "ENCLAVE_EXITED") {
      this.failure = new EnclaveHostError("HOST_CLOSED", "the enclave host was closed");
      return;
    }
    const error = new EnclaveHostError(code, message);
    this.failure = error;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    this.readyReject(error);
    this.rejectAll(
      new EnclaveHostError(code === "CALL_TIMEOUT" ? "ENCLAVE_EXITED" : code, message),
    );
    if (this.started && !this.closing) this.options.onExit?.(error);
  }

  private rejectAll(error: EnclaveHostError): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
  }
}
