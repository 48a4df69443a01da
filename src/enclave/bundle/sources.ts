import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Which files make up the enclave: the static import closure of its entry points, followed through
 * relative imports only (packages are pinned by the lockfile, which the manifest hashes instead).
 * Found by scanning source text the way the tidy test does, so no compiler is needed at start-up.
 */

/**
 * The repository (package) root: the nearest folder above this module with a package.json. That
 * is three folders up from src/enclave/bundle/, and one up from dist/ when this module is part of
 * a built bundle (scripts/build.mjs), where import.meta.url names the bundle's file.
 */
export const PACKAGE_ROOT = packageRootAbove(path.dirname(fileURLToPath(import.meta.url)));

function packageRootAbove(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (isFile(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start, "../../..");
  }
}

/** The enclave process's entry files, relative to the package root. */
export const ENCLAVE_ENTRY_FILES: readonly string[] = [
  "src/enclave/process/entry.mjs",
  "src/enclave/process/entry.ts",
];

const IMPORT_PATTERNS: readonly RegExp[] = [
  /^\s*(?:import|export)\b[^;()=]*?\bfrom\s*["']([^"']+)["']/gm,
  /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  /^\s*import\s*["']([^"']+)["']/gm,
];

function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/(^|[^:"'`\\])\/\/[^\n]*/g, (_m, prefix: string) => prefix);
}

function relativeImports(text: string): string[] {
  const code = stripComments(text);
  const out: string[] = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of code.matchAll(pattern)) {
      const specifier = match[1] as string;
      if (specifier.startsWith(".")) out.push(specifier);
    }
  }
  return out;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** `./x.js` written in a .ts file names `./x.ts` on disk. */
function resolveOnDisk(root: string, fromRel: string, specifier: string): string | undefined {
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(fromRel), specifier));
  const candidates = [target];
  if (target.endsWith(".js")) candidates.unshift(`${target.slice(0, -3)}.ts`);
  return candidates.find((c) => isFile(path.join(root, c)));
}

/** Sorted paths (relative, forward slashes) of every file the entries reach. */
export function enclaveSourceFiles(
  root: string = PACKAGE_ROOT,
  entries: readonly string[] = ENCLAVE_ENTRY_FILES,
): string[] {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const rel = queue.pop() as string;
    if (seen.has(rel)) continue;
    seen.add(rel);
    const text = readFileSync(path.join(root, rel), "utf8");
    for (const specifier of relativeImports(text)) {
      const next = resolveOnDisk(root, rel, specifier);
      if (next === undefined) throw new Error(`${rel}: cannot resolve ${specifier}`);
      if (!seen.has(next)) queue.push(next);
    }
  }
  return [...seen].sort();
}
