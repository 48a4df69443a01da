// Goal: the peer pieces work together as a node would drive them: on a line A — B — C over the
// in-memory transport, a message A issues reaches C through B's relay exactly once and never
// returns to A; a client transaction at A reaches C only when B relays A's transactions
// (`consensus-relay-incoming-txs`), carrying TxProposeAAD{origin A, relayed_by B}.
// Method: a tiny driver in this test executes broadcaster actions on PeerConnections and feeds the
// results back; services verify what they receive and hand it to their own broadcaster.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Ed25519Signer } from "../../src/crypto/index.js";
import {
  type AttestedMessage,
  type BroadcastAction,
  Broadcaster,
  type BroadcastInput,
  decodeTxProposeAad,
  encodeConsensusMsgPayload,
  MemoryPeerNetwork,
  type PeerService,
  relayInput,
  signConsensusMsg,
  txRelayInput,
  verifyConsensusMsg,
} from "../../src/peers/index.js";
import { SeededRandom } from "../../src/util/index.js";

const rng = new SeededRandom("peers-line-relay");
const names = ["a:1", "b:1", "c:1"] as const;
const keys = new Map<string, Ed25519Signer>(names.map((n) => [n, Ed25519Signer.generate(rng)]));
const nodeId = (n: string) => ({ id: n, publicKey: (keys.get(n) as Ed25519Signer).publicKey });
const neighbours: Record<string, string[]> = {
  "a:1": ["b:1"],
  "b:1": ["a:1", "c:1"],
  "c:1": ["b:1"],
};
const blockId = new Uint8Array(32).fill(1);

interface Node {
  broadcaster: Broadcaster;
  received: { from: string; issuer: string }[];
  txs: { from: string; aad: ReturnType<typeof decodeTxProposeAad> }[];
}

function line(relayFromA: boolean) {
  const net = new MemoryPeerNetwork();
  const nodes = new Map<string, Node>();
  const inflight: Promise<void>[] = [];
  const drive = (self: string, actions: BroadcastAction[]) => {
    for (const a of actions) inflight.push(execute(self, a));
  };
  const feed = (self: string, input: BroadcastInput) =>
    drive(self, (nodes.get(self) as Node).broadcaster.handle(input, 0));
  async function execute(self: string, a: BroadcastAction): Promise<void> {
    const conn = net.connect(self, a.peer);
    if (a.kind === "send-consensus-msg") await conn.sendConsensusMsg(a.fromResponderId, a.payload);
    else await conn.proposeTx({ channelId: new Uint8Array(0), aad: a.aad, data: a.txHash });
    feed(self, { kind: "result", peer: a.peer, id: a.id, ok: true });
  }
  for (const n of names) {
    const peers = neighbours[n] as string[];
    const node: Node = {
      broadcaster: new Broadcaster({
        local: nodeId(n),
        peers: peers.map((p) => ({ responderId: p, relayIncomingTxs: relayFromA && p === "a:1" })),
        random: rng,
      }),
      received: [],
      txs: [],
    };
    nodes.set(n, node);
    const service: PeerService = {
      handleConsensusMsg(from, payload) {
        const v = verifyConsensusMsg(from, payload, {
          peers: new Set(peers),
          knownNodes: new Map(names.map((m) => [m, nodeId(m).publicKey])),
          numBlocks: 1,
          blockId: () => blockId,
        });
        node.received.push({ from, issuer: v.msg.scpMsg.sender.id });
        feed(n, relayInput(v, payload));
        return "ok";
      },
      handleProposeTx(m: AttestedMessage) {
        node.txs.push({
          from: decodeTxProposeAad(m.aad).relayedBy,
          aad: decodeTxProposeAad(m.aad),
        });
        feed(n, txRelayInput(nodeId(n), m.data, m.aad));
        return { blockCount: 1n };
      },
      latestMsg: () => undefined,
      getTxs: (_c, hashes) => ({ kind: "not-in-cache", txHashes: hashes }),
      getBlocks: () => [],
    };
    net.serve(n, service);
  }
  const settle = async () => {
    while (inflight.length > 0) await inflight.shift();
  };
  return { nodes, feed, settle };
}

describe("peers on a line A — B — C (in-memory transport)", () => {
  it("relays A's message to C through B once, never back to A", async () => {
    const { nodes, feed, settle } = line(false);
    const signer = keys.get("a:1") as Ed25519Signer;
    const scpMsg = {
      sender: nodeId("a:1"),
      slot: 1,
      quorumSet: { threshold: 1, members: [{ type: "Node" as const, args: nodeId("b:1") }] },
      topic: { type: "Nominate" as const, nominate: { x: [new Uint8Array(32).fill(5)], y: [] } },
    };
    const signed = signConsensusMsg(scpMsg, blockId, signer);
    const payload = encodeConsensusMsgPayload(signed);
    const digest = verifyConsensusMsg("b:1", payload, {
      peers: new Set(["b:1"]),
      knownNodes: new Map([["a:1", signer.publicKey]]),
      numBlocks: 1,
      blockId: () => blockId,
    }).digest;
    feed("a:1", { kind: "consensus-msg", digest, payload, issuer: "a:1", receivedFrom: "a:1" });
    feed("a:1", { kind: "consensus-msg", digest, payload, issuer: "a:1", receivedFrom: "a:1" });
    await settle();
    assert.deepEqual(nodes.get("b:1")?.received, [{ from: "a:1", issuer: "a:1" }]);
    assert.deepEqual(nodes.get("c:1")?.received, [{ from: "b:1", issuer: "a:1" }]);
    assert.deepEqual(nodes.get("a:1")?.received, []);
  });

  it("a client transaction at A reaches C only when B relays A's transactions", async () => {
    for (const relay of [false, true]) {
      const { nodes, feed, settle } = line(relay);
      feed("a:1", txRelayInput(nodeId("a:1"), new Uint8Array(32).fill(7), undefined));
      await settle();
      assert.deepEqual(nodes.get("b:1")?.txs, [
        { from: "a:1", aad: { originNode: nodeId("a:1"), relayedBy: "a:1" } },
      ]);
      const atC = relay
        ? [{ from: "b:1", aad: { originNode: nodeId("a:1"), relayedBy: "b:1" } }]
        : [];
      assert.deepEqual(nodes.get("c:1")?.txs, atC, `relay=${relay}`);
      assert.deepEqual(nodes.get("a:1")?.txs, []);
    }
  });
});
