import type { TxValidationCode } from "../transaction/index.js";
import type { EnclaveErrorCode } from "./errors.js";

/**
 * The enclave's call set (reference enclave-attest.md §3.1, plus NewReport, InstallEvidence and
 * GetEvidence of §9.2) as closed discriminated unions: `EnclaveCall` is what the host may ask,
 * `EnclaveOk` what the enclave answers on success. Every byte string has a named size bound
 * (`ENCLAVE_LIMITS`) that the codec enforces on decode; fixed-size keys are checked exactly.
 * Structured payloads (blocks, membership proofs, mint txs) cross as encoded bytes and are parsed,
 * strictly, inside the enclave (protobuf encodings, see `FormBlockTx`); mint txs are refused.
 */

/** Wire numbers of the calls. A number not listed is refused with UNKNOWN_CALL. */
export const CALL_NUMBERS = {
  enclave_init: 1,
  get_minimum_fee: 2,
  get_identity: 3,
  get_signer: 4,
  get_fee_recipient: 5,
  get_minting_trust_root: 6,
  new_report: 7,
  install_evidence: 8,
  get_evidence: 9,
  client_accept: 10,
  client_close: 11,
  client_discard_message: 12,
  peer_init: 13,
  peer_accept: 14,
  peer_connect: 15,
  peer_close: 16,
  client_tx_propose: 17,
  peer_tx_propose: 18,
  tx_is_well_formed: 19,
  txs_for_peer: 20,
  form_block: 21,
} as const;

export type CallName = keyof typeof CALL_NUMBERS;

export const CALL_NAMES: readonly CallName[] = Object.keys(CALL_NUMBERS) as CallName[];

const NAME_BY_NUMBER: ReadonlyMap<number, CallName> = new Map(
  CALL_NAMES.map((name) => [CALL_NUMBERS[name], name]),
);

export function callNameFromNumber(n: number): CallName | undefined {
  return NAME_BY_NUMBER.get(n);
}

export const KEX_PUBLIC_KEY_BYTES = 32;
export const SIGNER_PUBLIC_KEY_BYTES = 32;
export const RISTRETTO_KEY_BYTES = 32;
export const REPORT_NONCE_BYTES = 16;
export const REPORT_DATA_BYTES = 64;
export const TX_HASH_BYTES = 32;
export const KEY_IMAGE_BYTES = 32;

/** One `FeeMap` entry: token id → minimum fee (u64 each). */
export interface FeeMapEntry {
  tokenId: bigint;
  minimumFee: bigint;
}

/** MobileCoin `BlockchainConfig`, as the host passes it to `enclave_init`. */
export interface BlockchainConfig {
  feeMap: readonly FeeMapEntry[];
  blockVersion: number;
  /** Encoded governors map with its signature; minting is not built yet, so present means refused. */
  governors: Uint8Array | undefined;
}

/** `EnclaveMessage<S>`: Noise transport ciphertext on a session, with authenticated clear AAD. */
export interface EnclaveMessage {
  aad: Uint8Array;
  /** The session id (64-byte handshake hash). */
  channelId: Uint8Array;
  data: Uint8Array;
}

/** `TxContext`: what the host may know of a proposed transaction. */
export interface TxContext {
  locallyEncryptedTx: Uint8Array;
  txHash: Uint8Array;
  highestIndices: readonly bigint[];
  keyImages: readonly Uint8Array[];
  outputPublicKeys: readonly Uint8Array[];
}

/** `WellFormedTxContext`: the host's handle on a checked transaction (sorted by priority). */
export interface WellFormedTxContext {
  priority: bigint;
  txHash: Uint8Array;
  tombstoneBlock: bigint;
  keyImages: readonly Uint8Array[];
  highestIndices: readonly bigint[];
  outputPublicKeys: readonly Uint8Array[];
}

/** `EnclaveReportDataContents`: the preimage of report data (nonce, kex key, block signer key). */
export interface ReportDataContents {
  nonce: Uint8Array;
  key: Uint8Array;
  customIdentity: Uint8Array;
}

/**
 * One well-formed transaction for `form_block`, with fresh membership proofs. Encodings of the
 * structured byte fields, here and in the calls below: a proof is a protobuf
 * `external.TxOutMembershipProof`, `rootElement` an `external.TxOutMembershipElement`,
 * `parentBlock` and the reply's `block` a `blockchain.Block`, `blockContents` a
 * `blockchain.BlockContents`, `signature` a `blockchain.BlockSignature` (signed_at 0: the host
 * sets it). The enclave decodes them strictly and refuses anything else with INVALID_ARGUMENT.
 */
export interface FormBlockTx {
  wellFormedEncryptedTx: Uint8Array;
  proofs: readonly Uint8Array[];
}

