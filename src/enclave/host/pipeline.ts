import { toBinary } from "@bufbuild/protobuf";
import { TxOutMembershipProofSchema } from "../../proto/external_pb.js";
import {
  membershipProofToProto,
  type TxOutMembershipProof,
  TxValidationError,
} from "../../transaction/index.js";
import { isCodedError } from "../../util/index.js";
import type { EnclaveMessage, WellFormedTxContext } from "../api.js";
import { callOk, type EnclaveHost } from "./host.js";

/**
 * How a host drives its enclave for transactions and peer sessions, written once for the node and
 * the simulator (reference mobilecoin-service.md §6.1–§6.3): a client's transaction is opened with
 * `client_tx_propose` and checked with `tx_is_well_formed` against membership proofs from the
 * node's own ledger; a relay is sealed with `txs_for_peer` on the sender and opened with
 * `peer_tx_propose` on the receiver; an IX session is `peer_init` here, `peer_accept` there,
 * `peer_connect` here. Every step is an enclave call; nothing here knows the transport.
 */

/** What `tx_is_well_formed` needs from the ledger: its height and fresh membership proofs. */
export interface MembershipProofSource {
  numBlocks(): bigint;
  numTxOuts(): bigint;
  getTxOutProofsOfMembership(indices: readonly bigint[]): TxOutMembershipProof[];
}

/** A transaction as the worker takes it (the enclave ran `tx_is_well_formed`). */
export interface WellFormedTx {
  readonly encrypted: Uint8Array;
  readonly context: WellFormedTxContext;
}

/**
 * The client's proofs name TxOuts by index; one beyond our ledger is the client's defect (or a
 * node behind), which MobileCoin's host answers `LedgerTxOutIndexOutOfBounds` before any proof is
 * fetched. Left to the ledger it would be a ledger error, i.e. INTERNAL for the client.
 */
function checkIndicesInLedger(ledger: MembershipProofSource, indices: readonly bigint[]): void {
  const numTxOuts = ledger.numTxOuts();
  if (indices.some((i) => i >= numTxOuts)) {
    throw new TxValidationError(
      "LedgerTxOutIndexOutOfBounds",
      `a membership proof refers to TxOuts beyond the ledger's ${numTxOuts}`,
    );
  }
}

/** `tx_is_well_formed` with proofs of the ring members' highest indices from `ledger`. */
export async function checkWellFormed(
  host: EnclaveHost,
  ledger: MembershipProofSource,
  locallyEncryptedTx: Uint8Array,
  highestIndices: readonly bigint[],
): Promise<WellFormedTx> {
  checkIndicesInLedger(ledger, highestIndices);
  const r = await callOk(host, {
    call: "tx_is_well_formed",
    locallyEncryptedTx,
    blockIndex: ledger.numBlocks() - 1n,
    proofs: ledger
      .getTxOutProofsOfMembership(highestIndices)
      .map((p) => toBinary(TxOutMembershipProofSchema, membershipProofToProto(p))),
  });
  return { encrypted: r.wellFormedEncryptedTx, context: r.context };
}

/** A client's transaction on its NX session: `client_tx_propose`, then `tx_is_well_formed`. */
export async function proposeFromClient(
  host: EnclaveHost,
  ledger: MembershipProofSource,
  message: EnclaveMessage,
): Promise<WellFormedTx> {
  const { context } = await callOk(host, { call: "client_tx_propose", message });
  return checkWellFormed(host, ledger, context.locallyEncryptedTx, context.highestIndices);
}

/** The sending half of a relay: our well-formed transactions sealed for a peer's IX session. */
export async function sealForPeer(
  host: EnclaveHost,
  session: Uint8Array,
  wellFormedEncryptedTxs: readonly Uint8Array[],
  aad: Uint8Array,
): Promise<EnclaveMessage> {
  const { message } = await callOk(host, {
    call: "txs_for_peer",
    wellFormedEncryptedTxs,
    aad,
    session,
  });
  return message;
}

/**
 * The receiving half: `peer_tx_propose`, then `tx_is_well_formed` for each transaction, in order.
 * Transactions the enclave finds malformed are left out (MobileCoin logs and drops them); a
 * message that does not open (unknown session, bad nonce) rejects.
 */
export async function openFromPeer(
  host: EnclaveHost,
  ledger: MembershipProofSource,
  message: EnclaveMessage,
): Promise<WellFormedTx[]> {
  const { contexts } = await callOk(host, { call: "peer_tx_propose", message });
  const out: WellFormedTx[] = [];
  for (const c of contexts) {
    try {
      out.push(await checkWellFormed(host, ledger, c.locallyEncryptedTx, c.highestIndices));
    } catch (error) {
      if (!isCodedError(error)) throw error;
    }
  }
  return out;
}

/** Answers the peer's `peer_accept` with its auth response (the `Auth` call of the peer API). */
export type RemoteAuth = (authRequest: Uint8Array) => Promise<Uint8Array>;

/** IX to a peer: `peer_init` here, `peer_accept` on the peer (through `remoteAuth`), `peer_connect` here. */
export async function connectPeer(
  host: EnclaveHost,
  peerResponderId: string,
  remoteAuth: RemoteAuth,
): Promise<Uint8Array> {
  const { authRequest } = await callOk(host, { call: "peer_init", peerResponderId });
  const authResponse = await remoteAuth(authRequest);
  const { session } = await callOk(host, {
    call: "peer_connect",
    peerResponderId,
    authResponse,
  });
  return session;
}

/** The accepting half of IX, what our `Auth` service answers a peer with. */
export async function acceptPeer(host: EnclaveHost, authRequest: Uint8Array): Promise<Uint8Array> {
  return (await callOk(host, { call: "peer_accept", authRequest })).authResponse;
}

/** The accepting half of NX, what our client `Auth` service answers a wallet with. */
export async function acceptClient(
  host: EnclaveHost,
  authRequest: Uint8Array,
): Promise<Uint8Array> {
  return (await callOk(host, { call: "client_accept", authRequest })).authResponse;
}
