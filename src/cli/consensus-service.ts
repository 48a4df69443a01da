import { EnclaveHostError, EnclaveSetupError } from "../enclave/index.js";
import {
  ConfigError,
  checkListenPorts,
  checkServiceConfig,
  describeServiceCheck,
  parseServiceConfig,
  SERVICE_ENVIRONMENT,
  SERVICE_FLAGS,
  type ServiceConfig,
  SHUTDOWN_DEADLINE_MS,
  serviceLogging,
  startValidatorNode,
  type ValidatorNode,
  waitForStop,
} from "../node/index.js";
import { describeError, isCodedError, toHex } from "../util/index.js";
import {
  type CommandContext,
  EXIT_BAD_INPUT,
  EXIT_NEGATIVE,
  EXIT_OK,
  oneLine,
  processContext,
} from "./command.js";

/** `consensus-service`: the validator daemon (SPEC §4.2). */
export function usage(): string {
  const wrap = (text: string, indent: string, width = 96): string => {
    const words = text.split(/\s+/);
    const lines: string[] = [];
    let line = "";
    for (const word of words) {
      if (line !== "" && indent.length + line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line === "" ? word : `${line} ${word}`;
      }
    }
    if (line !== "") lines.push(line);
    return lines.map((l) => indent + l).join("\n");
  };
  const flags = SERVICE_FLAGS.map((f) => {
    const head = `  --${f.name} <${f.value}>`;
    const notes = [
      f.required ? "required" : undefined,
      f.defaultValue !== undefined ? `default ${f.defaultValue}` : undefined,
      `env ${f.env}`,
    ]
      .filter((n) => n !== undefined)
      .join("; ");
    return `${head}\n${wrap(`${f.help} [${notes}]`, "        ")}`;
  });
  const env = SERVICE_ENVIRONMENT.map((e) => `  ${e.name}\n${wrap(e.help, "        ")}`);
  return [
    "Usage: consensus-service [OPTIONS]",
    "",
    "The MobileCoin-compatible consensus validator: runs SCP with the peers in the network file,",
    "validates transactions in a software enclave, and closes signed blocks into an LMDB ledger.",
    "Every option can also be given by its environment variable; the flag wins.",
    "",
    "Options:",
    ...flags,
    "  --check-config",
    "        Validate everything the service would use (flags, keys, the network file in full, paths,",
    "        the tokens file, listen ports already taken) without opening, creating or binding",
    "        anything; exit 0 with one line, or 2 with one line naming the file, field and problem.",
    "        Every start runs the same checks first.",
    "  -h, --help",
    "        Print this help.",
    "",
    "Environment:",
    ...env,
    "",
    "A bad flag, key, URI or file makes the service exit with status 2 before binding any port,",
    "printing one line that names the flag or file and what is wrong.",
    "",
    "Example (the runbook's run command; the key file from `openssl genpkey -algorithm ed25519 -out key.pem`):",
    "  SGX_MODE=SW IAS_MODE=DEV consensus-service \\",
    "    --client-responder-id my_node.my_domain.com:443 --peer-responder-id node1.my_domain.com:8443 \\",
    "    --network /etc/mc-network.toml --ledger-path /tmp/ledger-db-1 \\",
    "    --origin-block-path ./origin --peer-listen-uri='insecure-mcp://0.0.0.0:8443/' \\",
    "    --msg-signer-key key.pem --sealed-block-signing-key /sealed \\",
    "    --admin-listen-uri=insecure-mca://127.0.0.1:9091/ --check-config",
  ].join("\n");
}

export async function main(
  argv: readonly string[],
  context: CommandContext = processContext,
): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    context.stdout.write(`${usage()}\n`);
    return EXIT_OK;
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
