import { PROPOSE_TX_RESULT, type TxValidationCode } from "../../transaction/index.js";
import {
  CALL_NUMBERS,
  type CallName,
  callNameFromNumber,
  type EnclaveRefusal,
  type EnclaveReply,
  type EnclaveRequest,
} from "../api.js";
import {
  ENCLAVE_ERROR_WIRE,
  EnclaveError,
  type EnclaveErrorCode,
  EnclaveHostError,
  enclaveErrorCodeFromWire,
} from "../errors.js";
import { ENCLAVE_LIMITS } from "../limits.js";
import { callBodyCap, decodeCallArgs, encodeCallArgs } from "./calls.js";
import { decodeOkValue, encodeOkValue } from "./replies.js";
import { TlvReader } from "./tlv.js";

/**
 * Frames on the enclave's pipe: u32 big-endian body length ‖ body, the length at most
 * `ENCLAVE_LIMITS.frameBytesMax`.
 *   request body = id u32 ‖ call u8 ‖ arguments (see calls.ts)
 *   reply body   = id u32 ‖ 0 ‖ call u8 ‖ value        (ok)
 *                | id u32 ‖ 1 ‖ code u16               (err; id 0 when the request had none)
 *                | id u32 ‖ 1 ‖ MALFORMED_TX u16 ‖ ProposeTxResult u16   (a transaction refused)
 *                | 0 u32  ‖ 2 ‖ measurement(32)        (ready: the first frame the enclave sends)
 */
export const FRAME_HEADER_BYTES = 4;
const REQUEST_HEADER_BYTES = 5;
const STATUS_OK = 0;
const STATUS_ERR = 1;
const STATUS_READY = 2;
export const READY_ID = 0;
export const MAX_REQUEST_ID = 0xffff_ffff;

export function frame(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + body.length);
  new DataView(out.buffer).setUint32(0, body.length);
  out.set(body, FRAME_HEADER_BYTES);
  return out;
}

function header(id: number, second: number, extra: number): Uint8Array {
  const h = new Uint8Array(5 + extra);
  new DataView(h.buffer).setUint32(0, id);
  h[4] = second;
  return h;
}

function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export function encodeRequestBody(request: EnclaveRequest): Uint8Array {
  return join(header(request.id, CALL_NUMBERS[request.call.call], 0), encodeCallArgs(request.call));
}

/** A decoded request, or the refusal to send back for it. Never throws. */
export type DecodedRequest =
  | { ok: true; request: EnclaveRequest }
  | { ok: false; id: number; code: EnclaveErrorCode; message: string };

export function decodeRequestBody(body: Uint8Array): DecodedRequest {
  if (body.length < REQUEST_HEADER_BYTES) {
    const id = body.length >= 4 ? new DataView(body.buffer, body.byteOffset).getUint32(0) : 0;
    return { ok: false, id, code: "MALFORMED_FRAME", message: "body shorter than its header" };
  }
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const id = view.getUint32(0);
  const name = callNameFromNumber(body[4] as number);
  if (name === undefined) {
    return { ok: false, id, code: "UNKNOWN_CALL", message: `unknown call ${body[4]}` };
  }
  if (body.length > callBodyCap(name)) {
    return { ok: false, id, code: "CALL_TOO_LARGE", message: `${name}: body of ${body.length}` };
  }
  try {
    const call = decodeCallArgs(name, new TlvReader(body, REQUEST_HEADER_BYTES, name));
    return { ok: true, request: { id, call } };
  } catch (error) {
    if (error instanceof EnclaveError) {
      return { ok: false, id, code: error.code, message: error.message };
    }
    return { ok: false, id, code: "INVALID_ARGUMENT", message: `${name}: undecodable` };
  }
}

export function encodeReplyBody(reply: EnclaveReply): Uint8Array {
  const { id, outcome } = reply;
  if (outcome.ok) {
    const h = header(id, STATUS_OK, 1);
    h[5] = CALL_NUMBERS[outcome.value.call];
    return join(h, encodeOkValue(outcome.value));
  }
  const malformed = outcome.code === "MALFORMED_TX";
  if (malformed !== (outcome.txCode !== undefined)) {
    throw new EnclaveError("INTERNAL", "a validation code goes with MALFORMED_TX and only with it");
  }
  const h = header(id, STATUS_ERR, malformed ? 4 : 2);
  const view = new DataView(h.buffer);
  view.setUint16(5, ENCLAVE_ERROR_WIRE[outcome.code]);
  if (outcome.txCode !== undefined) view.setUint16(7, PROPOSE_TX_RESULT[outcome.txCode]);
  return h;
}

const TX_CODE_BY_NUMBER: ReadonlyMap<number, TxValidationCode> = new Map(
  (Object.entries(PROPOSE_TX_RESULT) as [keyof typeof PROPOSE_TX_RESULT, number][])
    .filter(([name]) => name !== "Ok")
    .map(([name, n]) => [n, name as TxValidationCode]),
);

