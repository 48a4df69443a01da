import type { BlockchainConfig, OkOf } from "../api.js";
import { EnclaveError, EnclaveSetupError } from "../errors.js";
import { callOk, type EnclaveHost } from "./host.js";
import { readSealedKeyFile, writeSealedKeyFile } from "./sealed-key-file.js";

/**
 * The host's side of enclave start-up (reference §4.2, done right): read the sealed block-signing
 * key file as bytes, pass it to `enclave_init`, write back the fresh seal, and return the block
 * signer. A blob that does not open is an `EnclaveSetupError` with one line for the operator
 * (the service exits 2), never a silent new key.
 */
export interface InitializeEnclaveOptions {
  sealedKeyFile: string;
  peerResponderId: string;
  clientResponderId: string;
  config: BlockchainConfig;
}

export async function initializeEnclave(
  host: EnclaveHost,
  options: InitializeEnclaveOptions,
): Promise<{ signerPublicKey: Uint8Array; reusedSealedKey: boolean }> {
  const sealed = readSealedKeyFile(options.sealedKeyFile);
  let reply: OkOf<"enclave_init">;
  try {
    reply = await callOk(host, {
      call: "enclave_init",
      peerResponderId: options.peerResponderId,
      clientResponderId: options.clientResponderId,
      sealedBlockSigningKey: sealed,
      config: options.config,
    });
  } catch (error) {
    if (
      error instanceof EnclaveError &&
      (error.code === "UNSEAL_FAILED" || error.code === "INVALID_SEALED_KEY")
    ) {
      throw new EnclaveSetupError(
        "SEALED_KEY_FILE",
        `the sealed block-signing key ${options.sealedKeyFile} does not open: a wrong seal secret, or another enclave measurement (restore the secret, or move the file away to start with a new block key)`,
      );
    }
    throw error;
  }
  writeSealedKeyFile(options.sealedKeyFile, reply.sealedBlockSigningKey);
  const { signerPublicKey } = await callOk(host, { call: "get_signer" });
  return { signerPublicKey, reusedSealedKey: sealed !== undefined };
}
