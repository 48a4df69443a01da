// Goal: metadata from a peer or an archive is held to SCP's bounds on quorum sets (one definition,
// SCP_LIMITS), and a set within them converts both ways unchanged.
// Method: protobuf metadata with a quorum set at, and one past, the depth and node-count limits.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { BlockMetadataSchema } from "../proto/blockchain_pb.js";
import type { QuorumSet as QuorumSetProto } from "../proto/quorum_set_pb.js";
import { QuorumSetSchema } from "../proto/quorum_set_pb.js";
import { SCP_LIMITS } from "../scp/index.js";
import { BlockchainError, blockMetadataFromProto, blockMetadataToProto } from "./index.js";

let nextKey = 0;
function nodes(count: number): QuorumSetProto["members"] {
  return Array.from({ length: count }, () => {
    const key = new Uint8Array(32);
    new DataView(key.buffer).setUint32(0, ++nextKey);
    return {
      $typeName: "quorum_set.QuorumSetMember",
      member: {
        case: "node",
        value: {
          $typeName: "quorum_set.Node",
          responderId: `n${nextKey}.example:443`,
          publicKey: { $typeName: "external.Ed25519Public", data: key },
        },
      },
    } as const;
  });
}

/** One node at the top and one more at each of `depth` nested levels. */
function nested(depth: number): QuorumSetProto {
  let q = create(QuorumSetSchema, { threshold: 1, members: nodes(1) });
  for (let d = 0; d < depth; d++) {
    q = create(QuorumSetSchema, {
      threshold: 1,
      members: [...nodes(1), { member: { case: "innerSet", value: q } }],
    });
  }
  return q;
}

function split(total: number): QuorumSetProto {
  const half = Math.floor(total / 2);
  const inner = (n: number) => ({
    member: {
      case: "innerSet" as const,
      value: create(QuorumSetSchema, { threshold: 1, members: nodes(n) }),
    },
  });
  return create(QuorumSetSchema, { threshold: 2, members: [inner(half), inner(total - half)] });
}

function metadataWith(quorumSet: QuorumSetProto) {
  return create(BlockMetadataSchema, {
    contents: { blockId: { data: new Uint8Array(32) }, quorumSet, responderId: "a.example:443" },
    nodeKey: { data: new Uint8Array(32) },
    signature: { data: new Uint8Array(64) },
  });
}

const limitExceeded = (e: unknown) => e instanceof BlockchainError && e.code === "LIMIT_EXCEEDED";

describe("metadata quorum sets within SCP_LIMITS", () => {
  it("accepts the deepest nesting SCP allows and refuses one level more", () => {
    const ok = blockMetadataFromProto(metadataWith(nested(SCP_LIMITS.maxQuorumSetDepth)));
    const back = blockMetadataFromProto(blockMetadataToProto(ok));
    assert.deepEqual(back, ok);
    assert.throws(
      () => blockMetadataFromProto(metadataWith(nested(SCP_LIMITS.maxQuorumSetDepth + 1))),
      limitExceeded,
    );
  });

  it("counts nodes over all levels, as SCP does", () => {
    const max = SCP_LIMITS.maxQuorumSetNodes;
    blockMetadataFromProto(metadataWith(split(max)));
    // No single set is over the limit here; only the count over both inner sets is.
    assert.throws(() => blockMetadataFromProto(metadataWith(split(max + 1))), limitExceeded);
  });
});
