import { readFileSync } from "node:fs";
import path from "node:path";
import { sha256 } from "../../crypto/index.js";
import { toHex } from "../../util/index.js";
import { EnclaveSetupError } from "../errors.js";
import { BAKED_CONSTANTS, type BakedConstants } from "../impl/constants.js";
import { enclaveSourceFiles, PACKAGE_ROOT } from "./sources.js";

/**
 * The canonical manifest of the enclave bundle, whose SHA-256 is the software measurement
 * (reference §9.3): the header line, one `file PATH SHA256` line per source file sorted by path,
 * the lockfile's hash, the Node major version, and the baked-in constants. Text with "\n" line
 * ends, so an operator can read and diff it. Like MRENCLAVE it only identifies what the machine
 * claims to run: the enclave process computes it over its own files.
 */
export const MANIFEST_HEADER = "mc-ts-enclave-manifest v1";
export const LOCKFILE = "package-lock.json";
/** A manifest larger than this is refused when read from a file. */
export const MANIFEST_BYTES_MAX = 1024 * 1024;

export interface ManifestInputs {
  files: readonly { path: string; sha256: Uint8Array }[];
  lockfileSha256: Uint8Array;
  nodeMajor: number;
  constants: BakedConstants;
}

export function renderManifest(inputs: ManifestInputs): string {
  const files = [...inputs.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of files) {
    if (/\s/.test(f.path)) throw new RangeError(`a manifest path has whitespace: ${f.path}`);
  }
  const c = inputs.constants;
  const lines = [
    MANIFEST_HEADER,
    ...files.map((f) => `file ${f.path} ${toHex(f.sha256)}`),
    `lockfile ${LOCKFILE} ${toHex(inputs.lockfileSha256)}`,
    `node-major ${inputs.nodeMajor}`,
    `const fee-spend-public-key ${toHex(c.feeSpendPublicKey)}`,
    `const fee-view-public-key ${toHex(c.feeViewPublicKey)}`,
    `const minting-trust-root ${toHex(c.mintingTrustRoot)}`,
    `const product-id ${c.productId}`,
    `const svn ${c.svn}`,
  ];
  return `${lines.join("\n")}\n`;
}

export function measurementOf(manifest: string): Uint8Array {
  return sha256(new TextEncoder().encode(manifest));
}

/** The Node major version this process runs (part of what is measured). */
export function currentNodeMajor(): number {
  return Number(process.versions.node.split(".")[0]);
}

/** Compute the manifest of the enclave as it is on disk under `root`. */
export function computeEnclaveManifest(
  root: string = PACKAGE_ROOT,
  constants: BakedConstants = BAKED_CONSTANTS,
): string {
  const read = (rel: string) => {
    try {
      return readFileSync(path.join(root, rel));
    } catch {
      throw new EnclaveSetupError("INVALID_BUNDLE", `cannot read ${rel} under ${root}`);
    }
  };
  const files = enclaveSourceFiles(root).map((p) => ({ path: p, sha256: sha256(read(p)) }));
  return renderManifest({
    files,
    lockfileSha256: sha256(read(LOCKFILE)),
    nodeMajor: currentNodeMajor(),
    constants,
  });
}

/** One line naming how two manifests differ (first differing line of each), for error messages. */
export function describeManifestDifference(expected: string, actual: string): string {
  const a = new Set(expected.split("\n"));
  const b = new Set(actual.split("\n"));
  const missing = [...a].filter((l) => !b.has(l));
  const extra = [...b].filter((l) => !a.has(l));
  const first = (list: string[]) => (list.length === 0 ? "nothing" : `"${list[0]}"`);
  return `signed manifest has ${first(missing)}, the files give ${first(extra)} (${missing.length} line(s) differ)`;
}
