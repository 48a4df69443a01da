import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { ConsensusMsgSchema } from "../proto/consensus_peer_pb.js";
import {
  type Ballot,
  type CommitPayload,
  type ExternalizePayload,
  type NodeId,
  type NominatePayload,
  type PreparePayload,
  type QuorumSet,
  type QuorumSetMember,
  SCP_LIMITS,
  type ScpMessage,
  type Topic,
  type Value,
  type ValueList,
  validateMessage,
} from "../scp/index.js";
import { isCodedError, utf8 } from "../util/index.js";
import { C, type Cbor, decodeCbor, encodeCbor } from "./cbor.js";
import { TX_HASH_LENGTH } from "./digest.js";
import { PeersError } from "./errors.js";
import { PEERS_LIMITS } from "./limits.js";

/**
 * MobileCoin's peer payloads as serde_cbor 0.11 writes them (`mc_util_serial::serialize`, a
 * `serde_cbor::to_vec` whose default serializer has `enum_as_map` on and `packed` off). Confirmed in
 * mobilecoinfoundation/mobilecoin (peers/src/consensus_msg.rs, consensus/scp/src/msg.rs, ballot.rs,
 * consensus/scp/types/src/quorum_set.rs, common/src/node_id.rs, crypto/keys/src/ed25519.rs,
 * util/serial/src/big_array.rs) and pyfisch/cbor src/ser.rs:
 * - structs are maps keyed by field name in declaration order; newtype structs are transparent;
 * - enums are `{ "Variant": payload }`, a tuple variant's payload an array (`NominatePrepare`);
 * - `QuorumSetMember` is adjacently tagged `{ "type": "Node" | "InnerSet", "args": … }` and its
 *   wrapper is `#[serde(transparent)]` over `Option` (so the member map itself; `None` would be null);
 * - `Option` is null or the value; `BTreeSet` and `Vec` are arrays;
 * - `[u8; 32]` (TxHash, BlockID) and the 64-byte signature (`BigArray`) are arrays of integers;
 *   `Ed25519Public` wraps dalek's `VerifyingKey`, which serializes as a 32-byte byte string.
 * The decoder accepts exactly what this encoder writes: keys in declaration order, sets strictly
 * ascending (a Rust BTreeSet never serializes otherwise), only `TxHash` values.
 */

/** A consensus message as it travels: SCP message, the block it builds on, the issuer's signature. */
export interface SignedConsensusMsg {
  readonly scpMsg: ScpMessage;
  readonly prevBlockId: Uint8Array;
  readonly signature: Uint8Array;
}

/** `TxProposeAAD { origin_node: NodeID, relayed_by: ResponderId }`. */
export interface TxProposeAad {
  readonly originNode: NodeId;
  readonly relayedBy: string;
}

// ---- encoding ----

const nodeToCbor = (n: NodeId): Cbor => {
  if (n.publicKey === undefined || n.publicKey.length !== 32)
    throw new PeersError("MISSING_NODE_KEY", `node ${n.id} has no 32-byte Ed25519 key`);
  return C.map([
    ["responder_id", C.text(n.id)],
    ["public_key", C.bytes(n.publicKey)],
  ]);
};

function quorumSetToCbor(q: QuorumSet): Cbor {
  return C.map([
    ["threshold", C.uint(q.threshold)],
    [
      "members",
      C.array(
        q.members.map((m) =>
          C.map([
            ["type", C.text(m.type)],
            ["args", m.type === "Node" ? nodeToCbor(m.args) : quorumSetToCbor(m.args)],
          ]),
        ),
      ),
    ],
  ]);
}

function valueToCbor(v: Value): Cbor {
  if (v.length !== TX_HASH_LENGTH)
    throw new PeersError("UNSUPPORTED_VALUE", `a consensus value of ${v.length} bytes`);
  return C.map([["TxHash", C.byteTuple(v)]]);
}

const valuesToCbor = (xs: ValueList): Cbor => C.array(xs.map(valueToCbor));
const ballotToCbor = (b: Ballot | undefined): Cbor =>
  b === undefined
    ? C.null
    : C.map([
        ["N", C.uint(b.n)],
        ["X", valuesToCbor(b.x)],
      ]);
