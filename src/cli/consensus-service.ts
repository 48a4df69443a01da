import { SERVICE_ENVIRONMENT, SERVICE_FLAGS } from "../node/index.js";
import { type CommandContext, EXIT_OK, processContext } from "./command.js";

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
    // Spelled out here: parent-pipe.ts (node:net) is not loaded for --help.
    "  MC_PARENT_PIPE_FD",
    "        File descriptor of a pipe from a supervisor (consensus-tool testnet): when it closes, the",
    "        service stops as on SIGTERM, so it never outlives the supervisor.",
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
  // Loaded only past --help, so that the help starts without crypto, the enclave or the runtime.
  const { runService } = await import("./service-run.js");
  return runService(argv, context);
}
