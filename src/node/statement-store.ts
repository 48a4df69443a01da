import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { CodedError } from "../util/index.js";

/**
 * Where the node keeps its newest consensus statement (scenario 27: a restarted node must not
 * contradict what it said before the crash). `save` is durable when it returns: the driver runs it
 * before the statement is sent.
 */
export interface StatementStore {
  save(slot: number, payload: Uint8Array): void;
  load(): { readonly slot: number; readonly payload: Uint8Array } | undefined;
}

/** Held in memory: a simulated crash keeps the object, as a disk would keep the file. */
export function memoryStatementStore(): StatementStore {
  let saved: { slot: number; payload: Uint8Array } | undefined;
  return {
    save: (slot, payload) => {
      saved = { slot, payload: payload.slice() };
    },
    load: () => saved,
  };
}

/** Bytes of a statement file (a payload is at most 4 MiB; see `PEERS_LIMITS.maxPayloadBytes`). */
const STATEMENT_FILE_MAX_BYTES = 4 * 1024 * 1024 + 8;

/**
 * One file: the slot (u64 little-endian) and the payload, written to a temporary file, synced and
 * renamed over the old one, so a crash leaves the old statement or the new one, never half of one.
 */
export function fileStatementStore(path: string): StatementStore {
  return {
    save(slot, payload) {
      const bytes = new Uint8Array(8 + payload.length);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(slot), true);
      bytes.set(payload, 8);
      const tmp = `${path}.tmp`;
      const fd = openSync(tmp, "w", 0o600);
      try {
        writeSync(fd, bytes);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
    },
    load() {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(path);
      } catch (error) {
        if ((error as { code?: string }).code === "ENOENT") return undefined;
        throw error;
      }
      if (bytes.length < 8 || bytes.length > STATEMENT_FILE_MAX_BYTES)
        throw new CodedError("STATEMENT_FILE_INVALID", { path }, `${path}: not a statement file`);
      const slot = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
      return { slot, payload: bytes.slice(8) };
    },
  };
}
