import {
  AkeInitiator,
  acceptClient,
  acceptPeer,
  callOk,
  connectPeer,
  createDevAuthority,
  DEVELOPMENT_POLICY,
  devRootPublicKey,
  encodeEvidence,
  enrolmentFor,
  InProcessEnclaveHost,
  openFromPeer,
  peerIdentity,
  proposeFromClient,
  SwEvidenceVerifier,
  sealForPeer,
  type WellFormedTx,
} from "../enclave/index.js";
import type { LedgerReader } from "../ledger/index.js";
import { encodeTx, MOB_MINIMUM_FEE, type Tx } from "../transaction/index.js";
import { type RandomSource, SeededRandom, toHex } from "../util/index.js";
import { SIM_BLOCK_VERSION } from "./wallet.js";

/**
 * One simulated node's enclave, driven the way the node drives its real one (no test channels,
 * no shortcuts): an `InProcessEnclaveHost` on the virtual clock, initialised with the network's
 * config and development evidence from the built-in dev authority; clients reach it over NX
 * sessions (`client_tx_propose`), peers over IX sessions between enclaves (`txs_for_peer` on
 * the sender, `peer_tx_propose` on the receiver); every transaction the worker sees has passed
 * `tx_is_well_formed` with membership proofs from this node's own ledger.
 */

/** Every simulated enclave runs the same build: one measurement, as a real network would. */
const SIM_MEASUREMENT = new SeededRandom("sim-enclave-measurement").bytes(32);
const SIM_SPID = "00112233445566778899aabbccddeeff";
const SIM_API_KEY = "sim api key";
const SIM_CONFIG = {
  feeMap: [{ tokenId: 0n, minimumFee: MOB_MINIMUM_FEE }],
  blockVersion: SIM_BLOCK_VERSION,
  governors: undefined,
};

/** A transaction as the worker takes it (the host ran `tx_is_well_formed`; enclave/host/pipeline). */
export type WellFormed = WellFormedTx;

/** A wallet's NX session to one node. */
export interface ClientSession {
  readonly machine: AkeInitiator;
}

export class SimEnclave {
  readonly host: InProcessEnclaveHost;
  /** Our outbound IX session id to each peer (by the peer's responder id). */
  private readonly sessions = new Map<string, Uint8Array>();
  blockSignerKey: Uint8Array = new Uint8Array(32);

  private constructor(
    /** The responder id the enclave is initialised with (a `host:port`). */
    readonly responderId: string,
    private readonly ledger: LedgerReader,
    host: InProcessEnclaveHost,
  ) {
    this.host = host;
  }

  /** A fresh enclave for `responderId`, initialised and holding dev evidence at `nowMs()`. */
  static async start(
    responderId: string,
    ledger: LedgerReader,
    random: RandomSource,
    nowMs: () => number,
    sealSecret: Uint8Array,
  ): Promise<SimEnclave> {
    responderId = asHostPort(responderId);
    const host = new InProcessEnclaveHost({
      random,
      sealSecret,
      measurement: SIM_MEASUREMENT,
      nowMs,
    });
    await callOk(host, {
      call: "enclave_init",
      peerResponderId: responderId,
      clientResponderId: `${responderId}#client`,
      sealedBlockSigningKey: undefined,
      config: SIM_CONFIG,
    });
    const { contents, report } = await callOk(host, { call: "new_report" });
    const authority = createDevAuthority({
      enrolled: [enrolmentFor(SIM_SPID, SIM_API_KEY)],
      allowedMeasurements: [SIM_MEASUREMENT],
    });
    const signed = authority.issue({ report, spid: SIM_SPID, apiKey: SIM_API_KEY }, nowMs());
    await callOk(host, { call: "install_evidence", evidence: encodeEvidence(signed, contents) });
    const enclave = new SimEnclave(responderId, ledger, host);
    enclave.blockSignerKey = (await callOk(host, { call: "get_signer" })).signerPublicKey;
    return enclave;
  }

  /** IX between two enclaves (peer_init here, peer_accept there, peer_connect here). */
  async connect(peer: SimEnclave): Promise<void> {
    const session = await connectPeer(this.host, peer.responderId, (request) =>
      acceptPeer(peer.host, request),
    );
    this.sessions.set(peer.responderId, session);
  }

  /** A wallet opens an NX session to this enclave, verifying its dev evidence at `nowMs`. */
  async clientSession(random: RandomSource, nowMs: number): Promise<ClientSession> {
    const machine = new AkeInitiator();
    const authRequest = machine.initiateClient({
      responderId: `${this.responderId}#client`,
      ephemeralSecret: random.fillBytes(new Uint8Array(32)),
    });
    machine.readAuthResponse({
      message: await acceptClient(this.host, authRequest),
      verifier: new SwEvidenceVerifier({
        policy: DEVELOPMENT_POLICY,
        rootPublicKey: devRootPublicKey(),
        identities: [peerIdentity(SIM_MEASUREMENT)],
      }),
      nowMs,
    });
    return { machine };
  }

  /** A client's transaction: client_tx_propose on its session, then tx_is_well_formed. */
  async clientPropose(session: ClientSession, tx: Tx): Promise<WellFormed> {
    const sealed = session.machine.encrypt(new Uint8Array(0), encodeTx(tx));
    return proposeFromClient(this.host, this.ledger, {
      aad: sealed.aad,
      channelId: sealed.channelId,
      data: sealed.data,
    });
  }

  /**
   * Relay well-formed transactions of ours to `peer` on our IX session (`txs_for_peer` here,
   * `peer_tx_propose` and `tx_is_well_formed` there); returns what the peer's worker gets, in order.
   * Transactions the peer finds malformed are left out (MobileCoin logs and drops them).
   */
  async sendTo(
    peer: SimEnclave,
    encrypted: readonly Uint8Array[],
    aad: Uint8Array,
  ): Promise<WellFormed[]> {
    const session = this.sessions.get(peer.responderId);
    if (session === undefined) throw new RangeError(`no session to ${peer.responderId}`);
    const message = await sealForPeer(this.host, session, encrypted, aad);
    return openFromPeer(peer.host, peer.ledger, message);
  }

  close(): Promise<void> {
    return this.host.close();
  }
}

/** The enclave wants `host:port` responder ids; simulated names (`n3`) become `n3.sim:8443`. */
function asHostPort(id: string): string {
  return id.includes(":") ? id : `${id}.sim:8443`;
}

/** Hex of a transaction hash, the key the simulator's books use. */
export const hashKey = (context: { txHash: Uint8Array }): string => toHex(context.txHash);
