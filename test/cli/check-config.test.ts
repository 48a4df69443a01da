// Goal: consensus-service validates its whole configuration before anything is opened, created or
// bound (SPEC §4.2 --check-config, §5): every bad network file, key and path case of issue 8 §4
// exits 2 with exactly one line on stderr naming the file, the field and the problem, both with
// --check-config and on a plain start; the runbook's openssl PEM key works.
// Method: spawn the real executable with files in a temporary directory; the key is made by the
// real openssl; after each run the directory listing must be unchanged.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { PEER_MSG_KEY as KEY } from "../helpers/one-node-files.js";
import { freePorts } from "../helpers/ports.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const dir = mkdtempSync(path.join(tmpdir(), "check-config-"));
const PEER = `mcp://peer1.test:443/?consensus-msg-key=${KEY}`;

// The runbook's first step, in the test's own directory.
const pem = path.join(dir, "key.pem");
execFileSync("openssl", ["genpkey", "-algorithm", "ed25519", "-out", pem]);
const der = path.join(dir, "key.der");
execFileSync("openssl", ["pkey", "-in", pem, "-outform", "DER", "-out", der]);
const pubPem = path.join(dir, "pub.pem");
execFileSync("openssl", ["pkey", "-in", pem, "-pubout", "-out", pubPem]);
// An origin ledger is only looked for (data.mdb must exist), never opened, by the checks.
mkdirSync(path.join(dir, "origin"));
writeFileSync(path.join(dir, "origin", "data.mdb"), "");
writeFileSync(path.join(dir, "a-file"), "");

const PORTS = await freePorts(3);

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

const good = file(
  "good.toml",
  `broadcast_peers = ["${PEER}"]
quorum_set = { threshold = 1, members = [{ type = "Node", args = "peer1.test:443" }] }
tx_source_urls = ["https://example.com/archive/"]
`,
);

function args(overrides: Record<string, string> = {}): string[] {
  const flags: Record<string, string> = {
    "client-responder-id": "c.test:443",
    "peer-responder-id": "me.test:8443",
    network: good,
    "ledger-path": path.join(dir, "ledger"),
    "origin-block-path": path.join(dir, "origin"),
    "msg-signer-key": pem,
    "sealed-block-signing-key": path.join(dir, "sealed"),
    "peer-listen-uri": `insecure-mcp://0.0.0.0:${PORTS[0]}/`,
    "client-listen-uri": `insecure-mc://0.0.0.0:${PORTS[1]}/`,
    ...overrides,
  };
  return Object.entries(flags).map(([k, v]) => `--${k}=${v}`);
}

