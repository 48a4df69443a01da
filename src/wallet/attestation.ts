import { sha256 } from "../crypto/index.js";
import {
  BAKED_CONSTANTS,
  DEVELOPMENT_POLICY,
  devEnclaveSigningKey,
  devRootPublicKey,
  SwEvidenceVerifier,
  type TrustedIdentity,
} from "../enclave/index.js";

/**
 * What `--insecure-sw-attestation` trusts: software evidence under the development policy, from
 * the published development root, for any consensus enclave signed with the published
 * development key (MRSIGNER-style: signer, product id, minimum SVN), so a wallet of this package
 * attests to a node of another build of it. It proves nothing about the operator, hence the name.
 */
export function developmentEnclaveIdentity(): TrustedIdentity {
  return {
    kind: "signer",
    mode: "SW",
    signer: sha256(devEnclaveSigningKey().publicKey),
    productId: BAKED_CONSTANTS.productId,
    minimumSvn: BAKED_CONSTANTS.svn,
    mitigatedConfigAdvisories: [],
    mitigatedHardeningAdvisories: [],
  };
}

export function insecureSwVerifier(): SwEvidenceVerifier {
  return new SwEvidenceVerifier({
    policy: DEVELOPMENT_POLICY,
    rootPublicKey: devRootPublicKey(),
    identities: [developmentEnclaveIdentity()],
  });
}
