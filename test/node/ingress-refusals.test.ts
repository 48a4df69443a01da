// Goal: a peer's PeerTxPropose or GetTxs bytes that the enclave refuses as malformed (a channel id
// of the wrong length, a TxList that does not decode once decrypted, a message too large for the
// boundary) are answered INVALID_ARGUMENT, not INTERNAL (the peer fuzz of issue 11 found INTERNAL
// for thousands of such inputs); refusals that mean the attested channel failed stay
// PERMISSION_DENIED, and what is not a peer's fault stays INTERNAL.
// Method: a real in-process enclave refuses the bytes (its sessions are NoiseTestChannels, so a
// peer session can carry any plaintext); the ingress's peerInputRefusal and the one error map
// (rpcStatusOf) give the status, compared with literal gRPC codes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { SAMPLE_CONFIG } from "../../src/enclave/codec/sample-calls.js";
import {
  callOk,
  EnclaveError,
  InProcessEnclaveHost,
  openFromPeer,
  sealForPeer,
} from "../../src/enclave/index.js";
import { peerInputRefusal } from "../../src/node/index.js";
import { rpcStatusOf } from "../../src/rpc/index.js";
import { SeededRandom } from "../../src/util/index.js";
import { NoiseTestChannels, sealFromRemote } from "../helpers/test-channels.js";

const noLedger = {
  getTxOutProofsOfMembership: () => {
    throw new Error("not reached: the message is refused before any proof is asked for");
  },
  numBlocks: () => 1n,
};

/** With `channels`, the enclave's sessions are test channels; without, its real IX/NX sessions. */
async function enclave(channels?: NoiseTestChannels): Promise<InProcessEnclaveHost> {
  const host = new InProcessEnclaveHost({
    random: new SeededRandom("ingress refusals"),
    sealSecret: new SeededRandom("ingress refusals seal").bytes(32),
    measurement: new SeededRandom("ingress refusals measurement").bytes(32),
    nowMs: () => Date.now(),
    ...(channels === undefined ? {} : { channels }),
  });
  await callOk(host, {
    call: "enclave_init",
    peerResponderId: "node.test:8443",
    clientResponderId: "node.test:3223",
    sealedBlockSigningKey: undefined,
    config: SAMPLE_CONFIG,
  });
  return host;
}

/** The status a peer gets for the refusal `p` rejects with. */
async function statusOf(p: Promise<unknown>): Promise<status> {
  const error = await p.then(
    () => assert.fail("the enclave accepted it"),
    (e: unknown) => e,
  );
  return rpcStatusOf(peerInputRefusal(error)).code;
}

describe("a peer's malformed bytes refused by the enclave", () => {
  const random = new SeededRandom("ingress refusals peer");
  const channels = new NoiseTestChannels(random);

  it("PeerTxPropose: a channel id of the wrong length is INVALID_ARGUMENT", async () => {
    const host = await enclave(channels);
    for (const length of [0, 10, 63, 65, 80]) {
      const message = {
        channelId: random.bytes(length),
        aad: random.bytes(4),
        data: random.bytes(40),
      };
      assert.equal(
        await statusOf(openFromPeer(host, noLedger as never, message)),
        status.INVALID_ARGUMENT,
        `${length} bytes`,
      );
    }
  });

  it("PeerTxPropose: a plaintext that is no TxList is INVALID_ARGUMENT, the session goes on", async () => {
    const host = await enclave(channels);
    const session = channels.connectPeer();
    const garbage = [random.bytes(100), new Uint8Array([0x0a, 0x05, 1, 2]), new Uint8Array([0xff])];
    for (const plaintext of garbage) {
      const message = sealFromRemote(session, new Uint8Array(0), plaintext);
      assert.equal(
        await statusOf(openFromPeer(host, noLedger as never, message)),
        status.INVALID_ARGUMENT,
      );
    }
  });

  it("GetTxs: a channel id of the wrong length is INVALID_ARGUMENT", async () => {
    const host = await enclave(channels);
    for (const length of [0, 32, 65]) {
      assert.equal(
        await statusOf(sealForPeer(host, random.bytes(length), [], new Uint8Array(0))),
        status.INVALID_ARGUMENT,
        `${length} bytes`,
      );
    }
  });

  it("keeps the attestation refusals PERMISSION_DENIED and our own faults INTERNAL", async () => {
    const host = await enclave();
    const unknown = { channelId: random.bytes(64), aad: new Uint8Array(0), data: random.bytes(40) };
    assert.equal(
      await statusOf(openFromPeer(host, noLedger as never, unknown)),
      status.PERMISSION_DENIED,
    );
    assert.equal(
      rpcStatusOf(peerInputRefusal(new EnclaveError("INTERNAL", "ours"))).code,
      status.INTERNAL,
    );
    assert.equal(rpcStatusOf(peerInputRefusal(new Error("a bug"))).code, status.INTERNAL);
    assert.equal(
      rpcStatusOf(peerInputRefusal(new EnclaveError("CALL_TOO_LARGE", "x"))).code,
      status.INVALID_ARGUMENT,
    );
  });
});
