import {
  type BlockData,
  blockContents,
  newBlockWithParent,
  newOriginBlock,
  signBlock,
  signBlockMetadata,
} from "../blockchain/index.js";
import { Ed25519Signer, fakeFogHint, keyImageOf, Scalars } from "../crypto/index.js";
import { createTxOut, type PublicAddress, type TxOut } from "../transaction/index.js";
import { InputError, leBytesToU64, SeededRandom } from "../util/index.js";
import type { Ledger } from "./ledger.js";

/** MobileCoin's total supply: 250 million MOB of 10^12 picoMOB. */
export const TOTAL_MOB_PICOMOB = 250_000_000n * 1_000_000_000_000n;
/** Fewer outputs than this cannot form rings of 11 with room to spare (MobileCoin's rule). */
export const SAMPLE_LEDGER_MIN_OUTPUTS = 16;
/** Most outputs one sample ledger may hold (keeps generation bounded). */
export const SAMPLE_LEDGER_MAX_OUTPUTS = 10_000_000;

export interface SampleLedgerOptions {
  recipients: readonly PublicAddress[];
  /** Outputs per recipient per block. */
  txs: number;
  /** Blocks, the origin block included. */
  blocks: number;
  /** Key images in each block after the origin (valid points, see `sampleKeyImage`). */
  keyImagesPerBlock: number;
  /** Any string; the same seed and inputs give byte-identical blocks. */
  seed: string;
  blockVersion?: number;
  /** Responder id recorded in block metadata. */
  responderId?: string;
}

export interface SampleLedgerSummary {
  blocks: number;
  outputs: number;
  valuePerOutput: bigint;
  blockIds: Uint8Array[];
  /** Public key of the key that signed the blocks and their metadata. */
  signer: Uint8Array;
}

/**
 * MobileCoin's `KeyImage::from(u64)` (crypto/ring-signature/src/ring_signature/key_image.rs), which
 * its sample ledgers use: the key image `x·Hp(x·G)` of the private key `x = Scalar::from(n)`. Unlike
 * random bytes, it is a canonical Ristretto point, as every real key image is.
 */
export function sampleKeyImage(n: bigint): Uint8Array {
  return keyImageOf(Scalars.fromBigint(n));
}

/**
 * Fill an empty ledger with a deterministic origin ledger, as MobileCoin's `generate-sample-ledger`
 * does: the total supply split equally over `recipients × txs × blocks` outputs to each recipient's
 * given address, the first block an origin block, later blocks with key images of random keys. Every block
 * is signed, and carries signed metadata, by a key derived from the seed.
 */
export function generateSampleLedger(
  ledger: Ledger,
  options: SampleLedgerOptions,
): SampleLedgerSummary {
  const { recipients, txs, blocks } = options;
  if (ledger.numBlocks() !== 0n)
    throw new InputError("LIMIT_EXCEEDED", "the output ledger is not empty");
  if (recipients.length === 0)
    throw new InputError(
      "LIMIT_EXCEEDED",
      "no recipients: the keys directory has no public addresses",
    );
  if (!(txs >= 1 && blocks >= 1 && options.keyImagesPerBlock >= 1)) {
    throw new InputError(
      "LIMIT_EXCEEDED",
      "--txs, --blocks and --key-images must each be at least 1",
    );
  }
  const total = recipients.length * txs * blocks;
  if (total < SAMPLE_LEDGER_MIN_OUTPUTS) {
    throw new InputError(
      "LIMIT_EXCEEDED",
      `recipients × txs × blocks = ${total} outputs; at least ${SAMPLE_LEDGER_MIN_OUTPUTS} are needed`,
    );
  }
  if (total > SAMPLE_LEDGER_MAX_OUTPUTS) {
    throw new InputError(
      "LIMIT_EXCEEDED",
      `${total} outputs is more than ${SAMPLE_LEDGER_MAX_OUTPUTS}`,
    );
  }
  const version = options.blockVersion ?? 0;
  const valuePerOutput = TOTAL_MOB_PICOMOB / BigInt(total);
  const random = new SeededRandom(`generate-sample-ledger/${options.seed}`);
  const signer = Ed25519Signer.generate(random.fork("block-signer"));
  const responderId = options.responderId ?? "sample-ledger.local:443";
  const blockIds: Uint8Array[] = [];

  for (let b = 0; b < blocks; b++) {
    const outputs: TxOut[] = [];
    for (const recipient of recipients) {
      for (let t = 0; t < txs; t++) {
        outputs.push(
          createTxOut({
            blockVersion: version,
            amount: { value: valuePerOutput, tokenId: 0n },
            recipient,
            txPrivateKey: Scalars.random(random),
            eFogHint: fakeFogHint(random),
          }).txOut,
        );
      }
    }
    let data: BlockData;
    if (b === 0) {
      const contents = blockContents([], outputs);
      data = {
        block: newOriginBlock(contents),
        contents,
        signature: undefined,
        metadata: undefined,
      };
    } else {
      const keyImages = Array.from({ length: options.keyImagesPerBlock }, () =>
        sampleKeyImage(leBytesToU64(random.bytes(8))),
      );
      const contents = blockContents(keyImages, outputs);
      const block = newBlockWithParent(
        version,
        ledger.getLatestBlock(),
        ledger.getRootTxOutMembershipElement(),
        contents,
      );
      data = { block, contents, signature: undefined, metadata: undefined };
    }
    const signedAt = 1_600_000_000n + BigInt(b);
    data = {
      ...data,
      signature: signBlock(data.block, signer, signedAt),
      metadata: signBlockMetadata(
        {
          blockId: data.block.id,
          quorumSet: {
            threshold: 1,
            members: [{ type: "Node", node: { responderId, publicKey: signer.publicKey } }],
          },
          attestationEvidence: undefined,
          responderId,
        },
        signer,
      ),
    };
    ledger.appendBlock(data);
    blockIds.push(data.block.id);
  }
  return { blocks, outputs: total, valuePerOutput, blockIds, signer: signer.publicKey };
}
