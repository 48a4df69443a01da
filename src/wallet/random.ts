import { randomBytes } from "node:crypto";
import type { RandomSource } from "../util/index.js";

/** The operating system's randomness, for the keys and blindings of real payments. */
export const osRandom: RandomSource = {
  fillBytes(out: Uint8Array): Uint8Array {
    out.set(randomBytes(out.length));
    return out;
  },
};
