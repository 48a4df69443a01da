import { createHash } from "node:crypto";
import type { PedersenGens } from "../generators.js";
import { Ristretto, type RistrettoPoint } from "../ristretto.js";
import { RingCtError } from "./errors.js";

/**
 * Generators for Bulletproofs range proofs, as the dalek `bulletproofs` crate (MobileCoin's fork)
 * derives them. Deriving a generator costs one element derivation (~0.25 ms in pure JS), so
 * each party's row is derived on first use and cached for the life of the process.
 */

/** Bits per proven value: MobileCoin proves 64-bit values (`BulletproofGens::new(64, 64)`). */
export const RANGE_PROOF_BITS = 64;
/** Most parties (values) one aggregated proof may hold: MobileCoin's generator capacity. */
export const MAX_RANGE_PROOF_PARTIES = 64;

/**
 * dalek's `PedersenGens::default()`: `B` = basepoint, `B_blinding` = element derivation of
 * SHA3-512(compressed basepoint). Only the upstream interop vectors use these.
 */
export function dalekDefaultPedersenGens(): PedersenGens {
  const digest = createHash("sha3-512").update(Ristretto.BASE.toBytes()).digest();
  return { B: Ristretto.BASE, B_blinding: Ristretto.fromUniformBytes(new Uint8Array(digest)) };
}

/**
 * One party's generator row (`GeneratorsChain`): SHAKE256 absorbs "GeneratorsChain" then the
 * label `letter ‖ u32_le(party)`; every 64 bytes of its output map to one point.
 */
function deriveRow(letter: "G" | "H", party: number, count: number): RistrettoPoint[] {
  const label = new Uint8Array(5);
  label[0] = letter.charCodeAt(0);
  new DataView(label.buffer).setUint32(1, party, true);
  const xof = createHash("shake256", { outputLength: 64 * count })
    .update("GeneratorsChain")
    .update(label)
    .digest();
  const out: RistrettoPoint[] = [];
  for (let i = 0; i < count; i++) {
    out.push(Ristretto.fromUniformBytes(new Uint8Array(xof.subarray(64 * i, 64 * i + 64))));
  }
  return out;
}

const rows = { G: new Map<number, RistrettoPoint[]>(), H: new Map<number, RistrettoPoint[]>() };

function row(letter: "G" | "H", party: number): RistrettoPoint[] {
  let cached = rows[letter].get(party);
  if (cached === undefined) {
    cached = deriveRow(letter, party, RANGE_PROOF_BITS);
    rows[letter].set(party, cached);
  }
  return cached;
}

/**
 * The aggregated `G` (or `H`) vector for `parties` values of `bits` bits each: party 0's first
 * `bits` generators, then party 1's, and so on (dalek `BulletproofGens::G(n, m)`).
 */
export function bulletproofGens(
  letter: "G" | "H",
  bits: number,
  parties: number,
): RistrettoPoint[] {
  if (bits > RANGE_PROOF_BITS || parties > MAX_RANGE_PROOF_PARTIES) {
    throw new RingCtError("RANGE_PROOF_PARAMETERS", "generator capacity exceeded", {
      bits,
      parties,
    });
  }
  const out: RistrettoPoint[] = [];
  for (let j = 0; j < parties; j++) {
    const r = row(letter, j);
    for (let i = 0; i < bits; i++) out.push(r[i]!);
  }
  return out;
}
