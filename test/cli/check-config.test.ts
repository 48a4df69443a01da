// Goal: consensus-service validates its whole configuration before anything is opened, created or
// bound (SPEC §4.2 --check-config, §5): every bad network file, key and path case of issue 8 §4
// exits 2 with exactly one line on stderr naming the file, the field and the problem, both with
// --check-config and on a plain start; the runbook's openssl PEM key works.
// Method: spawn the real executable with files in a temporary directory; the key is made by the
// real openssl; after each run the directory listing must be unchanged.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const dir = mkdtempSync(path.join(tmpdir(), "check-config-"));
const KEY = "MCowBQYDK2VwAyEA-21ShHmvuuynH7EcIgkdH2dWxCojgnWYbHxLrRseQ1s=";
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
    "peer-listen-uri": "insecure-mcp://127.0.0.1:18443/",
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

  it("refuses a ledger path that is a file or under a file, and a missing origin", () => {
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
});
