// A stand-in enclave process for `consensus-tool bench enclave` ONLY: the real entry (entry.ts,
// same checks, same frames, same SoftwareEnclave) plus test channels whose one client session is
// derived from a public seed, so the benchmark can submit a real transaction across the process
// boundary before the attested sessions are wired. It offers no confidentiality whatsoever and
// is never started by a node (host/child-process.ts starts entry.mjs unless told otherwise).
import { register } from "tsx/esm/api";

register();
const { main } = await import("./entry.ts");
const { BENCH_CHANNELS_SEED, NoiseTestChannels } = await import("../test-channels.ts");
const { SeededRandom } = await import("../../util/index.ts");
const channels = new NoiseTestChannels(new SeededRandom(BENCH_CHANNELS_SEED));
channels.connectClient();
process.exitCode = await main(process.argv.slice(2), { channels });
