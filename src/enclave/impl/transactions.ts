import { fromBinary } from "@bufbuild/protobuf";
import { sha256 } from "../../crypto/index.js";
import { TxOutMembershipProofSchema } from "../../proto/external_pb.js";
import {
  checkStrictWire,
  decodeTx,
  type FeeMap,
  feeMapDigest,
  LocalLedgerError,
  MAX_INPUTS,
  membershipProofFromProto,
  type Tx,
  type TxOutMembershipProof,
  TxValidationError,
  txHash,
  txIsWellFormed,
  txKeyImages,
  txOutputPublicKeys,
} from "../../transaction/index.js";
import {
  bytesEqual,
  concatBytes,
  isCodedError,
  type RandomSource,
  toHex,
} from "../../util/index.js";
import type { CallOf, OkOf, TxContext, WellFormedTxContext } from "../api.js";
import { EnclaveError } from "../errors.js";
import { ENCLAVE_LIMITS } from "../limits.js";
import { CACHE_OVERHEAD_BYTES, CacheCipher } from "./cache-cipher.js";
import type { SessionChannels } from "./channels.js";

/**
 * The transaction calls of the enclave (reference enclave-attest.md §3.1, MobileCoin
 * `consensus/enclave/impl/src/lib.rs`): client_tx_propose, peer_tx_propose, tx_is_well_formed and
 * txs_for_peer, plus opening well-formed ciphertexts for form_block. Plaintext transactions exist
 * only here; what leaves is ciphertext under the two local cache ciphers (one for
 * `LocallyEncryptedTx`, one for `WellFormedEncryptedTx`, so neither passes for the other) and the
 * contexts the host is allowed to see.
 */

/** The configuration the calls need (set by enclave_init). */
export interface TxCallConfig {
  readonly feeMap: FeeMap;
  readonly blockVersion: number;
}

/** Protobuf key of field 1, length-delimited: `TxList.txs` and `WellFormedTx.tx`. */
const FIELD_1_LEN = 0x0a;
/** Largest varint we write or accept for a length (lengths stay below 2^35). */
const LENGTH_VARINT_BYTES_MAX = 5;
/**
 * Largest plaintext transaction the enclave caches: its well-formed ciphertext (the tx, a field
 * key and length, the cipher's overhead) must fit the boundary's bound on one encrypted tx, or
 * the host could not read the reply. Real transactions are a few hundred KiB at most.
 */
export const CACHED_TX_BYTES_MAX =
  ENCLAVE_LIMITS.encryptedTxBytesMax - CACHE_OVERHEAD_BYTES - 1 - LENGTH_VARINT_BYTES_MAX;
/** Noise transport tag on a message to a peer. */
const NOISE_TAG_BYTES = 16;

function serialization(message: string): EnclaveError {
  return new EnclaveError("SERIALIZATION", message);
}

function varint(n: number): Uint8Array {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return new Uint8Array(out);
}

/** `repeated bytes/message field 1`: each item as key ‖ length ‖ bytes. */
export function encodeField1List(items: readonly Uint8Array[]): Uint8Array {
  return concatBytes(
    ...items.flatMap((item) => [new Uint8Array([FIELD_1_LEN]), varint(item.length), item]),
  );
}

/** The items of a message that holds only `repeated field 1` (length-delimited); strict. */
export function decodeField1List(bytes: Uint8Array, maxItems: number): Uint8Array[] {
  const items: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes[at] !== FIELD_1_LEN) throw serialization("unexpected field in a transaction list");
    at++;
    let length = 0;
    let shift = 1;
    for (let i = 0; ; i++) {
      if (i >= LENGTH_VARINT_BYTES_MAX || at >= bytes.length) throw serialization("bad length");
      const b = bytes[at++] as number;
      length += (b & 0x7f) * shift;
      shift *= 128;
      if ((b & 0x80) === 0) break;
    }
    if (length > bytes.length - at) throw serialization("a transaction overruns its list");
    if (items.length === maxItems) throw serialization(`more than ${maxItems} transactions`);
    items.push(bytes.subarray(at, at + length));
    at += length;
  }
  return items;
}

/** A client's or peer's transaction bytes, decoded strictly; anything else is SERIALIZATION. */
function decodeProposedTx(bytes: Uint8Array): Tx {
  if (bytes.length > CACHED_TX_BYTES_MAX) {
    throw serialization(`a transaction of ${bytes.length} bytes (at most ${CACHED_TX_BYTES_MAX})`);
  }
  try {
    return decodeTx(bytes);
  } catch (error) {
    if (isCodedError(error)) throw serialization(`not a Tx: ${error.message}`);
    throw error;
  }
}

