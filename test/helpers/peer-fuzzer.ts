/**
 * The request makers of test/e2e/peer-fuzz.test.ts: fuzzed `SendConsensusMsg`, `PeerTxPropose`,
 * `GetTxs` and `Auth` requests to one node's peer port, as its configured peer (holding that
 * peer's message key and attesting over IX as a real peer enclave would) and as a stranger.
 *
 * The attested side is built from the attest fixtures (test/attest/fixtures.ts `makeEnclave`):
 * evidence of the nodes' own measurement from the built-in development authority, bound to our
 * Noise static key, so the node's `peer_accept` takes it like any peer's. Holding the Noise state
 * here (not in an enclave) lets the fuzzer encrypt any plaintext on a real session.
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import { credentials, status } from "@grpc/grpc-js";
import { Ed25519Signer } from "../../src/crypto/index.js";
import { blockchainConfigDigest } from "../../src/enclave/impl/config-digest.js";
import {
  AkeInitiator,
  createDevAuthority,
  DEVELOPMENT_POLICY,
  devRootPublicKey,
  enrolmentFor,
  loadEnclaveIdentity,
  peerIdentity,
  SwEvidenceVerifier,
} from "../../src/enclave/index.js";
import {
  decodeConsensusMsgPayload,
  encodeConsensusMsgPayload,
  encodeTxProposeAad,
  signConsensusMsg,
} from "../../src/peers/index.js";
import { AttestedApi, AuthMessageSchema, MessageSchema } from "../../src/proto/attest_pb.js";
import {
  ConsensusMsgSchema,
  ConsensusPeerAPI,
  GetLatestMsgResponseSchema,
  GetTxsRequestSchema,
} from "../../src/proto/consensus_peer_pb.js";
import { methodPath, plainBytes, RpcCallError, RpcClient } from "../../src/rpc/index.js";
import { defaultFeeMap } from "../../src/transaction/index.js";
import type { SeededRandom } from "../../src/util/index.js";
import { ENROLLED, makeEnclave } from "../attest/fixtures.js";

export const PATHS = {
  sendConsensusMsg: methodPath(ConsensusPeerAPI.method.sendConsensusMsg),
  peerTxPropose: methodPath(ConsensusPeerAPI.method.peerTxPropose),
  getTxs: methodPath(ConsensusPeerAPI.method.getTxs),
  auth: methodPath(AttestedApi.method.auth),
} as const;
export type FuzzMethod = keyof typeof PATHS;
export const FUZZ_METHODS = Object.keys(PATHS) as FuzzMethod[];

/** Deadline of one fuzzed call: generous, a shared 2-core machine runs three nodes beside it. */
const CALL_DEADLINE_MS = 20_000;
/** The node's block version and fee map (the runbook network runs the defaults). */
const BLOCK_VERSION = 0;

export interface FuzzRequest {
  readonly method: FuzzMethod;
  /** Which maker made it (shown for a status that should not happen). */
  readonly kind: string;
  readonly bytes: Uint8Array;
  /** Sent on the fuzzer's attested session: a refusal other than INVALID_ARGUMENT ends it. */
  readonly onSession?: boolean;
}

/** The configured peer whose keys the fuzzer holds. */
export interface PeerIdentity {
  readonly responderId: string;
  /** `--msg-signer-key`: base64 PKCS#8 DER. */
  readonly msgSignerKey: string;
}

export function statusName(code: number): string {
  return (status as unknown as Record<number, string>)[code] ?? String(code);
}

/** One IX session with the node, the Noise state held here. */
class PeerSession {
  constructor(readonly machine: AkeInitiator) {}

  get channelId(): Uint8Array {
    return this.machine.sessionId;
  }
}

export class PeerFuzzer {
  readonly #client: RpcClient;
  readonly #signer: Ed25519Signer;
  readonly #measurement = loadEnclaveIdentity({}).measurement;
  readonly #enclave;
  #latest: Uint8Array | undefined;

