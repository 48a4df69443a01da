// Kept apart from the e2e benchmark itself so that `bench --help` does not load the testnet library.

/** Every bound of `bench e2e`'s sampling, named in one place. */
export const E2E_LIMITS = {
  /** Period of the RSS samples. */
  rssSampleMs: 1_000,
  /** Length of the intervals whose throughput gives tx_per_s's min, median and max. */
  rateIntervalMs: 5_000,
  /** Inclusions remembered (the oldest are dropped beyond this). */
  maxInclusions: 200_000,
} as const;

/** Defaults of `bench e2e`. */
export const E2E_DEFAULTS = {
  nodes: 4,
  durationS: 60,
  warmupS: 10,
  txRate: 5,
  inFlight: 16,
  pollMs: 100,
} as const;

export const E2E_HELP = `bench e2e: a real local network (the testnet's: N consensus-service processes, each
with its enclave process and an archiver, and its wallet load), measured over --duration seconds
after --warmup seconds. Own flags:
  --nodes N        validators (default ${E2E_DEFAULTS.nodes})
  --duration S     measurement window (default ${E2E_DEFAULTS.durationS})
  --warmup S       load before the window opens (default ${E2E_DEFAULTS.warmupS})
  --tx-rate R      payments per second over the network (default ${E2E_DEFAULTS.txRate}), or
  --closed-loop    as fast as --in-flight K payments outstanding allow (default K ${E2E_DEFAULTS.inFlight})
  --poll-ms MS     how often heights are polled: the latency's resolution (default ${E2E_DEFAULTS.pollMs})
  --dir DIR        keep the testnet folder (logs, ledgers) there (default: temporary, removed)
Figures: p50_ms and p99_ms (submit to the block on every node, payments proposed in the window;
min/median/max over them), tx_per_s (payments in a block on every node during the window; min/max
over ${E2E_LIMITS.rateIntervalMs / 1000} s intervals), rss_mb and enclave_rss_mb (largest node / enclave process,
the maximum of 1 s samples), {node,enclave,archiver}_cpu_ms_per_tx (summed over the processes of
that kind; min/median/max per process), load_cpu_ms_per_tx (this process: building payments and
polling), cores_used (all of them over the window), included_tx, window_s. Exit 1 when the
network fails its testnet checks or no payment proposed in the window was included.`;
