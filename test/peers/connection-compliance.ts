// The one compliance suite of the PeerConnection seam (reference node-runtime.md §3). Every
// implementation (in-memory today, gRPC next) runs it through a harness that connects to a peer
// served by a scripted PeerService, or to one that cannot be reached.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type Block,
  blockContents,
  DEFAULT_ROOT_ELEMENT,
  newBlockWithParent,
  newOriginBlock,
} from "../../src/blockchain/index.js";
import {
  type AttestedMessage,
  type GetTxsResult,
  PEERS_LIMITS,
  type PeerConnection,
  type PeerService,
  PeersError,
  type PeersErrorCode,
} from "../../src/peers/index.js";

export interface ConnectionHarness {
  /** A connection from `local` to a peer served by `service`. */
  connect(local: string, service: PeerService): Promise<PeerConnection>;
  /** A connection from `local` to a peer that cannot be reached. */
  unreachable(local: string): Promise<PeerConnection>;
  close(): Promise<void>;
}

/** A PeerService whose answers the test sets, recording what it was asked. */
export class ScriptedService implements PeerService {
  readonly consensusMsgs: { from: string; payload: Uint8Array }[] = [];
  readonly proposals: AttestedMessage[] = [];
  readonly txRequests: { channelId: Uint8Array; hashes: readonly Uint8Array[] }[] = [];
  msgResult: "ok" | "unknown-peer" = "ok";
  latest: Uint8Array | undefined = undefined;
  txsReply: (hashes: readonly Uint8Array[]) => GetTxsResult = (hashes) => ({
    kind: "not-in-cache",
    txHashes: hashes,
  });
  chain: readonly Block[] = [];
  blocksReply: ((offset: bigint, limit: number) => readonly Block[]) | undefined = undefined;
  readonly authRequests: Uint8Array[] = [];

  handleConsensusMsg(from: string, payload: Uint8Array) {
    this.consensusMsgs.push({ from, payload });
    return this.msgResult;
  }
  handleProposeTx(message: AttestedMessage) {
    this.proposals.push(message);
    return { blockCount: BigInt(this.chain.length) };
  }
  latestMsg() {
    return this.latest;
  }
  getTxs(channelId: Uint8Array, hashes: readonly Uint8Array[]) {
    this.txRequests.push({ channelId, hashes });
    return this.txsReply(hashes);
  }
  getBlocks(offset: bigint, limit: number) {
    if (this.blocksReply) return this.blocksReply(offset, limit);
    return this.chain.slice(Number(offset), Number(offset) + limit);
  }
  async auth(request: Uint8Array) {
    this.authRequests.push(request);
    return Uint8Array.of(0x02, ...request);
  }
}

/** A peer that serves everything but Auth. */
export function withoutAuth(s: PeerService): PeerService {
  return {
    handleConsensusMsg: (from, payload) => s.handleConsensusMsg(from, payload),
    handleProposeTx: (message) => s.handleProposeTx(message),
    latestMsg: () => s.latestMsg(),
    getTxs: (channelId, hashes) => s.getTxs(channelId, hashes),
    getBlocks: (offset, limit) => s.getBlocks(offset, limit),
  };
}

export function chainOf(n: number): Block[] {
  const empty = blockContents([], []);
  const out = [newOriginBlock(empty)];
  while (out.length < n)
    out.push(newBlockWithParent(3, out[out.length - 1] as Block, DEFAULT_ROOT_ELEMENT, empty));
  return out;
}

async function rejects(p: Promise<unknown>, code: PeersErrorCode): Promise<void> {
  await assert.rejects(p, (e) => e instanceof PeersError && e.code === code, `expected ${code}`);
}

const LOCAL = "local.test:8443";
const bytes = (...xs: number[]) => new Uint8Array(xs);