  constructor(
    readonly targetResponderId: string,
    readonly peer: PeerIdentity,
    readonly rng: SeededRandom,
  ) {
    this.#client = new RpcClient(targetResponderId, credentials.createInsecure());
    this.#signer = Ed25519Signer.fromPkcs8Der(
      new Uint8Array(Buffer.from(peer.msgSignerKey, "base64")),
    );
    this.#enclave = this.#makeEnclave("fuzzer peer", this.#measurement);
  }

  #makeEnclave(label: string, measurement: Uint8Array) {
    const authority = createDevAuthority({
      enrolled: [enrolmentFor(ENROLLED.spid, ENROLLED.apiKey)],
      allowedMeasurements: [measurement],
    });
    return makeEnclave(label, {
      measurement,
      debug: true,
      authority,
      issuedAtMs: Date.now() - 60_000,
    });
  }

  close(): void {
    this.#client.close();
  }

  /** Send raw bytes; resolves with the gRPC status code (0 for OK) and the reply. */
  async send(method: FuzzMethod, bytes: Uint8Array): Promise<{ code: number; reply?: Buffer }> {
    try {
      const reply = await this.#client.unaryBytes(PATHS[method], Buffer.from(bytes), {
        deadlineMs: CALL_DEADLINE_MS,
      });
      return { code: status.OK, reply };
    } catch (error) {
      if (error instanceof RpcCallError) return { code: error.code };
      throw error;
    }
  }

  /** IX message 1 as our configured peer's enclave would send it. */
  authRequest(machine: AkeInitiator, enclave = this.#enclave): Uint8Array {
    return machine.initiatePeer({
      responderId: this.targetResponderId,
      configDigest: blockchainConfigDigest(defaultFeeMap(), BLOCK_VERSION),
      staticSecret: enclave.staticSecret,
      ephemeralSecret: this.rng.bytes(32),
      ownEvidence: enclave.evidence,
    });
  }

  /** The real handshake: Auth with message 1, the node's evidence verified in message 2. */
  async attest(): Promise<PeerSession> {
    const machine = new AkeInitiator();
    const request = toBinary(
      AuthMessageSchema,
      create(AuthMessageSchema, { data: this.authRequest(machine) }),
    );
    const { code, reply } = await this.send("auth", request);
    if (code !== status.OK || reply === undefined)
      throw new Error(`the configured peer's Auth was refused: ${statusName(code)}`);
    const answer = fromBinary(AuthMessageSchema, plainBytes(reply));
    machine.readAuthResponse({
      message: answer.data,
      verifier: new SwEvidenceVerifier({
        policy: DEVELOPMENT_POLICY,
        rootPublicKey: devRootPublicKey(),
        identities: [peerIdentity(this.#measurement)],
      }),
      nowMs: Date.now(),
    });
    return new PeerSession(machine);
  }

  /** The node's latest consensus message (GetLatestMsg), the template of valid-looking messages. */
  async refreshTemplate(): Promise<void> {
    const { code, reply } = await this.#getLatest();
    if (code === status.OK && reply !== undefined) {
      const payload = fromBinary(GetLatestMsgResponseSchema, plainBytes(reply)).payload;
      if (payload.length > 0) this.#latest = payload;
    }
  }

  async #getLatest(): Promise<{ code: number; reply?: Buffer }> {
    try {
      const reply = await this.#client.unaryBytes(
        methodPath(ConsensusPeerAPI.method.getLatestMsg),
        Buffer.from(toBinary(EmptySchema, create(EmptySchema))),
        { deadlineMs: CALL_DEADLINE_MS },
      );
      return { code: status.OK, reply };
    } catch (error) {
      if (error instanceof RpcCallError) return { code: error.code };
      throw error;
    }
  }

  get template(): Uint8Array | undefined {
    return this.#latest;
  }

  // ---- makers ----

  bytes(min: number, max: number): Uint8Array {
    return this.rng.bytes(min + this.rng.nextInt(max - min + 1));
  }

  /** Flip, drop, insert or truncate a few bytes. */
  mutate(input: Uint8Array): Uint8Array {
    const out = [...input];
    const edits = 1 + this.rng.nextInt(4);
    for (let e = 0; e < edits && out.length > 0; e++) {
      const at = this.rng.nextInt(out.length);
      const op = this.rng.nextInt(4);
      if (op === 0) out[at] = (out[at] as number) ^ (1 << this.rng.nextInt(8));
      else if (op === 1) out.splice(at, 1);
      else if (op === 2) out.splice(at, 0, this.rng.nextInt(256));
      else out.length = at;
    }
    return new Uint8Array(out);
  }

  consensusMsg(fromResponderId: string, payload: Uint8Array): Uint8Array {
    return toBinary(ConsensusMsgSchema, create(ConsensusMsgSchema, { fromResponderId, payload }));
  }

  /** The template re-issued as our peer: a valid signature on a wrong slot or previous block. */
  reissued(kind: "slot" | "prev-block" | "bad-signature"): Uint8Array | undefined {
    if (this.#latest === undefined) return undefined;
    const msg = decodeConsensusMsgPayload(this.#latest);
    const sender = { id: this.peer.responderId, publicKey: this.#signer.publicKey };
    const far = msg.scpMsg.slot + 1000 + this.rng.nextInt(1_000_000);
    const slot = kind === "slot" ? (this.rng.nextInt(2) === 0 ? far : 1) : msg.scpMsg.slot;
    const scpMsg = { ...msg.scpMsg, sender, slot };
    const prev = kind === "prev-block" ? this.rng.bytes(32) : msg.prevBlockId;
    const signed = signConsensusMsg(scpMsg, prev, this.#signer);
    const signature = kind === "bad-signature" ? this.mutate(signed.signature) : signed.signature;
    return encodeConsensusMsgPayload({ ...signed, signature });
  }

  attestMessage(channelId: Uint8Array, aad: Uint8Array, data: Uint8Array): Uint8Array {
    return toBinary(MessageSchema, create(MessageSchema, { channelId, aad, data }));
  }

  /** A valid `TxProposeAAD` naming our peer as origin and relayer. */
  txProposeAad(): Uint8Array {
    const node = { id: this.peer.responderId, publicKey: this.#signer.publicKey };
    return encodeTxProposeAad({ originNode: node, relayedBy: this.peer.responderId });
  }

  getTxs(channelId: Uint8Array, hashes: readonly Uint8Array[]): Uint8Array {
    return toBinary(
      GetTxsRequestSchema,
      create(GetTxsRequestSchema, { channelId, txHashes: [...hashes] }),
    );
  }

  /** Message 1 from an enclave of another measurement: attested, but not a peer of ours. */
  foreignAuth(): Uint8Array {
    const enclave = this.#makeEnclave("fuzzer stranger", this.rng.bytes(32));
    return this.authRequest(new AkeInitiator(), enclave);
  }
}