function decodeRefusal(body: Uint8Array, view: DataView): EnclaveRefusal | undefined {
  const code = body.length >= 7 ? enclaveErrorCodeFromWire(view.getUint16(5)) : undefined;
  if (code === "MALFORMED_TX") {
    const txCode = body.length === 9 ? TX_CODE_BY_NUMBER.get(view.getUint16(7)) : undefined;
    return txCode === undefined ? undefined : { ok: false, code, txCode };
  }
  return code === undefined || body.length !== 7 ? undefined : { ok: false, code };
}

export function encodeReadyBody(measurement: Uint8Array): Uint8Array {
  return join(header(READY_ID, STATUS_READY, 0), measurement);
}

/** What the host reads: a ready notice or a reply to one of its calls. */
export type DecodedReply =
  | { kind: "ready"; measurement: Uint8Array }
  | { kind: "reply"; reply: EnclaveReply };

/**
 * Decode a reply; `callOf(id)` names the call pending under that id. The enclave is trusted to
 * follow the protocol, so any deviation is a `PROTOCOL_VIOLATION` that ends the connection.
 */
export function decodeReplyBody(
  body: Uint8Array,
  callOf: (id: number) => CallName | undefined,
): DecodedReply {
  const violation = (what: string) => new EnclaveHostError("PROTOCOL_VIOLATION", what);
  if (body.length < 5) throw violation("reply shorter than its header");
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const id = view.getUint32(0);
  const status = body[4];
  if (status === STATUS_READY) {
    if (id !== READY_ID || body.length !== 5 + 32) throw violation("malformed ready notice");
    return { kind: "ready", measurement: body.slice(5) };
  }
  const pending = callOf(id);
  if (pending === undefined) throw violation(`reply to unknown call id ${id}`);
  if (status === STATUS_ERR) {
    const refusal = decodeRefusal(body, view);
    if (refusal === undefined) throw violation("malformed error reply");
    return { kind: "reply", reply: { id, outcome: refusal } };
  }
  if (status !== STATUS_OK || body.length < 6) throw violation(`unknown reply status ${status}`);
  if (callNameFromNumber(body[5] as number) !== pending) {
    throw violation(`reply for call ${body[5]} to a ${pending} call`);
  }
  try {
    const value = decodeOkValue(pending, new TlvReader(body, 6, pending));
    return { kind: "reply", reply: { id, outcome: { ok: true, value } } };
  } catch (error) {
    throw violation(`undecodable ${pending} reply: ${(error as Error).message}`);
  }
}

export type FrameEvent =
  | { kind: "frame"; body: Uint8Array }
  | { kind: "too_large"; length: number };

/**
 * Cuts a byte stream into frame bodies. Chunks are kept as a list and joined once per frame, so a
 * large frame arriving in small pieces costs one copy. After a length above the cap the stream
 * cannot be resynchronised: the reader reports it once and ignores everything after.
 */
export class FrameReader {
  private chunks: Uint8Array[] = [];
  private total = 0;
  private poisoned = false;

  constructor(private readonly maxBody: number = ENCLAVE_LIMITS.frameBytesMax) {}

  /** Bytes held for an incomplete frame. */
  buffered(): number {
    return this.total;
  }

  push(chunk: Uint8Array): FrameEvent[] {
    if (this.poisoned) return [];
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.total += chunk.length;
    }
    const events: FrameEvent[] = [];
    while (this.total >= FRAME_HEADER_BYTES) {
      const length = this.peekLength();
      if (length > this.maxBody) {
        this.poisoned = true;
        this.chunks = [];
        this.total = 0;
        events.push({ kind: "too_large", length });
        break;
      }
      if (this.total < FRAME_HEADER_BYTES + length) break;
      const whole = this.take(FRAME_HEADER_BYTES + length);
      events.push({ kind: "frame", body: whole.subarray(FRAME_HEADER_BYTES) });
    }
    return events;
  }

  private peekLength(): number {
    const first = this.chunks[0] as Uint8Array;
    if (first.length >= FRAME_HEADER_BYTES) {
      return new DataView(first.buffer, first.byteOffset, first.byteLength).getUint32(0);
    }
    const head = this.take(FRAME_HEADER_BYTES, false);
    return new DataView(head.buffer).getUint32(0);
  }

  /** The first `n` buffered bytes as one array; consumed unless `consume` is false. */
  private take(n: number, consume = true): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    let whole = 0;
    while (filled < n) {
      const c = this.chunks[whole] as Uint8Array;
      const part = Math.min(c.length, n - filled);
      out.set(c.subarray(0, part), filled);
      filled += part;
      if (part === c.length) {
        whole++;
      } else {
        if (consume) this.chunks[whole] = c.subarray(part);
        break;
      }
    }
    if (consume) {
      this.chunks.splice(0, whole);
      this.total -= n;
    }
    return out;
  }
}
