// Goal: `npx consensus-tool …` and `npx consensus-service …` (SPEC §4.1, the README's quick start)
// run our executables from a clone after `npm ci`, by npm's short route.
// Why the executables live in their own package (bin/package.json, a `file:` dependency of the
// root): npm 11's exec treats a bin that the project's own package.json declares as "run this
// package", and first loads the whole installed tree (every package.json under node_modules) to
// find it: 0.88 s for `npx consensus-tool --help` here, against 0.65 s when the command is only a
// link in node_modules/.bin, which npm runs at once (BENCHMARKS.md, start-up). So the root must
// not declare these bins, and `npm ci` must link them from bin/.
// Method: the package files as written, the links `npm ci` made, and the real npx from PATH
// compared with the bin scripts run directly.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const EXECUTABLES = ["consensus-tool", "consensus-service"] as const;

function packageJson(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Record<
    string,
    unknown
  >;
}

function run(command: string, args: readonly string[]) {
  // npm_config_offline: a regression that made npx look for a package online fails here at once
  // instead of waiting on the network.
  const r = spawnSync(command, args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, npm_config_offline: "true", npm_config_update_notifier: "false" },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npx entry points", () => {
  it("the root package declares no bin, so npm does not load the whole tree to find one", () => {
    assert.equal(packageJson(root).bin, undefined);
  });

  it("bin/package.json declares both executables and the root depends on it as a link", () => {
    const bins = packageJson(path.join(root, "bin"));
    assert.deepEqual(bins.bin, {
      "consensus-service": "consensus-service.mjs",
      "consensus-tool": "consensus-tool.mjs",
    });
    const deps = packageJson(root).dependencies as Record<string, string>;
    assert.equal(deps[bins.name as string], "file:bin");
  });

  for (const name of EXECUTABLES) {
    it(`npm ci linked node_modules/.bin/${name} to bin/${name}.mjs`, () => {
      const link = path.join(root, "node_modules", ".bin", name);
      assert.equal(realpathSync(link), realpathSync(path.join(root, "bin", `${name}.mjs`)));
    });

    it(`npx ${name} --help prints what the bin script prints`, () => {
      const direct = run(process.execPath, [path.join(root, "bin", `${name}.mjs`), "--help"]);
      const viaNpx = run("npx", [name, "--help"]);
      assert.equal(direct.status, 0, direct.stderr);
      assert.equal(viaNpx.status, 0, viaNpx.stderr);
      assert.match(viaNpx.stdout, new RegExp(`^Usage: ${name}`));
      assert.equal(viaNpx.stdout, direct.stdout);
    });
  }
});
