import { blake2b256, blake2b512, sha256, sha512 } from "../../crypto/index.js";
import { SeededRandom } from "../../util/index.js";
import { type Benchmark, microsPerOp } from "./harness.js";

/** The hashes used everywhere (Merkle nodes, Digestible, key derivation), over 32 B and 1 KiB. */
export const hashesBenchmark: Benchmark = {
  name: "hashes",
  summary: "SHA-256, SHA-512, BLAKE2b-256 and BLAKE2b-512 over 32 B and 1 KiB (µs per hash)",
  async run(options) {
    const random = new SeededRandom("bench-hashes");
    const inputs = { "32B": random.bytes(32), "1KiB": random.bytes(1024) } as const;
    const functions = { sha256, sha512, blake2b256, blake2b512 } as const;
    const figures = [];
    for (const [hashName, hash] of Object.entries(functions)) {
      for (const [sizeName, input] of Object.entries(inputs)) {
        figures.push(
          await microsPerOp("hashes", `${hashName}_${sizeName}_us`, () => hash(input), options),
        );
      }
    }
    return figures;
  },
};
