// Goal: block metadata is signed over MobileCoin's exact `digest32("block_metadata")` of
// `BlockMetadataContents`, and `NodeID` / `ResponderId` digest as MobileCoin's derive makes them.
// Method: the expected Merlin transcripts are written out here operation by operation, from the
// Rust types (common/src/responder_id.rs, common/src/node_id.rs, crypto/keys/src/ed25519.rs,
// consensus/scp/types/src/quorum_set.rs, blockchain/types/src/block_metadata.rs) and the rules
// of crypto/digestible/src/lib.rs and crypto/digestible/derive/src/lib.rs:
//   struct (not transparent): (ctx,"agg") ("name",Type) fields… (ctx,"agg-end") ("name",Type);
//   fields are allow-omit (empty Vec / None / empty str skipped) unless never_omit;
//   Vec: (ctx,"seq") ("len",u64 LE) then each element with context "";
//   enum: (ctx,"var") ("name",Enum) ("which",u32 LE) then the payload under the variant name;
//   primitive: (ctx,"prim") (typename,bytes).
// The transcripts are fed to a bare MerlinTranscript (checked against merlin's own known answers in
// src/crypto/merlin.test.ts); the Digestible code under test plays no part in the expected values.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { filled, le32, le64, type Op, transcriptDigest } from "../../test/helpers/transcripts.js";
import { digest32, Ed25519Signer, ed25519Verify } from "../crypto/index.js";
import { SwEvidenceSchema } from "../proto/sw_attestation_pb.js";
import { SeededRandom, toHex } from "../util/index.js";
import {
  type BlockMetadataContents,
  blockMetadataFromProto,
  blockMetadataToProto,
  metadataSigningDigest,
  nodeIdDigestNode,
  responderIdDigestNode,
  signBlockMetadata,
  verifyBlockMetadata,
} from "./index.js";

const merlinDigest = (ops: readonly Op[]) => transcriptDigest("digestible", ops);

const pkA = filled(0xa1);
const pkB = filled(0xb2);
const pkC = filled(0xc3);
const blockId = filled(0x11);

const contents: BlockMetadataContents = {
  blockId,
  quorumSet: {
    threshold: 2,
    members: [
      { type: "Node", node: { responderId: "a.example:443", publicKey: pkA } },
      {
        type: "InnerSet",
        set: {
          threshold: 1,
          members: [
            { type: "Node", node: { responderId: "b.example:443", publicKey: pkB } },
            { type: "Node", node: { responderId: "c.example:443", publicKey: pkC } },
          ],
        },
      },
      { type: "InnerSet", set: { threshold: 0, members: [] } },
    ],
  },
  attestationEvidence: undefined,
  responderId: "a.example:443",
};

