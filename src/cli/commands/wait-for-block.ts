import { parseU64 } from "../../util/index.js";
import { NodeClient, realWaitClock, WALLET_LIMITS, waitForBlock } from "../../wallet/index.js";
import { type Command, EXIT_NEGATIVE, EXIT_OK, parseFlags, UsageError } from "../command.js";
import { SUMMARIES } from "./summaries.js";
import { timeoutFlag } from "./wallet-node.js";

const HELP = `Usage: consensus-tool wait-for-block --node URI --block N [--timeout-s S]

Waits until the node's block count exceeds N (block index N exists), asking GetLastBlockInfo every
${WALLET_LIMITS.pollIntervalMs} ms. A node that cannot be reached yet is asked again until the timeout.

Options:
  --node URI      insecure-mc://HOST:PORT/ or mc://HOST:PORT/ (TLS; ?ca-bundle=PATH)
  --block N       the block index to wait for
  --timeout-s S   give up after S seconds (default ${WALLET_LIMITS.defaultTimeoutMs / 1000})

Exit codes: 0 the node's block count exceeds N; 1 not before the timeout; 2 bad arguments.

Example:
  consensus-tool wait-for-block --node insecure-mc://localhost:3223/ --block 5 --timeout-s 30`;

export const waitForBlockCommand: Command = {
  name: "wait-for-block",
  summary: SUMMARIES["wait-for-block"],
  help: HELP,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      node: { type: "string" },
      block: { type: "string" },
      "timeout-s": { type: "string" },
    });
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (values.node === undefined) throw new UsageError("--node is required");
    if (values.block === undefined) throw new UsageError("--block is required");
    let block: bigint;
    try {
      block = parseU64(values.block);
    } catch {
      throw new UsageError(`--block must be a block index, got ${JSON.stringify(values.block)}`);
    }
    const timeoutMs = timeoutFlag(values["timeout-s"], WALLET_LIMITS.defaultTimeoutMs / 1000);
    const node = new NodeClient(values.node);
    try {
      const r = await waitForBlock({ node, block, timeoutMs, clock: realWaitClock });
      const seen =
        r.blockCount === undefined ? "the node did not answer" : `block count ${r.blockCount}`;
      if (r.reached) {
        context.stdout.write(`block ${block} reached (${seen})\n`);
        return EXIT_OK;
      }
      context.stderr.write(
        `wait-for-block: block ${block} not reached in ${timeoutMs / 1000} s (${seen})\n`,
      );
      return EXIT_NEGATIVE;
    } finally {
      node.close();
    }
  },
};
