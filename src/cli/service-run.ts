import { EnclaveHostError, EnclaveSetupError } from "../enclave/index.js";
import {
  ConfigError,
  checkListenPorts,
  checkServiceConfig,
  describeServiceCheck,
  parseServiceConfig,
  type ServiceConfig,
  SHUTDOWN_DEADLINE_MS,
  serviceLogging,
  startValidatorNode,
  type ValidatorNode,
  waitForStop,
} from "../node/index.js";
import { describeError, isCodedError, toHex } from "../util/index.js";
import { type CommandContext, EXIT_BAD_INPUT, EXIT_NEGATIVE, EXIT_OK, oneLine } from "./command.js";
import { ParentPipeError, watchParentPipe } from "./parent-pipe.js";

/**
 * The part of `consensus-service` past `--help` (see consensus-service.ts for the flags): check the
 * configuration, then start up. Kept in its own module so that `--help` does not load it.
 */
export async function runService(
  argv: readonly string[],
  context: CommandContext,
): Promise<number> {
  try {
    await watchParentPipe(context.env);
  } catch (error) {
    if (!(error instanceof ParentPipeError)) throw error;
    context.stderr.write(`consensus-service: ${error.message}\n`);
    return EXIT_BAD_INPUT;
  }
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
  return run(config, context, summary);
}

/**
 * Run the node until SIGTERM/SIGINT (exit 0 after a clean close) or a fatal condition such as
 * the enclave process dying (exit 1, one line on stderr). A second signal while closing, or a
 * close that takes longer than `SHUTDOWN_DEADLINE_MS`, exits 1 at once.
 */
async function run(
  config: ServiceConfig,
  context: CommandContext,
  summary: string,
): Promise<number> {
  const { logger, filter } = serviceLogging(context.env, context.stdout, {
    "mc.local_node_id": config.peerResponderId,
  });
  const stop = waitForStop();
  let node: ValidatorNode;
  try {
    node = await startValidatorNode(config, { logger, logFilter: filter, onFatal: stop.fatal });
  } catch (error) {
    stop.dispose();
    return failed(context, error);
  }
  logger.info(
    {
      blockSignerPublicKey: toHex(node.enclave.signerPublicKey),
      reusedSealedKey: node.enclave.reusedSealedKey,
      sealedKeyFile: config.sealedBlockSigningKeyPath,
    },
    `block signer public key ${toHex(node.enclave.signerPublicKey)}; ${summary}`,
  );
  const reason = await stop.reason;
  const forced = new Promise<number>((resolve) => {
    stop.onInsist(() => resolve(EXIT_NEGATIVE));
    setTimeout(() => resolve(EXIT_NEGATIVE), SHUTDOWN_DEADLINE_MS).unref();
  });
  if (reason.kind === "signal")
    logger.info({ event: "stopping", signal: reason.signal }, `${reason.signal}: stopping`);
  else
    logger.error(
      { event: "fatal", err: describeError(reason.error) },
      "stopping after a fatal error",
    );
  const closed = node.close().then(() => (reason.kind === "signal" ? EXIT_OK : EXIT_NEGATIVE));
  const code = await Promise.race([closed, forced]);
  stop.dispose();
  if (reason.kind === "fatal") return failed(context, reason.error);
  if (code !== EXIT_OK) context.stderr.write("consensus-service: did not close in time; exiting\n");
  else logger.info({ event: "stopped" }, "stopped");
  return code;
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
