/**
 * The layering rules of SPEC §3, checked over source text (no dependency, no compiler).
 *
 * - Direction: a folder under `src/` may import only folders listed before it in `LAYERS`.
 * - Surfaces: another folder is imported through its `index.ts` only. The one exception is the
 *   generated protobuf code in `src/proto/` (one module per .proto file, no index): it depends on
 *   nothing of ours, so every layer from `transaction` up may use its schemas (`PROTO_USERS`).
 * - Third-party packages are confined to the folders that own them (`PACKAGE_OWNERS`); a package not
 *   in that table is a violation until someone decides where it belongs.
 * - Pure folders never read the clock, the environment or ambient randomness, and import no Node
 *   built-in but `node:crypto`.
 * - `FIXME` is not allowed to land.
 * - The enclave boundary: `src/enclave/impl/` (the code that will hold the block key and see
 *   plaintext transactions) is pure like the pure layers, and only the code that runs the enclave
 *   (`ENCLAVE_IMPL_USERS`) may import it, apart from its public baked-in constants.
 * Test files (`*.test.ts`) may import anything.
 */

/** Bottom first. `sim` sits below the I/O layers so that `cli` can run simulations. */
export const LAYERS = [
  "util",
  "proto",
  "crypto",
  "scp",
  "quorum",
  "transaction",
  "blockchain",
  "ledger",
  "archive",
  "enclave",
  "peers",
  "consensus",
  "sim",
  "rpc",
  "node",
  "wallet",
  "testnet",
  "cli",
] as const;

export type Layer = (typeof LAYERS)[number];

/**
 * What each folder may import, spelled out: being lower in `LAYERS` is necessary, not enough, so
 * that a new dependency between folders is a decision someone writes down here. The generated
 * protobuf code is governed by `PROTO_USERS` instead.
 */
/** The whole validator, from util to the consensus worker (sim and rpc each assemble it). */
const EVERYTHING_BELOW_SIM: readonly Layer[] = LAYERS.slice(0, LAYERS.indexOf("sim")).filter(
  (layer) => layer !== "proto",
);

export const ALLOWED_IMPORTS: Readonly<Record<Layer, readonly Layer[]>> = {
  util: [],
  proto: [],
  crypto: ["util"],
  scp: ["util", "crypto"],
  quorum: ["util", "crypto", "scp"],
  transaction: ["util", "crypto"],
  blockchain: ["util", "crypto", "scp", "transaction"],
  ledger: ["util", "crypto", "transaction", "blockchain"],
  archive: ["util", "crypto", "transaction", "blockchain", "ledger"],
  enclave: ["util", "crypto", "transaction", "blockchain"],
  peers: ["util", "crypto", "scp", "quorum", "transaction", "blockchain", "enclave"],
  consensus: [
    "util",
    "crypto",
    "scp",
    "quorum",
    "transaction",
    "blockchain",
    "ledger",
    "enclave",
    "peers",
  ],
  sim: EVERYTHING_BELOW_SIM,
  // gRPC serves the worker and the peers, and never drives a simulation.
  rpc: EVERYTHING_BELOW_SIM,
  node: LAYERS.slice(0, LAYERS.indexOf("node")),
  // The command-line wallet: reads a ledger, builds with the transaction builder, attests over rpc,
  // reads sample keys through node; neither the node nor the simulations depend on it.
  wallet: ["util", "crypto", "transaction", "blockchain", "ledger", "enclave", "rpc", "node"],
  // The one-command local network: writes keys, ledgers and network files, runs node processes
  // and drives the wallet as a load; nothing below depends on it.
  testnet: ["util", "crypto", "ledger", "sim", "rpc", "node", "wallet"],
  cli: LAYERS.slice(0, LAYERS.indexOf("cli")),
};

/** Only the entry points talk to the terminal; everything else logs through `Logger`. */
const CONSOLE_LAYERS: ReadonlySet<string> = new Set(["cli"]);

/** Folders whose code must be deterministic given its inputs. */
export const PURE_LAYERS: ReadonlySet<string> = new Set([
  "util",
  "proto",
  "crypto",
  "scp",
  "quorum",
  "transaction",
  "blockchain",
  // The sans-I/O runtime (reference node-runtime.md §1): only node/ and sim/ drive time.
  "peers",
  "consensus",
  "sim",
]);

/** Layers allowed to use the generated protobuf schemas in `src/proto/`. */
export const PROTO_USERS: ReadonlySet<string> = new Set(
  LAYERS.slice(LAYERS.indexOf("transaction")),
);

/** Which folders may import each third-party package (matched by prefix for scopes). */
export const PACKAGE_OWNERS: Readonly<Record<string, readonly string[]>> = {
  "@noble/curves": ["crypto"],
  "@noble/hashes": ["crypto"],
  "@scure/bip39": ["crypto"],
  "@bufbuild/protobuf": [...PROTO_USERS, "proto"],
  "@grpc/grpc-js": ["rpc"],
  "@aws-sdk/client-s3": ["archive"],
  lmdb: ["ledger"],
  pino: ["node"],
  "prom-client": ["node"],
  "smol-toml": ["quorum", "node", "cli"],
};

