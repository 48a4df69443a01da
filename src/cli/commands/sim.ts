import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import {
  BYZANTINE_KINDS,
  type ByzantineKind,
  DEFAULT_SIM_OPTIONS,
  isWholeNodeTrace,
  type Partition,
  replayTrace,
  replayWholeNode,
  runSimulation,
  runWholeNode,
  SimError,
  type SimOptions,
  TOPOLOGY_KINDS,
  type TopologyKind,
  WHOLE_NODE_LIMITS,
  type WholeNodeOptions,
} from "../../sim/index.js";
import { describeError } from "../../util/index.js";
import {
  type Command,
  EXIT_NEGATIVE,
  EXIT_OK,
  intFlag,
  parseFlags,
  UsageError,
} from "../command.js";
import { SUMMARIES } from "./summaries.js";

const HELP = `Usage: consensus-tool sim --topology mesh|cycle|metamesh|figure2|random --nodes N [options] [--json]
       consensus-tool sim --replay FILE [--json]

Deterministic SCP network simulation with fault injection (virtual time, seeded randomness):
identical arguments give identical results. Nodes are named n1 … nN; quorum sets exclude the
local node (MobileCoin's convention). Byzantine nodes are the last K nodes.

Topologies:
  mesh       every node trusts the N−1 others with threshold T (default: the largest T that
             tolerates ⌊(N−1)/3⌋ faulty nodes, i.e. N−1−⌊(N−1)/3⌋)
  cycle      node i trusts node i+1 alone
  metamesh   K organisations of M servers (--orgs K --per-org M, N = K×M); ⌈2/3⌉ thresholds at
             both levels, the own organisation listed without the node itself
  figure2    the SCP paper's four-node example (n1 trusts 2 of {n2,n3}; n2..n4 trust each other)
  random     random flat quorum sets, redrawn until they intersect despite the Byzantine nodes

Options:
  --threshold T            mesh threshold (of N−1 others)
  --orgs K --per-org M     metamesh shape (default K=3, M=N/3)
  --slots S                slots every honest node must decide (default ${DEFAULT_SIM_OPTIONS.slots})
  --values-per-slot V      client values submitted per slot (default ${DEFAULT_SIM_OPTIONS.valuesPerSlot})
  --loss P                 drop each delivery with probability P (default 0)
  --duplicate P            deliver a message twice with probability P (default 0)
  --delay-ms MIN:MAX       uniform delivery delay (default ${DEFAULT_SIM_OPTIONS.delayMinMs}:${DEFAULT_SIM_OPTIONS.delayMaxMs}); varying delays reorder
  --byzantine K            the last K nodes are Byzantine
  --byzantine-kind KIND    equivocate (different statements to different peers, forged
                           accepts/commits/externalizes with INF counters) | silent | spam
                           (malformed, oversized, forged-sender and far-future messages) |
                           split (tells each half of the honest nodes a different, individually
                           valid story: echoes that half's newest statement as its own, claims
                           accepted commit of that half's value up to INF, replays old ones)
  --crash ID@MS            stop node ID at virtual time MS (repeatable)
  --partition SPEC         "n1,n2|n3,n4@START-END": no delivery across groups in that window
                           (ms); unlisted nodes form one more group (repeatable)
  --base-timeout-ms MS     SCP base nomination and ballot timeout (default 1000)
  --rebroadcast-ms MS      re-broadcast latest messages after this silence (default: base timeout)
  --faults-end-ms MS       loss and duplication stop at this virtual time (default: never)
  --time-limit-ms MS       virtual time limit (default ${DEFAULT_SIM_OPTIONS.timeLimitMs})
  --no-sync                turn off the simulated ledger sync (below), so liveness is SCP's own
  --seed X                 PRNG seed (default "${DEFAULT_SIM_OPTIONS.seed}")
  --check-invariants       check every honest statement against the strict sanity rules and
                           the slot invariants after every step; violations fail the run
  --trace FILE             write every input and output as JSON lines, replayable with --replay;
                           one line per externalization: {"event":"externalize","node","slot",
                           "value":[hex…],"virtual_ms"}
  --replay FILE            re-run a trace's inputs and compare every output step by step
  --whole-node             every node is a whole validator (createValidator: consensus worker,
                           broadcaster, keepalive; in-process enclave with attested sessions;
                           memory ledger from one generated origin ledger), fed real
                           transactions by a simulated wallet; --slots × --values-per-slot
                           transactions in all. The JSON adds "blocks_identical", "txs_submitted",
                           "txs_included", "txs_included_twice" and "double_spends"; exit 0 needs
                           those clean too. --trace writes a record (submits, crashes, restarts,
                           and one externalize line per node and block, "value" holding the
                           block id); --replay FILE runs the header's options again and
                           compares every record.
  --tx-rate R              with --whole-node: transactions per virtual second (default 10)
  --double-spends K        with --whole-node: outputs spent a second time on another node (default ${WHOLE_NODE_LIMITS.doubleSpendsDefault})
  --restart ID@MS          with --whole-node: restart crashed node ID at MS (its ledger and last
                           statement survive; it catches up from peers over the network)
  --archive                with --whole-node: one honest node's blocks go to a simulated archive,
                           every node's first catch-up source (then its peers)
  --corrupt-archive        with --whole-node: as --archive, but every third archived block has
                           tampered contents; nodes must skip the archive and still catch up
  --json                   one JSON document on stdout:
                           {"seed","topology","nodes","slots","agreement","live",
                            "slots_decided_min","virtual_ms","messages_sent","digest",
                            "syncs" (slots taken by ledger sync rather than decided by SCP),…}

Agreement: no two honest nodes (Byzantine ones excluded) externalized different values for a
slot. Liveness: every honest node that is not crashed at the end decided every slot in time.
A node that falls behind catches up like a validator's ledger sync once the peers that decided
a slot (with it) form a quorum; retained slots answer peers still working on them.

Exit codes: 0 agreement and liveness hold (replay: outputs identical); 1 otherwise;
            2 bad arguments or a malformed trace.

Examples:
  consensus-tool sim --topology mesh --nodes 7 --slots 20 --loss 0.1 --json
  # quorums that meet only in Byzantine nodes: a split node can break agreement (exit 1)
  consensus-tool sim --topology mesh --nodes 4 --threshold 2 --byzantine 2 \\
      --byzantine-kind split --no-sync --slots 3 --seed split-0 --json
  consensus-tool sim --topology figure2 --nodes 4 --trace run.jsonl
  consensus-tool sim --replay run.jsonl`;

