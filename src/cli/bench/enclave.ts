import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { toBinary } from "@bufbuild/protobuf";
import {
  callOk,
  type EnclaveHost,
  InProcessEnclaveHost,
  loadEnclaveIdentity,
  startChildEnclave,
} from "../../enclave/index.js";
import { TxOutMembershipProofSchema } from "../../proto/external_pb.js";
import {
  encodeTx,
  type InMemoryLedgerView,
  makeSampleSpend,
  membershipProofToProto,
} from "../../transaction/index.js";
import { SeededRandom } from "../../util/index.js";
import { attestDevClient } from "./enclave-session.js";
import { type Benchmark, type BenchOptions, type Figure, itemsPerSecond } from "./harness.js";

/** Calls kept in flight for the pipelined figures (the host's bound is 64). */
const PIPELINE_DEPTH = 64;
/** Payload of the large-call figure: one client message of 1 MiB. */
const LARGE_CALL_BYTES = 1024 * 1024;

const INIT = {
  call: "enclave_init",
  peerResponderId: "bench.local:8443",
  clientResponderId: "bench.local:3223",
  sealedBlockSigningKey: undefined,
  config: {
    feeMap: [{ tokenId: 0n, minimumFee: 400_000_000n }],
    blockVersion: 3,
    governors: undefined,
  },
} as const;

function pipelined(make: () => Promise<unknown>): Promise<unknown> {
  return Promise.all(Array.from({ length: PIPELINE_DEPTH }, make));
}

async function figuresFor(
  host: EnclaveHost,
  prefix: string,
  options: BenchOptions,
): Promise<Figure[]> {
  const bench = "enclave";
  const identity = () => host.call({ call: "get_identity" });
  const report = () => host.call({ call: "new_report" });
  const big = new SeededRandom("bench-enclave").bytes(LARGE_CALL_BYTES);
  // Fully decoded and validated by the enclave, then refused: no session has that id.
  const large = () =>
    host.call({
      call: "client_tx_propose",
      message: { aad: new Uint8Array(0), channelId: new Uint8Array(64), data: big },
    });
  return [
    await itemsPerSecond(bench, `${prefix}calls_per_s`, "calls/s", 1, identity, options),
    await itemsPerSecond(
      bench,
      `${prefix}calls_per_s_pipelined`,
      "calls/s",
      PIPELINE_DEPTH,
      () => pipelined(identity),
      options,
    ),
    await itemsPerSecond(
      bench,
      `${prefix}new_report_per_s_pipelined`,
      "calls/s",
      PIPELINE_DEPTH,
      () => pipelined(report),
      options,
    ),
    await itemsPerSecond(bench, `${prefix}mib_per_s_1mib_calls`, "MiB/s", 1, large, options),
  ];
}

/**
 * tx_is_well_formed on one real transaction (block version 3, 1 input of 11, 2 outputs), submitted
 * once through client_tx_propose on a real attested client session (development evidence, NX
 * handshake through client_accept): the full validation (ring, membership proofs against 11 host
 * root proofs, MLSAG, Bulletproofs) plus the cache decrypt/encrypt and the call's framing.
 */
async function wellFormedFigure(
  host: EnclaveHost,
  measurement: Uint8Array,
  metric: string,
  options: BenchOptions,
): Promise<Figure> {
  const spend = makeSampleSpend({
    blockVersion: 3,
    inputs: 1,
    outputs: 2,
    rng: new SeededRandom("bench-wf"),
  });
  const view = spend.ledger as InMemoryLedgerView;
  const session = await attestDevClient(host, {
    clientResponderId: INIT.clientResponderId,
    measurement,
    random: new SeededRandom(`bench-wf-client/${metric}`),
    nowMs: Date.now(),
  });
  const message = session.encrypt(encodeTx(spend.tx));
  const { context } = await callOk(host, { call: "client_tx_propose", message });
  const call = {
    call: "tx_is_well_formed",
    locallyEncryptedTx: context.locallyEncryptedTx,
    blockIndex: view.numBlocks - 1n,
    proofs: context.highestIndices.map((i) =>
      toBinary(TxOutMembershipProofSchema, membershipProofToProto(view.rootProof(i))),
    ),
  } as const;
  const check = () => callOk(host, call);
  return itemsPerSecond("enclave", metric, "checks/s", 1, check, options);
}

/**
 * `bench enclave`: calls per second across the enclave process boundary (length-prefixed frames
 * over stdio to the real enclave process), one at a time and 64 in flight, for a cheap call
 * (get_identity), a heavier one (new_report: randomness, SHA-256, the pending-report LRU) and a
 * 1 MiB message (decoded and validated, then refused as not wired yet); the same for the in-process
 * host for comparison. `well_formed_per_s` (SPEC §4.3): tx_is_well_formed calls per second on a
 * real transaction across the boundary, submitted on a real attested client session; and
 * in-process.
 */
export const enclaveBenchmark: Benchmark = {
  name: "enclave",
  summary: "enclave calls per second across the process boundary and in-process (calls/s, MiB/s)",
  async run(options) {
    const dir = mkdtempSync(path.join(tmpdir(), "bench-enclave-"));
    const identity = loadEnclaveIdentity({});
    const child = await startChildEnclave({
      sealSecretPath: path.join(dir, "seal.secret"),
      cssBytes: identity.cssBytes,
    });
    try {
      await callOk(child, INIT);
      const inProcess = new InProcessEnclaveHost({
        random: new SeededRandom("bench-enclave"),
        sealSecret: new SeededRandom("bench-secret").bytes(32),
        measurement: identity.measurement,
        nowMs: () => Date.now(),
      });
      await callOk(inProcess, INIT);
      return [
        ...(await figuresFor(child, "", options)),
        ...(await figuresFor(inProcess, "in_process_", options)),
        await wellFormedFigure(child, identity.measurement, "well_formed_per_s", options),
        await wellFormedFigure(
          inProcess,
          identity.measurement,
          "in_process_well_formed_per_s",
          options,
        ),
      ];
    } finally {
      await child.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
