import type { RandomSource } from "../../util/index.js";
import { bytesEqual, toHex } from "../../util/index.js";
import { blake2b512 } from "../hash.js";
import { DOMAIN } from "../hash-to.js";
import { keyImageBase as onetimeKeyImageBase } from "../onetime-keys.js";
import { Ristretto, type RistrettoPoint, type Scalar, Scalars } from "../ristretto.js";
import { RingCtError } from "./errors.js";
import { decompressCached } from "./point-cache.js";

/**
 * MobileCoin's `RingMLSAG`: a two-column MLSAG over ring members `(P_j, C_j)` (one-time target
 * key, amount commitment). Column 0 proves knowledge of the one-time private key `x` of the real
 * member and binds the key image `I = x·Hp(P)`; column 1 proves knowledge of
 * `z = pseudo_output_blinding − input_blinding` with `C' − C_π = z·G`, i.e. that the pseudo output
 * commits to the real input's value. Only column 0 has a key image.
 */

/** One ring member as the signature sees it: compressed target key and commitment. */
export interface ReducedTxOut {
  readonly targetKey: Uint8Array;
  readonly commitment: Uint8Array;
}

/** The signature: `c_zero`, `2·n` responses (`r_{j,0}, r_{j,1}` interleaved) and the key image. */
export interface RingMLSAG {
  readonly cZero: Scalar;
  readonly responses: readonly Scalar[];
  /** Compressed key image (32 bytes), decompressed only by verification. */
  readonly keyImage: Uint8Array;
}

/** Hp(P) per compressed target key; ring members recur across transactions, so keep a few. */
export const KEY_IMAGE_BASE_CACHE_LIMIT = 4096;
const keyImageBases = new Map<string, RistrettoPoint>();

/** `Hp("mc_onetime_key_hash_to_point" ‖ P)`, the key-image base of a one-time key. */
export function keyImageBase(targetKey: Uint8Array): RistrettoPoint {
  const key = toHex(targetKey);
  let point = keyImageBases.get(key);
  if (point === undefined) {
    point = onetimeKeyImageBase(targetKey);
    if (keyImageBases.size >= KEY_IMAGE_BASE_CACHE_LIMIT) {
      keyImageBases.delete(keyImageBases.keys().next().value!);
    }
    keyImageBases.set(key, point);
  }
  return point;
}

/** Forget every cached key-image base (benchmarks measuring cold verification call this). */
export function clearKeyImageBaseCache(): void {
  keyImageBases.clear();
}

/** `Hs("mc_ring_mlsag_challenge" ‖ message ‖ I ‖ L0 ‖ R0 ‖ L1)`. */
function challenge(
  message: Uint8Array,
  keyImage: Uint8Array,
  L0: RistrettoPoint,
  R0: RistrettoPoint,
  L1: RistrettoPoint,
): Scalar {
  return Scalars.fromBytesModOrderWide(
    blake2b512(
      DOMAIN.RING_MLSAG_CHALLENGE,
      message,
      keyImage,
      L0.toBytes(),
      R0.toBytes(),
      L1.toBytes(),
    ),
  );
}

function decompress(bytes: Uint8Array): RistrettoPoint {
  try {
    return decompressCached(bytes);
  } catch {
    throw new RingCtError("INVALID_CURVE_POINT", "a ring member or commitment does not decompress");
  }
}

function randomScalar(rng: RandomSource): Scalar {
  return Scalars.fromBytesModOrderWide(rng.fillBytes(new Uint8Array(64)));
}

/** What the signer knows about its real input. */
export interface MlsagSecret {
  /** Index of the real input in `ring`. */
  readonly realIndex: number;
  /** One-time private key `x` of the real input (`x·G = P_π`). */
  readonly onetimePrivateKey: Scalar;
  /** The real input's value and blinding (its commitment is `value·H_t + blinding·G`). */
  readonly value: bigint;
  readonly blinding: Scalar;
  /** Blinding of the pseudo output this signature links to. */
  readonly outputBlinding: Scalar;
  /** The token's value generator `H_t`. */
  readonly valueGenerator: RistrettoPoint;
}

/**
 * Sign `message` over `ring` (MobileCoin `RingMLSAG::sign` with `check_value_is_preserved`).
 * Throws `VALUE_NOT_CONSERVED` if the real member's commitment is not `value·H_t + blinding·G`.
 */
