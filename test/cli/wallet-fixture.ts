// Shared set-up of the wallet tests: sample accounts and two byte-identical origin ledgers made by
// the real `sample-keys` and `generate-sample-ledger` commands (one the wallet reads, one the
// in-test node serves from), and a small client-port gRPC server whose ClientTxPropose runs a real
// enclave (client_tx_propose, then tx_is_well_formed with proofs from the node's ledger).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { ServerCredentials } from "@grpc/grpc-js";
import { signBlockMetadata } from "../../src/blockchain/index.js";
import { main } from "../../src/cli/consensus-tool.js";
import { formBlockCodecFor } from "../../src/consensus/index.js";
import { Ed25519Signer } from "../../src/crypto/index.js";
import {
  callOk,
  createDevAuthority,
  encodeEvidence,
  enrolmentFor,
  InProcessEnclaveHost,
} from "../../src/enclave/index.js";
import { type Ledger, openLmdbLedger } from "../../src/ledger/index.js";
import { BlockIDSchema, BlockSchema } from "../../src/proto/blockchain_pb.js";
import { ConsensusClientAPI } from "../../src/proto/consensus_client_pb.js";
import {
  BlockchainAPI,
  BlocksResponseSchema,
  LastBlockInfoResponseSchema,
  ProposeTxResponseSchema,
} from "../../src/proto/consensus_common_pb.js";
import { ConsensusNodeConfigSchema } from "../../src/proto/consensus_config_pb.js";
import { TxOutMembershipProofSchema } from "../../src/proto/external_pb.js";
import { RpcServer, serveClientAuth } from "../../src/rpc/index.js";
import {
  MOB_MINIMUM_FEE,
  membershipProofToProto,
  PROPOSE_TX_RESULT,
} from "../../src/transaction/index.js";
import { nullLogger, SeededRandom } from "../../src/util/index.js";
import { type Run, runCaptured } from "../helpers/captured-run.js";

export const BLOCK_VERSION = 3;
// 16 accounts: one account then holds less than 2^64 picoMOB, so "more than the balance" is a u64.
export const ACCOUNTS = 16;
export const TXS = 5;
export const BLOCKS = 2;

export type { Run };

/** `consensus-tool ARGS` in this process. */
export function tool(args: readonly string[]): Promise<Run> {
  return runCaptured(main, args);
}

export interface Fixture {
  dir: string;
  keysDir: string;
  /** The ledger the wallet reads. */
  walletLedger: string;
  /** The node's own ledger (same origin, generated again). */
  nodeLedger: string;
  valuePerOutput: bigint;
  cleanup(): void;
}

async function generate(keysDir: string, out: string): Promise<bigint> {
  const run = await tool([
    "generate-sample-ledger",
    "--keys-dir",
    keysDir,
    "--output-dir",
    out,
    "--txs",
    String(TXS),
    "--blocks",
    String(BLOCKS),
    "--block-version",
    String(BLOCK_VERSION),
    "--json",
  ]);
  if (run.status !== 0) throw new Error(`generate-sample-ledger: ${run.stderr}`);
  return BigInt(JSON.parse(run.stdout).value_per_output);
}

