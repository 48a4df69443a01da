import { D, type DigestNode, digest32 } from "../../crypto/index.js";
import { type FeeMap, feeMapDigestNode } from "../../transaction/index.js";

/**
 * The digest that suffixes peer responder ids in the peer prologue (reference enclave-attest.md
 * §5.1): Merlin `digest32` under "mc-blockchain-config" of MobileCoin's `BlockchainConfig`
 * Digestible shape, read from consensus/enclave/api/src/config.rs:
 *   BlockchainConfig { fee_map: FeeMap, governors_map: GovernorsMap,
 *                      governors_signature: Option<Ed25519Signature>, block_version: BlockVersion }
 * `BlockVersion(u32)` derives Digestible as an aggregate with field "0". We support no governors
 * yet (enclave_init refuses them), so the governors map is empty — its `map` field, an empty
 * sequence inside an aggregate, is omitted — and the absent signature is omitted too.
 */
export function blockchainConfigDigestNode(feeMap: FeeMap, blockVersion: number): DigestNode {
  return D.agg("BlockchainConfig", [
    D.field("fee_map", feeMapDigestNode(feeMap)),
    D.field("governors_map", D.agg("GovernorsMap", [D.field("map", D.seq([]))])),
    D.field("governors_signature", undefined),
    D.field("block_version", D.agg("BlockVersion", [D.field("0", D.u32(blockVersion))])),
  ]);
}

export function blockchainConfigDigest(feeMap: FeeMap, blockVersion: number): Uint8Array {
  return digest32("mc-blockchain-config", blockchainConfigDigestNode(feeMap, blockVersion));
}