/** One mint transaction for `form_block` with the config it spends from (all encoded). */
export interface FormBlockMintTx {
  mintTx: Uint8Array;
  mintConfigTx: Uint8Array;
  mintConfig: Uint8Array;
}

export interface FormBlockInputs {
  wellFormedTxs: readonly FormBlockTx[];
  mintConfigTxs: readonly Uint8Array[];
  mintTxs: readonly FormBlockMintTx[];
}

/** The calls. Each variant's fields are its arguments. */
export type EnclaveCall =
  | {
      call: "enclave_init";
      peerResponderId: string;
      clientResponderId: string;
      sealedBlockSigningKey: Uint8Array | undefined;
      config: BlockchainConfig;
    }
  | { call: "get_minimum_fee"; tokenId: bigint }
  | { call: "get_identity" }
  | { call: "get_signer" }
  | { call: "get_fee_recipient" }
  | { call: "get_minting_trust_root" }
  | { call: "new_report" }
  | { call: "install_evidence"; evidence: Uint8Array }
  | { call: "get_evidence" }
  | { call: "client_accept"; authRequest: Uint8Array }
  | { call: "client_close"; session: Uint8Array }
  | { call: "client_discard_message"; message: EnclaveMessage }
  | { call: "peer_init"; peerResponderId: string }
  | { call: "peer_accept"; authRequest: Uint8Array }
  | { call: "peer_connect"; peerResponderId: string; authResponse: Uint8Array }
  | { call: "peer_close"; session: Uint8Array }
  | { call: "client_tx_propose"; message: EnclaveMessage }
  | { call: "peer_tx_propose"; message: EnclaveMessage }
  | {
      call: "tx_is_well_formed";
      locallyEncryptedTx: Uint8Array;
      blockIndex: bigint;
      proofs: readonly Uint8Array[];
    }
  | {
      call: "txs_for_peer";
      wellFormedEncryptedTxs: readonly Uint8Array[];
      aad: Uint8Array;
      session: Uint8Array;
    }
  | {
      call: "form_block";
      parentBlock: Uint8Array;
      inputs: FormBlockInputs;
      rootElement: Uint8Array;
    };

/** Successful replies, one variant per call, discriminated by the same name. */
export type EnclaveOk =
  | { call: "enclave_init"; sealedBlockSigningKey: Uint8Array; targetFeatures: readonly string[] }
  | { call: "get_minimum_fee"; minimumFee: bigint | undefined }
  | { call: "get_identity"; kexPublicKey: Uint8Array }
  | { call: "get_signer"; signerPublicKey: Uint8Array }
  | { call: "get_fee_recipient"; spendPublicKey: Uint8Array; viewPublicKey: Uint8Array }
  | { call: "get_minting_trust_root"; publicKey: Uint8Array }
  | { call: "new_report"; contents: ReportDataContents; report: Uint8Array }
  | { call: "install_evidence" }
  | { call: "get_evidence"; evidence: Uint8Array }
  | { call: "client_accept"; authResponse: Uint8Array; session: Uint8Array }
  | { call: "client_close" }
  | { call: "client_discard_message" }
  | { call: "peer_init"; authRequest: Uint8Array }
  | { call: "peer_accept"; authResponse: Uint8Array; session: Uint8Array }
  | { call: "peer_connect"; session: Uint8Array; evidenceKind: Uint8Array }
  | { call: "peer_close" }
  | { call: "client_tx_propose"; context: TxContext }
  | { call: "peer_tx_propose"; contexts: readonly TxContext[] }
  | { call: "tx_is_well_formed"; wellFormedEncryptedTx: Uint8Array; context: WellFormedTxContext }
  | { call: "txs_for_peer"; message: EnclaveMessage }
  | { call: "form_block"; block: Uint8Array; blockContents: Uint8Array; signature: Uint8Array };

export type CallOf<K extends CallName> = Extract<EnclaveCall, { call: K }>;
export type OkOf<K extends CallName> = Extract<EnclaveOk, { call: K }>;

/**
 * A refusal: its code, and — exactly when the code is `MALFORMED_TX` — the validation rule the
 * transaction broke (the client's `ProposeTxResult`, which the host must be able to answer with).
 * The codec enforces the pairing.
 */
export interface EnclaveRefusal {
  ok: false;
  code: EnclaveErrorCode;
  txCode?: TxValidationCode;
}

/** The enclave's answer to one call: a value of the matching variant, or a refusal. */
export type EnclaveOutcome<K extends CallName = CallName> =
  | { ok: true; value: OkOf<K> }
  | EnclaveRefusal;

/** A call on the wire, with the id its reply will carry (1 … 2^32−1; 0 is reserved). */
export interface EnclaveRequest {
  id: number;
  call: EnclaveCall;
}

export interface EnclaveReply {
  id: number;
  outcome: EnclaveOutcome;
}