function refuseTx(
  code: ConstructorParameters<typeof TxValidationError>[0],
  message: string,
): never {
  throw new EnclaveError("MALFORMED_TX", message, { txCode: code });
}

/** Validation failures as the enclave reports them: MALFORMED_TX with the rule, or the host's fault. */
export function asEnclaveError(error: unknown): unknown {
  if (error instanceof TxValidationError) {
    return new EnclaveError("MALFORMED_TX", error.message, { txCode: error.code });
  }
  if (error instanceof LocalLedgerError) {
    return new EnclaveError("INVALID_LOCAL_MEMBERSHIP_PROOF", error.message);
  }
  return error;
}

function highestIndices(tx: Tx): bigint[] {
  return tx.prefix.inputs.flatMap((input) => input.proofs.map((p) => p.highestIndex));
}

/**
 * The host reads contexts with the boundary's per-tx bound on keys; a transaction whose context
 * would not fit is refused here (it could never be well formed) rather than crash the reader.
 */
function checkContextFits(tx: Tx, indices: readonly bigint[]): void {
  const max = ENCLAVE_LIMITS.keysPerTxMax;
  if (tx.prefix.outputs.length > max) refuseTx("TooManyOutputs", "too many outputs");
  if (tx.signature.ringSignatures.length > max) refuseTx("TooManyInputs", "too many key images");
  if (indices.length > max) {
    if (tx.prefix.inputs.length > MAX_INPUTS) refuseTx("TooManyInputs", "too many inputs");
    refuseTx("ExcessiveRingSize", "too many membership proofs");
  }
}

/** Strictly decode the host's membership proofs (protobuf `TxOutMembershipProof`). */
export function decodeProofs(encoded: readonly Uint8Array[]): TxOutMembershipProof[] {
  return encoded.map((bytes, i) => {
    try {
      checkStrictWire(bytes, TxOutMembershipProofSchema);
      return membershipProofFromProto(fromBinary(TxOutMembershipProofSchema, bytes));
    } catch {
      // Strict wire check, protobuf syntax or a field of the wrong shape: all the host's fault.
      throw new EnclaveError("INVALID_ARGUMENT", `membership proof ${i} does not decode`);
    }
  });
}

/** The memo's key: the signature check depends on the transaction bytes and the block version only. */
function signatureMemoKey(blockVersion: number, txBytes: Uint8Array): string {
  return `${blockVersion}:${toHex(sha256(txBytes))}`;
}

/** `floor(fee / (minimum_fee >> 7))`: equal for every minimum-fee payment, ~1% steps above. */
export function txPriority(fee: bigint, minimumFee: bigint): bigint {
  return fee / (minimumFee >> 7n);
}

/** A transaction opened for form_block, and whether this enclave verified its signature already. */
export interface OpenedWellFormedTx {
  readonly tx: Tx;
  readonly signatureVerified: boolean;
}

export class TransactionCalls {
  private readonly locallyEncrypted: CacheCipher;
  private readonly wellFormed: CacheCipher;
  /** See `ENCLAVE_LIMITS.signatureMemoMax`; oldest first. */
  private readonly signaturesVerified = new Set<string>();
  /** form_block transactions whose signature check the memo spared (tests, benchmarks). */
  signatureMemoHits = 0;
  private feeMapDigestOf: { map: FeeMap; digest: Uint8Array } | undefined;

  constructor(
    private readonly channels: SessionChannels | undefined,
    random: RandomSource,
    private readonly signatureMemoMax: number = ENCLAVE_LIMITS.signatureMemoMax,
  ) {
    this.locallyEncrypted = new CacheCipher(random);
    this.wellFormed = new CacheCipher(random);
  }

  clientTxPropose(
    call: CallOf<"client_tx_propose">,
    config: TxCallConfig,
  ): OkOf<"client_tx_propose"> {
    const bytes = this.session().openFromClient(call.message);
    const tx = decodeProposedTx(bytes);
    if (tx.feeMapDigest.length !== 0 && !bytesEqual(tx.feeMapDigest, this.feeMapDigest(config))) {
      refuseTx("FeeMapDigestMismatch", "the transaction was built for another fee map");
    }
    return { call: "client_tx_propose", context: this.context(tx, bytes) };
  }

  peerTxPropose(call: CallOf<"peer_tx_propose">): OkOf<"peer_tx_propose"> {
    const list = this.session().openFromPeer(call.message);
    const encoded = decodeField1List(list, ENCLAVE_LIMITS.txsPerCallMax);
    const txs = encoded.map(decodeProposedTx);
    return {
      call: "peer_tx_propose",
      contexts: txs.map((tx, i) => this.context(tx, encoded[i] as Uint8Array)),
    };
  }

