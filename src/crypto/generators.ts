import { u64ToLeBytes } from "../util/index.js";
import { DOMAIN, hashToPoint } from "./hash-to.js";
import { Ristretto, type RistrettoPoint, type Scalar } from "./ristretto.js";

/**
 * Token-specific Pedersen generators: a commitment is `v·H_t + b·G` with the ristretto basepoint
 * `G` as the blinding base and `H_t = Hp("mc_onetime_key_hash_to_point" ‖ G_bytes ⊕ LE8(t))`,
 * so that one balance check enforces conservation per token.
 */
export interface PedersenGens {
  /** The value base `H_t`. */
  readonly B: RistrettoPoint;
  /** The blinding base `G`. */
  readonly B_blinding: RistrettoPoint;
}

/** Distinct token ids whose generators are kept; a network configures a handful. */
export const GENERATOR_CACHE_LIMIT = 256;

const cache = new Map<bigint, PedersenGens>();

function valueBase(tokenId: bigint): RistrettoPoint {
  const bytes = Ristretto.BASE.toBytes();
  const id = u64ToLeBytes(tokenId);
  for (let i = 0; i < 8; i++) bytes[i]! ^= id[i]!;
  return hashToPoint(DOMAIN.ONETIME_KEY_TO_POINT, bytes);
}

/** The generators for a token id (a u64). */
export function pedersenGens(tokenId: bigint): PedersenGens {
  const hit = cache.get(tokenId);
  if (hit !== undefined) return hit;
  const gens = { B: valueBase(tokenId), B_blinding: Ristretto.BASE };
  if (cache.size >= GENERATOR_CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(tokenId, gens);
  return gens;
}

/** `value·H_t + blinding·G`. */
export function pedersenCommit(tokenId: bigint, value: bigint, blinding: Scalar): RistrettoPoint {
  const { B } = pedersenGens(tokenId);
  return Ristretto.msm([B, Ristretto.BASE], [value, blinding]);
}