const nominateToCbor = (p: NominatePayload): Cbor =>
  C.map([
    ["X", valuesToCbor(p.x)],
    ["Y", valuesToCbor(p.y)],
  ]);
const prepareToCbor = (p: PreparePayload): Cbor =>
  C.map([
    ["B", ballotToCbor(p.b)],
    ["P", ballotToCbor(p.p)],
    ["PP", ballotToCbor(p.pp)],
    ["CN", C.uint(p.cn)],
    ["HN", C.uint(p.hn)],
  ]);

function topicToCbor(t: Topic): Cbor {
  switch (t.type) {
    case "Nominate":
      return C.map([["Nominate", nominateToCbor(t.nominate)]]);
    case "NominatePrepare":
      return C.map([
        ["NominatePrepare", C.array([nominateToCbor(t.nominate), prepareToCbor(t.prepare)])],
      ]);
    case "Prepare":
      return C.map([["Prepare", prepareToCbor(t.prepare)]]);
    case "Commit": {
      const c = t.commit;
      return C.map([
        [
          "Commit",
          C.map([
            ["B", ballotToCbor(c.b)],
            ["PN", C.uint(c.pn)],
            ["CN", C.uint(c.cn)],
            ["HN", C.uint(c.hn)],
          ]),
        ],
      ]);
    }
    case "Externalize":
      return C.map([
        [
          "Externalize",
          C.map([
            ["C", ballotToCbor(t.externalize.c)],
            ["HN", C.uint(t.externalize.hn)],
          ]),
        ],
      ]);
  }
}

export function scpMsgToCbor(m: ScpMessage): Cbor {
  return C.map([
    ["sender_id", nodeToCbor(m.sender)],
    ["slot_index", C.uint(m.slot)],
    ["quorum_set", quorumSetToCbor(m.quorumSet)],
    ["topic", topicToCbor(m.topic)],
  ]);
}

/** The CBOR payload of `consensus_peer.ConsensusMsg` (and of `GetLatestMsgResponse`). */
export function encodeConsensusMsgPayload(msg: SignedConsensusMsg): Uint8Array {
  return encodeCbor(
    C.map([
      ["scp_msg", scpMsgToCbor(msg.scpMsg)],
      ["prev_block_id", C.byteTuple(msg.prevBlockId)],
      ["signature", C.byteTuple(msg.signature)],
    ]),
  );
}

export function encodeTxProposeAad(aad: TxProposeAad): Uint8Array {
  return encodeCbor(
    C.map([
      ["origin_node", nodeToCbor(aad.originNode)],
      ["relayed_by", C.text(aad.relayedBy)],
    ]),
  );
}

// ---- decoding ----

const bad = (what: string) => new PeersError("MALFORMED_PAYLOAD", what);

/** The values of a map with exactly these keys in this order. */
function fields(c: Cbor, keys: readonly string[], what: string): Cbor[] {
  if (c.t !== "map" || c.v.length !== keys.length)
    throw bad(`${what}: expected a map of ${keys.join(", ")}`);
  return c.v.map(([k, v], i) => {
    if (k !== keys[i]) throw bad(`${what}: expected key ${keys[i]}, got ${JSON.stringify(k)}`);
    return v;
  });
}

function uint(c: Cbor | undefined, max: bigint, what: string): number {
  if (c?.t !== "uint" || c.v > max) throw bad(`${what}: expected an integer ≤ ${max}`);
  return Number(c.v);
}

const u32 = (c: Cbor | undefined, what: string) => uint(c, 0xffff_ffffn, what);

function array(c: Cbor | undefined, max: number, what: string): readonly Cbor[] {
  if (c?.t !== "array") throw bad(`${what}: expected an array`);
  if (c.v.length > max)
    throw new PeersError("PAYLOAD_TOO_LARGE", `${what}: ${c.v.length} entries (limit ${max})`);
  return c.v;
}

function byteTuple(c: Cbor | undefined, length: number, what: string): Uint8Array {
  const items = array(c, length, what);
  if (items.length !== length) throw bad(`${what}: expected ${length} bytes`);
  return Uint8Array.from(items, (b) => uint(b, 0xffn, what));
}