const FLAGS = {
  json: { type: "boolean" },
  topology: { type: "string" },
  nodes: { type: "string" },
  threshold: { type: "string" },
  orgs: { type: "string" },
  "per-org": { type: "string" },
  slots: { type: "string" },
  "values-per-slot": { type: "string" },
  loss: { type: "string" },
  duplicate: { type: "string" },
  "delay-ms": { type: "string" },
  byzantine: { type: "string" },
  "byzantine-kind": { type: "string" },
  crash: { type: "string", multiple: true },
  partition: { type: "string", multiple: true },
  "base-timeout-ms": { type: "string" },
  "rebroadcast-ms": { type: "string" },
  "faults-end-ms": { type: "string" },
  "time-limit-ms": { type: "string" },
  seed: { type: "string" },
  trace: { type: "string" },
  replay: { type: "string" },
  "check-invariants": { type: "boolean" },
  "no-sync": { type: "boolean" },
  "whole-node": { type: "boolean" },
  "tx-rate": { type: "string" },
  "double-spends": { type: "string" },
  restart: { type: "string", multiple: true },
  archive: { type: "boolean" },
  "corrupt-archive": { type: "boolean" },
} as const;

export const simCommand: Command = {
  name: "sim",
  summary: SUMMARIES["sim"],
  help: HELP,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, FLAGS);
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (values.replay !== undefined) {
      if (values["whole-node"])
        throw new UsageError("--replay takes no --whole-node: the trace's header says what it is");
      let text: string;
      try {
        text = readFileSync(values.replay, "utf8");
      } catch (error) {
        throw new UsageError(`${values.replay}: cannot read: ${describeError(error)}`);
      }
      let result: ReturnType<typeof replayTrace>;
      try {
        const lines = text.split("\n");
        result = isWholeNodeTrace(lines) ? await replayWholeNode(lines) : replayTrace(lines);
      } catch (error) {
        throw new UsageError(`${values.replay}: ${describeError(error)}`);
      }
      const out = { replay: true, ...result };
      if (values.json) context.stdout.write(`${JSON.stringify(out)}\n`);
      else
        context.stdout.write(
          `${result.matches ? "replay identical" : `replay DIVERGED: ${result.first_mismatch}`} (${result.events} inputs, ${result.outputs_compared} outputs compared); agreement=${result.agreement} live=${result.live}\n`,
        );
      return result.matches ? EXIT_OK : EXIT_NEGATIVE;
    }

    if (values["whole-node"]) return runWholeNodeCommand(values, context);
    for (const flag of [
      "tx-rate",
      "double-spends",
      "restart",
      "archive",
      "corrupt-archive",
    ] as const)
      if (values[flag] !== undefined) throw new UsageError(`--${flag} needs --whole-node`);
    const options = optionsFromFlags(values);
    let fd: number | undefined;
    if (values.trace !== undefined) {
      try {
        fd = openSync(values.trace, "w");
      } catch (error) {
        throw new UsageError(`${values.trace}: cannot write: ${describeError(error)}`);
      }
    }
    let pending: string[] = [];
    const flush = () => {
      if (fd !== undefined && pending.length > 0) writeSync(fd, pending.join(""));
      pending = [];
    };
    let result: ReturnType<typeof runSimulation>;
    try {
      result = runSimulation(
        options,
        fd === undefined
          ? undefined
          : (record) => {
              pending.push(`${JSON.stringify(record)}\n`);
              if (pending.length >= 1000) flush();
            },
      );
      flush();
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    if (values.json) context.stdout.write(`${JSON.stringify(result)}\n`);
    else
      context.stdout.write(
        `${result.topology} ${result.nodes} nodes, ${result.slots} slots: agreement=${result.agreement} live=${result.live} (min decided ${result.slots_decided_min}) in ${result.virtual_ms} virtual ms, ${result.messages_sent} messages, digest ${result.digest}\n`,
      );
    const clean = result.invariant_violations.length === 0;
    if (!clean && !values.json)
      context.stdout.write(`invariant violations: ${result.invariant_violations.join("; ")}\n`);
    return result.agreement && result.live && clean ? EXIT_OK : EXIT_NEGATIVE;
  },
};

