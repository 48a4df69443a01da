import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  readSync,
  type Stats,
  unlinkSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import type { RandomSource } from "../../util/index.js";
import { EnclaveSetupError } from "../errors.js";
import { SEAL_SECRET_BYTES_MIN } from "../impl/seal.js";

/**
 * The operator's seal secret, read by the enclave process itself from a file named on its command
 * line (never through the host API). The file must be a regular file owned by this user with no
 * group or other permission bits (mode 0600 or stricter); when absent it is created with mode 0600
 * and 32 fresh random bytes. Its contents are raw bytes, 32 to 4096 of them.
 */
export const SEAL_SECRET_CREATED_BYTES = 32;
export const SEAL_SECRET_FILE_BYTES_MAX = 4096;

function fail(file: string, problem: string): never {
  throw new EnclaveSetupError("SEAL_SECRET", `seal secret file ${file}: ${problem}`);
}

/**
 * Written to a temporary file first and linked into place (link fails if the name exists), so a
 * crash never leaves a short secret under the real name and two starts cannot both create it.
 */
function createSecret(file: string, random: RandomSource): Uint8Array {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  let fd: number;
  try {
    fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    return fail(file, `cannot create it (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    const secret = random.fillBytes(new Uint8Array(SEAL_SECRET_CREATED_BYTES));
    writeSync(fd, secret);
    fsyncSync(fd);
    linkSync(temporary, file);
    return secret;
  } catch (error) {
    return fail(file, `cannot create it (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  } finally {
    closeSync(fd);
    unlinkSync(temporary);
  }
}

function openExisting(file: string): number | undefined {
  try {
    return openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") fail(file, "is a symbolic link");
    return fail(file, `cannot open it (${code ?? "error"})`);
  }
}

/** What is wrong with an existing seal secret file's metadata, or undefined. */
export function sealSecretStatProblem(st: Stats): string | undefined {
  if (st.isSymbolicLink()) return "is a symbolic link";
  if (!st.isFile()) return "is not a regular file";
  if ((st.mode & 0o077) !== 0) {
    return `has mode ${(st.mode & 0o777).toString(8)}; it must be readable only by its owner (0600)`;
  }
  if (typeof process.getuid === "function" && st.uid !== process.getuid()) {
    return "is owned by another user";
  }
  if (st.size < SEAL_SECRET_BYTES_MIN || st.size > SEAL_SECRET_FILE_BYTES_MAX) {
    return `holds ${st.size} bytes; a seal secret is ${SEAL_SECRET_BYTES_MIN} to ${SEAL_SECRET_FILE_BYTES_MAX}`;
  }
  return undefined;
}

/**
 * For the host's configuration check: the same rules from the file's metadata only (the host
 * never reads the secret). Undefined when the file is acceptable or absent (created at start).
 */
export function sealSecretFileProblem(file: string): string | undefined {
  let st: Stats;
  try {
    st = lstatSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? undefined : `cannot inspect it (${code ?? "error"})`;
  }
  return sealSecretStatProblem(st);
}

function readSecret(file: string, fd: number): Uint8Array {
  const st = fstatSync(fd);
  const problem = sealSecretStatProblem(st);
  if (problem !== undefined) fail(file, problem);
  const out = new Uint8Array(st.size);
  let filled = 0;
  while (filled < out.length) {
    const n = readSync(fd, out, filled, out.length - filled, filled);
    if (n === 0) fail(file, "changed while being read");
    filled += n;
  }
  return out;
}

/** Read the seal secret, creating the file on first start. */
export function loadOrCreateSealSecret(
  file: string,
  random: RandomSource,
): { secret: Uint8Array; created: boolean } {
  const fd = openExisting(file);
  if (fd === undefined) return { secret: createSecret(file, random), created: true };
  try {
    return { secret: readSecret(file, fd), created: false };
  } finally {
    closeSync(fd);
  }
}