export async function makeFixture(): Promise<Fixture> {
  const dir = mkdtempSync(path.join(tmpdir(), "wallet-test-"));
  const keysDir = path.join(dir, "keys");
  const keys = await tool(["sample-keys", "--num", String(ACCOUNTS), "--dir", keysDir]);
  if (keys.status !== 0) throw new Error(`sample-keys: ${keys.stderr}`);
  const walletLedger = path.join(dir, "wallet-ledger");
  const nodeLedger = path.join(dir, "node-ledger");
  const valuePerOutput = await generate(keysDir, walletLedger);
  await generate(keysDir, nodeLedger);
  return {
    dir,
    keysDir,
    walletLedger,
    nodeLedger,
    valuePerOutput,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const MEASUREMENT = new SeededRandom("wallet-test-measurement").bytes(32);
const SPID = "00112233445566778899aabbccddeeff";
const API_KEY = "wallet test";
export const CLIENT_RESPONDER_ID = "wallet-test-node.local:3223";

/** An in-process enclave initialised like a node's, holding development evidence. */
export async function devEnclave(): Promise<InProcessEnclaveHost> {
  const host = new InProcessEnclaveHost({
    random: new SeededRandom("wallet-test-enclave"),
    sealSecret: new SeededRandom("wallet-test-seal").bytes(32),
    measurement: MEASUREMENT,
    nowMs: () => Date.now(),
  });
  await callOk(host, {
    call: "enclave_init",
    peerResponderId: "wallet-test-node.local:8443",
    clientResponderId: CLIENT_RESPONDER_ID,
    sealedBlockSigningKey: undefined,
    config: {
      feeMap: [{ tokenId: 0n, minimumFee: MOB_MINIMUM_FEE }],
      blockVersion: BLOCK_VERSION,
      governors: undefined,
    },
  });
  const { contents, report } = await callOk(host, { call: "new_report" });
  const authority = createDevAuthority({
    enrolled: [enrolmentFor(SPID, API_KEY)],
    allowedMeasurements: [MEASUREMENT],
  });
  const signed = authority.issue({ report, spid: SPID, apiKey: API_KEY }, Date.now());
  await callOk(host, { call: "install_evidence", evidence: encodeEvidence(signed, contents) });
  return host;
}

export interface TestNode {
  uri: string;
  /** Calls seen, by method name. */
  calls: Map<string, number>;
  /** What each ClientTxPropose answered (a ProposeTxResult name). */
  results: string[];
  ledger: Ledger;
  /** When set, every accepted transaction is formed into a block (by the enclave) and appended. */
  commit: boolean;
  close(): Promise<void>;
}

function count(calls: Map<string, number>, name: string): void {
  calls.set(name, (calls.get(name) ?? 0) + 1);
}

const resultName = (code: number) =>
  Object.entries(PROPOSE_TX_RESULT).find(([, n]) => n === code)?.[0] ?? String(code);

/** The node side of ClientTxPropose: the enclave decides, as the node's client service does. */
async function propose(
  host: InProcessEnclaveHost,
  ledger: Ledger,
  message: { aad: Uint8Array; channelId: Uint8Array; data: Uint8Array },
): Promise<{ result: number; encrypted?: Uint8Array; highestIndices?: readonly bigint[] }> {
  const proposed = await host.call({ call: "client_tx_propose", message });
  if (!proposed.ok)
    return { result: PROPOSE_TX_RESULT[proposed.txCode as keyof typeof PROPOSE_TX_RESULT] };
  const { context } = proposed.value;
  const wellFormed = await host.call({
    call: "tx_is_well_formed",
    locallyEncryptedTx: context.locallyEncryptedTx,
    blockIndex: ledger.numBlocks() - 1n,
    proofs: ledger
      .getTxOutProofsOfMembership(context.highestIndices)
      .map((p) => toBinary(TxOutMembershipProofSchema, membershipProofToProto(p))),
  });
  if (wellFormed.ok)
    return {
      result: PROPOSE_TX_RESULT.Ok,
      encrypted: wellFormed.value.wellFormedEncryptedTx,
      highestIndices: context.highestIndices,
    };
  const code = PROPOSE_TX_RESULT[wellFormed.txCode as keyof typeof PROPOSE_TX_RESULT];
  if (code === undefined) throw new Error(`enclave refused: ${wellFormed.code}`);
  return { result: code };
}

const METADATA_SIGNER = Ed25519Signer.fromSeed(new SeededRandom("wallet-test-msg-key").bytes(32));

/** What the node's worker does once the network agrees: form_block in the enclave, then append. */
async function commitBlock(
  host: InProcessEnclaveHost,
  ledger: Ledger,
  encrypted: Uint8Array,
  highestIndices: readonly bigint[],
): Promise<void> {
  const codec = formBlockCodecFor(ledger);
  const request = codec.request([{ encrypted, context: { highestIndices } } as never]);
  const formed = codec.reply(await callOk(host, request));
  ledger.appendBlock({
    block: formed.block,
    contents: formed.contents,
    signature: { ...formed.signature, signedAt: 1_700_000_000n },
    metadata: signBlockMetadata(
      {
        blockId: formed.block.id,
        quorumSet: {
          threshold: 1,
          members: [
            {
              type: "Node",
              node: {
                responderId: "wallet-test-node.local:8443",
                publicKey: METADATA_SIGNER.publicKey,
              },
            },
          ],
        },
        attestationEvidence: undefined,
        responderId: "wallet-test-node.local:8443",
      },
      METADATA_SIGNER,
    ),
  });
}

/** A client port on loopback: Auth, ClientTxPropose, GetNodeConfig, GetLastBlockInfo, GetBlocks. */
export async function startTestNode(
  ledgerDir: string,
  host: InProcessEnclaveHost,
  credentials: ServerCredentials = ServerCredentials.createInsecure(),
): Promise<TestNode> {
  const ledger = openLmdbLedger(ledgerDir);
  const calls = new Map<string, number>();
  const results: string[] = [];
  const server = new RpcServer({ logger: nullLogger });
  const node: TestNode = {
    uri: "",
    calls,
    results,
    ledger,
    commit: false,
    close: async () => {
      await server.close(100);
      ledger.close();
    },
  };
  serveClientAuth(server, host, { onSession: () => count(calls, "Auth") });
  server.unary(ConsensusClientAPI.method.clientTxPropose, async (message) => {
    count(calls, "ClientTxPropose");
    const { result, encrypted, highestIndices } = await propose(host, ledger, message);
    results.push(resultName(result));
    if (node.commit && encrypted !== undefined && highestIndices !== undefined)
      await commitBlock(host, ledger, encrypted, highestIndices);
    return create(ProposeTxResponseSchema, {
      result,
      blockCount: ledger.numBlocks(),
      blockVersion: BLOCK_VERSION,
    });
  });
  server.unary(ConsensusClientAPI.method.getNodeConfig, () => {
    count(calls, "GetNodeConfig");
    return create(ConsensusNodeConfigSchema, {
      peerResponderId: "wallet-test-node.local:8443",
      clientResponderId: CLIENT_RESPONDER_ID,
      blockVersion: BLOCK_VERSION,
    });
  });
  server.unary(BlockchainAPI.method.getLastBlockInfo, () => {
    count(calls, "GetLastBlockInfo");
    return create(LastBlockInfoResponseSchema, {
      index: ledger.numBlocks() - 1n,
      mobMinimumFee: MOB_MINIMUM_FEE,
      minimumFees: { "0": MOB_MINIMUM_FEE },
      networkBlockVersion: BLOCK_VERSION,
    });
  });
  server.unary(BlockchainAPI.method.getBlocks, (request) => {
    count(calls, "GetBlocks");
    const blocks = [];
    for (let i = request.offset; i < ledger.numBlocks() && blocks.length < request.limit; i++) {
      const block = ledger.getBlock(i);
      blocks.push(
        create(BlockSchema, { id: create(BlockIDSchema, { data: block.id }), index: block.index }),
      );
    }
    return create(BlocksResponseSchema, { blocks });
  });
  const port = await server.listen("127.0.0.1:0", credentials);
  node.uri = `insecure-mc://127.0.0.1:${port}/`;
  return node;
}
