import { create } from "@bufbuild/protobuf";
import {
  type ConsensusNodeConfig,
  ConsensusNodeConfigSchema,
  TokenConfigSchema,
} from "../proto/consensus_config_pb.js";
import { Ed25519PublicSchema } from "../proto/external_pb.js";
import type { FeeMap } from "../transaction/index.js";

/**
 * `GetNodeConfig`'s answer (reference mobilecoin-service.md §5.2) from what the node knows: its
 * configuration, the enclave's keys and the software enclave's labels (enclave-attest.md §9.6) in
 * the fields we added from 100. The gRPC service that serves it comes with the node runtime.
 */
export interface NodeConfigInputs {
  readonly peerResponderId: string;
  readonly clientResponderId: string;
  readonly blockVersion: number;
  /** The fee map the enclave was initialised with (token id → minimum fee). */
  readonly feeMap: FeeMap;
  /** Public half of `--msg-signer-key`. */
  readonly scpMessageSigningKey: Uint8Array;
  /** The enclave's block signer (`get_signer`). */
  readonly blockSigningKey: Uint8Array;
  /** The enclave's minting trust root (`get_minting_trust_root`). */
  readonly mintingTrustRoot: Uint8Array;
  readonly attestation: {
    readonly mode: "SW-DEV" | "SW-PROD";
    readonly measurement: Uint8Array;
    readonly signer: Uint8Array;
    readonly authorityKeyId: Uint8Array;
  };
}

const publicKey = (data: Uint8Array) => create(Ed25519PublicSchema, { data: data.slice() });

/** Minting is not built: no token has governors or active mint configurations yet. */
export function buildNodeConfig(inputs: NodeConfigInputs): ConsensusNodeConfig {
  const tokenConfigMap = Object.fromEntries(
    [...inputs.feeMap].map(([tokenId, minimumFee]) => [
      tokenId.toString(),
      create(TokenConfigSchema, { tokenId, minimumFee }),
    ]),
  );
  return create(ConsensusNodeConfigSchema, {
    mintingTrustRoot: publicKey(inputs.mintingTrustRoot),
    tokenConfigMap,
    peerResponderId: inputs.peerResponderId,
    clientResponderId: inputs.clientResponderId,
    blockSigningKey: publicKey(inputs.blockSigningKey),
    blockVersion: inputs.blockVersion,
    scpMessageSigningKey: publicKey(inputs.scpMessageSigningKey),
    attestationMode: inputs.attestation.mode,
    enclaveMeasurement: inputs.attestation.measurement.slice(),
    enclaveSigner: inputs.attestation.signer.slice(),
    authorityKeyId: inputs.attestation.authorityKeyId.slice(),
  });
}