type Values = ReturnType<typeof parseFlags<typeof FLAGS>>["values"];

/** `sim --whole-node`: whole validators (SPEC §4.3); `--replay` re-runs a trace's options. */
async function runWholeNodeCommand(
  values: Values,
  context: Parameters<Command["run"]>[1],
): Promise<number> {
  if (values["check-invariants"]) throw new UsageError("--check-invariants needs plain sim");
  const options: WholeNodeOptions = {
    ...optionsFromFlags(values),
    restarts: (values.restart ?? []).map(parseCrash),
    txRate: positiveNumber("tx-rate", values["tx-rate"], 10),
    doubleSpends: intFlag(
      "double-spends",
      values["double-spends"],
      WHOLE_NODE_LIMITS.doubleSpendsDefault,
    ),
    archive: values.archive === true,
    corruptArchive: values["corrupt-archive"] === true,
  };
  const lines: string[] = [];
  let result: Awaited<ReturnType<typeof runWholeNode>>;
  try {
    result = await runWholeNode(
      options,
      values.trace === undefined ? undefined : (r) => void lines.push(`${JSON.stringify(r)}\n`),
    );
  } catch (error) {
    if (error instanceof SimError && error.code === "BAD_OPTION")
      throw new UsageError(describeError(error));
    throw error;
  }
  if (values.trace !== undefined) {
    try {
      writeFileSync(values.trace, lines.join(""));
    } catch (error) {
      throw new UsageError(`${values.trace}: cannot write: ${describeError(error)}`);
    }
  }
  if (values.json) context.stdout.write(`${JSON.stringify(result)}\n`);
  else
    context.stdout.write(
      `whole-node ${result.topology} ${result.nodes} nodes: agreement=${result.agreement} live=${result.live} blocks_identical=${result.blocks_identical} txs ${result.txs_included}/${result.txs_submitted} included (twice ${result.txs_included_twice}, double spends ${result.double_spends}) in ${result.virtual_ms} virtual ms\n`,
    );
  const ok =
    result.agreement &&
    result.live &&
    result.blocks_identical &&
    result.txs_included_twice === 0 &&
    result.double_spends === 0 &&
    result.invariant_violations.length === 0;
  return ok ? EXIT_OK : EXIT_NEGATIVE;
}

function positiveNumber(name: string, value: string | undefined, dflt: number): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!/^[0-9.]+$/.test(value) || !(n > 0))
    throw new UsageError(`--${name} must be a positive number, got ${JSON.stringify(value)}`);
  return n;
}

