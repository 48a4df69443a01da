/**
 * Goal: `consensus-tool check-quorum` behaves as SPEC §4.3 on hand-written network files: the
 * exact JSON fields, exit 0 (intersect) / 1 (split or no quorum) / 2 (bad input, one line on
 * stderr naming the file and the problem).
 * Method: write TOML and JSON network files into a temp dir and spawn `./bin/consensus-tool.mjs`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";

const TOOL = path.resolve("bin/consensus-tool.mjs");
const dir = mkdtempSync(path.join(tmpdir(), "check-quorum-"));

function tool(...args: string[]) {
  const r = spawnSync(process.execPath, [TOOL, "check-quorum", ...args], {
    encoding: "utf8",
    cwd: dir,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tomlNode(file: string, threshold: number, members: string[]): string {
  const list = members.map((m) => `{ type = "Node", args = "${m}" }`).join(", ");
  writeFileSync(
    path.join(dir, file),
    `broadcast_peers = [${members
      .map(
        (m) =>
          `"mcp://${m}/?consensus-msg-key=MCowBQYDK2VwAyEA-21ShHmvuuynH7EcIgkdH2dWxCojgnWYbHxLrRseQ1s="`,
      )
      .slice(0, 1)
      .join(", ")}]
known_peers = []
quorum_set = { threshold = ${threshold}, members = [ ${list} ] }
tx_source_urls = ["file:///tmp/archive/"]
`,
  );
  return `${file}`;
}

const peers = ["a.test:443", "b.test:443", "c.test:443", "d.test:443"];
function network(threshold: number, prefix: string): string[] {
  return peers.map(
    (id, i) =>
      `${id}=${tomlNode(
        `${prefix}${i}.toml`,
        threshold,
        peers.filter((p) => p !== id),
      )}`,
  );
}

describe("consensus-tool check-quorum", () => {
  test("four nodes, 2 of 3 others: intersect, exit 0", () => {
    const r = tool("--json", ...network(2, "ok"));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      intersects: true,
      split: null,
      nodes_without_quorum: [],
      unknown_nodes: [],
    });
  });

  test("four nodes, 1 of 3 others: split reported, exit 1", () => {
    const r = tool("--json", ...network(1, "split"));
    assert.equal(r.code, 1, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(j), [
      "intersects",
      "split",
      "nodes_without_quorum",
      "unknown_nodes",
    ]);
    assert.equal(j.intersects, false);
    assert.equal(j.split.length, 2);
    assert.equal(j.split[0].filter((x: string) => j.split[1].includes(x)).length, 0);
  });

  test("JSON files, unknown nodes, nodes without a quorum", () => {
    const write = (file: string, q: unknown) => {
      writeFileSync(
        path.join(dir, file),
        JSON.stringify({ broadcast_peers: [], tx_source_urls: [], quorum_set: q }),
      );
      return file;
    };
    const r = tool(
      "--json",
      `x:1=${write("x.json", { threshold: 1, members: [{ type: "Node", args: "y:1" }] })}`,
      `y:1=${write("y.json", { threshold: 1, members: [{ type: "Node", args: "x:1" }] })}`,
      `z:1=${write("z.json", { threshold: 1, members: [{ type: "InnerSet", args: { threshold: 1, members: [{ type: "Node", args: "ghost:1" }] } }] })}`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      intersects: true,
      split: null,
      nodes_without_quorum: ["z:1"],
      unknown_nodes: ["ghost:1"],
    });
  });

  test("a malformed file: exit 2, one line naming the file and the problem", () => {
    writeFileSync(
      path.join(dir, "bad.toml"),
      'broadcast_peers = []\ntx_source_urls = []\nquorum_set = { threshold = 3, members = [ { type = "Node", args = "a.test:443" } ] }\n',
    );
    const r = tool("--json", "b.test:443=bad.toml");
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] as string, /bad\.toml/);
    assert.match(lines[0] as string, /quorum_set: threshold 3 is not within 1\.\.1/);
    writeFileSync(path.join(dir, "syntax.json"), "{ not json");
    const s = tool("x:1=syntax.json");
    assert.equal(s.code, 2);
    assert.match(s.stderr, /syntax\.json: not valid JSON/);
    const key = (name: string, param: string) =>
      writeFileSync(
        path.join(dir, name),
        `broadcast_peers = ["mcp://a.test:443/${param}"]\nquorum_set = { threshold = 1, members = [{ type = "Node", args = "a.test:443" }] }\ntx_source_urls = ["file:///tmp/a/"]\n`,
      );
    key("nokey.toml", "");
    key("badkey.toml", "?consensus-msg-key=MCowBQYDK2VwAyEA");
    for (const [name, re] of [
      ["nokey.toml", /nokey\.toml: broadcast_peers\[0\]: consensus-msg-key: missing/],
      ["badkey.toml", /badkey\.toml: broadcast_peers\[0\]: consensus-msg-key: .*44 bytes/],
    ] as const) {
      const r = tool(`b.test:443=${name}`);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr, re);
    }
  });

  test("bad arguments and missing files: exit 2", () => {
    assert.match(tool("no-equals-sign").stderr, /expected ID=PATH/);
    const missing = tool("a:1=does-not-exist.toml");
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /does-not-exist\.toml: cannot read/);
    assert.equal(tool("--help").code, 0);
  });
});