export function signMlsag(
  message: Uint8Array,
  ring: readonly ReducedTxOut[],
  secret: MlsagSecret,
  rng: RandomSource,
): RingMLSAG {
  const n = ring.length;
  const pi = secret.realIndex;
  if (!Number.isInteger(pi) || pi < 0 || pi >= n) {
    throw new RingCtError("INDEX_OUT_OF_BOUNDS", "real index outside the ring", { pi, n });
  }
  const G = Ristretto.BASE;
  const x = secret.onetimePrivateKey;
  const realKey = ring[pi]!.targetKey;
  const hpReal = keyImageBase(realKey);
  const keyImage = hpReal.multiply(x).toBytes();
  const inputCommitment = Ristretto.msm(
    [secret.valueGenerator, G],
    [Scalars.fromBigint(secret.value), secret.blinding],
  );
  if (!bytesEqual(inputCommitment.toBytes(), ring[pi]!.commitment)) {
    throw new RingCtError("VALUE_NOT_CONSERVED", "the real input's commitment does not match");
  }
  const outputCommitment = Ristretto.msm(
    [secret.valueGenerator, G],
    [Scalars.fromBigint(secret.value), secret.outputBlinding],
  );
  const keyImagePoint = Ristretto.fromBytes(keyImage);
  const responses: Scalar[] = Array.from({ length: 2 * n }, () => randomScalar(rng));
  const alpha0 = randomScalar(rng);
  const alpha1 = randomScalar(rng);
  const c: Scalar[] = new Array(n).fill(0n);
  c[(pi + 1) % n] = challenge(
    message,
    keyImage,
    G.multiply(alpha0),
    hpReal.multiply(alpha0),
    G.multiply(alpha1),
  );
  for (let step = 1; step < n; step++) {
    const j = (pi + step) % n;
    const P = decompress(ring[j]!.targetKey);
    const Z = outputCommitment.subtract(decompress(ring[j]!.commitment));
    const cj = c[j]!;
    const L0 = Ristretto.msm([G, P], [responses[2 * j]!, cj]);
    const R0 = Ristretto.msm(
      [keyImageBase(ring[j]!.targetKey), keyImagePoint],
      [responses[2 * j]!, cj],
    );
    const L1 = Ristretto.msm([G, Z], [responses[2 * j + 1]!, cj]);
    c[(j + 1) % n] = challenge(message, keyImage, L0, R0, L1);
  }
  const z = Scalars.sub(secret.outputBlinding, secret.blinding);
  responses[2 * pi] = Scalars.sub(alpha0, Scalars.mul(c[pi]!, x));
  responses[2 * pi + 1] = Scalars.sub(alpha1, Scalars.mul(c[pi]!, z));
  return { cZero: c[0]!, responses, keyImage };
}

/**
 * Verify (MobileCoin `RingMLSAG::verify`): lengths, key image, pseudo output and ring points,
 * then walk the ring from `c_zero` and require the chain to close. Throws RingCtError.
 */
export function verifyMlsag(
  signature: RingMLSAG,
  message: Uint8Array,
  ring: readonly ReducedTxOut[],
  outputCommitment: Uint8Array,
): void {
  const n = ring.length;
  if (n === 0) {
    // An empty ring would close trivially; MobileCoin's callers never get here with one.
    throw new RingCtError("LENGTH_MISMATCH", "an MLSAG needs a non-empty ring");
  }
  if (signature.responses.length !== 2 * n) {
    throw new RingCtError("LENGTH_MISMATCH", "an MLSAG needs two responses per ring member", {
      expected: 2 * n,
      found: signature.responses.length,
    });
  }
  let keyImagePoint: RistrettoPoint;
  try {
    keyImagePoint = Ristretto.fromBytes(signature.keyImage);
  } catch {
    throw new RingCtError("INVALID_KEY_IMAGE", "the key image does not decompress");
  }
  const output = decompress(outputCommitment);
  const members = ring.map((m) => ({
    P: decompress(m.targetKey),
    C: decompress(m.commitment),
  }));
  let c = signature.cZero;
  for (let j = 0; j < n; j++) {
    const { P, C } = members[j]!;
    const r0 = signature.responses[2 * j]!;
    const r1 = signature.responses[2 * j + 1]!;
    // r·G from the basepoint table plus one variable-base product is cheaper than a two-point
    // MSM here (the table needs no doublings).
    const L0 = Ristretto.multiplyBase(r0).add(P.multiply(c));
    const R0 = Ristretto.msm([keyImageBase(ring[j]!.targetKey), keyImagePoint], [r0, c]);
    const L1 = Ristretto.multiplyBase(r1).add(output.subtract(C).multiply(c));
    c = challenge(message, signature.keyImage, L0, R0, L1);
  }
  if (c !== signature.cZero) {
    throw new RingCtError("INVALID_SIGNATURE", "the MLSAG challenge chain does not close");
  }
}
