// Goal: the built executables (dist/, scripts/build.mjs) behave exactly like the TypeScript
// sources run through tsx: same --help, same output of real commands; the bins never run a stale
// build (an edited source makes them fall back to tsx); the built enclave process starts with no
// environment and no flags, and checks its measurement over the sources like the tsx one.
// Method: the real bin scripts spawned with and without MC_NO_DIST=1 (scripts/run-tests.mjs has
// just built dist/); for staleness, a copy of the package in a temporary folder whose sources
// are edited after its build; the real enclave process started from dist/.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { distIsFresh } from "../../bin/dist-fresh.mjs";
import {
  BUILT_ENCLAVE_ENTRY,
  childSpawnSpec,
  defaultEnclaveEntry,
  ENCLAVE_ENTRY,
  startChildEnclave,
} from "../../src/enclave/host/child-process.js";
import { loadEnclaveIdentity } from "../../src/enclave/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const work = mkdtempSync(path.join(tmpdir(), "built-bins-"));
after(() => rmSync(work, { recursive: true, force: true }));

function run(
  pkg: string,
  bin: string,
  args: readonly string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(pkg, "bin", bin), ...args], {
    cwd: pkg,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ...env },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const TSX = { MC_NO_DIST: "1" };

/** Every file under `dir` with its contents, for comparing two outputs. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true }).map(String).sort()) {
    try {
      out[f] = readFileSync(path.join(dir, f), "utf8");
    } catch {
      out[f] = "<folder>";
    }
  }
  return out;
}

describe("built executables", () => {
  it("dist was built from the sources as they are (run tests through scripts/run-tests.mjs)", () => {
    assert.equal(distIsFresh(root), true);
    assert.equal(distIsFresh(root, { MC_NO_DIST: "1" }), false);
  });

  it("the built fronts import nothing before --help: no package, no module of ours", () => {
    // What makes --help fast (SPEC: never assert timings): everything else is a dynamic import.
    for (const [front, run] of [
      ["consensus-tool.js", "./tool-run.js"],
      ["consensus-service.js", "./service-run.js"],
    ] as const) {
      const text = readFileSync(path.join(root, "dist", front), "utf8");
      assert.deepEqual([...text.matchAll(/^\s*import\b[^(]*?["']([^"']+)["']/gm)], [], front);
      const dynamic = [...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
      // node:net is loaded only under a supervisor's MC_PARENT_PIPE_FD (cli/parent-pipe.ts).
      const parentPipe = front === "consensus-tool.js" ? ["node:net"] : [];
      assert.deepEqual(dynamic, [...parentPipe, run], front);
    }
  });

  it("--help is the same from dist and from the sources, for both executables", () => {
    for (const bin of ["consensus-tool.mjs", "consensus-service.mjs"]) {
      const built = run(root, bin, ["--help"]);
      const sources = run(root, bin, ["--help"], TSX);
      assert.equal(built.status, 0, built.stderr);
      assert.match(built.stdout, /^Usage: consensus-/);
      assert.deepEqual(built, sources);
    }
  });

  it("real commands give the same output and files from dist and from the sources", () => {
    const seed = "ab".repeat(32);
    const keygen = ["keygen", "--json", "--seed", seed];
    const built = run(root, "consensus-tool.mjs", keygen);
    assert.equal(built.status, 0, built.stderr);
    assert.deepEqual(built, run(root, "consensus-tool.mjs", keygen, TSX));
    const dirs = ["dist", "tsx"].map((d) => path.join(work, `keys-${d}`));
    const sampleKeys = (dir: string) => [
      "sample-keys",
      "--num",
      "3",
      "--dir",
      dir,
      "--seed",
      "0101",
    ];
    const a = run(root, "consensus-tool.mjs", sampleKeys(dirs[0] as string));
    const b = run(root, "consensus-tool.mjs", sampleKeys(dirs[1] as string), TSX);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(a.status, b.status);
    assert.equal(a.stderr, b.stderr);
    const files = snapshot(dirs[0] as string);
    assert.ok(Object.keys(files).length >= 3, Object.keys(files).join(" "));
    assert.deepEqual(files, snapshot(dirs[1] as string));
    // A command's own errors (typed, one line, exit 2) cross the dist module boundaries intact.
    const typo = ["sample-keys", "--nmu", "3"];
    const e = run(root, "consensus-tool.mjs", typo);
    assert.equal(e.status, 2);
    assert.deepEqual(e, run(root, "consensus-tool.mjs", typo, TSX));
  });
});

describe("a stale build is never run", () => {
  // A copy of the package: sources, scripts, bins, lockfile and a build of its own.
  const pkg = path.join(work, "pkg");
  mkdirSync(pkg);
  for (const f of ["src", "bin", "scripts", "package.json", "package-lock.json"]) {
    cpSync(path.join(root, f), path.join(pkg, f), { recursive: true, preserveTimestamps: true });
  }
  symlinkSync(path.join(root, "node_modules"), path.join(pkg, "node_modules"));
  const summaries = path.join(pkg, "src/cli/commands/summaries.ts");

  it("uses its fresh build, then the sources once one is edited or one is added", async () => {
    const { buildDist } = (await import(
      pathToFileURL(path.join(pkg, "scripts/build.mjs")).href
    )) as { buildDist: () => Promise<void> };
    await buildDist();
    assert.equal(distIsFresh(pkg), true);
    // The built front marks its help, so the test sees which one ran.
    const front = path.join(pkg, "dist/consensus-tool.js");
    writeFileSync(front, readFileSync(front, "utf8").replace("Usage:", "Built usage:"));
    assert.match(run(pkg, "consensus-tool.mjs", ["--help"]).stdout, /^Built usage:/);

    const text = readFileSync(summaries, "utf8");
    writeFileSync(summaries, text.replace("generate an Ed25519", "edited: generate an Ed25519"));
    assert.equal(distIsFresh(pkg), false);
    const help = run(pkg, "consensus-tool.mjs", ["--help"]);
    assert.match(help.stdout, /^Usage:/);
    assert.match(help.stdout, /edited: generate an Ed25519/);

    await buildDist();
    assert.equal(distIsFresh(pkg), true);
    writeFileSync(path.join(pkg, "src/cli/commands/new-command.ts"), "export {};\n");
    assert.equal(distIsFresh(pkg), false);
  });
});

describe("the built enclave process", () => {
  const identity = loadEnclaveIdentity({});
  const secret = path.join(work, "seal.secret");

  it("is what a built host spawns, and the tsx host spawns the sources' entry", () => {
    assert.equal(defaultEnclaveEntry("file:///x/dist/chunk-ABC.js"), BUILT_ENCLAVE_ENTRY);
    assert.equal(defaultEnclaveEntry("file:///x/src/enclave/host/child-process.ts"), ENCLAVE_ENTRY);
    assert.equal(BUILT_ENCLAVE_ENTRY, path.join(root, "dist/enclave-process.mjs"));
  });

  it("loads no tsx: its module closure in dist imports only node:, our chunks and packages", () => {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const queue = [BUILT_ENCLAVE_ENTRY];
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
        const spec = m[1] as string;
        if (spec.startsWith(".")) queue.push(path.resolve(path.dirname(file), spec));
        else if (!spec.startsWith("node:")) packages.add(spec.split("/").slice(0, 2).join("/"));
      }
    }
    assert.ok(seen.has(path.join(root, "dist/enclave-entry.js")), [...seen].join(" "));
    assert.ok(![...packages].some((p) => p.startsWith("tsx")), [...packages].join(" "));
  });

  it("starts with no environment and no flags, and is ready under the sources' measurement", async () => {
    const options = { sealSecretPath: secret, cssBytes: identity.cssBytes };
    const spec = childSpawnSpec({ ...options, entry: BUILT_ENCLAVE_ENTRY });
    assert.deepEqual(spec.env, {});
    assert.deepEqual(spec.args.slice(1), childSpawnSpec(options).args.slice(1));
    const host = await startChildEnclave({ ...options, entry: BUILT_ENCLAVE_ENTRY });
    const pid = host.pid as number;
    try {
      assert.equal(readFileSync(`/proc/${pid}/environ`).length, 0);
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      assert.equal(argv[1], BUILT_ENCLAVE_ENTRY);
      assert.ok(
        !argv.some((a) => /^--/.test(a) && !/^--(seal-secret|css)$/.test(a)),
        argv.join(" "),
      );
      assert.deepEqual(host.measurement, identity.measurement);
    } finally {
      await host.close();
    }
  });
});
