/**
 * Hand-written Merlin transcripts for golden tests. Expected digests are built from a literal list
 * of `append_message` operations fed to a bare `MerlinTranscript` (itself checked against merlin's
 * known answers in src/crypto/merlin.test.ts), never from the Digestible code under test.
 */
import { MerlinTranscript } from "../../src/crypto/index.js";
import { utf8 } from "../../src/util/index.js";

/** One `append_message(label, data)`; a string is its UTF-8 bytes. */
export type Op = readonly [label: string, data: string | Uint8Array];

export const le32 = (n: number): Uint8Array =>
  new Uint8Array([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24]);
export const le64 = (n: number): Uint8Array => new Uint8Array([...le32(n), 0, 0, 0, 0]);
export const filled = (byte: number): Uint8Array => new Uint8Array(32).fill(byte);

/** What `digest32::<MerlinTranscript>` does around the appends, with the transcript's label. */
export function transcriptDigest(transcriptLabel: string, ops: readonly Op[]): Uint8Array {
  const t = new MerlinTranscript(transcriptLabel);
  for (const [label, data] of ops)
    t.appendMessage(utf8(label), typeof data === "string" ? utf8(data) : data);
  return t.challengeBytes("digest32", 32);
}

/**
 * `BlockMetadataContents::digest32(b"block_metadata")` for the sample ledger's shape: a quorum set
 * of threshold 1 over the one signing node, no attestation evidence.
 */
export function oneNodeMetadataDigest(
  blockId: Uint8Array,
  responderId: string,
  key: Uint8Array,
): Uint8Array {
  // biome-ignore format: one transcript operation per line, indented by nesting
  const ops: readonly Op[] = [
    ["block_metadata", "agg"], ["name", "BlockMetadataContents"],
      ["block_id", "prim"], ["bytes", blockId],
      ["quorum_set", "agg"], ["name", "QuorumSet"],
        ["threshold", "prim"], ["uint", le32(1)],
        ["members", "seq"], ["len", le64(1)],
          ["", "agg"], ["name", "QuorumSetMemberWrapper"],
            ["member", "var"], ["name", "QuorumSetMember"], ["which", le32(0)],
            ["Node", "agg"], ["name", "NodeID"],
              ["responder_id", "agg"], ["name", "ResponderId"],
                ["0", "prim"], ["str", responderId],
              ["responder_id", "agg-end"], ["name", "ResponderId"],
              ["public_key", "agg"], ["name", "Ed25519Public"],
                ["0", "prim"], ["ed25519", key],
              ["public_key", "agg-end"], ["name", "Ed25519Public"],
            ["Node", "agg-end"], ["name", "NodeID"],
          ["", "agg-end"], ["name", "QuorumSetMemberWrapper"],
      ["quorum_set", "agg-end"], ["name", "QuorumSet"],
      ["responder_id", "agg"], ["name", "ResponderId"],
        ["0", "prim"], ["str", responderId],
      ["responder_id", "agg-end"], ["name", "ResponderId"],
    ["block_metadata", "agg-end"], ["name", "BlockMetadataContents"],
  ];
  return transcriptDigest("digestible", ops);
}
