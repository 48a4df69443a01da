import type { EnclaveOutcome } from "../api.js";
import {
  decodeRequestBody,
  encodeReadyBody,
  encodeReplyBody,
  FrameReader,
  frame,
} from "../codec/frames.js";
import type { SoftwareEnclave } from "../impl/enclave.js";
import { ENCLAVE_LIMITS } from "../limits.js";

/**
 * The enclave's side of the pipe, without the pipe: bytes in, reply frames out. Each request frame
 * gets exactly one reply frame, in order; a frame that does not decode gets an error reply with
 * the id it carried (0 if it carried none). A length above the frame cap cannot be skipped safely,
 * so it gets a FRAME_TOO_LARGE reply with id 0 and the server closes. Used by the enclave process
 * and, unchanged, by the in-process host, so both hosts exercise the same validation.
 */
export interface ServerOutput {
  frames: Uint8Array[];
  /** The stream is unusable; the enclave process exits after writing `frames`. */
  close: boolean;
}

export class EnclaveServer {
  private readonly reader: FrameReader;
  private closed = false;

  /** `nowMs` is the clock calls are handled at: the process's own, or a test's virtual one. */
  constructor(
    private readonly enclave: SoftwareEnclave,
    private readonly nowMs: () => number,
    maxFrameBytes: number = ENCLAVE_LIMITS.frameBytesMax,
  ) {
    this.reader = new FrameReader(maxFrameBytes);
  }

  readyFrame(measurement: Uint8Array): Uint8Array {
    return frame(encodeReadyBody(measurement));
  }

  receive(chunk: Uint8Array): ServerOutput {
    if (this.closed) return { frames: [], close: true };
    const frames: Uint8Array[] = [];
    for (const event of this.reader.push(chunk)) {
      if (event.kind === "too_large") {
        this.closed = true;
        frames.push(this.errorFrame(0, { ok: false, code: "FRAME_TOO_LARGE" }));
        return { frames, close: true };
      }
      frames.push(this.answer(event.body));
    }
    return { frames, close: false };
  }

  /** One request body to one reply frame; never throws. */
  answer(body: Uint8Array): Uint8Array {
    const decoded = decodeRequestBody(body);
    if (!decoded.ok) return this.errorFrame(decoded.id, { ok: false, code: decoded.code });
    const { id, call } = decoded.request;
    const outcome = this.enclave.handle(call, this.nowMs());
    try {
      return frame(encodeReplyBody({ id, outcome }));
    } catch {
      return this.errorFrame(id, { ok: false, code: "INTERNAL" });
    }
  }

  private errorFrame(id: number, outcome: EnclaveOutcome): Uint8Array {
    return frame(encodeReplyBody({ id, outcome }));
  }
}
