import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { EXIT_BAD_INPUT } from "../../src/cli/command.js";
import { ENCLAVE_SOCKET_MODE, EXIT_SETUP } from "../../src/enclave/process/serve.js";
import { SERVICE_ENVIRONMENT, SERVICE_FLAGS } from "../../src/node/service-flags.js";
import { REPO_ROOT, readRepoFile } from "../docs/markdown.js";

// ops/consensus-service.service and ops/mc-enclave.service: `systemd-analyze verify` (Debian's
// systemd) of both together where installed, and everywhere the settings they rely on, tied to the
// code (exit codes, flag variables, the enclave entry's flags and socket mode).

const UNIT = readRepoFile("ops/consensus-service.service");
const ENCLAVE_UNIT = readRepoFile("ops/mc-enclave.service");
const ENV_FILE = readRepoFile("ops/consensus-service.env");
const SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze";

/** `Key=value` settings, a key given several times keeping every value. */
function settings(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m !== null) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}

function envVariables(): Map<string, string> {
  return new Map(
    ENV_FILE.split("\n")
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as const),
  );
}

describe("ops/consensus-service.service", () => {
  const unit = settings(UNIT);
  const one = (key: string): string | undefined => unit.get(key)?.at(-1);

  it("is hardened as the service allows (no privilege, read-only system, W^X left to V8)", () => {
    for (const [key, value] of [
      ["NoNewPrivileges", "yes"],
      ["ProtectSystem", "strict"],
      ["PrivateTmp", "yes"],
      ["ProtectHome", "yes"],
      ["CapabilityBoundingSet", ""],
      ["RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"],
      ["LimitCORE", "0"],
    ])
      assert.equal(one(key!), value, key);
    assert.ok(unit.get("SystemCallFilter")?.includes("@system-service"));
    assert.equal(unit.has("MemoryDenyWriteExecute"), false, "V8's JIT needs W^X off");
  });

  it("restarts run-time failures but not bad configuration (exit 2, as the code defines it)", () => {
    assert.equal(one("Restart"), "on-failure");
    assert.equal(one("RestartPreventExitStatus"), String(EXIT_BAD_INPUT));
  });

  it("lets the service write exactly where the environment file puts ledger and keys", () => {
    const env = envVariables();
    const writable = (one("ReadWritePaths") ?? "").split(" ");
    // The seal secret is the enclave unit's (below); the service names none of its own.
    assert.equal(env.has("MC_SEAL_SECRET_PATH"), false);
    for (const name of ["MC_LEDGER_PATH", "MC_SEALED_BLOCK_SIGNING_KEY"]) {
      const file = env.get(name);
      assert.ok(file !== undefined, `${name} is set`);
      assert.ok(
        writable.some((dir) => file.startsWith(`${dir}/`)),
        `${name}=${file} under ReadWritePaths`,
      );
    }
  });

  it("sets only variables consensus-service reads, and runs its bin script", () => {
    const known = new Set([
      ...SERVICE_FLAGS.map((f) => f.env),
      ...SERVICE_ENVIRONMENT.flatMap((e) => e.name.split(" / ")),
    ]);
    assert.deepEqual(
      [...envVariables().keys()].filter((k) => !known.has(k)),
      [],
    );
    const exec = one("ExecStart")?.split(" ") ?? [];
    assert.equal(exec[1], "/opt/mc-consensus/bin/consensus-service.mjs");
    assert.ok(existsSync(path.join(REPO_ROOT, "bin/consensus-service.mjs")));
  });

  it("needs the enclave's unit, starts after it, and may connect to its socket", () => {
    assert.ok(unit.get("Requires")?.includes("mc-enclave.service"));
    assert.ok(unit.get("After")?.includes("mc-enclave.service"));
    const enclave = settings(ENCLAVE_UNIT);
    assert.equal(one("SupplementaryGroups"), enclave.get("Group")?.at(-1));
    const exec = enclave.get("ExecStart")?.at(-1)?.split(" ") ?? [];
    const socket = exec[exec.indexOf("--socket") + 1];
    assert.equal(envVariables().get("MC_ENCLAVE_SOCKET"), socket);
  });

  it("passes systemd-analyze verify", (t) => {
    if (!existsSync(SYSTEMD_ANALYZE)) {
      t.skip("systemd-analyze not installed (Debian package systemd)");
      return;
    }
    // verify requires ExecStart's executable to exist: use this test's own node binary, wherever
    // it is installed, in a copy of the unit.
    const dir = mkdtempSync(path.join(tmpdir(), "mc-unit-"));
    try {
      const files = [
        ["consensus-service.service", UNIT],
        ["mc-enclave.service", ENCLAVE_UNIT],
      ].map(([name, text]) => {
        const file = path.join(dir, name as string);
        writeFileSync(file, (text as string).replaceAll("/usr/bin/node ", `${process.execPath} `));
        return file;
      });
      const run = spawnSync(SYSTEMD_ANALYZE, ["verify", "--man=no", ...files], {
        encoding: "utf8",
      });
      const output = `${run.stdout}${run.stderr}`;
      assert.equal(run.status, 0, output);
      const ours = output
        .split("\n")
        .filter((l) => l.includes("consensus-service.service") || l.includes("mc-enclave.service"));
      assert.deepEqual(ours, [], "no warnings about the units");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("ops/mc-enclave.service", () => {
  const unit = settings(ENCLAVE_UNIT);
  const one = (key: string): string | undefined => unit.get(key)?.at(-1);

  it("runs the enclave as its own user, without network or privilege", () => {
    for (const [key, value] of [
      ["User", "mc-enclave"],
      ["PrivateNetwork", "yes"],
      ["RestrictAddressFamilies", "AF_UNIX"],
      ["NoNewPrivileges", "yes"],
      ["CapabilityBoundingSet", ""],
      ["AmbientCapabilities", ""],
      ["ProtectSystem", "strict"],
      ["ProtectHome", "yes"],
      ["PrivateTmp", "yes"],
      ["LimitCORE", "0"],
    ])
      assert.equal(one(key!), value, key);
    assert.ok(unit.get("SystemCallFilter")?.includes("@system-service"));
    assert.equal(unit.has("MemoryDenyWriteExecute"), false, "V8's JIT needs W^X off");
  });

  it("serves the socket in its runtime directory and keeps the seal secret in its state directory", () => {
    const exec = one("ExecStart")?.split(" ") ?? [];
    assert.equal(exec[1], "/opt/mc-consensus/src/enclave/process/entry.mjs");
    assert.ok(existsSync(path.join(REPO_ROOT, "src/enclave/process/entry.mjs")));
    const arg = (flag: string) => exec[exec.indexOf(flag) + 1] ?? "";
    assert.equal(path.dirname(arg("--socket")), `/run/${one("RuntimeDirectory")}`);
    assert.equal(path.dirname(arg("--seal-secret")), `/var/lib/${one("StateDirectory")}`);
    assert.equal(one("StateDirectoryMode"), "0700");
    // The group may enter the socket's directory; the socket itself is 0660 (set by the enclave).
    assert.equal(one("RuntimeDirectoryMode"), "0750");
    assert.equal(ENCLAVE_SOCKET_MODE, 0o660);
  });

  it("starts a fresh enclave after its host goes (exit 0), but not after a refused start", () => {
    assert.equal(one("Restart"), "always");
    assert.equal(one("RestartPreventExitStatus"), String(EXIT_SETUP));
  });
});
