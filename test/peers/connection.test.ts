// Goal: the in-memory PeerConnection passes the seam's compliance suite, and its network's link
// cuts behave as unreachability in each direction separately.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryPeerNetwork, PeersError } from "../../src/peers/index.js";
import {
  type ConnectionHarness,
  peerConnectionCompliance,
  ScriptedService,
} from "./connection-compliance.js";

function memoryHarness(): ConnectionHarness {
  const net = new MemoryPeerNetwork();
  let n = 0;
  return {
    async connect(local, service) {
      const remote = `peer${n++}.test:8443`;
      net.serve(remote, service);
      return net.connect(local, remote);
    },
    async unreachable(local) {
      return net.connect(local, "nobody.test:8443");
    },
    async close() {},
  };
}

peerConnectionCompliance("in-memory", memoryHarness);

describe("MemoryPeerNetwork links", () => {
  it("a cut link fails one direction only and heals", async () => {
    const net = new MemoryPeerNetwork();
    const a = new ScriptedService();
    const b = new ScriptedService();
    net.serve("a:1", a);
    net.serve("b:1", b);
    net.setLink("a:1", "b:1", false);
    await assert.rejects(
      net.connect("a:1", "b:1").getLatestMsg(),
      (e) => e instanceof PeersError && e.code === "PEER_UNAVAILABLE",
    );
    assert.equal(
      await net.connect("b:1", "a:1").sendConsensusMsg("b:1", new Uint8Array([1])),
      "ok",
    );
    net.setLink("a:1", "b:1", true);
    assert.equal(
      await net.connect("a:1", "b:1").sendConsensusMsg("a:1", new Uint8Array([1])),
      "ok",
    );
    assert.equal(b.consensusMsgs.length, 1);
  });
});