// biome-ignore format: one transcript operation per line, indented by nesting
const contentsOps: readonly Op[] = [
  ["block_metadata", "agg"], ["name", "BlockMetadataContents"],
    ["block_id", "prim"], ["bytes", blockId],
    ["quorum_set", "agg"], ["name", "QuorumSet"],
      ["threshold", "prim"], ["uint", le32(2)],
      ["members", "seq"], ["len", le64(3)],
        ["", "agg"], ["name", "QuorumSetMemberWrapper"],
          ["member", "var"], ["name", "QuorumSetMember"], ["which", le32(0)],
          ["Node", "agg"], ["name", "NodeID"],
            ["responder_id", "agg"], ["name", "ResponderId"],
              ["0", "prim"], ["str", "a.example:443"],
            ["responder_id", "agg-end"], ["name", "ResponderId"],
            ["public_key", "agg"], ["name", "Ed25519Public"],
              ["0", "prim"], ["ed25519", pkA],
            ["public_key", "agg-end"], ["name", "Ed25519Public"],
          ["Node", "agg-end"], ["name", "NodeID"],
        ["", "agg-end"], ["name", "QuorumSetMemberWrapper"],
        ["", "agg"], ["name", "QuorumSetMemberWrapper"],
          ["member", "var"], ["name", "QuorumSetMember"], ["which", le32(1)],
          ["InnerSet", "agg"], ["name", "QuorumSet"],
            ["threshold", "prim"], ["uint", le32(1)],
            ["members", "seq"], ["len", le64(2)],
              ["", "agg"], ["name", "QuorumSetMemberWrapper"],
                ["member", "var"], ["name", "QuorumSetMember"], ["which", le32(0)],
                ["Node", "agg"], ["name", "NodeID"],
                  ["responder_id", "agg"], ["name", "ResponderId"],
                    ["0", "prim"], ["str", "b.example:443"],
                  ["responder_id", "agg-end"], ["name", "ResponderId"],
                  ["public_key", "agg"], ["name", "Ed25519Public"],
                    ["0", "prim"], ["ed25519", pkB],
                  ["public_key", "agg-end"], ["name", "Ed25519Public"],
                ["Node", "agg-end"], ["name", "NodeID"],
              ["", "agg-end"], ["name", "QuorumSetMemberWrapper"],
              ["", "agg"], ["name", "QuorumSetMemberWrapper"],
                ["member", "var"], ["name", "QuorumSetMember"], ["which", le32(0)],
                ["Node", "agg"], ["name", "NodeID"],
                  ["responder_id", "agg"], ["name", "ResponderId"],
                    ["0", "prim"], ["str", "c.example:443"],
                  ["responder_id", "agg-end"], ["name", "ResponderId"],
                  ["public_key", "agg"], ["name", "Ed25519Public"],
                    ["0", "prim"], ["ed25519", pkC],
                  ["public_key", "agg-end"], ["name", "Ed25519Public"],
                ["Node", "agg-end"], ["name", "NodeID"],
              ["", "agg-end"], ["name", "QuorumSetMemberWrapper"],
          ["InnerSet", "agg-end"], ["name", "QuorumSet"],
        ["", "agg-end"], ["name", "QuorumSetMemberWrapper"],
        // An inner set with no members: its empty `members` Vec is omitted (allow-omit).
        ["", "agg"], ["name", "QuorumSetMemberWrapper"],
          ["member", "var"], ["name", "QuorumSetMember"], ["which", le32(1)],
          ["InnerSet", "agg"], ["name", "QuorumSet"],
            ["threshold", "prim"], ["uint", le32(0)],
          ["InnerSet", "agg-end"], ["name", "QuorumSet"],
        ["", "agg-end"], ["name", "QuorumSetMemberWrapper"],
    ["quorum_set", "agg-end"], ["name", "QuorumSet"],
    // attestation_evidence (digest name `verification_report`) is None: omitted.
    ["responder_id", "agg"], ["name", "ResponderId"],
      ["0", "prim"], ["str", "a.example:443"],
    ["responder_id", "agg-end"], ["name", "ResponderId"],
  ["block_metadata", "agg-end"], ["name", "BlockMetadataContents"],
];

