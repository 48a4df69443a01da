// Goal: quorum health's what-if (`fail=`) gives the same intersection verdict as
// `consensus-tool check-quorum` run on the network files of the nodes that remain, on the
// runbook's topologies (its network.toml: three nodes, 2 of the other two; its example quorum set:
// five nodes, 3 of the other four; the four-node network, 2 of the other three) and on a network
// that splits; the tolerated-failure counts match what the SCP paper's definitions give by hand.
// Method: write the network files, run the check-quorum command in-process for every set of up to
// two failed nodes, and compare with quorumHealth fed the same quorum sets as peers' statements.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { checkQuorumCommand } from "../../src/cli/commands/check-quorum.js";
import { type MemberInput, quorumHealth } from "../../src/node/index.js";
import type { QuorumSet, ScpMessage } from "../../src/scp/index.js";

const KEY = "MCowBQYDK2VwAyEA-21ShHmvuuynH7EcIgkdH2dWxCojgnWYbHxLrRseQ1s=";
const dir = mkdtempSync(path.join(tmpdir(), "quorum-health-"));
after(() => rmSync(dir, { recursive: true, force: true }));

type Topology = { name: string; trusts: Record<string, { threshold: number; members: string[] }> };

function mesh(name: string, n: number, threshold: number): Topology {
  const ids = Array.from({ length: n }, (_, i) => `node${i + 1}.test:443`);
  const trusts: Topology["trusts"] = {};
  for (const id of ids) trusts[id] = { threshold, members: ids.filter((x) => x !== id) };
  return { name, trusts };
}

const TOPOLOGIES: Topology[] = [
  mesh("runbook network.toml (3 nodes, 2 of 2)", 3, 2),
  mesh("runbook example quorum set (5 nodes, 3 of 4)", 5, 3),
  mesh("four nodes, 2 of 3", 4, 2),
  {
    name: "two pairs that split",
    trusts: {
      "a.test:443": { threshold: 1, members: ["b.test:443"] },
      "b.test:443": { threshold: 1, members: ["a.test:443"] },
      "c.test:443": { threshold: 1, members: ["d.test:443"] },
      "d.test:443": { threshold: 2, members: ["c.test:443", "a.test:443"] },
    },
  },
];

function writeFile(t: Topology, id: string): string {
  const { threshold, members } = t.trusts[id]!;
  const file = path.join(dir, `${t.name.replace(/\W+/g, "_")}-${id}.toml`);
  const list = members.map((m) => `{ type = "Node", args = "${m}" }`).join(", ");
  writeFileSync(
    file,
    `broadcast_peers = [${members.map((m) => `"mcp://${m}/?consensus-msg-key=${KEY}"`).join(", ")}]
known_peers = []
quorum_set = { threshold = ${threshold}, members = [ ${list} ] }
tx_source_urls = ["file:///tmp/archive/"]
`,
  );
  return file;
}

// biome-ignore lint/suspicious/noExplicitAny: check-quorum's JSON, compared whole
async function checkQuorum(args: string[]): Promise<{ code: number; json: any }> {
  let out = "";
  const sink = {
    write: (s: string) => {
      out += s;
      return true;
    },
  };
  const code = await checkQuorumCommand.run(["--json", ...args], {
    stdout: sink as never,
    stderr: sink as never,
    env: {},
  });
  return { code, json: JSON.parse(out) };
}

function qset(t: Topology, id: string): QuorumSet {
  const { threshold, members } = t.trusts[id]!;
  return { threshold, members: members.map((m) => ({ type: "Node" as const, args: { id: m } })) };
}

/** Every node heard just now, its statement carrying its quorum set. */
function healthOf(t: Topology, local: string, fail: string[]) {
  const nodes = new Map<string, MemberInput>();
  for (const id of Object.keys(t.trusts)) {
    if (id === local) continue;
    const latest: ScpMessage = {
      sender: { id },
      slot: 5,
      quorumSet: qset(t, id),
      topic: { type: "Nominate", nominate: { x: [], y: [] } },
    };
    nodes.set(id, { lastHeardMs: 1_000, latest, wrongChain: false });
  }
  return quorumHealth({
    local,
    quorumSet: qset(t, local),
    currentSlot: 6,
    nodes,
    nowMs: 1_000,
    fail,
  });
}

function subsets(items: string[], max: number): string[][] {
  const out: string[][] = [[]];
  for (const x of items) for (const s of [...out]) if (s.length < max) out.push([...s, x]);
  return out;
}

describe("quorum health what-if against check-quorum", () => {
  for (const t of TOPOLOGIES) {
    it(`${t.name}: fail= agrees with check-quorum on the remaining nodes`, async () => {
      const ids = Object.keys(t.trusts);
      const files = new Map(ids.map((id) => [id, writeFile(t, id)]));
      const local = ids[0]!;
      const verdicts = new Set<number>();
      for (const fail of subsets(ids.slice(1), 2)) {
        const args = ids.filter((id) => !fail.includes(id)).map((id) => `${id}=${files.get(id)}`);
        const tool = await checkQuorum(args);
        const h = healthOf(t, local, fail).intersection;
        const ours = {
          intersects: h.intersects,
          split: h.split,
          nodes_without_quorum: h.nodesWithoutQuorum,
          unknown_nodes: h.unknownNodes,
        };
        assert.deepEqual(ours, tool.json, `${t.name}, fail=${fail.join(",")}`);
        assert.equal(tool.code === 0, h.intersects, `exit code vs verdict, fail=${fail.join(",")}`);
        verdicts.add(tool.code);
      }
      // The split network must exercise the negative verdict, the meshes the positive one.
      assert.ok(verdicts.has(t.name.includes("split") ? 1 : 0), `verdicts seen: ${[...verdicts]}`);
    });
  }

  it("tolerated failures match the hand-counted values", () => {
    const counts = TOPOLOGIES.slice(0, 3).map((t) => {
      const h = healthOf(t, Object.keys(t.trusts)[0]!, []);
      return [h.hasQuorum, h.liveness.tolerates, h.safety.tolerates];
    });
    // 3 nodes, all needed: no crash survived, one ill-behaved node is (the two others still meet).
    // 5 nodes, 4 needed: one crash; quorums of 4 meet in 3 nodes, so two ill-behaved nodes.
    // 4 nodes, 3 needed: one crash; quorums of 3 meet in 2 nodes, so one ill-behaved node.
    assert.deepEqual(counts, [
      [true, 0, 1],
      [true, 1, 2],
      [true, 1, 1],
    ]);
    const t = TOPOLOGIES[2]!;
    const local = Object.keys(t.trusts)[0]!;
    const two = healthOf(t, local, Object.keys(t.trusts).slice(1, 3));
    assert.equal(two.hasQuorum, false, "two of three others failed: no quorum left for us");
  });
});
