/**
 * Goal: acceptance scenario 32 (the intersection checker) and the network-file reader.
 * Method: hand-built networks with known answers (stellar-core's QuorumIntersectionTests shapes),
 * a network where a greedy search would miss the split (F2-style regression for the checker), and
 * TOML/JSON network files in the runbook's shape, valid and broken.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  flatQuorumSet as flat,
  isQuorumSlice,
  nestedQuorumSet,
  type QuorumSet,
} from "../scp/index.js";
import {
  checkIntersection,
  networkFileFormat,
  parseNetworkConfig,
  unresolvedMembers,
} from "./index.js";

function mesh(n: number, t: number): Map<string, QuorumSet> {
  const ids = Array.from({ length: n }, (_, i) => `n${i + 1}`);
  return new Map(
    ids.map((id) => [
      id,
      flat(
        t,
        ids.filter((x) => x !== id),
      ),
    ]),
  );
}

describe("scenario 32: quorum intersection checker", () => {
  test("4 nodes, 2 of 3 others: intersects", () => {
    const r = checkIntersection(mesh(4, 2));
    assert.deepEqual(
      [r.intersects, r.split, r.nodesWithoutQuorum, r.unknownNodes],
      [true, null, [], []],
    );
  });

  test("4 nodes, 1 of 3 others: splits, with two disjoint quorums reported", () => {
    const qsets = mesh(4, 1);
    const r = checkIntersection(qsets);
    assert.equal(r.intersects, false);
    assert.ok(r.split);
    const [a, b] = r.split;
    assert.equal(a.filter((x) => b.includes(x)).length, 0, "disjoint");
    for (const side of [a, b]) {
      const S = new Set(side);
      for (const id of side) {
        const q = qsets.get(id) as QuorumSet;
        assert.ok(
          q.members.filter((m) => m.type === "Node" && S.has(m.args.id)).length >= q.threshold,
          `${id} has a slice in ${side}`,
        );
      }
    }
  });

  test("two disjoint triangles split", () => {
    const qsets = new Map<string, QuorumSet>();
    for (const g of [
      ["a", "b", "c"],
      ["d", "e", "f"],
    ])
      for (const id of g)
        qsets.set(
          id,
          flat(
            2,
            g.filter((x) => x !== id),
          ),
        );
    const r = checkIntersection(qsets);
    assert.equal(r.intersects, false);
    assert.deepEqual(r.split?.map((s) => s.join()).sort(), ["a,b,c", "d,e,f"]);
  });

  test("threshold exceeding degree reports no quorum, not 'intersects'", () => {
    const qsets = new Map<string, QuorumSet>([
      ["a", flat(2, ["b", "x"])],
      ["b", flat(2, ["a", "x"])],
    ]);
    const r = checkIntersection(qsets);
    assert.deepEqual([r.intersects, r.hasQuorum, r.split], [false, false, null]);
    assert.deepEqual(r.nodesWithoutQuorum, ["a", "b"]);
    assert.deepEqual(r.unknownNodes, ["x"]);
  });

  test("the search is exact: agrees with brute force on random small networks (seeded)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 7 }).chain((n) =>
          fc.array(
            fc.record({
              members: fc.subarray(
                Array.from({ length: n }, (_, i) => i),
                { minLength: 1 },
              ),
              t: fc.integer({ min: 1, max: n }),
            }),
            { minLength: n, maxLength: n },
          ),
        ),
        (specs) => {
          const ids = specs.map((_, i) => `n${i}`);
          const qsets = new Map<string, QuorumSet>();
          specs.forEach((s, i) => {
            const others = s.members.filter((m) => m !== i).map((m) => `n${m}`);
            if (others.length === 0) others.push(`n${(i + 1) % specs.length}`);
            qsets.set(`n${i}`, flat(Math.min(s.t, others.length), others));
          });
          const r = checkIntersection(qsets);
          const quorums: Set<string>[] = [];
          for (let mask = 1; mask < 1 << ids.length; mask++) {
            const S = new Set(ids.filter((_, i) => mask & (1 << i)));
            if ([...S].every((id) => isQuorumSlice(qsets.get(id) as QuorumSet, S))) quorums.push(S);
          }
          const disjoint = quorums.some((a) => quorums.some((b) => [...a].every((x) => !b.has(x))));
          assert.equal(r.hasQuorum, quorums.length > 0);
          assert.equal(r.intersects, quorums.length > 0 && !disjoint);
          if (r.split) {
            for (const side of r.split)
              assert.ok(quorums.some((q) => q.size === side.length && side.every((x) => q.has(x))));
          }
        },
      ),
      { seed: 20261121, numRuns: 300 },
    );
  });

  test("metamesh 3 orgs × 3 with 2-of-3 at both levels intersects", () => {
    const orgs = [
      ["a1", "a2", "a3"],
      ["b1", "b2", "b3"],
      ["c1", "c2", "c3"],
    ];
    const qsets = new Map<string, QuorumSet>();
    for (const org of orgs)
      for (const id of org)
        qsets.set(
          id,
          nestedQuorumSet(
            2,
            orgs.map((o) =>
              o === org
                ? flat(
                    1,
                    o.filter((x) => x !== id),
                  )
                : flat(2, o),
            ),
          ),
        );
    assert.equal(checkIntersection(qsets).intersects, true);
  });
});

describe("network files", () => {
  const toml = `
broadcast_peers = [
  "mcp://peer1.test.mobilecoin.com:443/?consensus-msg-key=MCowBQYDK2VwAyEA-21ShHmvuuynH7EcIgkdH2dWxCojgnWYbHxLrRseQ1s=",
  "mcp://peer2.test.mobilecoin.com:443/?consensus-msg-key=MCowBQYDK2VwAyEA0MaP19zCG3C87t98UOemqip3R9hmmaPmcSFAaehPQzQ=",
]
known_peers = [
  "mcp://peer3.test.mobilecoin.com:443/?consensus-msg-key=MCowBQYDK2VwAyEAk-iUVhhmmXn23VCJP0xqqtJabA9oQaJwdrHwHnfeJco=",
]
quorum_set = { threshold = 2, members = [
  # Node 1
  { type = "Node", args = "peer1.test.mobilecoin.com:443" },
  # Node 2
  { type = "Node", args = "peer2.test.mobilecoin.com:443" },
  { type = "InnerSet", args = { threshold = 1, members = [ { type = "Node", args = "peer3.test.mobilecoin.com:443" } ] } },
] }
tx_source_urls = [
  "https://s3-us-west-1.amazonaws.com/mobilecoin.chain/node1.test.mobilecoin.com/",
  "https://s3-us-west-1.amazonaws.com/mobilecoin.chain/node2.test.mobilecoin.com/",
]`;

  test("the runbook's network.toml parses", () => {
    const c = parseNetworkConfig(toml, "toml");
    assert.deepEqual(
      c.broadcastPeers.map((p) => p.responderId),
      ["peer1.test.mobilecoin.com:443", "peer2.test.mobilecoin.com:443"],
    );
    assert.equal(c.knownPeers[0]?.responderId, "peer3.test.mobilecoin.com:443");
    assert.equal(c.quorumSet.threshold, 2);
    assert.equal(c.quorumSet.members.length, 3);
    assert.deepEqual(unresolvedMembers(c), []);
    assert.ok(c.broadcastPeers[0]?.consensusMsgKey?.startsWith("MCowBQYDK2VwAyEA"));
  });

  test("the JSON shape parses the same way", () => {
    const json = JSON.stringify({
      broadcast_peers: [],
      tx_source_urls: [],
      quorum_set: {
        threshold: 1,
        members: [
          { type: "Node", args: "a:1" },
          { type: "InnerSet", args: { threshold: 1, members: [{ type: "Node", args: "b:2" }] } },
        ],
      },
    });
    const c = parseNetworkConfig(json, "json");
    assert.deepEqual(unresolvedMembers(c), ["a:1", "b:2"]);
  });

  test("errors name the field and the problem", () => {
    const K = "MCowBQYDK2VwAyEA-21ShHmvuuynH7EcIgkdH2dWxCojgnWYbHxLrRseQ1s=";
    const Q1 = 'quorum_set = { threshold = 1, members = [{ type = "Node", args = "a:1" }] }';
    const bad: [string, string, RegExp][] = [
      ["broadcast_peers = []\ntx_source_urls = []", "FILE_FIELD", /quorum_set: missing/],
      ["", "FILE_EMPTY", /empty/],
      [" \n\n", "FILE_EMPTY", /empty/],
      [
        "quorum_set = { threshold = 3, members = [] }\nbroadcast_peers=[]\ntx_source_urls=[]",
        "INVALID_QUORUM_SET",
        /quorum_set: threshold 3/,
      ],
      [
        'quorum_set = { threshold = 0, members = [{ type = "Node", args = "a:1" }] }\nbroadcast_peers=[]\ntx_source_urls=[]',
        "INVALID_QUORUM_SET",
        /quorum_set: threshold 0 is not within 1\.\.1/,
      ],
      [
        'quorum_set = { threshold = 1, members = [{ type = "Node", args = "a:1" }, { type = "Node", args = "a:1" }] }\nbroadcast_peers=[]\ntx_source_urls=[]',
        "INVALID_QUORUM_SET",
        /quorum_set: .*a:1 listed twice/,
      ],
      [
        'quorum_set = { threshold = 1, members = [{ type = "Peer", args = "a:1" }] }',
        "INVALID_QUORUM_SET",
        /Node.*InnerSet/,
      ],
      [`${Q1}\ntx_source_urls=[]`, "FILE_FIELD", /broadcast_peers: missing/],
      [
        `${Q1}\nbroadcast_peers=["http://a:1"]\ntx_source_urls=[]`,
        "FILE_FIELD",
        /broadcast_peers\[0\]: scheme must be mcp:\/\/ or insecure-mcp:\/\/, got http:/,
      ],
      [
        `${Q1}\nbroadcast_peers=["mcp://a:1/?consensus-msg-key=${K}"]\ntx_source_urls=[]`,
        "MISSING_TX_SOURCE",
        /tx_source_urls/,
      ],
      [
        `${Q1}\nbroadcast_peers=["mcp://a:1/?consensus-msg-key=${K}", "insecure-mcp://a:1/?consensus-msg-key=${K}"]\ntx_source_urls=["file:///x"]`,
        "DUPLICATE_PEER",
        /broadcast_peers\[1\]: .*a:1/,
      ],
      [
        `${Q1}\nbroadcast_peers=["mcp://a:1/"]\ntx_source_urls=["file:///x"]`,
        "PEER_KEY",
        /broadcast_peers\[0\]: consensus-msg-key: missing/,
      ],
      [
        `${Q1}\nbroadcast_peers=[]\nknown_peers=["mcp://a:1/?consensus-msg-key=MCowBQYDK2VwAyEA"]\ntx_source_urls=[]`,
        "PEER_KEY",
        /known_peers\[0\]: consensus-msg-key: .*44 bytes/,
      ],
      [
        `${Q1}\nbroadcast_peers=["mcp://a:1/?consensus-msg-key=${K.replace("-", "+")}"]\ntx_source_urls=["file:///x"]`,
        "PEER_KEY",
        /URL-safe/,
      ],
      [
        `${Q1}\nbrodcast_peers=[]\ntx_source_urls=[]`,
        "UNKNOWN_KEY",
        /^brodcast_peers: unknown key; did you mean broadcast_peers\?/,
      ],
      [
        'quorum_set = { threshold = 1, members = [{ type = "InnerSet", args = { treshold = 1, members = [] } }] }\nbroadcast_peers=[]\ntx_source_urls=[]',
        "UNKNOWN_KEY",
        /^quorum_set\.members\[0\]\.args\.treshold: unknown key; did you mean threshold\?/,
      ],
      [
        `${Q1}\nbroadcast_peers=[]\ntx_source_urls=["ftp://x/"]`,
        "FILE_FIELD",
        /tx_source_urls\[0\]: scheme/,
      ],
      [
        'quorum_set = { threshold = 1, members = [{ type = "Node", args = "nocolon" }] }\nbroadcast_peers=[]\ntx_source_urls=[]',
        "INVALID_QUORUM_SET",
        /quorum_set\.members\[0\]\.args: a responder id is host:port/,
      ],
      ["quorum_set = {", "FILE_SYNTAX", /TOML/],
    ];
    for (const [text, code, re] of bad) {
      assert.throws(
        () => parseNetworkConfig(text, "toml"),
        (e: Error & { code?: string }) =>
          e.code === code && re.test(e.message) && !e.message.includes("\n"),
        text,
      );
    }
    const self = `${Q1}\nbroadcast_peers=["mcp://me:1/?consensus-msg-key=${K}"]\ntx_source_urls=["file:///x"]`;
    assert.throws(() => parseNetworkConfig(self, "toml", { selfResponderId: "me:1" }), {
      code: "SELF_LISTED",
    });
    assert.throws(() => parseNetworkConfig(self, "toml", { selfResponderId: "a:1" }), {
      code: "SELF_LISTED",
    });
    assert.throws(() => parseNetworkConfig("{", "json"), { code: "FILE_SYNTAX" });
    assert.throws(() => networkFileFormat("network"), { code: "FILE_EXTENSION" });
    assert.throws(() => networkFileFormat("network.yaml"), { code: "FILE_EXTENSION" });
    assert.equal(networkFileFormat("/etc/mc-network.toml"), "toml");
  });
});