function optionsFromFlags(v: Values): SimOptions {
  if (v.topology === undefined) throw new UsageError("--topology is required; see sim --help");
  const topology = v.topology as TopologyKind;
  if (!TOPOLOGY_KINDS.includes(topology))
    throw new UsageError(
      `--topology must be one of ${TOPOLOGY_KINDS.join(", ")}, got ${JSON.stringify(v.topology)}`,
    );
  if (v.nodes === undefined) throw new UsageError("--nodes is required");
  const kind = (v["byzantine-kind"] ?? "equivocate") as ByzantineKind;
  if (!BYZANTINE_KINDS.includes(kind))
    throw new UsageError(`--byzantine-kind must be one of ${BYZANTINE_KINDS.join(", ")}`);
  const [delayMinMs, delayMaxMs] = parseDelay(v["delay-ms"]);
  const options: SimOptions = {
    topology,
    nodes: intFlag("nodes", v.nodes, 0, 1),
    slots: intFlag("slots", v.slots, DEFAULT_SIM_OPTIONS.slots, 1),
    valuesPerSlot: intFlag(
      "values-per-slot",
      v["values-per-slot"],
      DEFAULT_SIM_OPTIONS.valuesPerSlot,
      1,
    ),
    loss: probability("loss", v.loss),
    duplicate: probability("duplicate", v.duplicate),
    delayMinMs,
    delayMaxMs,
    byzantine: intFlag("byzantine", v.byzantine, 0),
    byzantineKind: kind,
    crashes: (v.crash ?? []).map(parseCrash),
    partitions: (v.partition ?? []).map(parsePartition),
    baseTimeoutMs: intFlag(
      "base-timeout-ms",
      v["base-timeout-ms"],
      DEFAULT_SIM_OPTIONS.baseTimeoutMs,
      1,
    ),
    timeLimitMs: intFlag("time-limit-ms", v["time-limit-ms"], DEFAULT_SIM_OPTIONS.timeLimitMs, 1),
    seed: v.seed ?? DEFAULT_SIM_OPTIONS.seed,
  };
  if (v.threshold !== undefined) options.threshold = intFlag("threshold", v.threshold, 0, 1);
  if (v.orgs !== undefined) options.orgs = intFlag("orgs", v.orgs, 0, 1);
  if (v["per-org"] !== undefined) options.perOrg = intFlag("per-org", v["per-org"], 0, 1);
  if (v["rebroadcast-ms"] !== undefined)
    options.rebroadcastMs = intFlag("rebroadcast-ms", v["rebroadcast-ms"], 0, 1);
  if (v["check-invariants"]) options.checkInvariants = true;
  if (v["no-sync"]) options.sync = false;
  if (v["faults-end-ms"] !== undefined)
    options.faultsEndMs = intFlag("faults-end-ms", v["faults-end-ms"], 0);
  return options;
}

function probability(name: string, value: string | undefined): number {
  if (value === undefined) return 0;
  const p = Number(value);
  if (!/^[0-9.]+$/.test(value) || !(p >= 0 && p <= 1))
    throw new UsageError(
      `--${name} must be a probability between 0 and 1, got ${JSON.stringify(value)}`,
    );
  return p;
}

function parseDelay(value: string | undefined): [number, number] {
  if (value === undefined) return [DEFAULT_SIM_OPTIONS.delayMinMs, DEFAULT_SIM_OPTIONS.delayMaxMs];
  const m = /^([0-9]+):([0-9]+)$/.exec(value);
  if (!m || Number(m[1]) > Number(m[2]))
    throw new UsageError(`--delay-ms must be MIN:MAX with MIN ≤ MAX, got ${JSON.stringify(value)}`);
  return [Number(m[1]), Number(m[2])];
}

function parseCrash(value: string): { node: string; atMs: number } {
  const m = /^(n[0-9]+)@([0-9]+)$/.exec(value);
  if (!m)
    throw new UsageError(`--crash must be ID@MS (e.g. n3@5000), got ${JSON.stringify(value)}`);
  return { node: m[1] as string, atMs: Number(m[2]) };
}

function parsePartition(value: string): Partition {
  const m = /^([^@]+)@([0-9]+)-([0-9]+)$/.exec(value);
  if (!m || Number(m[2]) > Number(m[3]))
    throw new UsageError(
      `--partition must be "n1,n2|n3,n4@START-END", got ${JSON.stringify(value)}`,
    );
  const groups = (m[1] as string).split("|").map((g) =>
    g
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== ""),
  );
  if (groups.length < 2 || groups.some((g) => g.length === 0))
    throw new UsageError(
      `--partition needs at least two non-empty groups separated by "|", got ${JSON.stringify(value)}`,
    );
  return { groups, startMs: Number(m[2]), endMs: Number(m[3]) };
}
