import { loadNetworkFile } from "../../node/index.js";
import { checkIntersection } from "../../quorum/index.js";
import type { QuorumSet } from "../../scp/index.js";
import { type Command, EXIT_NEGATIVE, EXIT_OK, parseFlags, UsageError } from "../command.js";
import { SUMMARIES } from "./summaries.js";

const HELP = `Usage: consensus-tool check-quorum ID=PATH [ID=PATH ...] [--json]

Checks that every two quorums of a network intersect. Each PATH is one node's network file
(network.toml or network.json, the runbook's shape: broadcast_peers, known_peers, quorum_set,
tx_source_urls) and ID is that node's responder id (host:port). A node's quorum set does not list
the node itself (MobileCoin's convention). Each file is checked by the rules consensus-service
--check-config applies (unknown keys, peer URIs and their consensus-msg-key, quorum-set sanity, the
node not listed as its own peer); quorum-set members no peer entry names are allowed here and
reported as unknown_nodes when no ID=PATH gives them.

The search backtracks over candidate quorums (stellar-core's checker's approach), so it is exact;
it is exponential in the worst case and meant for networks of tens of nodes.

Output with --json:
  {"intersects": bool, "split": [[ids],[ids]] | null,
   "nodes_without_quorum": [ids], "unknown_nodes": [ids]}
  split: two disjoint quorums when they exist; nodes_without_quorum: given nodes that belong to no
  quorum; unknown_nodes: ids named in quorum sets but not given as ID=PATH. A network with no
  quorum at all reports intersects=false and split=null.

Exit codes: 0 all quorums intersect; 1 they do not (or there is no quorum);
            2 bad arguments or a malformed file (one line naming the file, the field and the problem).

Example:
  consensus-tool check-quorum --json a.test:443=a.toml b.test:443=b.toml c.test:443=c.toml d.test:443=d.toml`;

export const checkQuorumCommand: Command = {
  name: "check-quorum",
  summary: SUMMARIES["check-quorum"],
  help: HELP,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, { json: { type: "boolean" } });
    if (positionals.length === 0)
      throw new UsageError("expected at least one ID=PATH; see check-quorum --help");
    const qsets = new Map<string, QuorumSet>();
    for (const arg of positionals) {
      const eq = arg.indexOf("=");
      if (eq <= 0 || eq === arg.length - 1)
        throw new UsageError(`expected ID=PATH, got ${JSON.stringify(arg)}`);
      const id = arg.slice(0, eq);
      const path = arg.slice(eq + 1);
      if (qsets.has(id)) throw new UsageError(`node ${id} given twice`);
      qsets.set(id, loadQuorumSet(id, path));
    }
    const result = checkIntersection(qsets);
    const json = {
      intersects: result.intersects,
      split: result.split,
      nodes_without_quorum: result.nodesWithoutQuorum,
      unknown_nodes: result.unknownNodes,
    };
    if (values.json) context.stdout.write(`${JSON.stringify(json)}\n`);
    else {
      const lines = [
        result.intersects
          ? `all quorums intersect (${qsets.size} nodes)`
          : result.split
            ? `SPLIT: disjoint quorums {${result.split[0].join(", ")}} and {${result.split[1].join(", ")}}`
            : "NO QUORUM: no set of the given nodes satisfies every member's quorum set",
      ];
      if (result.nodesWithoutQuorum.length > 0)
        lines.push(`nodes without a quorum: ${result.nodesWithoutQuorum.join(", ")}`);
      if (result.unknownNodes.length > 0)
        lines.push(`unknown nodes: ${result.unknownNodes.join(", ")}`);
      context.stdout.write(`${lines.join("\n")}\n`);
    }
    return result.intersects ? EXIT_OK : EXIT_NEGATIVE;
  },
};

/** The node's quorum set, by the rules consensus-service applies to its own network file. */
function loadQuorumSet(id: string, path: string): QuorumSet {
  return loadNetworkFile(path, { selfResponderId: id }).quorumSet;
}
