// Goal: the peer attestor makes one IX session per peer on first use (concurrent users share the
// handshake), keeps it, makes a new one after forget(), and does not keep a failed handshake.
// Method: two attested in-process enclaves (the simulator's), the remote half through the other
// enclave's peer_accept; sessions are compared by their channel ids.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { acceptPeer } from "../../src/enclave/index.js";
import { openMemoryLedger } from "../../src/ledger/index.js";
import { enclavePeerAttestor } from "../../src/node/index.js";
import { PeersError } from "../../src/peers/index.js";
import { SimEnclave } from "../../src/sim/index.js";
import { bytesEqual, SeededRandom } from "../../src/util/index.js";
import { EPOCH_MS } from "./virtual-timers.js";

async function enclave(id: string): Promise<SimEnclave> {
  const r = new SeededRandom(`attestor/${id}`);
  return SimEnclave.start(id, openMemoryLedger(), r.fork("e"), () => EPOCH_MS, r.bytes(32));
}

describe("enclavePeerAttestor", () => {
  it("shares one handshake, keeps the session, replaces it after forget, retries a failed one", async () => {
    const [a, b] = [await enclave("a.test:1"), await enclave("b.test:1")];
    let handshakes = 0;
    let failNext = true;
    const attestor = enclavePeerAttestor(a.host, async (_peer, request) => {
      handshakes++;
      if (failNext) {
        failNext = false;
        throw new PeersError("PEER_UNAVAILABLE", "down");
      }
      return acceptPeer(b.host, request);
    });
    await assert.rejects(attestor.sessionFor(b.responderId), { code: "PEER_UNAVAILABLE" });
    const [s1, s2] = await Promise.all([
      attestor.sessionFor(b.responderId),
      attestor.sessionFor(b.responderId),
    ]);
    assert.equal(handshakes, 2, "the failed handshake was not kept; the two users shared one");
    assert.ok(bytesEqual(s1, s2));
    assert.ok(bytesEqual(await attestor.sessionFor(b.responderId), s1), "kept");
    attestor.forget(b.responderId);
    const s3 = await attestor.sessionFor(b.responderId);
    assert.equal(handshakes, 3);
    assert.ok(!bytesEqual(s3, s1), "a new session after forget");
    await a.close();
    await b.close();
  });
});
