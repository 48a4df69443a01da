import { EnclaveHostError, EnclaveSetupError } from "../enclave/index.js";
import {
  ConfigError,
  checkListenPorts,
  checkServiceConfig,
  describeServiceCheck,
  parseServiceConfig,
  type ServiceConfig,
  serviceLogger,
  startEnclave,
} from "../node/index.js";
import { describeError, isCodedError, toHex } from "../util/index.js";
import { type CommandContext, EXIT_BAD_INPUT, EXIT_NEGATIVE, EXIT_OK, oneLine } from "./command.js";

/**
 * The part of `consensus-service` past `--help` (see consensus-service.ts for the flags): check the
 * configuration, then start up. Kept in its own module so that `--help` does not load it.
 */
export async function runService(
  argv: readonly string[],
  context: CommandContext,
): Promise<number> {
  const checkOnly = argv.includes("--check-config");
  let summary: string;
  let config: ServiceConfig;
  try {
    config = parseServiceConfig(
      argv.filter((a) => a !== "--check-config"),
      context.env,
    );
    summary = describeServiceCheck(config, checkServiceConfig(config));
    await checkListenPorts(config);
  } catch (error) {
    return failed(context, error);
  }
  if (checkOnly) {
    context.stdout.write(`consensus-service: ${summary}\n`);
    return EXIT_OK;
  }
  const started = await startUp(config, context);
  if (started !== EXIT_OK) return started;
  context.stderr.write(
    `consensus-service: ${summary}, but this build does not include the validator runtime yet (it arrives with the node issue); exiting\n`,
  );
  return EXIT_NEGATIVE;
}

/**
 * MobileCoin's start-up order as far as this build goes (reference mobilecoin-service.md §1.3):
 * banner, enclave process with the seal secret, enclave_init with the sealed key file, evidence,
 * the block signer in the log. Until the runtime lands, the enclave is then closed again.
 */
async function startUp(config: ServiceConfig, context: CommandContext): Promise<number> {
  const logger = serviceLogger(context.env, context.stdout, {
    "mc.local_node_id": config.peerResponderId,
  });
  let died: EnclaveHostError | undefined;
  try {
    const enclave = await startEnclave({
      config,
      logger,
      nowMs: () => Date.now(),
      onEnclaveExit: (error) => {
        died = error;
      },
    });
    logger.info(
      {
        blockSignerPublicKey: toHex(enclave.signerPublicKey),
        reusedSealedKey: enclave.reusedSealedKey,
        sealedKeyFile: config.sealedBlockSigningKeyPath,
      },
      `block signer public key ${toHex(enclave.signerPublicKey)}`,
    );
    await enclave.host.close();
    if (died !== undefined) return failed(context, died);
    return EXIT_OK;
  } catch (error) {
    return failed(context, died ?? error);
  }
}

/**
 * One line on stderr. Configuration, set-up and an enclave that refused to start are the
 * operator's to fix (exit 2); an enclave process that died later is a failure (exit 1).
 */
function failed(context: CommandContext, error: unknown): number {
  const text = isCodedError(error) ? error.message : describeError(error);
  context.stderr.write(`consensus-service: ${oneLine(text)}\n`);
  const badInput =
    error instanceof ConfigError ||
    error instanceof EnclaveSetupError ||
    (error instanceof EnclaveHostError && error.code === "ENCLAVE_START_FAILED");
  return badInput ? EXIT_BAD_INPUT : EXIT_NEGATIVE;
}
