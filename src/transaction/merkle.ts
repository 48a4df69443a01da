import { create } from "@bufbuild/protobuf";
import { blake2b256, D, type DigestNode } from "../crypto/index.js";
import {
  type TxOutMembershipProof as ProtoMembershipProof,
  TxOutMembershipProofSchema,
} from "../proto/external_pb.js";
import { bytesEqual, CodedError, utf8 } from "../util/index.js";
import { TransactionError } from "./errors.js";
import { type TxOut, txOutHash } from "./tx-out.js";

/**
 * The TxOut Merkle tree over every output ever created (leaves by global index), membership
 * proofs, their verification and their roll-back to an earlier tree size (reference
 * transactions.md §5.2). A subtree whose range starts at or beyond the number of leaves is
 * represented by `NIL_HASH` directly.
 */

const LEAF_TAG = utf8("mc_tx_out_merkle_leaf");
const NODE_TAG = utf8("mc_tx_out_merkle_node");

/** `Blake2b-256("mc_tx_out_merkle_nil")`. */
export const NIL_HASH = blake2b256(utf8("mc_tx_out_merkle_nil"));

/** Most elements a membership proof may carry: one leaf plus one sibling per level of a u64 tree. */
export const MEMBERSHIP_PROOF_MAX_ELEMENTS = 65;

/** An inclusive range of leaf indices. */
export interface MerkleRange {
  readonly from: bigint;
  readonly to: bigint;
}

export interface TxOutMembershipElement {
  readonly range: MerkleRange;
  /** 32 bytes. */
  readonly hash: Uint8Array;
}

export interface TxOutMembershipProof {
  readonly index: bigint;
  readonly highestIndex: bigint;
  readonly elements: readonly TxOutMembershipElement[];
}

/** Codes of MobileCoin's membership-proof `Error`s. */
export const MEMBERSHIP_PROOF_ERROR_CODES = [
  "HighestIndexMismatch",
  "MissingLeafHash",
  "IncorrectLeafHash",
  "RangeError",
  "UnexpectedMembershipElement",
  "RootNotCoveringZero",
  "CannotDeriveProof",
] as const;
export type MembershipProofErrorCode = (typeof MEMBERSHIP_PROOF_ERROR_CODES)[number];

/** A malformed membership proof (as opposed to a well-formed one that misses the root). */
export class MembershipProofError extends CodedError<MembershipProofErrorCode> {
  constructor(
    code: MembershipProofErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, payload, message);
    this.name = "MembershipProofError";
  }
}

/** Leaf hash of a TxOut hash: `Blake2b-256("mc_tx_out_merkle_leaf" ‖ TxOut.hash())`. */
export function merkleLeafHash(txOutDigest: Uint8Array): Uint8Array {
  return blake2b256(LEAF_TAG, txOutDigest);
}

/** Leaf hash of a TxOut. */
export function txOutLeafHash(txOut: TxOut): Uint8Array {
  return merkleLeafHash(txOutHash(txOut));
}

/** Internal node hash. */
export function merkleNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return blake2b256(NODE_TAG, left, right);
}

function nextPowerOfTwo(n: bigint): bigint {
  let p = 1n;
  while (p < n) p <<= 1n;
  return p;
}

/**
 * An in-memory TxOut Merkle tree that grows by appending leaves. Level `k` keeps the hash of each
 * aligned range of 2^k leaves that starts below the current size; appending updates one path.
 */
export class TxOutMerkleTree {
  private readonly levels: Uint8Array[][] = [[]];

  /** Number of leaves. */
  get size(): bigint {
    return BigInt(this.levels[0]!.length);
  }

  appendLeafHash(leaf: Uint8Array): void {
    if (leaf.length !== 32) throw new TransactionError("INVALID_FIELD", "a leaf hash is 32 bytes");
    const index = this.levels[0]!.length;
    this.levels[0]!.push(leaf.slice());
    const size = index + 1;
    for (let k = 1; 2 ** (k - 1) < size; k++) {
      if (this.levels[k] === undefined) this.levels[k] = [];
      const i = index >>> k;
      this.levels[k]![i] = merkleNodeHash(this.hashAt(k - 1, 2 * i), this.hashAt(k - 1, 2 * i + 1));
    }
  }

