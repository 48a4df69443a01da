import { create } from "@bufbuild/protobuf";
import type { Message } from "../proto/attest_pb.js";
import {
  ConsensusClientAPI,
  MintValidationResultSchema,
  ProposeMintConfigTxResponseSchema,
  ProposeMintTxResponseSchema,
} from "../proto/consensus_client_pb.js";
import {
  type ProposeTxResponse,
  ProposeTxResponseSchema,
  ProposeTxResult,
} from "../proto/consensus_common_pb.js";
import type { ConsensusNodeConfig } from "../proto/consensus_config_pb.js";
import type { MintConfigTx, MintTx } from "../proto/external_pb.js";
import { MintValidationError, mintValidationResultOf, proposeTxResultOf } from "./errors.js";
import { checkMintConfigTxShape, checkMintTxShape } from "./mint-shape.js";
import type { CallContext, RpcServer } from "./service.js";

/**
 * `consensus_client.ConsensusClientAPI` (reference mobilecoin-service.md §5.2, §5.9) over the
 * narrow functions of the node it needs. A validation refusal is gRPC OK with a
 * `ProposeTxResult` (or `MintValidationResult`) and `block_count`/`block_version` filled, as
 * upstream; every other failure is a status through the one error map. Chain-id and token checks
 * are `RequestCheck`s of the server, not of these handlers.
 */
export interface ClientApiHandlers {
  /**
   * Give the node a client's encrypted transaction. Resolves once it is accepted (cached and
   * proposed); throws a typed error otherwise — a validation code becomes a `ProposeTxResult`,
   * `OVER_CAPACITY` / `RPC_BEHIND` (after the node discarded the message to keep the session's
   * nonce in step) become UNAVAILABLE.
   */
  proposeTx(message: Message, context: CallContext): Promise<void> | void;
  /** Blocks in the ledger now (`block_count`). */
  numBlocks(): bigint;
  /** The configured `--block-version`. */
  readonly blockVersion: number;
  nodeConfig(): ConsensusNodeConfig | Promise<ConsensusNodeConfig>;
  /**
   * Throws `OVER_CAPACITY` or `RPC_BEHIND` when the node takes no proposals now; the mint RPCs
   * ask it first, as upstream. Absent: always admitted.
   */
  admission?(): void;
  /**
   * Told the `ProposeTxResult` name of every validation refusal (for MobileCoin's
   * `consensus_service_tx_validation_errors{err}` counter).
   */
  onValidationRefused?(result: string): void;
  /** Mint RPCs; absent, this node refuses minting as a node without governors does. */
  proposeMintConfigTx?(tx: MintConfigTx): Promise<void> | void;
  proposeMintTx?(tx: MintTx): Promise<void> | void;
}

/** MobileCoin's answer for a token without governors (`MintTxManager::validate_mint_config_tx`). */
function refuseMintConfigTx(tx: MintConfigTx): never {
  const tokenId = tx.prefix?.tokenId ?? 0n;
  throw new MintValidationError("NoGovernors", `no governors for token ${tokenId}`, { tokenId });
}

/** Without governors no mint config is ever active, so no MintTx has a matching one. */
function refuseMintTx(): never {
  throw new MintValidationError("NoMatchingMintConfig", "no active mint configuration");
}

async function proposeTx(
  handlers: ClientApiHandlers,
  message: Message,
  context: CallContext,
): Promise<ProposeTxResponse> {
  let result = ProposeTxResult.Ok;
  let errMsg = "";
  try {
    await handlers.proposeTx(message, context);
  } catch (error) {
    const refusal = proposeTxResultOf(error);
    if (refusal === undefined) throw error;
    result = refusal.result;
    errMsg = refusal.errMsg;
    handlers.onValidationRefused?.(ProposeTxResult[result] ?? String(result));
  }
  return create(ProposeTxResponseSchema, {
    result,
    errMsg,
    blockCount: handlers.numBlocks(),
    blockVersion: handlers.blockVersion,
  });
}

/** Run a mint proposal; a mint validation refusal is a result, anything else propagates. */
async function proposeMint(handlers: ClientApiHandlers, run: () => Promise<void> | void) {
  handlers.admission?.();
  let result = create(MintValidationResultSchema, {});
  try {
    await run();
  } catch (error) {
    const refusal = mintValidationResultOf(error);
    if (refusal === undefined) throw error;
    result = create(MintValidationResultSchema, refusal);
  }
  return { result, blockCount: handlers.numBlocks(), blockVersion: handlers.blockVersion };
}

export function serveClientApi(server: RpcServer, handlers: ClientApiHandlers): RpcServer {
  const api = ConsensusClientAPI.method;
  return server
    .unary(api.clientTxPropose, (message, context) => proposeTx(handlers, message, context))
    .unary(api.getNodeConfig, () => handlers.nodeConfig())
    .unary(api.proposeMintConfigTx, async (tx) =>
      create(
        ProposeMintConfigTxResponseSchema,
        await proposeMint(handlers, () => {
          checkMintConfigTxShape(tx);
          return handlers.proposeMintConfigTx
            ? handlers.proposeMintConfigTx(tx)
            : refuseMintConfigTx(tx);
        }),
      ),
    )
    .unary(api.proposeMintTx, async (tx) =>
      create(
        ProposeMintTxResponseSchema,
        await proposeMint(handlers, () => {
          checkMintTxShape(tx);
          return handlers.proposeMintTx ? handlers.proposeMintTx(tx) : refuseMintTx();
        }),
      ),
    );
}
