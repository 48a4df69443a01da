import {
  create,
  type DescMessage,
  fromBinary,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import {
  blockContentsFromProto,
  blockFromProto,
  blockSignatureFromProto,
  blockToProto,
} from "../blockchain/index.js";
import type { LedgerReader } from "../ledger/index.js";
import { BlockContentsSchema, BlockSchema, BlockSignatureSchema } from "../proto/blockchain_pb.js";
import { TxOutMembershipElementSchema, TxOutMembershipProofSchema } from "../proto/external_pb.js";
import { checkStrictWire, membershipProofToProto } from "../transaction/index.js";
import { ConsensusError } from "./errors.js";
import type { FormBlockCodec } from "./worker.js";

/**
 * The real `form_block` encodings (src/enclave/api.ts `FormBlockTx`): the parent block as a
 * protobuf `blockchain.Block`, for every transaction fresh `external.TxOutMembershipProof`s of its
 * highest ring indices read from this node's ledger now (MobileCoin's `get_tx_out_proof_of_memberships`
 * before `form_block`), the ledger's root as an `external.TxOutMembershipElement`; the reply's
 * block, contents and signature decoded strictly. The ledger must not move between `request`
 * and the enclave call: the worker pauses SCP while a block is formed.
 */
export function formBlockCodecFor(ledger: LedgerReader): FormBlockCodec {
  return {
    request(txs) {
      const root = ledger.getRootTxOutMembershipElement();
      return {
        call: "form_block",
        parentBlock: toBinary(BlockSchema, blockToProto(ledger.getLatestBlock())),
        inputs: {
          wellFormedTxs: txs.map((t) => ({
            wellFormedEncryptedTx: t.encrypted,
            proofs: ledger
              .getTxOutProofsOfMembership(t.context.highestIndices)
              .map((p) => toBinary(TxOutMembershipProofSchema, membershipProofToProto(p))),
          })),
          mintConfigTxs: [],
          mintTxs: [],
        },
        rootElement: toBinary(
          TxOutMembershipElementSchema,
          create(TxOutMembershipElementSchema, {
            range: { from: root.range.from, to: root.range.to },
            hash: { data: root.hash },
          }),
        ),
      };
    },
    reply(ok) {
      const block = blockFromProto(strict(BlockSchema, ok.block, "block"));
      const contents = blockContentsFromProto(
        strict(BlockContentsSchema, ok.blockContents, "block contents"),
      );
      const signature = blockSignatureFromProto(
        strict(BlockSignatureSchema, ok.signature, "block signature"),
      );
      return {
        block,
        contents,
        signature: { signature: signature.signature, signer: signature.signer },
      };
    },
  };
}

function strict<S extends DescMessage>(
  schema: S,
  bytes: Uint8Array,
  what: string,
): MessageShape<S> {
  try {
    checkStrictWire(bytes, schema);
    return fromBinary(schema, bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConsensusError(
      "FORM_BLOCK_FAILED",
      `the enclave's ${what} does not decode: ${reason}`,
    );
  }
}
