import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { COMMANDS } from "../../src/cli/commands/index.js";
import { parseMsgSignerKey } from "../../src/node/msg-signer-key.js";
import { SERVICE_ENVIRONMENT, SERVICE_FLAGS } from "../../src/node/service-flags.js";
import { parseNetworkConfig, parsePeerUri } from "../../src/quorum/network-file.js";
import { anchors, REPO_ROOT, readRepoFile } from "./markdown.js";

// docs/RUNNING-A-VALIDATOR.md against the code: its openssl key steps make a key the service and
// its peers accept, its network.toml parses, and the variables, commands, files and links it
// names exist.

const DOC = readRepoFile("docs/RUNNING-A-VALIDATOR.md");
const KEY_PATH = "/etc/mc-consensus/msg-signer-key.pem";

/** Pinned in SPEC §4.2 and documented ahead of the runtime that adds the flag. */
const PINNED_NOT_YET_IN_FLAGS = ["MC_ADMIN_HTTP_LISTEN_URI"];
/** Written by a later branch (nginx in front, issue 13). */
const LATER_FILES = ["ops/nginx.conf"];

/** The doc's line that starts with `prefix` (after `sudo `), with its continuation lines. */
function command(prefix: string): string {
  const lines = DOC.split("\n").map((l) => l.replace(/^sudo /, ""));
  const at = lines.findIndex((l) => l.startsWith(prefix));
  assert.ok(at >= 0, `the doc has "${prefix}…"`);
  let text = lines[at]!;
  for (let i = at + 1; text.endsWith("\\"); i++) text = `${text.slice(0, -1)} ${lines[i]!.trim()}`;
  return text.replace(/; echo$/, "");
}

function hasOpenssl(): boolean {
  return spawnSync("openssl", ["version"]).status === 0;
}

describe("docs/RUNNING-A-VALIDATOR.md", () => {
  it("makes with openssl a key the service takes and a consensus-msg-key its peers take", (t) => {
    if (!hasOpenssl()) {
      t.skip("openssl not installed");
      return;
    }
    const dir = mkdtempSync(path.join(tmpdir(), "mc-doc-key-"));
    try {
      const pem = path.join(dir, "key.pem");
      for (const prefix of ["openssl genpkey -algorithm ed25519 -out", "openssl pkey -in"]) {
        const run = spawnSync("sh", ["-c", command(prefix).replaceAll(KEY_PATH, pem)], {
          encoding: "utf8",
        });
        assert.equal(run.status, 0, run.stderr);
        if (prefix !== "openssl pkey -in") continue;
        const msgKey = run.stdout.trim();
        const peer = parsePeerUri(`mcp://peer.my_domain.com:443/?consensus-msg-key=${msgKey}`);
        assert.deepEqual(peer.publicKey, parseMsgSignerKey(pem).publicKey);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("shows a network.toml that parses as this node's network file", () => {
    const toml = /```toml\n([\s\S]*?)```/.exec(DOC)?.[1];
    assert.ok(toml !== undefined);
    const config = parseNetworkConfig(toml, "toml", { selfResponderId: "peer.my_domain.com:443" });
    assert.equal(config.broadcastPeers.length, 2);
  });

  it("names only MC_* variables and consensus-tool commands that exist", () => {
    const known = new Set([
      ...SERVICE_FLAGS.map((f) => f.env),
      ...SERVICE_ENVIRONMENT.flatMap((e) => e.name.split(" / ")),
      ...PINNED_NOT_YET_IN_FLAGS,
    ]);
    const vars = [...DOC.matchAll(/\bMC_[A-Z_]+\b/g)].map((m) => m[0]);
    assert.deepEqual(
      vars.filter((v) => !known.has(v)),
      [],
    );
    const commands = new Set<string>(COMMANDS.map((c) => c.name));
    const used = [...DOC.matchAll(/consensus-tool(?:\.mjs)?\s+([a-z-]+)/g)].map((m) => m[1]!);
    assert.ok(used.length > 3);
    assert.deepEqual(
      used.filter((c) => !commands.has(c)),
      [],
    );
  });

  it("links to sections and files that exist", () => {
    const targets = anchors(readRepoFile("docs/OPERATIONS.md"));
    const links = [...DOC.matchAll(/\]\(OPERATIONS\.md#([^)]+)\)/g)].map((m) => m[1]!);
    assert.ok(links.length > 0);
    assert.deepEqual(
      links.filter((l) => !targets.has(l)),
      [],
    );
    const files = [...DOC.matchAll(/`((?:ops|bin)\/[\w./-]+)`/g)].map((m) => m[1]!);
    assert.ok(files.length > 0);
    const missing = files.filter(
      (f) => !existsSync(path.join(REPO_ROOT, f)) && !LATER_FILES.includes(f),
    );
    assert.deepEqual(missing, []);
  });
});
