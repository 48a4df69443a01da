import { utf8 } from "../util/index.js";
import { keccakF1600 } from "./keccak-wasm.js";

/**
 * Merlin transcripts (merlin 3.0, protocol "Merlin v1.0") over the STROBE-128 subset that merlin
 * uses, on Keccak-f[1600]. MobileCoin uses them for every structured hash (Digestible, BlockID)
 * and every Fiat–Shamir challenge (Bulletproofs, Schnorrkel).
 */

/** STROBE-128 rate: 200-byte state minus 2·128/8 capacity bytes minus 2 padding bytes. */
const STROBE_R = 166;

const FLAG_I = 1;
const FLAG_A = 1 << 1;
const FLAG_C = 1 << 2;
const FLAG_T = 1 << 3;
const FLAG_M = 1 << 4;
const FLAG_K = 1 << 5;

// keccakP works on 32-bit words; the byte view below is only the lane layout on little-endian hosts.
const HOST_IS_LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function permute(words: Uint32Array): void {
  if (!HOST_IS_LE) for (let i = 0; i < 50; i++) words[i] = swap32(words[i]!);
  keccakF1600(words);
  if (!HOST_IS_LE) for (let i = 0; i < 50; i++) words[i] = swap32(words[i]!);
}

function swap32(x: number): number {
  return (
    (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | ((x >>> 24) & 0xff)) >>> 0
  );
}

/** The STROBE-128 duplex as merlin drives it (no transport operations). */
class Strobe128 {
  private readonly words: Uint32Array;
  private readonly state: Uint8Array;
  private pos = 0;
  private posBegin = 0;
  private curFlags = 0;

  constructor(protocolLabel: Uint8Array | null, copyFrom?: Strobe128) {
    this.words = new Uint32Array(50);
    this.state = new Uint8Array(this.words.buffer);
    if (copyFrom !== undefined) {
      this.words.set(copyFrom.words);
      this.pos = copyFrom.pos;
      this.posBegin = copyFrom.posBegin;
      this.curFlags = copyFrom.curFlags;
      return;
    }
    this.state.set([1, STROBE_R + 2, 1, 0, 1, 96]);
    this.state.set(utf8("STROBEv1.0.2"), 6);
    permute(this.words);
    if (protocolLabel !== null) this.metaAd(protocolLabel, false);
  }

  clone(): Strobe128 {
    return new Strobe128(null, this);
  }

  metaAd(data: Uint8Array, more: boolean): void {
    this.beginOp(FLAG_M | FLAG_A, more);
    this.absorb(data);
  }

  ad(data: Uint8Array, more: boolean): void {
    this.beginOp(FLAG_A, more);
    this.absorb(data);
  }

  prf(out: Uint8Array, more: boolean): void {
    this.beginOp(FLAG_I | FLAG_A | FLAG_C, more);
    this.squeeze(out);
  }

  key(data: Uint8Array, more: boolean): void {
    this.beginOp(FLAG_A | FLAG_C, more);
    this.overwrite(data);
  }

  private runF(): void {
    this.state[this.pos]! ^= this.posBegin;
    this.state[this.pos + 1]! ^= 0x04;
    this.state[STROBE_R + 1]! ^= 0x80;
    permute(this.words);
    this.pos = 0;
    this.posBegin = 0;
  }

  private absorb(data: Uint8Array): void {
    const state = this.state;
    let i = 0;
    while (i < data.length) {
      const take = Math.min(STROBE_R - this.pos, data.length - i);
      let pos = this.pos;
      for (const end = i + take; i < end; i++, pos++) state[pos]! ^= data[i]!;
      this.pos = pos;
      if (pos === STROBE_R) this.runF();
    }
  }

  private absorbByte(byte: number): void {
    this.state[this.pos]! ^= byte;
    this.pos++;
    if (this.pos === STROBE_R) this.runF();
  }

  private overwrite(data: Uint8Array): void {
    for (const byte of data) {
      this.state[this.pos] = byte;
      this.pos++;
      if (this.pos === STROBE_R) this.runF();
    }
  }

  private squeeze(out: Uint8Array): void {
    for (let i = 0; i < out.length; i++) {
      out[i] = this.state[this.pos]!;
      this.state[this.pos] = 0;
      this.pos++;
      if (this.pos === STROBE_R) this.runF();
    }
  }

