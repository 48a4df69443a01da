import { u64ToLeBytes, utf8 } from "../util/index.js";
import { MerlinTranscript } from "./merlin.js";

/**
 * MobileCoin's Digestible scheme (mc-crypto-digestible): a value is walked recursively and each
 * node appended to a Merlin transcript under a context label given by its parent. Rust derives the
 * walk from type definitions; here callers describe the value as a `DigestNode` tree with the
 * helpers below, and `appendNode` applies the omission rules.
 *
 * Omission rules: inside an aggregate, fields are "allow-omit": an absent optional value, an empty
 * sequence, and an empty bytes/str primitive append nothing. Elsewhere (top level, sequence
 * elements, `neverOmit` fields) an absent value or an empty sequence appends `none`, and an empty
 * bytes/str primitive is appended with empty data. Integers, bools and aggregates always appear.
 */

/** Primitive type names as Digestible writes them. */
export type PrimitiveType =
  | "uint"
  | "int"
  | "bool"
  | "bytes"
  | "str"
  | "scalar"
  | "ristretto"
  | "ed25519"
  | "x25519";

export type DigestNode =
  | { readonly kind: "prim"; readonly type: PrimitiveType; readonly data: Uint8Array }
  | { readonly kind: "agg"; readonly name: string; readonly fields: readonly DigestField[] }
  | { readonly kind: "seq"; readonly items: readonly DigestNode[] }
  | {
      readonly kind: "var";
      readonly name: string;
      readonly which: number;
      readonly variant: string;
      readonly value: DigestNode | undefined;
    };

/** A field of an aggregate. `value: undefined` is Rust's `None`. */
export interface DigestField {
  readonly name: string;
  readonly value: DigestNode | undefined;
  /** `#[digestible(never_omit)]`: append even when empty. */
  readonly neverOmit?: boolean;
}

/** Type and field names are a fixed vocabulary: their UTF-8 bytes are cached (bounded). */
const DIGEST_NAME_CACHE_LIMIT = 1024;
const nameCache = new Map<string, Uint8Array>();
const enc = (s: string): Uint8Array => {
  let bytes = nameCache.get(s);
  if (bytes === undefined) {
    bytes = utf8(s);
    if (nameCache.size < DIGEST_NAME_CACHE_LIMIT) nameCache.set(s, bytes);
  }
  return bytes;
};
const LABEL_PRIM = enc("prim");
const LABEL_AGG = enc("agg");
const LABEL_AGG_END = enc("agg-end");
const LABEL_SEQ = enc("seq");
const LABEL_VAR = enc("var");
const LABEL_NAME = enc("name");
const LABEL_LEN = enc("len");
const LABEL_WHICH = enc("which");
const EMPTY = new Uint8Array(0);

/** Constructors for `DigestNode`s. */
export const D = {
  prim: (type: PrimitiveType, data: Uint8Array): DigestNode => ({ kind: "prim", type, data }),
  /** A u64 (or usize) as 8 little-endian bytes. */
  u64: (value: bigint): DigestNode => D.prim("uint", u64ToLeBytes(value)),
  /** A u32 as 4 little-endian bytes. */
  u32: (value: number): DigestNode => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value, true);
    return D.prim("uint", b);
  },
  bool: (value: boolean): DigestNode => D.prim("bool", new Uint8Array([value ? 1 : 0])),
  bytes: (data: Uint8Array): DigestNode => D.prim("bytes", data),
  str: (value: string): DigestNode => D.prim("str", utf8(value)),
  /** A compressed ristretto point (32 bytes). */
  ristretto: (data: Uint8Array): DigestNode => D.prim("ristretto", data),
  scalar: (data: Uint8Array): DigestNode => D.prim("scalar", data),
  agg: (name: string, fields: readonly DigestField[]): DigestNode => ({
    kind: "agg",
    name,
    fields,
  }),
  field: (name: string, value: DigestNode | undefined, neverOmit = false): DigestField =>
    neverOmit ? { name, value, neverOmit } : { name, value },
  seq: (items: readonly DigestNode[]): DigestNode => ({ kind: "seq", items }),
  variant: (name: string, which: number, variant: string, value: DigestNode | undefined) =>
    ({ kind: "var", name, which, variant, value }) as DigestNode,
  /** A Rust tuple `(a, b, …)`: aggregate `Tuple` with fields `0`, `1`, … */
  tuple: (...items: readonly DigestNode[]): DigestNode =>
    D.agg(
      "Tuple",
      items.map((v, i) => D.field(String(i), v)),
    ),
} as const;

function isEmpty(node: DigestNode): boolean {
  if (node.kind === "seq") return node.items.length === 0;
  if (node.kind === "prim")
    return (node.type === "bytes" || node.type === "str") && node.data.length === 0;
  return false;
}

/** Append one node under `context` (not allow-omit: absent → `none`). */
export function appendNode(
  t: MerlinTranscript,
  context: string | Uint8Array,
  node: DigestNode | undefined,
): void {
  const ctx = typeof context === "string" ? enc(context) : context;
  if (node === undefined) {
    t.appendMessage(ctx, EMPTY);
    return;
  }
  switch (node.kind) {
    case "prim":
      t.appendMessage(ctx, LABEL_PRIM);
      t.appendMessage(enc(node.type), node.data);
      return;
    case "agg": {
      const name = enc(node.name);
      t.appendMessage(ctx, LABEL_AGG);
      t.appendMessage(LABEL_NAME, name);
      for (const f of node.fields) {
        if (f.value === undefined || isEmpty(f.value)) {
          if (f.neverOmit) appendNode(t, f.name, f.value);
          continue;
        }
        appendNode(t, f.name, f.value);
      }
      t.appendMessage(ctx, LABEL_AGG_END);
      t.appendMessage(LABEL_NAME, name);
      return;
    }
    case "seq":
      if (node.items.length === 0) {
        t.appendMessage(ctx, EMPTY);
        return;
      }
      t.appendMessage(ctx, LABEL_SEQ);
      t.appendMessage(LABEL_LEN, u64ToLeBytes(BigInt(node.items.length)));
      for (const item of node.items) appendNode(t, EMPTY, item);
      return;
    case "var": {
      const which = new Uint8Array(4);
      new DataView(which.buffer).setUint32(0, node.which, true);
      t.appendMessage(ctx, LABEL_VAR);
      t.appendMessage(LABEL_NAME, enc(node.name));
      t.appendMessage(LABEL_WHICH, which);
      appendNode(t, node.variant, node.value);
      return;
    }
  }
}

/** Read the 32-byte digest out of a transcript (`challenge_bytes("digest32", 32)`). */
export function extractDigest32(t: MerlinTranscript): Uint8Array {
  return t.challengeBytes("digest32", 32);
}

/** `digest32`: a fresh transcript (label `digestible` unless given), the value, the digest. */
export function digest32(
  context: string,
  node: DigestNode,
  transcriptLabel = "digestible",
): Uint8Array {
  const t = new MerlinTranscript(transcriptLabel);
  appendNode(t, context, node);
  return extractDigest32(t);
}