  append(txOut: TxOut): void {
    this.appendLeafHash(txOutLeafHash(txOut));
  }

  /** Hash of the aligned range `[i·2^k, (i+1)·2^k − 1]`, NIL if it starts past the last leaf. */
  private hashAt(k: number, i: number): Uint8Array {
    return this.levels[k]?.[i] ?? NIL_HASH;
  }

  /** The root element: range `[0, next_pow2(size) − 1]`; NIL for an empty tree. */
  rootElement(): TxOutMembershipElement {
    const n = this.size;
    if (n === 0n) return { range: { from: 0n, to: 0n }, hash: NIL_HASH };
    const width = nextPowerOfTwo(n);
    const k = width.toString(2).length - 1;
    return { range: { from: 0n, to: width - 1n }, hash: this.hashAt(k, 0) };
  }

  /** The membership proof of leaf `index` against the current tree. */
  proof(index: bigint): TxOutMembershipProof {
    const n = this.size;
    if (index < 0n || index >= n) {
      throw new TransactionError("INVALID_FIELD", "no TxOut at that index", {
        index: String(index),
      });
    }
    const i = Number(index);
    const elements: TxOutMembershipElement[] = [
      { range: { from: index, to: index }, hash: this.hashAt(0, i) },
    ];
    const depth = nextPowerOfTwo(n).toString(2).length - 1;
    for (let d = 1; d <= depth; d++) {
      const sibling = (i >>> (d - 1)) ^ 1;
      const width = 2 ** (d - 1);
      const from = BigInt(sibling * width);
      elements.push({
        range: { from, to: from + BigInt(width) - 1n },
        hash: this.hashAt(d - 1, sibling),
      });
    }
    return { index, highestIndex: n - 1n, elements };
  }
}

function checkRanges(proof: TxOutMembershipProof): void {
  if (proof.elements.length > MEMBERSHIP_PROOF_MAX_ELEMENTS) {
    throw new MembershipProofError("RangeError", "membership proof has too many elements");
  }
  for (const e of proof.elements) {
    if (e.range.from > e.range.to) {
      throw new MembershipProofError("RangeError", "membership element range is inverted");
    }
    if (e.hash.length !== 32) {
      throw new MembershipProofError("RangeError", "membership element hash must be 32 bytes");
    }
  }
}

/**
 * Fold a proof's elements into the root element it implies (`compute_implied_merkle_root`).
 * Throws a `MembershipProofError` for a malformed proof.
 */
export function computeImpliedMerkleRoot(proof: TxOutMembershipProof): TxOutMembershipElement {
  checkRanges(proof);
  if (proof.index > proof.highestIndex) {
    throw new MembershipProofError("HighestIndexMismatch", "index is above highest_index");
  }
  const first = proof.elements[0];
  if (first === undefined || first.range.from !== proof.index || first.range.to !== proof.index) {
    throw new MembershipProofError("MissingLeafHash", "the first element must be the leaf");
  }
  let range = first.range;
  let hash = first.hash;
  proof.elements.forEach((e, idx) => {
    if (idx === 0) return;
    if (range.to + 1n === e.range.from) {
      hash = merkleNodeHash(hash, e.hash);
      range = { from: range.from, to: e.range.to };
    } else if (e.range.to + 1n === range.from) {
      hash = merkleNodeHash(e.hash, hash);
      range = { from: e.range.from, to: range.to };
    } else {
      throw new MembershipProofError("UnexpectedMembershipElement", "element is not adjacent", {
        element: idx,
      });
    }
  });
  if (range.from !== 0n) {
    throw new MembershipProofError("RootNotCoveringZero", "proof does not reach index 0");
  }
  if (range.to < proof.highestIndex) {
    throw new MembershipProofError("HighestIndexMismatch", "proof does not cover highest_index");
  }
  return { range, hash };
}

/**
 * `is_membership_proof_valid`: the proof's leaf is this TxOut and its elements fold to
 * `rootHash`. Throws a `MembershipProofError` for a malformed proof; false for a wrong root.
 */
