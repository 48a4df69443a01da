import type {
  BlockchainConfig,
  EnclaveMessage,
  FormBlockInputs,
  ReportDataContents,
  TxContext,
  WellFormedTxContext,
} from "../api.js";
import {
  KEX_PUBLIC_KEY_BYTES,
  KEY_IMAGE_BYTES,
  REPORT_NONCE_BYTES,
  SIGNER_PUBLIC_KEY_BYTES,
  TX_HASH_BYTES,
} from "../api.js";
import { ENCLAVE_LIMITS as L } from "../limits.js";
import type { TlvReader, TlvWriter } from "./tlv.js";

/** Encoders and strict decoders of the composite argument and reply types, shared by both sides. */

/** Most fee map entries (transaction's MAX_FEE_MAP_TOKENS; checked again by the fee map rules). */
export const FEE_MAP_ENTRIES_MAX = 1024;
/** Block versions are u32 in MobileCoin. */
const BLOCK_VERSION_MAX = 0xffff_ffff;

export function writeConfig(w: TlvWriter, c: BlockchainConfig): void {
  w.list(c.feeMap, (e) => w.u64(e.tokenId).u64(e.minimumFee));
  w.u64(BigInt(c.blockVersion));
  w.optBytes(c.governors);
}

export function readConfig(r: TlvReader): BlockchainConfig {
  const feeMap = r.list("config.fee_map", FEE_MAP_ENTRIES_MAX, () => ({
    tokenId: r.u64("config.fee_map.token_id"),
    minimumFee: r.u64("config.fee_map.minimum_fee"),
  }));
  const blockVersion = r.smallInt("config.block_version", BLOCK_VERSION_MAX);
  const governors = r.optBytes("config.governors", L.governorsBytesMax);
  return { feeMap, blockVersion, governors };
}

export function writeMessage(w: TlvWriter, m: EnclaveMessage): void {
  w.bytes(m.aad).bytes(m.channelId).bytes(m.data);
}

export function readMessage(r: TlvReader): EnclaveMessage {
  return {
    aad: r.bytes("message.aad", L.messageAadBytesMax),
    channelId: r.fixed("message.channel_id", L.sessionIdBytes),
    data: r.bytes("message.data", L.messageDataBytesMax),
  };
}

function writeKeys(w: TlvWriter, keys: readonly Uint8Array[]): void {
  w.list(keys, (k) => w.bytes(k));
}

function readKeys(r: TlvReader, field: string): Uint8Array[] {
  return r.list(field, L.keysPerTxMax, () => r.fixed(field, KEY_IMAGE_BYTES));
}

function readIndices(r: TlvReader, field: string): bigint[] {
  return r.list(field, L.keysPerTxMax, () => r.u64(field));
}

export function writeTxContext(w: TlvWriter, c: TxContext): void {
  w.bytes(c.locallyEncryptedTx).bytes(c.txHash);
  w.list(c.highestIndices, (i) => w.u64(i));
  writeKeys(w, c.keyImages);
  writeKeys(w, c.outputPublicKeys);
}

export function readTxContext(r: TlvReader): TxContext {
  return {
    locallyEncryptedTx: r.bytes("context.locally_encrypted_tx", L.encryptedTxBytesMax),
    txHash: r.fixed("context.tx_hash", TX_HASH_BYTES),
    highestIndices: readIndices(r, "context.highest_indices"),
    keyImages: readKeys(r, "context.key_images"),
    outputPublicKeys: readKeys(r, "context.output_public_keys"),
  };
}

export function writeWellFormedContext(w: TlvWriter, c: WellFormedTxContext): void {
  w.u64(c.priority).bytes(c.txHash).u64(c.tombstoneBlock);
  writeKeys(w, c.keyImages);
  w.list(c.highestIndices, (i) => w.u64(i));
  writeKeys(w, c.outputPublicKeys);
}

export function readWellFormedContext(r: TlvReader): WellFormedTxContext {
  return {
    priority: r.u64("context.priority"),
    txHash: r.fixed("context.tx_hash", TX_HASH_BYTES),
    tombstoneBlock: r.u64("context.tombstone_block"),
    keyImages: readKeys(r, "context.key_images"),
    highestIndices: readIndices(r, "context.highest_indices"),
    outputPublicKeys: readKeys(r, "context.output_public_keys"),
  };
}

export function writeReportContents(w: TlvWriter, c: ReportDataContents): void {
  w.bytes(c.nonce).bytes(c.key).bytes(c.customIdentity);
}

export function readReportContents(r: TlvReader): ReportDataContents {
  return {
    nonce: r.fixed("contents.nonce", REPORT_NONCE_BYTES),
    key: r.fixed("contents.key", KEX_PUBLIC_KEY_BYTES),
    customIdentity: r.fixed("contents.custom_identity", SIGNER_PUBLIC_KEY_BYTES),
  };
}

export function writeFormBlockInputs(w: TlvWriter, inputs: FormBlockInputs): void {
  w.list(inputs.wellFormedTxs, (t) => {
    w.bytes(t.wellFormedEncryptedTx);
    w.list(t.proofs, (p) => w.bytes(p));
  });
  w.list(inputs.mintConfigTxs, (t) => w.bytes(t));
  w.list(inputs.mintTxs, (t) => w.bytes(t.mintTx).bytes(t.mintConfigTx).bytes(t.mintConfig));
}

export function readProofs(r: TlvReader, field: string): Uint8Array[] {
  return r.list(field, L.proofsPerTxMax, () => r.bytes(field, L.membershipProofBytesMax));
}

export function readFormBlockInputs(r: TlvReader): FormBlockInputs {
  const wellFormedTxs = r.list("inputs.well_formed_txs", L.txsPerCallMax, () => ({
    wellFormedEncryptedTx: r.bytes("inputs.well_formed_encrypted_tx", L.encryptedTxBytesMax),
    proofs: readProofs(r, "inputs.proofs"),
  }));
  const mintConfigTxs = r.list("inputs.mint_config_txs", L.mintTxsPerCallMax, () =>
    r.bytes("inputs.mint_config_tx", L.blockPartBytesMax),
  );
  const mintTxs = r.list("inputs.mint_txs", L.mintTxsPerCallMax, () => ({
    mintTx: r.bytes("inputs.mint_tx", L.blockPartBytesMax),
    mintConfigTx: r.bytes("inputs.mint_config_tx", L.blockPartBytesMax),
    mintConfig: r.bytes("inputs.mint_config", L.blockPartBytesMax),
  }));
  return { wellFormedTxs, mintConfigTxs, mintTxs };
}