  private beginOp(flags: number, more: boolean): void {
    if (more) {
      // Continuing an operation: merlin only ever continues the one it just began.
      if (this.curFlags !== flags) throw new Error("strobe: continued a different operation");
      return;
    }
    if ((flags & FLAG_T) !== 0) throw new Error("strobe: transport operations are not supported");
    const oldBegin = this.posBegin;
    this.posBegin = this.pos + 1;
    this.curFlags = flags;
    this.absorbByte(oldBegin);
    this.absorbByte(flags);
    const forceF = (flags & (FLAG_C | FLAG_K)) !== 0;
    if (forceF && this.pos !== 0) this.runF();
  }
}

const MERLIN_PROTOCOL_LABEL = utf8("Merlin v1.0");

const U32_SCRATCH = new Uint8Array(4);
const U32_SCRATCH_VIEW = new DataView(U32_SCRATCH.buffer);

/** The u32 in a shared scratch buffer: callers absorb it at once, so it is never held. */
function u32le(n: number): Uint8Array {
  U32_SCRATCH_VIEW.setUint32(0, n, true);
  return U32_SCRATCH;
}

/**
 * Labels are a small fixed vocabulary (field and type names, protocol labels), so their UTF-8
 * bytes, and the STROBE state right after a transcript's domain separator, are cached up to this
 * many entries; beyond it they are computed each time.
 */
export const MERLIN_LABEL_CACHE_LIMIT = 512;
const labelCache = new Map<string, Uint8Array>();

function labelBytes(label: string | Uint8Array): Uint8Array {
  if (typeof label !== "string") return label;
  let bytes = labelCache.get(label);
  if (bytes === undefined) {
    bytes = utf8(label);
    if (labelCache.size < MERLIN_LABEL_CACHE_LIMIT) labelCache.set(label, bytes);
  }
  return bytes;
}

/** STROBE states after `Transcript::new(label)`, by label: a new transcript clones one. */
const initialStates = new Map<string, Strobe128>();

/** A Merlin transcript. Labels may be given as strings (UTF-8) or raw bytes. */
export class MerlinTranscript {
  private readonly strobe: Strobe128;

  constructor(label: string | Uint8Array, from?: Strobe128) {
    if (from !== undefined) {
      this.strobe = from;
      return;
    }
    const cached = typeof label === "string" ? initialStates.get(label) : undefined;
    if (cached !== undefined) {
      this.strobe = cached.clone();
      return;
    }
    this.strobe = new Strobe128(MERLIN_PROTOCOL_LABEL);
    this.appendMessage("dom-sep", labelBytes(label));
    if (typeof label === "string" && initialStates.size < MERLIN_LABEL_CACHE_LIMIT) {
      initialStates.set(label, this.strobe.clone());
    }
  }

  /** An independent copy of the transcript in its current state. */
  clone(): MerlinTranscript {
    return new MerlinTranscript("", this.strobe.clone());
  }

  /** `append_message`: the label, the message's u32 length, then the message. */
  appendMessage(label: string | Uint8Array, message: Uint8Array): void {
    this.strobe.metaAd(labelBytes(label), false);
    this.strobe.metaAd(u32le(message.length), true);
    this.strobe.ad(message, false);
  }

  /** `append_u64`: the value as 8 little-endian bytes. */
  appendU64(label: string | Uint8Array, value: bigint): void {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
    this.appendMessage(label, bytes);
  }

  /** `challenge_bytes`: `length` pseudorandom bytes bound to everything appended so far. */
  challengeBytes(label: string | Uint8Array, length: number): Uint8Array {
    const out = new Uint8Array(length);
    this.strobe.metaAd(labelBytes(label), false);
    this.strobe.metaAd(u32le(length), true);
    this.strobe.prf(out, false);
    return out;
  }

  /**
   * The transcript RNG of merlin (`build_rng().rekey_with_witness_bytes(..).finalize(..)`):
   * a clone of this transcript keyed with the witnesses and 32 external bytes, from which
   * `fill(n)` draws bytes. Schnorrkel derives signing nonces this way.
   */
  buildRng(
    witnesses: readonly { label: string | Uint8Array; bytes: Uint8Array }[],
    entropy32: Uint8Array,
  ): { fill(length: number): Uint8Array } {
    const strobe = this.strobe.clone();
    for (const w of witnesses) {
      strobe.metaAd(labelBytes(w.label), false);
      strobe.metaAd(u32le(w.bytes.length), true);
      strobe.key(w.bytes, false);
    }
    strobe.metaAd(utf8("rng"), false);
    strobe.key(entropy32, false);
    return {
      fill(length: number): Uint8Array {
        const out = new Uint8Array(length);
        strobe.metaAd(u32le(length), false);
        strobe.prf(out, false);
        return out;
      },
    };
  }
}
