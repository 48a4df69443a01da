import { bytesEqual, toHex } from "../../util/index.js";
import type { CallName, CallOf, EnclaveOutcome } from "../api.js";
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
 * The host's half of the frame protocol, whatever carries the bytes (a child's stdio pipe, a Unix
 * socket to a separately run enclave). Its rules:
 * - one reply per call id, at most `callsInFlightMax` calls waiting (the next is refused);
 * - a call without a reply within its timeout means the enclave is wedged: that call fails with
 *   CALL_TIMEOUT and the stream is cut (a late reply could not be trusted to match the state the
 *   caller now assumes, e.g. a session's nonce);
 * - when the stream ends, every pending call fails with ENCLAVE_EXITED and `onExit` is told once,
 *   with one line for the node to print.
 * A subclass moves the bytes: it calls `receive` with what arrives and `streamEnded` once.
 */
export interface FramedHostOptions {
  /** Time for one reply, ms (default ENCLAVE_LIMITS.callTimeoutMs)… */
  callTimeoutMs?: number;
  /** …or per call, e.g. longer for form_block. */
  callTimeoutsMs?: Partial<Record<CallName, number>>;
  callsInFlightMax?: number;
  startTimeoutMs?: number;
  /** Told once when the enclave dies or is cut off for misbehaving (not after close()). */
  onExit?: (error: EnclaveHostError) => void;
}

interface Pending {
  call: CallName;
  resolve: (outcome: EnclaveOutcome) => void;
  reject: (error: EnclaveHostError) => void;
  timer: NodeJS.Timeout;
}

export abstract class FramedEnclaveHost implements EnclaveHost {
  measurement: Uint8Array = new Uint8Array(32);
  private readonly pending = new Map<number, Pending>();
  private readonly reader = new FrameReader();
  private nextId = 1;
  private failure: EnclaveHostError | undefined;
  protected closing = false;
  protected started = false;
  private readonly readyPromise: Promise<void>;
  private readyResolve!: () => void;
  private readyReject!: (e: EnclaveHostError) => void;
  private readonly timeoutMs: number;
  private readonly inFlightMax: number;

  constructor(
    private readonly hostOptions: FramedHostOptions,
    private readonly expectedMeasurement: Uint8Array,
  ) {
    this.timeoutMs = hostOptions.callTimeoutMs ?? ENCLAVE_LIMITS.callTimeoutMs;
    this.inFlightMax = hostOptions.callsInFlightMax ?? ENCLAVE_LIMITS.callsInFlightMax;
    this.readyPromise = new Promise((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    this.readyPromise.catch(() => {});
  }

  /** Send bytes to the enclave. */
  protected abstract write(bytes: Uint8Array): void;
  /** Say goodbye: the enclave ends when its input ends. */
  protected abstract endStream(): void;
  /** Cut the enclave off now (it misbehaved); `streamEnded` follows. */
  protected abstract cutStream(): void;
  /** Resolves once the stream has ended (after `streamEnded`). */
  protected abstract ended(): Promise<void>;

  ready(): Promise<void> {
    const startTimeout = this.hostOptions.startTimeoutMs ?? ENCLAVE_LIMITS.startTimeoutMs;
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
      const timeoutMs = this.hostOptions.callTimeoutsMs?.[call.call] ?? this.timeoutMs;
      const timer = setTimeout(() => this.onTimeout(id, timeoutMs), timeoutMs);
      this.pending.set(id, {
        call: call.call,
        resolve: (outcome) => resolve(outcome as EnclaveOutcome<K>),
        reject,
        timer,
      });
      this.write(frame(encodeRequestBody({ id, call })));
    });
  }

  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      this.rejectAll(new EnclaveHostError("HOST_CLOSED", "the enclave host was closed"));
      this.endStream();
      const cutTimer = setTimeout(() => this.cutStream(), ENCLAVE_LIMITS.callTimeoutMs);
      await this.ended();
      clearTimeout(cutTimer);
    }
    await this.ended();
  }

  private allocateId(): number {
    let id = this.nextId;
    while (this.pending.has(id)) id = id === MAX_REQUEST_ID ? 1 : id + 1;
    this.nextId = id === MAX_REQUEST_ID ? 1 : id + 1;
    return id;
  }

  /** Bytes from the enclave. */
  protected receive(chunk: Buffer): void {
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
      this.fail(
        e?.code ?? "PROTOCOL_VIOLATION",
        e?.message ?? "undecodable reply from the enclave",
      );
    }
  }

  private onFrame(body: Uint8Array): void {
    const decoded = decodeReplyBody(body, (id) => this.pending.get(id)?.call);
    if (decoded.kind === "ready") {
      if (this.started) throw new EnclaveHostError("PROTOCOL_VIOLATION", "a second ready notice");
      if (!bytesEqual(decoded.measurement, this.expectedMeasurement)) {
        // A start-up failure (exit 2, no restart loop): the usual cause is configuration, an
        // enclave run apart (--enclave-socket) with another CSS than this service's.
        throw new EnclaveHostError(
          "ENCLAVE_START_FAILED",
          `the enclave is ready under measurement ${toHex(decoded.measurement)}, not ${toHex(this.expectedMeasurement)} of this service's CSS: give both the same CSS file`,
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

  private onTimeout(id: number, timeoutMs: number): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    p.reject(new EnclaveHostError("CALL_TIMEOUT", `${p.call}: no reply within ${timeoutMs} ms`));
    this.fail("CALL_TIMEOUT", `the enclave did not answer ${p.call} within ${timeoutMs} ms`);
  }

  /** The stream ended; `line` says how, for the one-line report. */
  protected streamEnded(line: string): void {
    if (!this.started) this.fail("ENCLAVE_START_FAILED", line);
    else this.fail("ENCLAVE_EXITED", line);
  }

  /** Record the first failure, cut the stream, fail everything pending, report once. */
  protected fail(code: EnclaveHostError["code"], message: string): void {
    if (this.failure !== undefined) return;
    if (this.closing && code === "ENCLAVE_EXITED") {
      this.failure = new EnclaveHostError("HOST_CLOSED", "the enclave host was closed");
      return;
    }
    const error = new EnclaveHostError(code, message);
    this.failure = error;
    this.cutStream();
    this.readyReject(error);
    this.rejectAll(
      new EnclaveHostError(code === "CALL_TIMEOUT" ? "ENCLAVE_EXITED" : code, message),
    );
    if (this.started && !this.closing) this.hostOptions.onExit?.(error);
  }

  private rejectAll(error: EnclaveHostError): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
  }
}