describe("block metadata digest (MobileCoin-exact, hand-written transcripts)", () => {
  it("digests BlockMetadataContents with a nested quorum set as MobileCoin does", () => {
    assert.equal(toHex(metadataSigningDigest(contents)), toHex(merlinDigest(contentsOps)));
  });

  it("digests a NodeID as an aggregate holding a ResponderId aggregate", () => {
    const pk = filled(0x5a);
    // biome-ignore format: one transcript operation per line, indented by nesting
    const ops: readonly Op[] = [
      ["node", "agg"], ["name", "NodeID"],
        ["responder_id", "agg"], ["name", "ResponderId"],
          ["0", "prim"], ["str", "peer1.example:8443"],
        ["responder_id", "agg-end"], ["name", "ResponderId"],
        ["public_key", "agg"], ["name", "Ed25519Public"],
          ["0", "prim"], ["ed25519", pk],
        ["public_key", "agg-end"], ["name", "Ed25519Public"],
      ["node", "agg-end"], ["name", "NodeID"],
    ];
    const actual = digest32(
      "node",
      nodeIdDigestNode({ responderId: "peer1.example:8443", publicKey: pk }),
    );
    assert.equal(toHex(actual), toHex(merlinDigest(ops)));
  });

  it("appends an empty responder id (never_omit) instead of skipping it", () => {
    // biome-ignore format: one transcript operation per line, indented by nesting
    const ops: readonly Op[] = [
      ["rid", "agg"], ["name", "ResponderId"],
        ["0", "prim"], ["str", ""],
      ["rid", "agg-end"], ["name", "ResponderId"],
    ];
    assert.equal(toHex(digest32("rid", responderIdDigestNode(""))), toHex(merlinDigest(ops)));
  });

  it("signs over, and verifies against, MobileCoin's digest", () => {
    const signer = Ed25519Signer.generate(new SeededRandom("metadata-digest"));
    const golden = merlinDigest(contentsOps);
    const signed = signBlockMetadata(contents, signer);
    assert.ok(
      ed25519Verify(signer.publicKey, golden, signed.signature),
      "the metadata signature does not verify over the hand-written digest",
    );
    // A signature made outside this package over the golden digest verifies.
    const external = { contents, nodeKey: signer.publicKey, signature: signer.sign(golden) };
    assert.ok(
      verifyBlockMetadata(external, blockId),
      "a signature over the hand-written digest is refused",
    );
  });

  it("digests SW evidence under `verification_report` as prost's derive would (ours, not upstream's)", () => {
    const [statement, signature, key, custom] = [filled(1), filled(2), filled(4), filled(5)];
    const [body1, sig1, body2, sig2] = [filled(6), filled(7), filled(8), filled(9)];
    const nonce = new Uint8Array(16).fill(3);
    const sw: BlockMetadataContents = {
      blockId,
      quorumSet: { threshold: 0, members: [] },
      attestationEvidence: {
        kind: "sw",
        evidence: create(SwEvidenceSchema, {
          statement,
          signature,
          authorityChain: [
            { body: body1, signature: sig1 },
            { body: body2, signature: sig2 },
          ],
          reportDataContents: { nonce: nonce, key, customIdentity: custom },
        }),
      },
      responderId: "",
    };
    // biome-ignore format: one transcript operation per line, indented by nesting
    const ops: readonly Op[] = [
      ["block_metadata", "agg"], ["name", "BlockMetadataContents"],
        ["block_id", "prim"], ["bytes", blockId],
        ["quorum_set", "agg"], ["name", "QuorumSet"],
          ["threshold", "prim"], ["uint", le32(0)],
        ["quorum_set", "agg-end"], ["name", "QuorumSet"],
        // The transparent enum adds nothing of its own: SwEvidence sits under the field name.
        ["verification_report", "agg"], ["name", "SwEvidence"],
          ["statement", "prim"], ["bytes", statement],
          ["signature", "prim"], ["bytes", signature],
          ["authority_chain", "seq"], ["len", le64(2)],
            ["", "agg"], ["name", "AuthorityCertificate"],
              ["body", "prim"], ["bytes", body1],
              ["signature", "prim"], ["bytes", sig1],
            ["", "agg-end"], ["name", "AuthorityCertificate"],
            ["", "agg"], ["name", "AuthorityCertificate"],
              ["body", "prim"], ["bytes", body2],
              ["signature", "prim"], ["bytes", sig2],
            ["", "agg-end"], ["name", "AuthorityCertificate"],
          ["report_data_contents", "agg"], ["name", "EnclaveReportDataContents"],
            ["nonce", "prim"], ["bytes", nonce],
            ["key", "prim"], ["bytes", key],
            ["custom_identity", "prim"], ["bytes", custom],
          ["report_data_contents", "agg-end"], ["name", "EnclaveReportDataContents"],
        ["verification_report", "agg-end"], ["name", "SwEvidence"],
        ["responder_id", "agg"], ["name", "ResponderId"],
          ["0", "prim"], ["str", ""],
        ["responder_id", "agg-end"], ["name", "ResponderId"],
      ["block_metadata", "agg-end"], ["name", "BlockMetadataContents"],
    ];
    assert.equal(toHex(metadataSigningDigest(sw)), toHex(merlinDigest(ops)));
    const signer = Ed25519Signer.generate(new SeededRandom("metadata-sw"));
    const back = blockMetadataFromProto(blockMetadataToProto(signBlockMetadata(sw, signer)));
    assert.ok(verifyBlockMetadata(back, blockId), "SW evidence does not survive the wire");
  });
});
