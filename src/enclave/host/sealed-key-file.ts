import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { EnclaveSetupError } from "../errors.js";
import { ENCLAVE_LIMITS } from "../limits.js";

/**
 * The `--sealed-block-signing-key` file, read and written as bytes (reference §4.2 and §10.11:
 * MobileCoin reads it as UTF-8 text, so a real blob never reloads; we do not copy that). Only a
 * missing file means "no key yet"; any other read failure is an error, never a silent new key.
 * Writes go to a temporary file renamed over the old one, so a crash leaves the old blob or the
 * new one, never half of one.
 */
export function readSealedKeyFile(file: string): Uint8Array | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new EnclaveSetupError("SEALED_KEY_FILE", `cannot read the sealed key file ${file}`);
  }
  if (bytes.length > ENCLAVE_LIMITS.sealedKeyBytesMax) {
    throw new EnclaveSetupError("SEALED_KEY_FILE", `the sealed key file ${file} is too large`);
  }
  return new Uint8Array(bytes);
}

export function writeSealedKeyFile(file: string, blob: Uint8Array): void {
  const temporary = `${file}.tmp-${process.pid}`;
  try {
    const fd = openSync(temporary, "w", 0o600);
    try {
      writeSync(fd, blob);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
    syncDirectory(path.dirname(file));
  } catch {
    rmSync(temporary, { force: true });
    throw new EnclaveSetupError("SEALED_KEY_FILE", `cannot write the sealed key file ${file}`);
  }
}

/** Make the rename itself durable; some filesystems refuse to sync a directory, which is harmless. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Best effort: the rename has happened either way.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