function text(c: Cbor | undefined, maxBytes: number, what: string): string {
  if (c?.t !== "text") throw bad(`${what}: expected text`);
  if (utf8(c.v).length > maxBytes)
    throw new PeersError("PAYLOAD_TOO_LARGE", `${what}: longer than ${maxBytes} bytes`);
  return c.v;
}

function nodeFromCbor(c: Cbor | undefined, what: string): NodeId {
  const [rid, key] = fields(c ?? C.null, ["responder_id", "public_key"], what);
  if (key?.t !== "bytes" || key.v.length !== 32) throw bad(`${what}: public_key is not 32 bytes`);
  return { id: text(rid, PEERS_LIMITS.maxResponderIdBytes, what), publicKey: key.v };
}

function quorumSetFromCbor(c: Cbor | undefined): QuorumSet {
  const [threshold, members] = fields(c ?? C.null, ["threshold", "members"], "quorum set");
  return {
    threshold: u32(threshold, "threshold"),
    members: array(members, SCP_LIMITS.maxQuorumSetNodes, "members").map(memberFromCbor),
  };
}

function memberFromCbor(c: Cbor): QuorumSetMember {
  const [type, args] = fields(c, ["type", "args"], "quorum set member");
  if (type?.t === "text" && type.v === "Node")
    return { type: "Node", args: nodeFromCbor(args, "member") };
  if (type?.t === "text" && type.v === "InnerSet")
    return { type: "InnerSet", args: quorumSetFromCbor(args) };
  throw bad("quorum set member: type is neither Node nor InnerSet");
}

function valueFromCbor(c: Cbor): Value {
  if (c.t !== "map" || c.v.length !== 1) throw bad("consensus value: expected a one-entry map");
  const [variant, payload] = c.v[0] as readonly [string, Cbor];
  if (variant !== "TxHash")
    throw new PeersError("UNSUPPORTED_VALUE", `consensus value ${JSON.stringify(variant)}`);
  return byteTuple(payload, TX_HASH_LENGTH, "TxHash");
}

function valuesFromCbor(c: Cbor | undefined, max: number, what: string): Value[] {
  return array(c, max, what).map(valueFromCbor);
}

function ballotFromCbor(c: Cbor | undefined, what: string): Ballot | undefined {
  if (c?.t === "null") return undefined;
  const [n, x] = fields(c ?? C.null, ["N", "X"], what);
  return { n: u32(n, `${what}.N`), x: valuesFromCbor(x, SCP_LIMITS.maxBallotValues, `${what}.X`) };
}

function requiredBallot(c: Cbor | undefined, what: string): Ballot {
  const b = ballotFromCbor(c, what);
  if (b === undefined) throw bad(`${what}: null where a ballot is required`);
  return b;
}

function nominateFromCbor(c: Cbor | undefined): NominatePayload {
  const [x, y] = fields(c ?? C.null, ["X", "Y"], "NominatePayload");
  const max = SCP_LIMITS.maxNominationValues;
  return { x: valuesFromCbor(x, max, "X"), y: valuesFromCbor(y, max, "Y") };
}

function prepareFromCbor(c: Cbor | undefined): PreparePayload {
  const [b, p, pp, cn, hn] = fields(c ?? C.null, ["B", "P", "PP", "CN", "HN"], "PreparePayload");
  const out: { b: Ballot; p?: Ballot; pp?: Ballot; cn: number; hn: number } = {
    b: requiredBallot(b, "B"),
    cn: u32(cn, "CN"),
    hn: u32(hn, "HN"),
  };
  const prepared = ballotFromCbor(p, "P");
  const preparedPrime = ballotFromCbor(pp, "PP");
  if (prepared !== undefined) out.p = prepared;
  if (preparedPrime !== undefined) out.pp = preparedPrime;
  return out;
}

function commitFromCbor(c: Cbor | undefined): CommitPayload {
  const [b, pn, cn, hn] = fields(c ?? C.null, ["B", "PN", "CN", "HN"], "CommitPayload");
  return { b: requiredBallot(b, "B"), pn: u32(pn, "PN"), cn: u32(cn, "CN"), hn: u32(hn, "HN") };
}

function externalizeFromCbor(c: Cbor | undefined): ExternalizePayload {
  const [ballot, hn] = fields(c ?? C.null, ["C", "HN"], "ExternalizePayload");
  return { c: requiredBallot(ballot, "C"), hn: u32(hn, "HN") };
}

