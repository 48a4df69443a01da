import {
  type CallName,
  type EnclaveOk,
  KEX_PUBLIC_KEY_BYTES,
  RISTRETTO_KEY_BYTES,
  SIGNER_PUBLIC_KEY_BYTES,
} from "../api.js";
import { ENCLAVE_LIMITS as L } from "../limits.js";
import {
  readMessage,
  readReportContents,
  readTxContext,
  readWellFormedContext,
  writeMessage,
  writeReportContents,
  writeTxContext,
  writeWellFormedContext,
} from "./shared.js";
import { type TlvReader, TlvWriter } from "./tlv.js";

/** Ed25519 signature bytes as a block signature carries them (plus room for its framing). */
const BLOCK_SIGNATURE_BYTES_MAX = 1024;

/** Success values of each call: one exhaustive switch to write them, one to read them. */

export function encodeOkValue(v: EnclaveOk): Uint8Array {
  const w = new TlvWriter();
  switch (v.call) {
    case "enclave_init":
      w.bytes(v.sealedBlockSigningKey);
      w.list(v.targetFeatures, (f) => w.string(f));
      break;
    case "get_minimum_fee":
      w.optU64(v.minimumFee);
      break;
    case "get_identity":
      w.bytes(v.kexPublicKey);
      break;
    case "get_signer":
      w.bytes(v.signerPublicKey);
      break;
    case "get_fee_recipient":
      w.bytes(v.spendPublicKey).bytes(v.viewPublicKey);
      break;
    case "get_minting_trust_root":
      w.bytes(v.publicKey);
      break;
    case "new_report":
      writeReportContents(w, v.contents);
      w.bytes(v.report);
      break;
    case "get_evidence":
      w.bytes(v.evidence);
      break;
    case "install_evidence":
    case "client_close":
    case "client_discard_message":
    case "peer_close":
      break;
    case "client_accept":
    case "peer_accept":
      w.bytes(v.authResponse).bytes(v.session);
      break;
    case "peer_init":
      w.bytes(v.authRequest);
      break;
    case "peer_connect":
      w.bytes(v.session).bytes(v.evidenceKind);
      break;
    case "client_tx_propose":
      writeTxContext(w, v.context);
      break;
    case "peer_tx_propose":
      w.list(v.contexts, (c) => writeTxContext(w, c));
      break;
    case "tx_is_well_formed":
      w.bytes(v.wellFormedEncryptedTx);
      writeWellFormedContext(w, v.context);
      break;
    case "txs_for_peer":
      writeMessage(w, v.message);
      break;
    case "form_block":
      w.bytes(v.block).bytes(v.blockContents).bytes(v.signature);
      break;
  }
  return w.finish();
}

export function decodeOkValue(name: CallName, r: TlvReader): EnclaveOk {
  const value = readOkValue(name, r);
  r.end();
  return value;
}

function readOkValue(name: CallName, r: TlvReader): EnclaveOk {
  switch (name) {
    case "enclave_init":
      return {
        call: name,
        sealedBlockSigningKey: r.bytes("sealed_block_signing_key", L.sealedKeyBytesMax),
        targetFeatures: r.list("target_features", L.targetFeaturesMax, () =>
          r.string("target_feature", L.targetFeatureBytesMax),
        ),
      };
    case "get_minimum_fee":
      return { call: name, minimumFee: r.optU64("minimum_fee") };
    case "get_identity":
      return { call: name, kexPublicKey: r.fixed("kex_public_key", KEX_PUBLIC_KEY_BYTES) };
    case "get_signer":
      return { call: name, signerPublicKey: r.fixed("signer_public_key", SIGNER_PUBLIC_KEY_BYTES) };
    case "get_fee_recipient":
      return {
        call: name,
        spendPublicKey: r.fixed("spend_public_key", RISTRETTO_KEY_BYTES),
        viewPublicKey: r.fixed("view_public_key", RISTRETTO_KEY_BYTES),
      };
    case "get_minting_trust_root":
      return { call: name, publicKey: r.fixed("public_key", SIGNER_PUBLIC_KEY_BYTES) };
    case "new_report":
      return {
        call: name,
        contents: readReportContents(r),
        report: r.bytes("report", L.reportBytesMax),
      };
    case "get_evidence":
      return { call: name, evidence: r.bytes("evidence", L.evidenceBytesMax) };
    case "install_evidence":
    case "client_close":
    case "client_discard_message":
    case "peer_close":
      return { call: name };
    case "client_accept":
    case "peer_accept":
      return {
        call: name,
        authResponse: r.bytes("auth_response", L.handshakeMessageBytesMax),
        session: r.fixed("session", L.sessionIdBytes),
      };
    case "peer_init":
      return { call: name, authRequest: r.bytes("auth_request", L.handshakeMessageBytesMax) };
    case "peer_connect":
      return {
        call: name,
        session: r.fixed("session", L.sessionIdBytes),
        evidenceKind: r.bytes("evidence_kind", L.evidenceBytesMax),
      };
    case "client_tx_propose":
      return { call: name, context: readTxContext(r) };
    case "peer_tx_propose":
      return {
        call: name,
        contexts: r.list("contexts", L.txsPerCallMax, () => readTxContext(r)),
      };
    case "tx_is_well_formed":
      return {
        call: name,
        wellFormedEncryptedTx: r.bytes("well_formed_encrypted_tx", L.encryptedTxBytesMax),
        context: readWellFormedContext(r),
      };
    case "txs_for_peer":
      return { call: name, message: readMessage(r) };
    case "form_block":
      return {
        call: name,
        block: r.bytes("block", L.blockPartBytesMax),
        blockContents: r.bytes("block_contents", L.blockPartBytesMax),
        signature: r.bytes("signature", BLOCK_SIGNATURE_BYTES_MAX),
      };
  }
}