export function peerConnectionCompliance(name: string, make: () => ConnectionHarness): void {
  describe(`PeerConnection compliance: ${name}`, () => {
    let h: ConnectionHarness;
    before(() => {
      h = make();
    });
    after(async () => {
      await h.close();
    });

    it("delivers a consensus message with the relayer's id, byte for byte, and its result", async () => {
      const s = new ScriptedService();
      const c = await h.connect(LOCAL, s);
      const payload = bytes(0xa2, 1, 2, 3);
      assert.equal(await c.sendConsensusMsg(LOCAL, payload), "ok");
      payload[0] = 0; // the caller's buffer is not shared with the peer
      assert.deepEqual(s.consensusMsgs, [{ from: LOCAL, payload: bytes(0xa2, 1, 2, 3) }]);
      s.msgResult = "unknown-peer";
      assert.equal(await c.sendConsensusMsg(LOCAL, bytes(1)), "unknown-peer");
    });

    it("proposes a transaction message and returns the peer's block count", async () => {
      const s = new ScriptedService();
      s.chain = chainOf(4);
      const c = await h.connect(LOCAL, s);
      const m = { channelId: bytes(1, 2), aad: bytes(0xa2), data: bytes(9, 9, 9) };
      assert.deepEqual(await c.proposeTx(m), { blockCount: 4n });
      assert.deepEqual(s.proposals, [m]);
    });

    it("returns the latest message, or nothing for an absent or empty payload", async () => {
      const s = new ScriptedService();
      const c = await h.connect(LOCAL, s);
      assert.equal(await c.getLatestMsg(), undefined);
      s.latest = new Uint8Array(0);
      assert.equal(await c.getLatestMsg(), undefined);
      s.latest = bytes(5, 6);
      assert.deepEqual(await c.getLatestMsg(), bytes(5, 6));
    });

    it("fetches transactions or the hashes the peer lacks, within the chunk limit", async () => {
      const s = new ScriptedService();
      const c = await h.connect(LOCAL, s);
      const hashes = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
      assert.deepEqual(await c.getTxs(bytes(7), hashes), {
        kind: "not-in-cache",
        txHashes: hashes,
      });
      const message = { channelId: bytes(7), aad: new Uint8Array(0), data: bytes(1, 2, 3) };
      s.txsReply = () => ({ kind: "success", message });
      assert.deepEqual(await c.getTxs(bytes(7), hashes), { kind: "success", message });
      const tooMany = Array.from(
        { length: PEERS_LIMITS.getTxsChunk + 1 },
        () => new Uint8Array(32),
      );
      const asked = s.txRequests.length;
      await rejects(c.getTxs(bytes(7), tooMany), "PAYLOAD_TOO_LARGE");
      assert.equal(s.txRequests.length, asked, "an over-limit request is not sent");
      s.txsReply = () => ({ kind: "not-in-cache", txHashes: [new Uint8Array(32).fill(3)] });
      await rejects(c.getTxs(bytes(7), hashes), "BAD_REPLY");
    });

    it("fetches consecutive blocks and refuses replies that are not", async () => {
      const s = new ScriptedService();
      s.chain = chainOf(5);
      const c = await h.connect(LOCAL, s);
      const got = await c.getBlocks(1n, 3);
      assert.deepEqual(
        got.map((b) => b.index),
        [1n, 2n, 3n],
      );
      assert.deepEqual(got[0]?.id, s.chain[1]?.id);
      assert.deepEqual((await c.getBlocks(4n, 10)).length, 1, "a peer may send fewer");
      await rejects(c.getBlocks(0n, PEERS_LIMITS.maxBlocksPerRequest + 1), "PAYLOAD_TOO_LARGE");
      s.blocksReply = () => [s.chain[2] as Block];
      await rejects(c.getBlocks(1n, 3), "BAD_REPLY");
      s.blocksReply = () => s.chain.slice(0, 3);
      await rejects(c.getBlocks(0n, 2), "BAD_REPLY");
    });

    it("refuses oversized requests before sending them", async () => {
      const s = new ScriptedService();
      const c = await h.connect(LOCAL, s);
      const big = new Uint8Array(PEERS_LIMITS.maxPayloadBytes + 1);
      await rejects(c.sendConsensusMsg(LOCAL, big), "PAYLOAD_TOO_LARGE");
      const longId = `${"h".repeat(PEERS_LIMITS.maxResponderIdBytes)}:1`;
      await rejects(c.sendConsensusMsg(longId, bytes(1)), "PAYLOAD_TOO_LARGE");
      const aad = new Uint8Array(PEERS_LIMITS.maxAadBytes + 1);
      await rejects(c.proposeTx({ channelId: bytes(1), aad, data: bytes(2) }), "PAYLOAD_TOO_LARGE");
      assert.equal(s.consensusMsgs.length + s.proposals.length, 0, "nothing was sent");
      const atLimit = new Uint8Array(PEERS_LIMITS.maxPayloadBytes);
      assert.equal(await c.sendConsensusMsg(LOCAL, atLimit), "ok", "the limit itself passes");
    });

    it("carries an Auth handshake message to the peer and its answer back", async () => {
      const s = new ScriptedService();
      const c = await h.connect(LOCAL, s);
      const request = bytes(1, 7, 7);
      assert.deepEqual(await c.auth(request), bytes(2, 1, 7, 7));
      request[1] = 0;
      assert.deepEqual(s.authRequests, [bytes(1, 7, 7)]);
      const none = await h.connect(LOCAL, withoutAuth(s));
      await rejects(none.auth(bytes(1)), "PEER_UNAVAILABLE");
    });

    it("rejects every call to an unreachable peer as PEER_UNAVAILABLE", async () => {
      const c = await h.unreachable(LOCAL);
      await rejects(c.sendConsensusMsg(LOCAL, bytes(1)), "PEER_UNAVAILABLE");
      await rejects(
        c.proposeTx({ channelId: bytes(), aad: bytes(), data: bytes() }),
        "PEER_UNAVAILABLE",
      );
      await rejects(c.getLatestMsg(), "PEER_UNAVAILABLE");
      await rejects(c.getTxs(bytes(), [new Uint8Array(32)]), "PEER_UNAVAILABLE");
      await rejects(c.getBlocks(0n, 1), "PEER_UNAVAILABLE");
      await rejects(c.auth(bytes(1)), "PEER_UNAVAILABLE");
    });
  });
}