  txIsWellFormed(
    call: CallOf<"tx_is_well_formed">,
    config: TxCallConfig,
  ): OkOf<"tx_is_well_formed"> {
    const proofs = decodeProofs(call.proofs);
    const bytes = this.locallyEncrypted.decrypt(call.locallyEncryptedTx);
    const tx = decodeProposedTx(bytes);
    try {
      txIsWellFormed(tx, proofs, call.blockIndex, config);
    } catch (error) {
      throw asEnclaveError(error);
    }
    this.rememberSignatureVerified(signatureMemoKey(config.blockVersion, bytes));
    // txIsWellFormed refused an unconfigured fee token, so the minimum fee is there.
    const minimumFee = config.feeMap.get(tx.prefix.feeTokenId) as bigint;
    const context: WellFormedTxContext = {
      priority: txPriority(tx.prefix.fee, minimumFee),
      txHash: txHash(tx),
      tombstoneBlock: tx.prefix.tombstoneBlock,
      keyImages: txKeyImages(tx),
      highestIndices: highestIndices(tx),
      outputPublicKeys: txOutputPublicKeys(tx),
    };
    // `WellFormedTx { tx = 1 }`.
    const wellFormedEncryptedTx = this.wellFormed.encrypt(encodeField1List([bytes]));
    return { call: "tx_is_well_formed", wellFormedEncryptedTx, context };
  }

  txsForPeer(call: CallOf<"txs_for_peer">): OkOf<"txs_for_peer"> {
    const channels = this.session();
    // A `TxList` is the concatenation of the `WellFormedTx` messages' single field 1.
    const plaintexts = call.wellFormedEncryptedTxs.map((ct) => this.openWellFormedBytes(ct));
    const list = concatBytes(...plaintexts);
    if (list.length > ENCLAVE_LIMITS.messageDataBytesMax - NOISE_TAG_BYTES) {
      throw new EnclaveError("INVALID_ARGUMENT", "the transactions do not fit one peer message");
    }
    return { call: "txs_for_peer", message: channels.sealForPeer(call.session, call.aad, list) };
  }

  /**
   * The transaction inside a `WellFormedEncryptedTx` (for form_block), and whether
   * tx_is_well_formed verified its signature at `blockVersion` in this enclave.
   */
  openWellFormed(ciphertext: Uint8Array, blockVersion: number): OpenedWellFormedTx {
    const [bytes] = decodeField1List(this.openWellFormedBytes(ciphertext), 1);
    if (bytes === undefined) throw serialization("an empty well-formed transaction");
    const signatureVerified = this.signaturesVerified.has(signatureMemoKey(blockVersion, bytes));
    if (signatureVerified) this.signatureMemoHits++;
    return { tx: decodeProposedTx(bytes), signatureVerified };
  }

  private rememberSignatureVerified(key: string): void {
    this.signaturesVerified.delete(key);
    this.signaturesVerified.add(key);
    if (this.signaturesVerified.size > this.signatureMemoMax)
      this.signaturesVerified.delete(this.signaturesVerified.values().next().value as string);
  }

  /** The `WellFormedTx` plaintext, checked to be exactly one field-1 entry. */
  private openWellFormedBytes(ciphertext: Uint8Array): Uint8Array {
    const plaintext = this.wellFormed.decrypt(ciphertext);
    if (decodeField1List(plaintext, 1).length !== 1) throw serialization("not a WellFormedTx");
    return plaintext;
  }

  private context(tx: Tx, bytes: Uint8Array): TxContext {
    const indices = highestIndices(tx);
    checkContextFits(tx, indices);
    return {
      locallyEncryptedTx: this.locallyEncrypted.encrypt(bytes),
      txHash: txHash(tx),
      highestIndices: indices,
      keyImages: txKeyImages(tx),
      outputPublicKeys: txOutputPublicKeys(tx),
    };
  }

  private session(): SessionChannels {
    if (this.channels === undefined) {
      throw new EnclaveError("NOT_SUPPORTED_YET", "the attested sessions are not wired yet");
    }
    return this.channels;
  }

  private feeMapDigest(config: TxCallConfig): Uint8Array {
    if (this.feeMapDigestOf?.map !== config.feeMap) {
      this.feeMapDigestOf = { map: config.feeMap, digest: feeMapDigest(config.feeMap) };
    }
    return this.feeMapDigestOf.digest;
  }
}