function service(argv: readonly string[], env: Record<string, string> = {}) {
  const before = readdirSync(dir, { recursive: true }).map(String).sort();
  const r = spawnSync(
    process.execPath,
    [path.join(root, "bin", "consensus-service.mjs"), ...argv],
    {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", SGX_MODE: "SW", ...env },
      timeout: 60_000,
    },
  );
  const after = readdirSync(dir, { recursive: true }).map(String).sort();
  assert.deepEqual(after, before, "the run created or removed files");
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2 with --check-config, exactly one line on stderr matching every pattern. */
function refuses(argv: readonly string[], ...patterns: RegExp[]): void {
  refusesIn([["--check-config"]], argv, patterns);
}

function refusesIn(modes: string[][], argv: readonly string[], patterns: RegExp[]): void {
  for (const mode of modes) {
    const r = service([...argv, ...mode]);
    assert.equal(r.status, 2, `${mode.join("")} ${r.stderr}`);
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    assert.equal(lines.length, 1, r.stderr);
    for (const p of patterns) assert.match(lines[0] as string, p);
    assert.equal(r.stdout, "");
  }
}

const Q1 = 'quorum_set = { threshold = 1, members = [{ type = "Node", args = "peer1.test:443" }] }';
const TAIL = `broadcast_peers = ["${PEER}"]\ntx_source_urls = ["file:///archive"]`;

describe("consensus-service --check-config", () => {
  it("accepts the runbook's configuration with the PEM key openssl wrote, and says so on one line", () => {
    const r = service([...args(), "--check-config"]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.split("\n").filter((l) => l !== "").length, 1);
    assert.match(r.stdout, /configuration is valid: node me\.test:8443; quorum set 1 of 1/);
  });

  it("accepts the key as a DER file, as base64 DER and as PEM text", () => {
    const base64 = readFileSync(der).toString("base64");
    for (const key of [der, base64, readFileSync(pem, "utf8")]) {
      const r = service([...args({ "msg-signer-key": key }), "--check-config"]);
      assert.equal(r.status, 0, r.stderr);
    }
  });

  it("refuses each bad network file, naming the file, the field and the problem", () => {
    const cases: [string, string, RegExp[]][] = [
      ["syntax.toml", "quorum_set = {", [/not valid TOML/]],
      ["syntax.json", "{ not json", [/not valid JSON/]],
      ["empty.toml", "", [/the file is empty/]],
      [
        "t0.toml",
        `quorum_set = { threshold = 0, members = [{ type = "Node", args = "peer1.test:443" }] }\n${TAIL}`,
        [/quorum_set: threshold 0 is not within 1\.\.1/],
      ],
      [
        "t3.toml",
        `quorum_set = { threshold = 3, members = [{ type = "Node", args = "peer1.test:443" }] }\n${TAIL}`,
        [/quorum_set: threshold 3 is not within 1\.\.1/],
      ],
      [
        "dup.toml",
        `quorum_set = { threshold = 1, members = [{ type = "Node", args = "peer1.test:443" }, { type = "Node", args = "peer1.test:443" }] }\n${TAIL}`,
        [/quorum_set: .*peer1\.test:443 listed twice/],
      ],
      [
        "http.toml",
        `${Q1}\nbroadcast_peers = ["http://peer1.test:443/?consensus-msg-key=${KEY}"]\ntx_source_urls = ["file:///a"]`,
        [/broadcast_peers\[0\]: scheme must be mcp:\/\/ or insecure-mcp:\/\//],
      ],
      [
        "badkey.toml",
        `${Q1}\nbroadcast_peers = ["mcp://peer1.test:443/?consensus-msg-key=MCowBQYDK2VwAyEA"]\ntx_source_urls = ["file:///a"]`,
        [/broadcast_peers\[0\]: consensus-msg-key: .*44 bytes/],
      ],
      [
        "nokey.toml",
        `${Q1}\nbroadcast_peers = ["mcp://peer1.test:443/"]\ntx_source_urls = ["file:///a"]`,
        [/broadcast_peers\[0\]: consensus-msg-key: missing/],
      ],
      [
        "typo.toml",
        `${Q1}\nbrodcast_peers = ["${PEER}"]\ntx_source_urls = ["file:///a"]`,
        [/brodcast_peers: unknown key; did you mean broadcast_peers\?/],
      ],
      [
        "unresolved.toml",
        `quorum_set = { threshold = 1, members = [{ type = "Node", args = "ghost.test:443" }] }\n${TAIL}`,
        [/quorum_set: ghost\.test:443 named by no entry/],
      ],
      [
        "self.toml",
        `${Q1}\nbroadcast_peers = ["${PEER}"]\nknown_peers = ["mcp://me.test:8443/?consensus-msg-key=${KEY}"]\ntx_source_urls = ["file:///a"]`,
        [/known_peers\[0\]: names this node itself/],
      ],
    ];
    for (const [name, text, patterns] of cases) {
      const p = file(name, text);
      refuses(
        args({ network: p }),
        new RegExp(`--network ${p.replace(/[.]/g, "\\.")}: `),
        ...patterns,
      );
    }
  });

  it("refuses a public key or anything else given as the private key, saying what is accepted", () => {
    refuses(args({ "msg-signer-key": KEY }), /--msg-signer-key/, /public key/);
    refuses(args({ "msg-signer-key": pubPem }), /--msg-signer-key/, /pub\.pem: .*public key/);
    refuses(
      args({ "msg-signer-key": "MC4CAQAwBQYDK2VwBCIEIGz4" }),
      /--msg-signer-key/,
      /PEM text .* or the path of a PEM or DER key file/,
    );
    refuses(
      args({ "msg-signer-key": path.join(dir, "missing.pem") }),
      /no such key file: .*missing\.pem; expected base64 of the PKCS#8 DER/,
    );
  });

  it("refuses a ledger path that is a file or under a file, a missing origin, a bad tokens file", () => {
    const aFile = path.join(dir, "a-file");
    refuses(args({ "ledger-path": aFile }), /--ledger-path .*a-file: is a file, not a directory/);
    refuses(
      args({ "ledger-path": path.join(aFile, "ledger") }),
      /--ledger-path .*a-file\/ledger: lies under .*a-file, which is a file/,
    );
    refuses(
      args({ "origin-block-path": path.join(dir, "no-origin") }),
      /--origin-block-path .*no-origin: no such directory/,
    );
    const tokens = file(
      "tokens.json",
      JSON.stringify({ tokens: [{ token_id: 1, minimum_fee: 1024 }] }),
    );
    refuses(args({ tokens }), /--tokens .*tokens\.json: tokens: MOB \(token_id 0\) is missing/);
    refuses(
      args({ "sealed-block-signing-key": path.join(aFile, "sealed") }),
      /--sealed-block-signing-key .*a-file\/sealed: its directory is a file/,
    );
  });

  it("runs the same checks at every start, before anything is created", () => {
    const typo = file(
      "typo2.toml",
      `${Q1}\nbrodcast_peers = ["${PEER}"]\ntx_source_urls = ["file:///a"]`,
    );
    refusesIn([[]], args({ network: typo }), [/typo2\.toml: brodcast_peers: unknown key/]);
    refusesIn([[]], args({ "msg-signer-key": KEY }), [/--msg-signer-key.*public key/]);
    refusesIn([[]], args({ "ledger-path": path.join(dir, "a-file") }), [
      /--ledger-path .*is a file/,
    ]);
  });

  it("refuses a listen port that something already serves, and two flags on one port", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(PORTS[2], "127.0.0.1", resolve));
    after(() => taken.close());
    refuses(
      args({ "peer-listen-uri": `insecure-mcp://0.0.0.0:${PORTS[2]}/` }),
      new RegExp(`--peer-listen-uri .*: port ${PORTS[2]} is already in use`),
    );
    refuses(
      args({ "admin-listen-uri": `insecure-mca://127.0.0.1:${PORTS[0]}/` }),
      new RegExp(`--admin-listen-uri .*: port ${PORTS[0]} is also --peer-listen-uri's port`),
    );
  });

  it("accepts the runbook's network.toml and run command as written (SGX_MODE=SW)", () => {
    const runbook = file(
      "mc-network.toml",
      `broadcast_peers = [
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
] }
tx_source_urls = [
  "https://s3-us-west-1.amazonaws.com/mobilecoin.chain/node1.test.mobilecoin.com/",
  "https://s3-us-west-1.amazonaws.com/mobilecoin.chain/node2.test.mobilecoin.com/",
]
`,
    );
    const r = service(
      [
        "--client-responder-id",
        "my_node.my_domain.com:443",
        "--peer-responder-id",
        "node1.my_domain.com:8443",
        "--network",
        runbook,
        "--ias-api-key=key",
        "--ias-spid=0123456789abcdef0123456789ABCDEF",
        "--ledger-path",
        path.join(dir, "ledger-db-1"),
        "--origin-block-path",
        path.join(dir, "origin"),
        `--peer-listen-uri=insecure-mcp://0.0.0.0:${PORTS[0]}/`,
        `--client-listen-uri=insecure-mc://0.0.0.0:${PORTS[1]}/`,
        "--msg-signer-key",
        "MC4CAQAwBQYDK2VwBCIEIGz4xR7wuPKjwM1EK0MKrc9ukTjiDqvKKREITPXPkNku",
        "--sealed-block-signing-key",
        path.join(dir, "sealed"),
        "--check-config",
      ],
      { IAS_MODE: "DEV" },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /quorum set 2 of 2; 2 broadcast peers, 1 known peers, 2 tx sources/);
  });
});
