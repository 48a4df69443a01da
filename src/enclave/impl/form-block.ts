import { type DescMessage, fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";
import {
  type Block,
  type BlockContents,
  blockContents,
  blockContentsToProto,
  blockFromProto,
  blockSignatureToProto,
  blockToProto,
  isBlockIdValid,
  type MembershipElement,
  newBlockWithParent,
  signBlock,
} from "../../blockchain/index.js";
import {
  appendNode,
  D,
  type Ed25519Signer,
  extractDigest32,
  MerlinTranscript,
  Ristretto,
  Scalars,
} from "../../crypto/index.js";
import {
  BlockContentsSchema,
  BlockSchema,
  BlockSignatureSchema,
} from "../../proto/blockchain_pb.js";
import { TxOutMembershipElementSchema } from "../../proto/external_pb.js";
import {
  BlockVersionFeatures,
  checkRootProofsAgree,
  checkStrictWire,
  createTxOut,
  type Tx,
  type TxOut,
  txDigestNode,
  txHash,
  txKeyImages,
  txOutputPublicKeys,
  validateTx,
} from "../../transaction/index.js";
import { bytesEqual, compareBytes, isCodedError, toHex } from "../../util/index.js";
import type { CallOf, OkOf } from "../api.js";
import { EnclaveError } from "../errors.js";
import {
  asEnclaveError,
  decodeProofs,
  type OpenedWellFormedTx,
  type TxCallConfig,
} from "./transactions.js";

/**
 * `form_block` (reference mobilecoin-service.md §6.3; MobileCoin `consensus/enclave/impl`
 * `form_block`, `get_txs_from_inputs`, `mint_output`): re-validate every externalized transaction
 * against the host's fresh proofs at the next block index, require one Merkle root for all of
 * them equal to the given root element, refuse duplicates, pay the fees to the baked-in fee
 * recipient with outputs every node derives identically, sort outputs and key images, and sign.
 */

/** Domain separator of the fee outputs' private keys (MobileCoin `FEES_OUTPUT_PRIVATE_KEY_DOMAIN_TAG`). */
export const FEES_OUTPUT_PRIVATE_KEY_DOMAIN_TAG = "mc_fees_output_private_key";
/** Fee outputs carry no fog hint: MobileCoin's `EncryptedFogHint::default()`, 84 zero bytes. */
const FEE_OUTPUT_FOG_HINT = new Uint8Array(84);
const U64_MAX = (1n << 64n) - 1n;

export interface FormBlockDeps {
  readonly config: TxCallConfig;
  readonly signer: Ed25519Signer;
  readonly feeRecipient: {
    readonly spendPublicKey: Uint8Array;
    readonly viewPublicKey: Uint8Array;
  };
  /** Opens a `WellFormedEncryptedTx` of this enclave (CACHE_CIPHER / SERIALIZATION otherwise). */
  readonly openWellFormed: (ciphertext: Uint8Array, blockVersion: number) => OpenedWellFormedTx;
}

function strictDecode<D extends DescMessage>(
  schema: D,
  bytes: Uint8Array,
  what: string,
): MessageShape<D> {
  try {
    checkStrictWire(bytes, schema);
    return fromBinary(schema, bytes);
  } catch {
    throw new EnclaveError("INVALID_ARGUMENT", `the ${what} does not decode`);
  }
}

function decodeParent(bytes: Uint8Array): Block {
  let block: Block;
  try {
    block = blockFromProto(strictDecode(BlockSchema, bytes, "parent block"));
  } catch (error) {
    if (error instanceof EnclaveError || !isCodedError(error)) throw error;
    throw new EnclaveError("INVALID_ARGUMENT", `the parent block: ${error.message}`);
  }
  if (!isBlockIdValid(block))
    throw new EnclaveError("INVALID_ARGUMENT", "the parent block id is wrong");
  return block;
}

function decodeRootElement(bytes: Uint8Array): MembershipElement {
  const p = strictDecode(TxOutMembershipElementSchema, bytes, "root element");
  const hash = p.hash?.data ?? new Uint8Array(0);
  if (hash.length !== 32)
    throw new EnclaveError("INVALID_ARGUMENT", "the root element hash is not 32 bytes");
  return { range: { from: p.range?.from ?? 0n, to: p.range?.to ?? 0n }, hash };
}

function sameElement(a: MembershipElement, b: MembershipElement): boolean {
  return a.range.from === b.range.from && a.range.to === b.range.to && bytesEqual(a.hash, b.hash);
}

function refuseDuplicates(what: string, keys: readonly Uint8Array[]): void {
  const seen = new Set<string>();
  for (const key of keys) {
    const hex = toHex(key);
    if (seen.has(hex)) {
      throw new EnclaveError("FORM_BLOCK", `duplicate ${what} ${hex}`, { duplicate: what });
    }
    seen.add(hex);
  }
}

/** No transaction, key image or output public key twice in one block (MobileCoin's order). */
export function refuseDuplicatesInBlock(txs: readonly Tx[]): void {
  refuseDuplicates("transaction", txs.map(txHash));
  refuseDuplicates("key image", txs.flatMap(txKeyImages));
  refuseDuplicates("output public key", txs.flatMap(txOutputPublicKeys));
}

/** The decoded, re-validated transactions; their proofs all imply `rootElement`. */
function validatedTxs(
  call: CallOf<"form_block">,
  parent: Block,
  rootElement: MembershipElement,
  deps: FormBlockDeps,
): Tx[] {
  const inputs = call.inputs.wellFormedTxs;
  const opened = inputs.map((input) =>
    deps.openWellFormed(input.wellFormedEncryptedTx, deps.config.blockVersion),
  );
  const txs = opened.map((o) => o.tx);
  const proofs = inputs.map((input) => decodeProofs(input.proofs));
  let root: MembershipElement | undefined;
  try {
    txs.forEach((tx, i) => {
      const minimumFee = deps.config.feeMap.get(tx.prefix.feeTokenId);
      if (minimumFee === undefined) {
        throw new EnclaveError("MALFORMED_TX", "the fee token is not configured", {
          txCode: "TokenNotYetConfigured",
        });
      }
      const rootProofs = proofs[i] ?? [];
      const ctx = {
        currentBlockIndex: parent.index + 1n,
        blockVersion: deps.config.blockVersion,
        rootProofs,
        minimumFee,
      };
      validateTx(tx, ctx, { signatureVerified: opened[i]?.signatureVerified === true });
    });
    root = checkRootProofsAgree(proofs.flat());
  } catch (error) {
    throw asEnclaveError(error);
  }
  if (root === undefined) throw new EnclaveError("INVALID_LOCAL_MEMBERSHIP_PROOF", "no proofs");
  if (!sameElement(root, rootElement)) {
    throw new EnclaveError(
      "INVALID_LOCAL_MEMBERSHIP_ROOT_ELEMENT",
      "the proofs imply another root",
    );
  }
  refuseDuplicatesInBlock(txs);
  return txs;
}

/**
 * MobileCoin's `sort_zeroes_to_end` on the per-token fee totals, reproduced for its exact order
 * (it decides which zero-valued tokens pad the fee outputs): from the last position down, a
 * non-zero total trades places with the first zero total before it.
 */
export function sortZeroesToEnd(totals: [bigint, bigint][]): void {
  for (let p = totals.length - 1; p >= 1; p--) {
    if ((totals[p] as [bigint, bigint])[1] === 0n) continue;
    const i = totals.findIndex((entry, k) => k < p && entry[1] === 0n);
    if (i < 0) continue;
    const moved = totals[i] as [bigint, bigint];
    totals[i] = totals[p] as [bigint, bigint];
    totals[p] = moved;
  }
}

/**
 * Per configured token (ascending ids, as MobileCoin's `BTreeMap` fee map), the fees of this
 * block's transactions, zero totals last; `min(#tokens, #txs)` of them become outputs, zero-valued
 * ones included so that the count does not reveal how many tokens were used.
 */
export function feeTotals(
  feeMap: ReadonlyMap<bigint, bigint>,
  txs: readonly Tx[],
): [bigint, bigint][] {
  const totals: [bigint, bigint][] = [...feeMap.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((token) => [token, 0n]);
  for (const tx of txs) {
    const entry = totals.find(([token]) => token === tx.prefix.feeTokenId);
    if (entry !== undefined) entry[1] += tx.prefix.fee;
  }
  sortZeroesToEnd(totals);
  return totals.slice(0, Math.min(totals.length, txs.length));
}

/**
 * The fee outputs: one or more per kept token (a total above u64::MAX is split), each with the
 * private key `Scalar::from_bytes_mod_order(Merlin(label mc_fees_output_private_key; parent_block_id,
 * transactions, amount, counter))`, so every node derives byte-identical outputs.
 */
function feeOutputs(parent: Block, txs: readonly Tx[], deps: FormBlockDeps): TxOut[] {
  const { blockVersion } = deps.config;
  const recipient = {
    spendPublicKey: Ristretto.fromBytes(deps.feeRecipient.spendPublicKey),
    viewPublicKey: Ristretto.fromBytes(deps.feeRecipient.viewPublicKey),
  };
  const base = new MerlinTranscript(FEES_OUTPUT_PRIVATE_KEY_DOMAIN_TAG);
  appendNode(base, "parent_block_id", D.bytes(parent.id));
  appendNode(base, "transactions", D.seq(txs.map(txDigestNode)));
  const outputs: TxOut[] = [];
  for (const [tokenId, total] of feeTotals(deps.config.feeMap, txs)) {
    if (!BlockVersionFeatures.maskedTokenIdRequired(blockVersion) && tokenId !== 0n) {
      throw new EnclaveError("BLOCK_VERSION", "fee outputs of non-MOB tokens need block version 2");
    }
    let remaining = total;
    for (let counter = 0n; ; counter++) {
      const value = remaining < U64_MAX ? remaining : U64_MAX;
      const t = base.clone();
      appendNode(
        t,
        "amount",
        D.agg("Amount", [
          D.field("value", D.u64(value)),
          D.field("token_id", D.agg("TokenId", [D.field("0", D.u64(tokenId))])),
        ]),
      );
      appendNode(t, "counter", D.u64(counter));
      const txPrivateKey = Scalars.fromBytesModOrder(extractDigest32(t));
      const amount = { value, tokenId };
      outputs.push(
        createTxOut({
          blockVersion,
          amount,
          recipient,
          txPrivateKey,
          eFogHint: FEE_OUTPUT_FOG_HINT,
        }).txOut,
      );
      remaining -= value;
      if (remaining === 0n) break;
    }
  }
  return outputs;
}

export function formBlock(call: CallOf<"form_block">, deps: FormBlockDeps): OkOf<"form_block"> {
  if (call.inputs.mintConfigTxs.length > 0 || call.inputs.mintTxs.length > 0) {
    throw new EnclaveError("NOT_SUPPORTED_YET", "minting is not supported yet");
  }
  const parent = decodeParent(call.parentBlock);
  const rootElement = decodeRootElement(call.rootElement);
  if (parent.version > deps.config.blockVersion) {
    throw new EnclaveError("BLOCK_VERSION", "the block version cannot decrease");
  }
  // MobileCoin would form an empty block here, which no ledger accepts; refuse it instead.
  if (call.inputs.wellFormedTxs.length === 0) {
    throw new EnclaveError("FORM_BLOCK", "no transactions to form a block from");
  }
  const txs = validatedTxs(call, parent, rootElement, deps);
  const outputs = [...txs.flatMap((tx) => tx.prefix.outputs), ...feeOutputs(parent, txs, deps)];
  // Sorting hides which outputs and key images came from the same transaction.
  outputs.sort((a, b) => compareBytes(a.publicKey, b.publicKey));
  const keyImages = txs.flatMap(txKeyImages).sort(compareBytes);
  const contents: BlockContents = blockContents(keyImages, outputs);
  const block = newBlockWithParent(deps.config.blockVersion, parent, rootElement, contents);
  // `signed_at` is the host's to set; the signature does not cover it.
  const signature = signBlock(block, deps.signer, 0n);
  return {
    call: "form_block",
    block: toBinary(BlockSchema, blockToProto(block)),
    blockContents: toBinary(BlockContentsSchema, blockContentsToProto(contents)),
    signature: toBinary(BlockSignatureSchema, blockSignatureToProto(signature)),
  };
}
