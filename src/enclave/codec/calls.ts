import type { CallName, EnclaveCall } from "../api.js";
import { ENCLAVE_LIMITS as L } from "../limits.js";
import {
  readConfig,
  readFormBlockInputs,
  readMessage,
  readProofs,
  writeConfig,
  writeFormBlockInputs,
  writeMessage,
} from "./shared.js";
import { type TlvReader, TlvWriter } from "./tlv.js";

/** Arguments of each call: one exhaustive switch to write them, one to read them strictly. */

export function encodeCallArgs(c: EnclaveCall): Uint8Array {
  const w = new TlvWriter();
  switch (c.call) {
    case "enclave_init":
      w.string(c.peerResponderId).string(c.clientResponderId).optBytes(c.sealedBlockSigningKey);
      writeConfig(w, c.config);
      break;
    case "get_minimum_fee":
      w.u64(c.tokenId);
      break;
    case "get_identity":
    case "get_signer":
    case "get_fee_recipient":
    case "get_minting_trust_root":
    case "new_report":
    case "get_evidence":
      break;
    case "install_evidence":
      w.bytes(c.evidence);
      break;
    case "client_accept":
    case "peer_accept":
      w.bytes(c.authRequest);
      break;
    case "client_close":
    case "peer_close":
      w.bytes(c.session);
      break;
    case "client_discard_message":
    case "client_tx_propose":
    case "peer_tx_propose":
      writeMessage(w, c.message);
      break;
    case "peer_init":
      w.string(c.peerResponderId);
      break;
    case "peer_connect":
      w.string(c.peerResponderId).bytes(c.authResponse);
      break;
    case "tx_is_well_formed":
      w.bytes(c.locallyEncryptedTx).u64(c.blockIndex);
      w.list(c.proofs, (p) => w.bytes(p));
      break;
    case "txs_for_peer":
      w.list(c.wellFormedEncryptedTxs, (t) => w.bytes(t));
      w.bytes(c.aad).bytes(c.session);
      break;
    case "form_block":
      w.bytes(c.parentBlock);
      writeFormBlockInputs(w, c.inputs);
      w.bytes(c.rootElement);
      break;
  }
  return w.finish();
}

/** Read the arguments of `name`; throws `EnclaveError(INVALID_ARGUMENT)` on any deviation. */
export function decodeCallArgs(name: CallName, r: TlvReader): EnclaveCall {
  const call = readCallArgs(name, r);
  r.end();
  return call;
}

function readCallArgs(name: CallName, r: TlvReader): EnclaveCall {
  switch (name) {
    case "enclave_init":
      return {
        call: name,
        peerResponderId: r.string("peer_responder_id", L.responderIdBytesMax),
        clientResponderId: r.string("client_responder_id", L.responderIdBytesMax),
        sealedBlockSigningKey: r.optBytes("sealed_block_signing_key", L.sealedKeyBytesMax),
        config: readConfig(r),
      };
    case "get_minimum_fee":
      return { call: name, tokenId: r.u64("token_id") };
    case "get_identity":
    case "get_signer":
    case "get_fee_recipient":
    case "get_minting_trust_root":
    case "new_report":
    case "get_evidence":
      return { call: name };
    case "install_evidence":
      return { call: name, evidence: r.bytes("evidence", L.evidenceBytesMax) };
    case "client_accept":
    case "peer_accept":
      return { call: name, authRequest: r.bytes("auth_request", L.handshakeMessageBytesMax) };
    case "client_close":
    case "peer_close":
      return { call: name, session: r.fixed("session", L.sessionIdBytes) };
    case "client_discard_message":
    case "client_tx_propose":
    case "peer_tx_propose":
      return { call: name, message: readMessage(r) };
    case "peer_init":
      return { call: name, peerResponderId: r.string("peer_responder_id", L.responderIdBytesMax) };
    case "peer_connect":
      return {
        call: name,
        peerResponderId: r.string("peer_responder_id", L.responderIdBytesMax),
        authResponse: r.bytes("auth_response", L.handshakeMessageBytesMax),
      };
    case "tx_is_well_formed":
      return {
        call: name,
        locallyEncryptedTx: r.bytes("locally_encrypted_tx", L.encryptedTxBytesMax),
        blockIndex: r.u64("block_index"),
        proofs: readProofs(r, "proofs"),
      };
    case "txs_for_peer":
      return {
        call: name,
        wellFormedEncryptedTxs: r.list("well_formed_encrypted_txs", L.txsPerCallMax, () =>
          r.bytes("well_formed_encrypted_tx", L.encryptedTxBytesMax),
        ),
        aad: r.bytes("aad", L.messageAadBytesMax),
        session: r.fixed("session", L.sessionIdBytes),
      };
    case "form_block":
      return {
        call: name,
        parentBlock: r.bytes("parent_block", L.blockPartBytesMax),
        inputs: readFormBlockInputs(r),
        rootElement: r.bytes("root_element", L.blockPartBytesMax),
      };
  }
}

/** The body cap of each call, below the frame cap: only bulk calls may use the whole frame. */
export function callBodyCap(name: CallName): number {
  switch (name) {
    case "form_block":
    case "txs_for_peer":
    case "peer_tx_propose":
      return L.frameBytesMax;
    case "client_tx_propose":
    case "client_discard_message":
    case "tx_is_well_formed":
    case "client_accept":
    case "peer_accept":
    case "peer_connect":
    case "install_evidence":
      return L.singleMessageCallBytesMax;
    case "enclave_init":
    case "get_minimum_fee":
    case "get_identity":
    case "get_signer":
    case "get_fee_recipient":
    case "get_minting_trust_root":
    case "new_report":
    case "get_evidence":
    case "client_close":
    case "peer_init":
    case "peer_close":
      return L.smallCallBytesMax;
  }
}
