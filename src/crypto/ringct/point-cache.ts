import { Ristretto, type RistrettoPoint } from "../ristretto.js";

/**
 * A bounded cache of decompressed points, keyed by their 32-byte encoding. Ring members and
 * amount commitments recur: the same ledger outputs are picked as mixins by many transactions,
 * and within one transaction a commitment is needed by the balance check, the range proof and the
 * MLSAG. Decompression costs a field inverse square root (~0.1 ms in pure JS), so keeping the
 * points of recently seen outputs saves a large share of verification time. Only valid points
 * are cached; a failed decode throws as `Ristretto.fromBytes` does.
 */

/** Most points kept (≈ 200 bytes each): about 1,600 rings' worth of members and commitments. */
export const POINT_CACHE_LIMIT = 32_768;

const cache = new Map<string, RistrettoPoint>();

function keyOf(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** `Ristretto.fromBytes`, remembering the result (least recently inserted evicted first). */
export function decompressCached(bytes: Uint8Array): RistrettoPoint {
  const key = keyOf(bytes);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const point = Ristretto.fromBytes(bytes);
  if (cache.size >= POINT_CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, point);
  return point;
}

/** Forget every cached point (benchmarks measuring cold verification call this). */
export function clearPointCache(): void {
  cache.clear();
}
