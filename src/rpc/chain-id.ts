import { Metadata } from "@grpc/grpc-js";
import { RpcError } from "./errors.js";
import type { RequestCheck } from "./service.js";

/**
 * The `chain-id` request header (reference mobilecoin-service.md §5.6, MobileCoin
 * util/grpc/src/chain_id.rs). A caller that sends no header passes; every `chain-id` value it
 * sends must equal ours byte for byte, else FAILED_PRECONDITION `chain-id mismatch: '<ours>'`.
 */
export const CHAIN_ID_HEADER = "chain-id";

/**
 * The methods MobileCoin checks: both Auth services and the client's propose calls. BlockchainAPI,
 * the peer RPCs and GetNodeConfig are not checked.
 */
export const CHAIN_ID_CHECKED_METHODS: ReadonlySet<string> = new Set([
  "/attest.AttestedApi/Auth",
  "/consensus_client.ConsensusClientAPI/ClientTxPropose",
  "/consensus_client.ConsensusClientAPI/ProposeMintConfigTx",
  "/consensus_client.ConsensusClientAPI/ProposeMintTx",
]);

/** Throw RPC_CHAIN_ID_MISMATCH unless every `chain-id` header value equals `serverChainId`. */
export function checkChainId(serverChainId: string, metadata: Metadata): void {
  for (const value of metadata.get(CHAIN_ID_HEADER)) {
    const text = typeof value === "string" ? value : value.toString("utf8");
    if (text !== serverChainId) {
      throw new RpcError(
        "RPC_CHAIN_ID_MISMATCH",
        `chain-id header ${JSON.stringify(text.slice(0, 64))} is not ours`,
        { serverChainId },
      );
    }
  }
}

/** A server request check (see `RpcServer.requestCheck`) for MobileCoin's checked methods. */
export function chainIdRequestCheck(
  serverChainId: string,
  methods: ReadonlySet<string> = CHAIN_ID_CHECKED_METHODS,
): RequestCheck {
  return (context, path) => {
    if (methods.has(path)) checkChainId(serverChainId, context.metadata);
  };
}

/** Request metadata carrying our chain id; none when it is empty, as MobileCoin's clients do. */
export function chainIdMetadata(chainId: string): Metadata {
  const metadata = new Metadata();
  if (chainId !== "") metadata.set(CHAIN_ID_HEADER, chainId);
  return metadata;
}
