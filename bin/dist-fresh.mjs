// Whether dist/ (scripts/build.mjs) may run instead of the TypeScript sources. The executables
// must never silently run stale code: developers and tests edit src/ and run bin/*.mjs at once.
// dist/build-stamp.json records when its build started; dist is fresh when nothing that goes into
// it changed since: no file or folder under src/ (a folder's mtime changes when an entry is added,
// removed or renamed), nor package.json, package-lock.json or the build script, has an mtime at
// or after that instant. That costs one stat per entry (~400; 30–47 ms measured on a loaded
// 2-core machine), no hashing; a stale or missing dist makes the bins fall back to tsx, which is
// correct, only slower. Not seen: a source restored with an older mtime (tar, rsync -t); run
// `npm run build` after such a copy. scripts/run-tests.mjs rebuilds first, so tests run the built
// files. MC_NO_DIST=1 forces the TypeScript sources.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

// File times come from the kernel's coarse clock, which may lag Date.now() by a tick (≤ 10 ms):
// anything stamped within this margin before the build started counts as newer than the build.
const COARSE_CLOCK_MARGIN_MS = 20;
const INPUTS = ["package.json", "package-lock.json", "scripts/build.mjs", "bin/dist-fresh.mjs"];

function changedSince(file, sinceMs) {
  return statSync(file).mtimeMs >= sinceMs - COARSE_CLOCK_MARGIN_MS;
}

function treeChangedSince(dir, sinceMs) {
  if (changedSince(dir, sinceMs)) return true;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory() ? treeChangedSince(p, sinceMs) : changedSince(p, sinceMs)) return true;
  }
  return false;
}

/** True when `root`/dist was built from the sources as they are now. */
export function distIsFresh(root, env = process.env) {
  if (env.MC_NO_DIST === "1") return false;
  try {
    const stamp = JSON.parse(readFileSync(path.join(root, "dist", "build-stamp.json"), "utf8"));
    if (typeof stamp.startedMs !== "number") return false;
    if (INPUTS.some((f) => changedSince(path.join(root, f), stamp.startedMs))) return false;
    return !treeChangedSince(path.join(root, "src"), stamp.startedMs);
  } catch {
    return false;
  }
}

/** Run one executable's main: from dist when fresh, else the TypeScript sources through tsx. */
export async function runMain(root, name) {
  let main;
  if (distIsFresh(root)) {
    ({ main } = await import(pathToFileURL(path.join(root, "dist", `${name}.js`)).href));
  } else {
    const { register } = await import("tsx/esm/api");
    register();
    ({ main } = await import(pathToFileURL(path.join(root, "src", "cli", `${name}.ts`)).href));
  }
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
  // The command has closed what it opened; a handle some library left open must not keep the
  // process alive.
  setTimeout(() => process.exit(code), 1_000).unref();
}
