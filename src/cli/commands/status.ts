import { toHex } from "../../util/index.js";
import { NodeClient } from "../../wallet/index.js";
import { type Command, EXIT_OK, parseFlags, UsageError } from "../command.js";
import { SUMMARIES } from "./summaries.js";
import { nodeFailure } from "./wallet-node.js";

const HELP = `Usage: consensus-tool status --node URI [--json]

Asks a node's client port for its responder id (GetNodeConfig), its block count, network block
version and minimum MOB fee (GetLastBlockInfo) and the id of its latest block (GetBlocks).
URI is insecure-mc://HOST:PORT/ or mc://HOST:PORT/ (TLS; ?ca-bundle=PATH for a private CA).

Output with --json:
  {"responder_id", "block_count", "block_version", "latest_block_id", "minimum_fee"}
  (minimum_fee in picoMOB as a decimal string, as wallet amounts are; latest_block_id as hex)

Exit codes: 0 answered; 1 the node could not be reached or failed; 2 bad arguments.

Example:
  consensus-tool status --node insecure-mc://localhost:3223/ --json`;

export const statusCommand: Command = {
  name: "status",
  summary: SUMMARIES["status"],
  help: HELP,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      node: { type: "string" },
      json: { type: "boolean" },
    });
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (values.node === undefined) throw new UsageError("--node is required");
    const node = new NodeClient(values.node);
    try {
      const s = await node.status();
      const doc = {
        responder_id: s.responderId,
        block_count: Number(s.blockCount),
        block_version: s.blockVersion,
        latest_block_id: toHex(s.latestBlockId),
        minimum_fee: s.minimumFee.toString(),
      };
      context.stdout.write(
        values.json
          ? `${JSON.stringify(doc)}\n`
          : `${doc.responder_id}: ${doc.block_count} blocks, block version ${doc.block_version}, latest block ${doc.latest_block_id}, minimum fee ${doc.minimum_fee} picoMOB\n`,
      );
      return EXIT_OK;
    } catch (error) {
      const code = nodeFailure("status", error, context);
      if (code === undefined) throw error;
      return code;
    } finally {
      node.close();
    }
  },
};
