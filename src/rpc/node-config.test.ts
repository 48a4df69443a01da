// Goal: GetNodeConfig's answer carries the node's configuration, the enclave's keys and the
// software labels (mode, measurement, signer, authority key id), the labels under our own field
// numbers (100–103), so an upstream client that does not know them still reads every upstream
// field unchanged.
// Method: the inputs come from a real in-process enclave (its get_signer and
// get_minting_trust_root) and the development authority; the encoding is checked on the wire by
// hand-written protobuf tags, and by decoding with fields 100+ removed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  authorityKeyId,
  callOk,
  devAuthoritySigner,
  InProcessEnclaveHost,
} from "../enclave/index.js";
import { ConsensusNodeConfigSchema } from "../proto/consensus_config_pb.js";
import { SeededRandom, utf8 } from "../util/index.js";
import { buildNodeConfig, type NodeConfigInputs } from "./node-config.js";

const measurement = new SeededRandom("node-config measurement").bytes(32);
const signer = new SeededRandom("node-config signer").bytes(32);
const msgKey = new SeededRandom("node-config msg key").bytes(32);

async function inputs(): Promise<NodeConfigInputs> {
  const host = new InProcessEnclaveHost({
    random: new SeededRandom("node-config"),
    sealSecret: new SeededRandom("node-config secret").bytes(32),
    measurement,
    nowMs: () => 0,
  });
  await callOk(host, {
    call: "enclave_init",
    peerResponderId: "node1.test:8443",
    clientResponderId: "node1.test:443",
    sealedBlockSigningKey: undefined,
    config: {
      feeMap: [{ tokenId: 0n, minimumFee: 400_000_000n }],
      blockVersion: 3,
      governors: undefined,
    },
  });
  const { signerPublicKey } = await callOk(host, { call: "get_signer" });
  const { publicKey } = await callOk(host, { call: "get_minting_trust_root" });
  await host.close();
  return {
    peerResponderId: "node1.test:8443",
    clientResponderId: "node1.test:443",
    blockVersion: 3,
    feeMap: new Map([
      [0n, 400_000_000n],
      [1n, 1024n],
    ]),
    scpMessageSigningKey: msgKey,
    blockSigningKey: signerPublicKey,
    mintingTrustRoot: publicKey,
    attestation: {
      mode: "SW-DEV",
      measurement,
      signer,
      authorityKeyId: authorityKeyId(devAuthoritySigner().publicKey),
    },
  };
}

/** A length-delimited field as protobuf writes it (tag and length below 128 × 128). */
function lengthDelimited(field: number, value: Uint8Array): Uint8Array {
  const tag = (field << 3) | 2;
  const tagBytes = tag < 128 ? [tag] : [(tag & 0x7f) | 0x80, tag >> 7];
  return new Uint8Array([...tagBytes, value.length, ...value]);
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack).indexOf(Buffer.from(needle)) >= 0;
}

describe("GetNodeConfig builder", () => {
  it("fills the upstream fields from the node and the enclave", async () => {
    const i = await inputs();
    const config = buildNodeConfig(i);
    assert.equal(config.peerResponderId, "node1.test:8443");
    assert.equal(config.clientResponderId, "node1.test:443");
    assert.equal(config.blockVersion, 3);
    assert.deepEqual(config.blockSigningKey?.data, i.blockSigningKey);
    assert.deepEqual(config.mintingTrustRoot?.data, i.mintingTrustRoot);
    assert.deepEqual(config.scpMessageSigningKey?.data, msgKey);
    assert.deepEqual(Object.keys(config.tokenConfigMap).sort(), ["0", "1"]);
    assert.equal(config.tokenConfigMap["1"]?.minimumFee, 1024n);
    assert.equal(config.tokenConfigMap["0"]?.minimumFee, 400_000_000n);
  });

  it("puts the labels on the wire under fields 100-103", async () => {
    const i = await inputs();
    const bytes = toBinary(ConsensusNodeConfigSchema, buildNodeConfig(i));
    assert.ok(contains(bytes, lengthDelimited(100, utf8("SW-DEV"))));
    assert.ok(contains(bytes, lengthDelimited(101, measurement)));
    assert.ok(contains(bytes, lengthDelimited(102, signer)));
    assert.ok(contains(bytes, lengthDelimited(103, i.attestation.authorityKeyId)));
    const prod = buildNodeConfig({ ...i, attestation: { ...i.attestation, mode: "SW-PROD" } });
    const decoded = fromBinary(
      ConsensusNodeConfigSchema,
      toBinary(ConsensusNodeConfigSchema, prod),
    );
    assert.equal(decoded.attestationMode, "SW-PROD");
  });

  it("leaves the upstream encoding as it was without the labels", async () => {
    const config = buildNodeConfig(await inputs());
    const upstreamOnly = create(ConsensusNodeConfigSchema, {
      ...config,
      attestationMode: "",
      enclaveMeasurement: new Uint8Array(0),
      enclaveSigner: new Uint8Array(0),
      authorityKeyId: new Uint8Array(0),
    });
    const full = toBinary(ConsensusNodeConfigSchema, config);
    const upstream = toBinary(ConsensusNodeConfigSchema, upstreamOnly);
    // Our fields come last (protobuf-es writes in field order), after the upstream bytes untouched.
    assert.deepEqual(full.subarray(0, upstream.length), upstream);
    assert.ok(full.length > upstream.length);
  });
});