export function isMembershipProofValid(
  txOut: TxOut,
  proof: TxOutMembershipProof,
  rootHash: Uint8Array,
): boolean {
  checkRanges(proof);
  if (proof.index > proof.highestIndex) {
    throw new MembershipProofError("HighestIndexMismatch", "index is above highest_index");
  }
  const first = proof.elements[0];
  if (first === undefined || first.range.from !== proof.index || first.range.to !== proof.index) {
    throw new MembershipProofError("MissingLeafHash", "the first element must be the leaf");
  }
  if (!bytesEqual(first.hash, txOutLeafHash(txOut))) {
    throw new MembershipProofError("IncorrectLeafHash", "the leaf is not this TxOut");
  }
  return bytesEqual(computeImpliedMerkleRoot(proof).hash, rootHash);
}

function rangeLength(r: MerkleRange): bigint {
  return r.to - r.from + 1n;
}

/** MobileCoin's `Range` order: by length, then by (from, to). */
function rangeGreater(a: MerkleRange, b: MerkleRange): boolean {
  const la = rangeLength(a);
  const lb = rangeLength(b);
  if (la !== lb) return la > lb;
  if (a.from !== b.from) return a.from > b.from;
  return a.to > b.to;
}

/**
 * `derive_proof_at_index`: roll a proof back to the tree as it was with `index + 1` leaves (its
 * own index becomes the highest). Used to check a client's proof against a fresh "root proof" for
 * its `highest_index`. Throws `CannotDeriveProof` when an element straddles the index.
 */
export function deriveProofAtIndex(proof: TxOutMembershipProof): TxOutMembershipProof {
  checkRanges(proof);
  const index = proof.index;
  const rootRange = { from: 0n, to: nextPowerOfTwo(index + 1n) - 1n };
  const elements: TxOutMembershipElement[] = [];
  for (const e of proof.elements) {
    if (rangeGreater(e.range, rootRange)) continue;
    if (e.range.from > index) {
      elements.push({ range: e.range, hash: NIL_HASH });
    } else if (e.range.to <= index || (e.range.from === index && e.range.to === index)) {
      elements.push(e);
    } else {
      throw new MembershipProofError("CannotDeriveProof", "an element straddles the index");
    }
  }
  return { index, highestIndex: index, elements };
}

/** Digestible node: aggregate `TxOutMembershipProof` { index, highest_index, elements }. */
export function membershipProofDigestNode(p: TxOutMembershipProof): DigestNode {
  return D.agg("TxOutMembershipProof", [
    D.field("index", D.u64(p.index)),
    D.field("highest_index", D.u64(p.highestIndex)),
    D.field("elements", D.seq(p.elements.map(membershipElementDigestNode))),
  ]);
}

/** Digestible node: aggregate `TxOutMembershipElement` { range: Range { from, to }, hash }. */
export function membershipElementDigestNode(e: TxOutMembershipElement): DigestNode {
  return D.agg("TxOutMembershipElement", [
    D.field(
      "range",
      D.agg("Range", [D.field("from", D.u64(e.range.from)), D.field("to", D.u64(e.range.to))]),
    ),
    D.field("hash", D.bytes(e.hash)),
  ]);
}

/** From the protobuf message; lengths and counts are checked, ranges only when verified. */
export function membershipProofFromProto(p: ProtoMembershipProof): TxOutMembershipProof {
  if (p.elements.length > MEMBERSHIP_PROOF_MAX_ELEMENTS) {
    throw new TransactionError("LIMIT_EXCEEDED", "membership proof has too many elements");
  }
  return {
    index: p.index,
    highestIndex: p.highestIndex,
    elements: p.elements.map((e) => {
      const hash = e.hash?.data ?? new Uint8Array(0);
      if (hash.length !== 32) {
        throw new TransactionError("INVALID_FIELD", "membership element hash must be 32 bytes");
      }
      return { range: { from: e.range?.from ?? 0n, to: e.range?.to ?? 0n }, hash };
    }),
  };
}

export function membershipProofToProto(p: TxOutMembershipProof): ProtoMembershipProof {
  return create(TxOutMembershipProofSchema, {
    index: p.index,
    highestIndex: p.highestIndex,
    elements: p.elements.map((e) => ({
      range: { from: e.range.from, to: e.range.to },
      hash: { data: e.hash },
    })),
  });
}
