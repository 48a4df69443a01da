import { archiveSyncBenchmark } from "./archive-sync.js";
import { enclaveBenchmark } from "./enclave.js";
import type { Benchmark } from "./harness.js";
import { hashesBenchmark } from "./hashes.js";
import { ledgerAppendBenchmark } from "./ledger-append.js";
import { peerMsgBenchmark } from "./peer-msg.js";
import { ristrettoBenchmark } from "./ristretto.js";
import { scpBenchmark } from "./scp.js";
import { txVerifyBenchmark } from "./tx-verify.js";

export { type Benchmark, type BenchOptions, defaultBenchOptions, type Figure } from "./harness.js";

/** Every benchmark `consensus-tool bench` knows, by name. */
export const BENCHMARKS: readonly Benchmark[] = [
  hashesBenchmark,
  scpBenchmark,
  txVerifyBenchmark,
  ledgerAppendBenchmark,
  archiveSyncBenchmark,
  ristrettoBenchmark,
  enclaveBenchmark,
  peerMsgBenchmark,
];
