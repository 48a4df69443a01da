/** `ledger/`: the ledger interface and its in-memory and LMDB implementations. */
import { KvLedger } from "./kv-ledger.js";
import type { Ledger } from "./ledger.js";
import { LmdbKvStore, type LmdbOptions } from "./lmdb/lmdb-kv.js";
import { MemoryKvStore } from "./memory-kv.js";

export { LedgerError, type LedgerErrorCode } from "./errors.js";
export {
  KvLedger,
  LEDGER_FORMAT_VERSION,
  MAX_PROOFS_PER_CALL,
  METADATA_REQUIRED_FROM_VERSION,
} from "./kv-ledger.js";
export type { Ledger, LedgerReader } from "./ledger.js";
export { LMDB_MAP_SIZE_BYTES, type LmdbOptions } from "./lmdb/lmdb-kv.js";
export { membershipProof, nextPowerOfTwo } from "./merkle.js";

/** A ledger held in memory (tests, simulations). */
export function openMemoryLedger(): Ledger {
  return new KvLedger(new MemoryKvStore());
}

/** The LMDB ledger in `directory` (created if absent), with MobileCoin's database names. */
export function openLmdbLedger(directory: string, options: LmdbOptions = {}): Ledger {
  return new KvLedger(new LmdbKvStore(directory, options));
}
export {
  generateSampleLedger,
  SAMPLE_LEDGER_MAX_OUTPUTS,
  SAMPLE_LEDGER_MIN_OUTPUTS,
  type SampleLedgerOptions,
  type SampleLedgerSummary,
  TOTAL_MOB_PICOMOB,
} from "./sample-ledger.js";
export { buildSyntheticChain, type SyntheticChainOptions, syntheticTxOut } from "./synthetic.js";
