import {
  type ConfigError,
  parseServiceConfig,
  SERVICE_ENVIRONMENT,
  SERVICE_FLAGS,
} from "../node/index.js";
import { describeError, isCodedError } from "../util/index.js";
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
    "  -h, --help",
    "        Print this help.",
    "",
    "Environment:",
    ...env,
    "",
    "A bad flag, key, URI or file makes the service exit with status 2 before binding any port,",
    "printing one line that names the flag or file and what is wrong.",
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
  let config: ReturnType<typeof parseServiceConfig>;
  try {
    config = parseServiceConfig(argv, context.env);
  } catch (error) {
    if (isCodedError(error)) {
      context.stderr.write(`consensus-service: ${oneLine((error as ConfigError).message)}\n`);
      return EXIT_BAD_INPUT;
    }
    context.stderr.write(`consensus-service: ${oneLine(describeError(error))}\n`);
    return EXIT_BAD_INPUT;
  }
  context.stderr.write(
    `consensus-service: configuration for ${config.peerResponderId} is valid, but this build does not include the validator runtime yet (it arrives with the node issue); exiting\n`,
  );
  return EXIT_NEGATIVE;
}