function topicFromCbor(c: Cbor | undefined): Topic {
  if (c?.t !== "map" || c.v.length !== 1) throw bad("topic: expected a one-entry map");
  const [variant, payload] = c.v[0] as readonly [string, Cbor];
  switch (variant) {
    case "Nominate":
      return { type: "Nominate", nominate: nominateFromCbor(payload) };
    case "NominatePrepare": {
      const parts = array(payload, 2, "NominatePrepare");
      if (parts.length !== 2) throw bad("NominatePrepare: expected two payloads");
      return {
        type: "NominatePrepare",
        nominate: nominateFromCbor(parts[0]),
        prepare: prepareFromCbor(parts[1]),
      };
    }
    case "Prepare":
      return { type: "Prepare", prepare: prepareFromCbor(payload) };
    case "Commit":
      return { type: "Commit", commit: commitFromCbor(payload) };
    case "Externalize":
      return { type: "Externalize", externalize: externalizeFromCbor(payload) };
    default:
      throw bad(`topic: unknown variant ${JSON.stringify(variant)}`);
  }
}

export function scpMsgFromCbor(c: Cbor): ScpMessage {
  const [sender, slot, qs, topic] = fields(
    c,
    ["sender_id", "slot_index", "quorum_set", "topic"],
    "Msg",
  );
  const msg: ScpMessage = {
    sender: nodeFromCbor(sender, "sender_id"),
    slot: uint(slot, BigInt(Number.MAX_SAFE_INTEGER), "slot_index"),
    quorumSet: quorumSetFromCbor(qs),
    topic: topicFromCbor(topic),
  };
  try {
    validateMessage(msg);
  } catch (e) {
    if (!isCodedError(e)) throw e;
    throw new PeersError(
      "INVALID_SCP_MSG",
      `SCP message refused: ${e.code}`,
      { scp: e.code },
      {
        cause: e,
      },
    );
  }
  return msg;
}

/** Decode a consensus-message payload strictly (shape, limits, SCP sanity; not the signature). */
export function decodeConsensusMsgPayload(payload: Uint8Array): SignedConsensusMsg {
  const c = decodeCbor(payload, PEERS_LIMITS.maxPayloadBytes, PEERS_LIMITS.maxCborDepth);
  const [scp, prev, sig] = fields(c, ["scp_msg", "prev_block_id", "signature"], "ConsensusMsg");
  return {
    scpMsg: scpMsgFromCbor(scp ?? C.null),
    prevBlockId: byteTuple(prev, 32, "prev_block_id"),
    signature: byteTuple(sig, 64, "signature"),
  };
}

export function decodeTxProposeAad(bytes: Uint8Array): TxProposeAad {
  const c = decodeCbor(bytes, PEERS_LIMITS.maxAadBytes, 4);
  const [origin, relayed] = fields(c, ["origin_node", "relayed_by"], "TxProposeAAD");
  return {
    originNode: nodeFromCbor(origin, "origin_node"),
    relayedBy: text(relayed, PEERS_LIMITS.maxResponderIdBytes, "relayed_by"),
  };
}

/** `consensus_peer.ConsensusMsg { from_responder_id = 1; payload = 2 }` as protobuf bytes. */
export function encodeConsensusMsgProto(fromResponderId: string, payload: Uint8Array): Uint8Array {
  return toBinary(ConsensusMsgSchema, create(ConsensusMsgSchema, { fromResponderId, payload }));
}

export function decodeConsensusMsgProto(bytes: Uint8Array): {
  fromResponderId: string;
  payload: Uint8Array;
} {
  if (bytes.length > PEERS_LIMITS.maxPayloadBytes + PEERS_LIMITS.maxResponderIdBytes + 16)
    throw new PeersError("PAYLOAD_TOO_LARGE", `ConsensusMsg of ${bytes.length} bytes`);
  try {
    const m = fromBinary(ConsensusMsgSchema, bytes);
    return { fromResponderId: m.fromResponderId, payload: m.payload };
  } catch (e) {
    throw new PeersError(
      "MALFORMED_PAYLOAD",
      "not a consensus_peer.ConsensusMsg",
      {},
      { cause: e },
    );
  }
}
