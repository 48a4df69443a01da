import { type GroupBackend, nobleBackend, Scalars, wasmBackend } from "../../crypto/index.js";
import { SeededRandom } from "../../util/index.js";
import { type Benchmark, type Figure, microsPerOp, millisPerOp } from "./harness.js";

/**
 * The group backends side by side (pure @noble/curves BigInt vs the default noble+wasm): the
 * operations transaction verification is made of. `--runs 3` keeps it under a minute.
 */
export const ristrettoBenchmark: Benchmark = {
  name: "ristretto",
  summary:
    "ristretto255 backends (noble vs noble+wasm): scalar mult, basepoint mult, decode, encode, hash-to-point, MSM 2/128/512",
  async run(options) {
    const figures: Figure[] = [];
    const backends = { noble: nobleBackend, wasm: wasmBackend } as Record<
      string,
      GroupBackend<object>
    >;
    for (const [name, be] of Object.entries(backends)) {
      const rng = new SeededRandom(`bench-ristretto-${name}`);
      const points = Array.from({ length: 512 }, () => be.fromUniformBytes(rng.bytes(64)));
      const scalars = points.map(() => Scalars.random(rng));
      const encoded = be.encode(points[0]!);
      const uniform = rng.bytes(64);
      const p0 = points[0]!;
      const s0 = scalars[0]!;
      figures.push(await microsPerOp("ristretto", `${name}_mul_us`, () => be.mul(p0, s0), options));
      figures.push(
        await microsPerOp("ristretto", `${name}_mul_base_us`, () => be.mulBase(s0), options),
      );
      figures.push(
        await microsPerOp("ristretto", `${name}_decode_us`, () => be.decode(encoded), options),
      );
      figures.push(
        await microsPerOp("ristretto", `${name}_encode_us`, () => be.encode(p0), options),
      );
      figures.push(
        await microsPerOp(
          "ristretto",
          `${name}_from_uniform_us`,
          () => be.fromUniformBytes(uniform),
          options,
        ),
      );
      for (const n of [2, 128, 512]) {
        const ps = points.slice(0, n);
        const ss = scalars.slice(0, n);
        figures.push(
          await millisPerOp("ristretto", `${name}_msm${n}_ms`, () => be.msm(ps, ss), options),
        );
      }
      const fixed = be.fixedMsm(points.slice(0, 256));
      const ss = scalars.slice(0, 256);
      figures.push(
        await millisPerOp("ristretto", `${name}_fixed_msm256_ms`, () => fixed(ss), options),
      );
    }
    return figures;
  },
};