/** Folders under a non-pure layer that are held to the pure rules anyway. */
export const PURE_SUBFOLDERS: readonly string[] = ["src/enclave/impl/"];

/** The enclave implementation, and the only places allowed to import it. */
export const ENCLAVE_IMPL = "src/enclave/impl/";
export const ENCLAVE_IMPL_USERS: readonly string[] = [
  "src/enclave/impl/",
  "src/enclave/process/",
  "src/enclave/host/in-process.ts",
];
/** Files of the implementation that are public (baked-in constants, part of the measurement). */
export const ENCLAVE_IMPL_PUBLIC: ReadonlySet<string> = new Set(["src/enclave/impl/constants"]);

/** Node built-ins a pure folder may import. */
const PURE_BUILTINS: ReadonlySet<string> = new Set(["node:crypto"]);

const BANNED_IN_PURE: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /\bDate\.now\s*\(/, what: "Date.now" },
  { pattern: /\bnew\s+Date\s*\(/, what: "new Date(" },
  { pattern: /\bperformance\.now\s*\(/, what: "performance.now" },
  { pattern: /\bsetTimeout\s*\(/, what: "setTimeout" },
  { pattern: /\bsetInterval\s*\(/, what: "setInterval" },
  { pattern: /\bsetImmediate\s*\(/, what: "setImmediate" },
  { pattern: /\bMath\.random\s*\(/, what: "Math.random" },
  { pattern: /\bprocess\.env\b/, what: "process.env" },
  { pattern: /\bprocess\.(?:hrtime|exit|argv|stdout|stderr|stdin|cwd|on)\b/, what: "process" },
];

export interface Violation {
  file: string;
  line: number;
  rule:
    | "direction"
    | "allowed"
    | "surface"
    | "package"
    | "builtin"
    | "banned-api"
    | "console"
    | "cycle"
    | "fixme"
    | "unknown-folder"
    | "enclave-boundary";
  message: string;
}

export interface SourceFile {
  /** Path relative to the repository root, with forward slashes, e.g. `src/scp/slot.ts`. */
  path: string;
  text: string;
}

interface ImportRef {
  specifier: string;
  line: number;
}

const IMPORT_PATTERNS: readonly RegExp[] = [
  // `import … from "x";` and `export … from "x";`, possibly over several lines.
  /^\s*(?:import|export)\b[^;()=]*?\bfrom\s*["']([^"']+)["']/gm,
  /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  /^\s*import\s*["']([^"']+)["']/gm,
  /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
];

/** Blank out comments (keeping line breaks) so that prose never trips a rule. */
export function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " "))
    .replace(/(^|[^:"'`\\])\/\/[^\n]*/g, (_m, prefix: string) => prefix);
}

export function findImports(text: string): ImportRef[] {
  const code = stripComments(text);
  const refs: ImportRef[] = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of code.matchAll(pattern)) {
      const specifier = match[1] as string;
      refs.push({ specifier, line: lineOf(code, match.index ?? 0) });
    }
  }
  return refs;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** `src/scp/ballot/x.ts` → `scp`; undefined outside `src/`. */
export function layerOf(path: string): string | undefined {
  const parts = path.split("/");
  return parts[0] === "src" && parts.length > 2 ? parts[1] : undefined;
}

function resolveRelative(fromPath: string, specifier: string): string {
  const parts = fromPath.split("/").slice(0, -1);
  for (const piece of specifier.split("/")) {
    if (piece === "." || piece === "") continue;
    if (piece === "..") parts.pop();
    else parts.push(piece);
  }
  return parts.join("/");
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
}

function isTestFile(path: string): boolean {
  return path.endsWith(".test.ts");
}

export function checkFile(file: SourceFile): Violation[] {
  const out: Violation[] = [];
  const layer = layerOf(file.path);
  if (file.path.startsWith("src/") && /\bFIXME\b/.test(file.text)) {
    out.push({
      file: file.path,
      line: lineOf(file.text, file.text.search(/\bFIXME\b/)),
      rule: "fixme",
      message: "FIXME must not land",
    });
  }
  if (layer === undefined || isTestFile(file.path)) return out;
  const layerIndex = (LAYERS as readonly string[]).indexOf(layer);
  if (layerIndex < 0) {
    out.push({
      file: file.path,
      line: 1,
      rule: "unknown-folder",
      message: `src/${layer} is not a layer of SPEC §3`,
    });
    return out;
  }
  const pure = PURE_LAYERS.has(layer) || PURE_SUBFOLDERS.some((f) => file.path.startsWith(f));
  const mayUseImpl = ENCLAVE_IMPL_USERS.some((u) => file.path.startsWith(u));

  for (const ref of findImports(file.text)) {
    const { specifier, line } = ref;
    if (specifier.startsWith(".")) {
      const target = resolveRelative(file.path, specifier);
      const targetLayer = layerOf(target);
      const implModule = target.replace(/\.(js|ts)$/, "");
      if (target.startsWith(ENCLAVE_IMPL) && !mayUseImpl && !ENCLAVE_IMPL_PUBLIC.has(implModule)) {
        out.push({
          file: file.path,
          line,
          rule: "enclave-boundary",
          message: `only the enclave process and the in-process host may import ${specifier}`,
        });
        continue;
      }
      if (targetLayer === undefined) {
        out.push({
          file: file.path,
          line,
          rule: "direction",
          message: `imports outside src/: ${specifier}`,
        });
        continue;
      }
      if (targetLayer === layer) continue;
      if (target.startsWith("src/proto/")) {
        if (!PROTO_USERS.has(layer)) {
          out.push({
            file: file.path,
            line,
            rule: "direction",
            message: `${layer} may not use generated protobuf code`,
          });
        }
        continue;
      }
      const targetIndex = (LAYERS as readonly string[]).indexOf(targetLayer);
      if (targetIndex < 0 || targetIndex >= layerIndex) {
        out.push({
          file: file.path,
          line,
          rule: "direction",
          message: `${layer} may not import ${targetLayer} (${specifier})`,
        });
        continue;
      }
      if (!(ALLOWED_IMPORTS[layer as Layer] as readonly string[]).includes(targetLayer)) {
        out.push({
          file: file.path,
          line,
          rule: "allowed",
          message: `${targetLayer} is not in ALLOWED_IMPORTS for ${layer} (${specifier})`,
        });
        continue;
      }
      if (target !== `src/${targetLayer}/index.js` && target !== `src/${targetLayer}/index.ts`) {
        out.push({
          file: file.path,
          line,
          rule: "surface",
          message: `import ${targetLayer} through its index.ts, not ${specifier}`,
        });
      }
      continue;
    }
    if (specifier.startsWith("node:")) {
      if (pure && !PURE_BUILTINS.has(specifier)) {
        out.push({
          file: file.path,
          line,
          rule: "builtin",
          message: `pure folder ${layer} may not import ${specifier}`,
        });
      }
      continue;
    }
    const name = packageName(specifier);
    const owners = PACKAGE_OWNERS[name];
    if (owners === undefined) {
      out.push({
        file: file.path,
        line,
        rule: "package",
        message: `${name} is not in the package table; decide which folder owns it`,
      });
    } else if (!owners.includes(layer)) {
      out.push({
        file: file.path,
        line,
        rule: "package",
        message: `${name} may be imported only in ${owners.join(", ")}`,
      });
    }
  }

  const consoleAt = stripComments(file.text).search(/\bconsole\./);
  if (consoleAt >= 0 && !CONSOLE_LAYERS.has(layer)) {
    out.push({
      file: file.path,
      line: lineOf(file.text, consoleAt),
      rule: "console",
      message: "console is for src/cli/ only; use the Logger",
    });
  }

  if (pure) {
    const code = stripComments(file.text);
    for (const { pattern, what } of BANNED_IN_PURE) {
      const index = code.search(pattern);
      if (index >= 0) {
        out.push({
          file: file.path,
          line: lineOf(code, index),
          rule: "banned-api",
          message: `${what} is banned in pure folder ${layer}`,
        });
      }
    }
  }
  return out;
}

export function checkTree(files: readonly SourceFile[]): Violation[] {
  return [...files.flatMap(checkFile), ...findCycles(files)];
}

/** `src/x/a.js` and `src/x/a.ts` name the same module. */
function moduleKey(path: string): string {
  return path.replace(/\.(?:js|ts)$/, "");
}

/** Edges from each non-test module to the modules of its own folder that it imports. */
function folderImportGraph(files: readonly SourceFile[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const layer = layerOf(file.path);
    if (layer === undefined || isTestFile(file.path)) continue;
    const targets = findImports(file.text)
      .filter((ref) => ref.specifier.startsWith("."))
      .map((ref) => resolveRelative(file.path, ref.specifier))
      .filter((target) => layerOf(target) === layer)
      .map(moduleKey);
    graph.set(moduleKey(file.path), targets);
  }
  return graph;
}

/**
 * Import cycles inside one folder, one violation per cycle found (depth-first search; each cycle
 * is reported at the module where the search first closed it).
 */
export function findCycles(files: readonly SourceFile[]): Violation[] {
  const graph = folderImportGraph(files);
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const out: Violation[] = [];
  const visit = (node: string): void => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === "open") {
        const loop = [...stack.slice(stack.indexOf(next)), next];
        out.push({
          file: `${next}.ts`,
          line: 1,
          rule: "cycle",
          message: `import cycle: ${loop.map((m) => m.split("/").pop()).join(" → ")}`,
        });
      } else if (state.get(next) === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) if (state.get(node) === undefined) visit(node);
  return out;
}

export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line} [${v.rule}] ${v.message}`;
}
