import {
  type BlockData,
  blockContents,
  DEFAULT_ROOT_ELEMENT,
  newBlockWithParent,
  newOriginBlock,
  signBlock,
} from "../blockchain/index.js";
import { Ed25519Signer } from "../crypto/index.js";
import type { TxOut } from "../transaction/index.js";
import { SeededRandom } from "../util/index.js";
import type { Ledger } from "./ledger.js";

/**
 * Deterministic chains of well-formed blocks for tests and benchmarks. Outputs have the sizes and
 * shapes of real ones (v2 masked amount, 84-byte fog hint, 66-byte memo) but random keys: the
 * ledger checks structure, hashes and uniqueness, not the cryptography inside outputs.
 */
export interface SyntheticChainOptions {
  seed: string;
  /** Blocks after the origin block. */
  blocks: number;
  /** Each "transaction" adds one key image and `outputsPerTx` outputs. */
  txsPerBlock: number;
  outputsPerTx?: number;
  originOutputs?: number;
  blockVersion?: number;
  sign?: boolean;
}

export function syntheticTxOut(random: SeededRandom): TxOut {
  return {
    maskedAmount: {
      version: 2,
      commitment: random.bytes(32),
      maskedValue: BigInt(random.nextU32()),
      maskedTokenId: random.bytes(8),
    },
    targetKey: random.bytes(32),
    publicKey: random.bytes(32),
    eFogHint: random.bytes(84),
    eMemo: random.bytes(66),
  };
}

/**
 * Build the chain by appending to `scratch` (an empty ledger), so each block's root element is the
 * ledger's real root before it, as a validator would form it. Returns every block, origin first.
 */
export function buildSyntheticChain(scratch: Ledger, options: SyntheticChainOptions): BlockData[] {
  const random = new SeededRandom(options.seed);
  const signer = Ed25519Signer.generate(random.fork("signer"));
  const outputsPerTx = options.outputsPerTx ?? 2;
  const version = options.blockVersion ?? 2;
  const originContents = blockContents(
    [],
    Array.from({ length: options.originOutputs ?? 16 }, () => syntheticTxOut(random)),
  );
  const origin: BlockData = {
    block: newOriginBlock(originContents),
    contents: originContents,
    signature: undefined,
    metadata: undefined,
  };
  scratch.appendBlock(origin);
  const chain = [origin];
  for (let b = 1; b <= options.blocks; b++) {
    const keyImages: Uint8Array[] = [];
    const outputs: TxOut[] = [];
    for (let t = 0; t < options.txsPerBlock; t++) {
      keyImages.push(random.bytes(32));
      for (let o = 0; o < outputsPerTx; o++) outputs.push(syntheticTxOut(random));
    }
    const parent = (chain[chain.length - 1] as BlockData).block;
    const root =
      scratch.numTxOuts() > 0n ? scratch.getRootTxOutMembershipElement() : DEFAULT_ROOT_ELEMENT;
    const contents = blockContents(keyImages, outputs);
    const block = newBlockWithParent(version, parent, root, contents);
    const data: BlockData = {
      block,
      contents,
      signature:
        options.sign === false ? undefined : signBlock(block, signer, 1_700_000_000n + BigInt(b)),
      metadata: undefined,
    };
    scratch.appendBlock(data);
    chain.push(data);
  }
  return chain;
}
