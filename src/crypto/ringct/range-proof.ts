import { type RandomSource, toHex } from "../../util/index.js";
import type { PedersenGens } from "../generators.js";
import { MerlinTranscript } from "../merlin.js";
import { Ristretto, type RistrettoPoint, type Scalar, Scalars } from "../ristretto.js";
import { RingCtError } from "./errors.js";
import { bulletproofGens, MAX_RANGE_PROOF_PARTIES } from "./generators.js";
import { decompressCached } from "./point-cache.js";

/**
 * Aggregated Bulletproofs range proofs (Bünz et al.), wire- and transcript-compatible with dalek's
 * `bulletproofs` crate as MobileCoin forks it. A proof shows that each of `m` Pedersen commitments
 * `V_j = v_j·B + γ_j·B_blinding` holds a value below 2^n.
 *
 * Verification is split in two: `prepareRangeProof` runs the transcript and turns one proof into
 * a list of weighted MSM terms; `verifyPrepared` sums the terms of one or more proofs, each with an
 * independent weight, and checks the sum in ONE multi-scalar multiplication.
 */

const SCALAR_BYTES = 32;
const ALLOWED_BIT_SIZES: ReadonlySet<number> = new Set([8, 16, 32, 64]);

/** A parsed proof. Points stay compressed until the check decompresses them (as dalek does). */
export interface RangeProof {
  readonly A: Uint8Array;
  readonly S: Uint8Array;
  readonly T_1: Uint8Array;
  readonly T_2: Uint8Array;
  readonly t_x: Scalar;
  readonly t_x_blinding: Scalar;
  readonly e_blinding: Scalar;
  readonly L: readonly Uint8Array[];
  readonly R: readonly Uint8Array[];
  readonly a: Scalar;
  readonly b: Scalar;
}

function formatError(
  message: string,
  payload: Readonly<Record<string, unknown>> = {},
): RingCtError {
  return new RingCtError("RANGE_PROOF_FORMAT", message, payload);
}

function verificationError(message: string): RingCtError {
  return new RingCtError("RANGE_PROOF_VERIFICATION", message);
}

function canonicalScalar(bytes: Uint8Array, what: string): Scalar {
  try {
    return Scalars.fromCanonicalBytes(bytes);
  } catch {
    throw formatError(`${what} is not a canonical scalar`);
  }
}

/** dalek `RangeProof::from_bytes`: `A‖S‖T_1‖T_2‖t_x‖t_x_blinding‖e_blinding‖(L‖R)*‖a‖b`. */
export function parseRangeProof(bytes: Uint8Array): RangeProof {
  if (bytes.length % SCALAR_BYTES !== 0) {
    throw formatError("range proof length is not a multiple of 32", { length: bytes.length });
  }
  if (bytes.length < 7 * SCALAR_BYTES) {
    throw formatError("range proof is too short", { length: bytes.length });
  }
  const word = (i: number): Uint8Array => bytes.slice(i * SCALAR_BYTES, (i + 1) * SCALAR_BYTES);
  const ippWords = bytes.length / SCALAR_BYTES - 7;
  if (ippWords < 2 || (ippWords - 2) % 2 !== 0) {
    throw formatError("inner-product proof has a bad length", { words: ippWords });
  }
  const rounds = (ippWords - 2) / 2;
  if (rounds >= 32) throw formatError("inner-product proof has too many rounds", { rounds });
  const L: Uint8Array[] = [];
  const R: Uint8Array[] = [];
  for (let k = 0; k < rounds; k++) {
    L.push(word(7 + 2 * k));
    R.push(word(8 + 2 * k));
  }
  return {
    A: word(0),
    S: word(1),
    T_1: word(2),
    T_2: word(3),
    t_x: canonicalScalar(word(4), "t_x"),
    t_x_blinding: canonicalScalar(word(5), "t_x_blinding"),
    e_blinding: canonicalScalar(word(6), "e_blinding"),
    L,
    R,
    a: canonicalScalar(word(7 + 2 * rounds), "a"),
    b: canonicalScalar(word(8 + 2 * rounds), "b"),
  };
}

/** dalek `RangeProof::to_bytes`. */
export function serializeRangeProof(proof: RangeProof): Uint8Array {
  const words: Uint8Array[] = [
    proof.A,
    proof.S,
    proof.T_1,
    proof.T_2,
    Scalars.toBytes(proof.t_x),
    Scalars.toBytes(proof.t_x_blinding),
    Scalars.toBytes(proof.e_blinding),
  ];
  for (let k = 0; k < proof.L.length; k++) words.push(proof.L[k]!, proof.R[k]!);
  words.push(Scalars.toBytes(proof.a), Scalars.toBytes(proof.b));
  const out = new Uint8Array(words.length * SCALAR_BYTES);
  words.forEach((w, i) => {
    out.set(w, i * SCALAR_BYTES);
  });
  return out;
}

// --- transcript protocol (dalek `TranscriptProtocol`) ---

function challengeScalar(t: MerlinTranscript, label: string): Scalar {
  return Scalars.fromBytesModOrderWide(t.challengeBytes(label, 64));
}

function isIdentityEncoding(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0) return false;
  return true;
}

/** dalek `validate_and_append_point`: the identity is refused before it reaches the transcript. */
function validateAndAppend(t: MerlinTranscript, label: string, point: Uint8Array): void {
  if (isIdentityEncoding(point)) throw verificationError(`${label} is the identity`);
  t.appendMessage(label, point);
}

function rangeProofDomainSep(t: MerlinTranscript, n: number, m: number): void {
  t.appendMessage("dom-sep", new TextEncoder().encode("rangeproof v1"));
  t.appendU64("n", BigInt(n));
  t.appendU64("m", BigInt(m));
}

function innerProductDomainSep(t: MerlinTranscript, n: number): void {
  t.appendMessage("dom-sep", new TextEncoder().encode("ipp v1"));
  t.appendU64("n", BigInt(n));
}

function isPowerOfTwo(x: number): boolean {
  return x > 0 && (x & (x - 1)) === 0;
}

function checkShape(bits: number, parties: number): void {
  if (!ALLOWED_BIT_SIZES.has(bits)) {
    throw new RingCtError("RANGE_PROOF_PARAMETERS", "bit size must be 8, 16, 32 or 64", { bits });
  }
  if (!isPowerOfTwo(parties) || parties > MAX_RANGE_PROOF_PARTIES) {
    throw new RingCtError("RANGE_PROOF_PARAMETERS", "party count must be a power of two ≤ 64", {
      parties,
    });
  }
}

/** Σ_{i<n} x^i. */
function sumOfPowers(x: Scalar, n: number): Scalar {
  let sum = 0n;
  let power = 1n;
  for (let i = 0; i < n; i++) {
    sum = Scalars.add(sum, power);
    power = Scalars.mul(power, x);
  }
  return sum;
}

/** δ(y, z) = (z − z²)·Σ_{i<nm} y^i − z³·(2^n − 1)·Σ_{j<m} z^j. */
function delta(n: number, m: number, y: Scalar, z: Scalar): Scalar {
  const zz = Scalars.mul(z, z);
  const sumY = sumOfPowers(y, n * m);
  const sum2 = Scalars.fromBigint((1n << BigInt(n)) - 1n);
  const sumZ = sumOfPowers(z, m);
  return Scalars.sub(
    Scalars.mul(Scalars.sub(z, zz), sumY),
    Scalars.mul(Scalars.mul(Scalars.mul(zz, z), sum2), sumZ),
  );
}

/**
 * One proof's verification equation as MSM terms, unweighted: the check is
 * `Σ gScalars·G + Σ hScalars·H + bScalar·B + bBlindingScalar·B_blinding + Σ scalars·points = 0`.
 */
export interface PreparedRangeProof {
  readonly bits: number;
  readonly parties: number;
  readonly gens: PedersenGens;
  readonly gScalars: readonly Scalar[];
  readonly hScalars: readonly Scalar[];
  readonly bScalar: Scalar;
  readonly bBlindingScalar: Scalar;
  /** Compressed points (A, S, T_1, T_2, L_k, R_k, V_j), decompressed only at the check. */
  readonly points: readonly Uint8Array[];
  readonly scalars: readonly Scalar[];
  /** Everything the proof and its statement consist of, for deriving batch weights. */
  readonly binding: readonly Uint8Array[];
}

/**
 * Run the verifier's transcript over one proof (dalek `verify_multiple`) and return its check as
 * MSM terms. `c`, dalek's random scalar that folds the two checks into one, is drawn from a
 * transcript over the whole proof, so the result is deterministic yet unpredictable to a prover.
 */
export function prepareRangeProof(
  proofBytes: Uint8Array,
  commitments: readonly Uint8Array[],
  gens: PedersenGens,
  transcriptLabel: string,
  bits: number,
): PreparedRangeProof {
  const m = commitments.length;
  checkShape(bits, m);
  const proof = parseRangeProof(proofBytes);
  const nm = bits * m;
  if (proof.L.length !== Math.log2(nm)) {
    throw verificationError("inner-product proof has the wrong number of rounds");
  }
  const t = new MerlinTranscript(transcriptLabel);
  rangeProofDomainSep(t, bits, m);
  for (const V of commitments) t.appendMessage("V", V);
  validateAndAppend(t, "A", proof.A);
  validateAndAppend(t, "S", proof.S);
  const y = challengeScalar(t, "y");
  const z = challengeScalar(t, "z");
  validateAndAppend(t, "T_1", proof.T_1);
  validateAndAppend(t, "T_2", proof.T_2);
  const x = challengeScalar(t, "x");
  t.appendMessage("t_x", Scalars.toBytes(proof.t_x));
  t.appendMessage("t_x_blinding", Scalars.toBytes(proof.t_x_blinding));
  t.appendMessage("e_blinding", Scalars.toBytes(proof.e_blinding));
  const w = challengeScalar(t, "w");

  // Inner-product verification scalars.
  innerProductDomainSep(t, nm);
  const rounds = proof.L.length;
  const u: Scalar[] = [];
  for (let k = 0; k < rounds; k++) {
    validateAndAppend(t, "L", proof.L[k]!);
    validateAndAppend(t, "R", proof.R[k]!);
    u.push(challengeScalar(t, "u"));
  }
  const uInv = Scalars.batchInvert(u);
  const uSq = u.map((v) => Scalars.mul(v, v));
  const uInvSq = uInv.map((v) => Scalars.mul(v, v));
  const s: Scalar[] = new Array(nm);
  s[0] = uInv.reduce((acc, v) => Scalars.mul(acc, v), 1n);
  for (let i = 1; i < nm; i++) {
    const lgI = 31 - Math.clz32(i);
    s[i] = Scalars.mul(s[i - (1 << lgI)]!, uSq[rounds - 1 - lgI]!);
  }

  const binding = [proofBytes, ...commitments];
  const c = batchScalar("rangeproof-check", binding);
  const { a, b } = proof;
  const zz = Scalars.mul(z, z);
  const minusZ = Scalars.neg(z);
  const yInv = Scalars.invert(y);
  const gScalars: Scalar[] = new Array(nm);
  const hScalars: Scalar[] = new Array(nm);
  let yInvPow = 1n;
  let zPow = 1n;
  for (let j = 0; j < m; j++) {
    let twoPow = 1n;
    const zzzj = Scalars.mul(zz, zPow);
    for (let i = 0; i < bits; i++) {
      const k = j * bits + i;
      gScalars[k] = Scalars.sub(minusZ, Scalars.mul(a, s[k]!));
      const inner = Scalars.sub(Scalars.mul(zzzj, twoPow), Scalars.mul(b, s[nm - 1 - k]!));
      hScalars[k] = Scalars.add(z, Scalars.mul(yInvPow, inner));
      yInvPow = Scalars.mul(yInvPow, yInv);
      twoPow = Scalars.add(twoPow, twoPow);
    }
    zPow = Scalars.mul(zPow, z);
  }
  const points: Uint8Array[] = [proof.A, proof.S, proof.T_1, proof.T_2, ...proof.L, ...proof.R];
  const scalars: Scalar[] = [
    1n,
    x,
    Scalars.mul(c, x),
    Scalars.mul(c, Scalars.mul(x, x)),
    ...uSq,
    ...uInvSq,
  ];
  zPow = 1n;
  for (const V of commitments) {
    points.push(V);
    scalars.push(Scalars.mul(Scalars.mul(c, zz), zPow));
    zPow = Scalars.mul(zPow, z);
  }
  const bScalar = Scalars.add(
    Scalars.mul(w, Scalars.sub(proof.t_x, Scalars.mul(a, b))),
    Scalars.mul(c, Scalars.sub(delta(bits, m, y, z), proof.t_x)),
  );
  const bBlindingScalar = Scalars.sub(
    Scalars.neg(proof.e_blinding),
    Scalars.mul(c, proof.t_x_blinding),
  );
  return {
    bits,
    parties: m,
    gens,
    gScalars,
    hScalars,
    bScalar,
    bBlindingScalar,
    points,
    scalars,
    binding,
  };
}

/** A scalar bound to everything in `parts` (Merlin transcript, 64 bytes reduced wide). */
function batchScalar(label: string, parts: readonly Uint8Array[]): Scalar {
  const t = new MerlinTranscript("mc-ts-batch-weights");
  t.appendMessage("label", new TextEncoder().encode(label));
  for (const p of parts) t.appendMessage("part", p);
  return challengeScalar(t, "weight");
}

/** Commitments recur (the balance check and MLSAGs decode them too): use the shared cache. */
function decompressCommitment(bytes: Uint8Array): RistrettoPoint {
  try {
    return decompressCached(bytes);
  } catch {
    throw verificationError("a commitment does not decompress");
  }
}

function weighted(weight: Scalar, s: Scalar): Scalar {
  return weight === 1n ? s : Scalars.mul(weight, s);
}

/**
 * One weight per proof, all drawn from a single transcript that has absorbed every proof and
 * commitment of the batch (linear in the batch size); 1 for a lone proof.
 */
function batchWeights(prepared: readonly PreparedRangeProof[]): Scalar[] {
  if (prepared.length === 1) return [1n];
  const t = new MerlinTranscript("mc-ts-batch-weights");
  t.appendU64("proofs", BigInt(prepared.length));
  for (const p of prepared) {
    t.appendU64("parts", BigInt(p.binding.length));
    for (const part of p.binding) t.appendMessage("part", part);
  }
  return prepared.map(() => challengeScalar(t, "weight"));
}

function decompress(bytes: Uint8Array): RistrettoPoint {
  try {
    return Ristretto.fromBytes(bytes);
  } catch {
    throw verificationError("a proof point or commitment does not decompress");
  }
}

/**
 * Check one or more prepared proofs in ONE multi-scalar multiplication. Proof k's terms are
 * multiplied by an independent weight (1 for a single proof), derived from all proofs together, so
 * a batch passes only if (except with negligible probability) every proof would pass alone.
 * Generators shared between proofs (G_i, H_i, and B_blinding / B when equal) are merged.
 */
export function verifyPrepared(prepared: readonly PreparedRangeProof[]): void {
  if (prepared.length === 0) return;
  const weights = batchWeights(prepared);
  let maxBits = 0;
  let maxParties = 0;
  for (const p of prepared) {
    maxBits = Math.max(maxBits, p.bits);
    maxParties = Math.max(maxParties, p.parties);
  }
  // G/H scalars are indexed by (party, bit) so proofs of different sizes share generator rows.
  const gSum: Scalar[] = new Array(maxBits * maxParties).fill(0n);
  const hSum: Scalar[] = new Array(maxBits * maxParties).fill(0n);
  const bases = new Map<string, { point: RistrettoPoint; scalar: Scalar }>();
  const addBase = (point: RistrettoPoint, scalar: Scalar): void => {
    const key = toHex(point.toBytes());
    const entry = bases.get(key);
    if (entry === undefined) bases.set(key, { point, scalar });
    else entry.scalar = Scalars.add(entry.scalar, scalar);
  };
  const points: RistrettoPoint[] = [];
  const scalars: Scalar[] = [];
  prepared.forEach((p, k) => {
    const weight = weights[k]!;
    for (let j = 0; j < p.parties; j++) {
      for (let i = 0; i < p.bits; i++) {
        const src = j * p.bits + i;
        const dst = j * maxBits + i;
        gSum[dst] = Scalars.add(gSum[dst]!, weighted(weight, p.gScalars[src]!));
        hSum[dst] = Scalars.add(hSum[dst]!, weighted(weight, p.hScalars[src]!));
      }
    }
    addBase(p.gens.B, weighted(weight, p.bScalar));
    addBase(p.gens.B_blinding, weighted(weight, p.bBlindingScalar));
    p.points.forEach((bytes, i) => {
      points.push(
        i < p.points.length - p.parties ? decompress(bytes) : decompressCommitment(bytes),
      );
      scalars.push(weighted(weight, p.scalars[i]!));
    });
  });
  const G = bulletproofGens("G", maxBits, maxParties);
  const H = bulletproofGens("H", maxBits, maxParties);
  for (let i = 0; i < G.length; i++) {
    if (gSum[i] !== 0n) {
      points.push(G[i]!);
      scalars.push(gSum[i]!);
    }
    if (hSum[i] !== 0n) {
      points.push(H[i]!);
      scalars.push(hSum[i]!);
    }
  }
  for (const { point, scalar } of bases.values()) {
    points.push(point);
    scalars.push(scalar);
  }
  if (!Ristretto.msm(points, scalars).isIdentity()) {
    throw verificationError("range proof does not verify");
  }
}

/** Verify one aggregated proof over `commitments` (their count must be a power of two). */
export function verifyRangeProof(
  proofBytes: Uint8Array,
  commitments: readonly Uint8Array[],
  gens: PedersenGens,
  transcriptLabel: string,
  bits: number,
): void {
  verifyPrepared([prepareRangeProof(proofBytes, commitments, gens, transcriptLabel, bits)]);
}

// --- prover ---

function randomScalar(rng: RandomSource): Scalar {
  return Scalars.fromBytesModOrderWide(rng.fillBytes(new Uint8Array(64)));
}

function innerProduct(a: readonly Scalar[], b: readonly Scalar[]): Scalar {
  let acc = 0n;
  for (let i = 0; i < a.length; i++) acc += a[i]! * b[i]!;
  return Scalars.fromBigint(acc);
}

/** The proof and the compressed commitments `V_j` it is about. */
export interface ProvenRange {
  readonly proof: Uint8Array;
  readonly commitments: readonly Uint8Array[];
}

/**
 * Prove that every `values[j]` is below 2^bits (dalek `prove_multiple_with_rng`, done by one
 * prover holding every party's secret). `values.length` must be a power of two.
 */
export function proveRange(
  values: readonly bigint[],
  blindings: readonly Scalar[],
  gens: PedersenGens,
  transcriptLabel: string,
  bits: number,
  rng: RandomSource,
): ProvenRange {
  const m = values.length;
  checkShape(bits, m);
  if (blindings.length !== m) {
    throw new RingCtError("LENGTH_MISMATCH", "one blinding per value is required", {
      values: m,
      blindings: blindings.length,
    });
  }
  const limit = 1n << BigInt(bits);
  for (const v of values) {
    if (v < 0n || v >= limit) {
      throw new RingCtError("RANGE_PROOF_PARAMETERS", "value out of range for the bit size");
    }
  }
  const nm = bits * m;
  const G = bulletproofGens("G", bits, m);
  const H = bulletproofGens("H", bits, m);
  const t = new MerlinTranscript(transcriptLabel);
  rangeProofDomainSep(t, bits, m);
  const commitments = values.map((v, j) =>
    Ristretto.msm([gens.B, gens.B_blinding], [Scalars.fromBigint(v), blindings[j]!]).toBytes(),
  );
  for (const V of commitments) t.appendMessage("V", V);

  const aL: Scalar[] = new Array(nm);
  const aR: Scalar[] = new Array(nm);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < bits; i++) {
      const bit = (values[j]! >> BigInt(i)) & 1n;
      aL[j * bits + i] = bit;
      aR[j * bits + i] = Scalars.sub(bit, 1n);
    }
  }
  const alpha = randomScalar(rng);
  const rho = randomScalar(rng);
  const sL = Array.from({ length: nm }, () => randomScalar(rng));
  const sR = Array.from({ length: nm }, () => randomScalar(rng));
  // A = α·B~ + Σ a_L·G + Σ a_R·H, where a_L ∈ {0,1} and a_R = a_L − 1 ∈ {−1, 0}.
  let A = gens.B_blinding.multiply(alpha);
  for (let k = 0; k < nm; k++) A = aL[k] === 1n ? A.add(G[k]!) : A.subtract(H[k]!);
  const S = Ristretto.msm([gens.B_blinding, ...G, ...H], [rho, ...sL, ...sR]);
  const Abytes = A.toBytes();
  const Sbytes = S.toBytes();
  t.appendMessage("A", Abytes);
  t.appendMessage("S", Sbytes);
  const y = challengeScalar(t, "y");
  const z = challengeScalar(t, "z");

  // l(X) = l0 + l1·X, r(X) = r0 + r1·X over all nm positions.
  const l0: Scalar[] = new Array(nm);
  const r0: Scalar[] = new Array(nm);
  const r1: Scalar[] = new Array(nm);
  let yPow = 1n;
  let zPow = Scalars.mul(z, z);
  for (let j = 0; j < m; j++) {
    let twoPow = 1n;
    for (let i = 0; i < bits; i++) {
      const k = j * bits + i;
      l0[k] = Scalars.sub(aL[k]!, z);
      r0[k] = Scalars.add(Scalars.mul(yPow, Scalars.add(aR[k]!, z)), Scalars.mul(zPow, twoPow));
      r1[k] = Scalars.mul(yPow, sR[k]!);
      yPow = Scalars.mul(yPow, y);
      twoPow = Scalars.add(twoPow, twoPow);
    }
    zPow = Scalars.mul(zPow, z);
  }
  const t1 = Scalars.add(innerProduct(l0, r1), innerProduct(sL, r0));
  const t2 = innerProduct(sL, r1);
  const tau1 = randomScalar(rng);
  const tau2 = randomScalar(rng);
  const T1 = Ristretto.msm([gens.B, gens.B_blinding], [t1, tau1]).toBytes();
  const T2 = Ristretto.msm([gens.B, gens.B_blinding], [t2, tau2]).toBytes();
  t.appendMessage("T_1", T1);
  t.appendMessage("T_2", T2);
  const x = challengeScalar(t, "x");

  const l = l0.map((v, k) => Scalars.add(v, Scalars.mul(sL[k]!, x)));
  const r = r0.map((v, k) => Scalars.add(v, Scalars.mul(r1[k]!, x)));
  const tX = innerProduct(l, r);
  let tXBlinding = Scalars.add(Scalars.mul(tau1, x), Scalars.mul(tau2, Scalars.mul(x, x)));
  zPow = Scalars.mul(z, z);
  for (let j = 0; j < m; j++) {
    tXBlinding = Scalars.add(tXBlinding, Scalars.mul(zPow, blindings[j]!));
    zPow = Scalars.mul(zPow, z);
  }
  const eBlinding = Scalars.add(alpha, Scalars.mul(rho, x));
  t.appendMessage("t_x", Scalars.toBytes(tX));
  t.appendMessage("t_x_blinding", Scalars.toBytes(tXBlinding));
  t.appendMessage("e_blinding", Scalars.toBytes(eBlinding));
  const w = challengeScalar(t, "w");
  const Q = gens.B.multiply(w);

  const yInv = Scalars.invert(y);
  const hFactors: Scalar[] = new Array(nm);
  let yInvPow = 1n;
  for (let k = 0; k < nm; k++) {
    hFactors[k] = yInvPow;
    yInvPow = Scalars.mul(yInvPow, yInv);
  }
  const ipp = proveInnerProduct(t, Q, G, H, hFactors, l, r);
  return {
    proof: serializeRangeProof({
      A: Abytes,
      S: Sbytes,
      T_1: T1,
      T_2: T2,
      t_x: tX,
      t_x_blinding: tXBlinding,
      e_blinding: eBlinding,
      L: ipp.L,
      R: ipp.R,
      a: ipp.a,
      b: ipp.b,
    }),
    commitments,
  };
}

/**
 * The inner-product argument for ⟨a, b⟩ against generators `G` and `H'_k = hFactors[k]·H_k`.
 * The factors are folded into the first round's scalars instead of scaling every `H_k`.
 */
function proveInnerProduct(
  t: MerlinTranscript,
  Q: RistrettoPoint,
  G0: readonly RistrettoPoint[],
  H0: readonly RistrettoPoint[],
  hFactors: readonly Scalar[],
  a0: readonly Scalar[],
  b0: readonly Scalar[],
): { L: Uint8Array[]; R: Uint8Array[]; a: Scalar; b: Scalar } {
  let n = G0.length;
  innerProductDomainSep(t, n);
  let G = G0.slice();
  let H = H0.slice();
  let a = a0.slice();
  let b = b0.slice();
  let hf: readonly Scalar[] = hFactors;
  const Ls: Uint8Array[] = [];
  const Rs: Uint8Array[] = [];
  while (n > 1) {
    n /= 2;
    const aLo = a.slice(0, n);
    const aHi = a.slice(n);
    const bLo = b.slice(0, n);
    const bHi = b.slice(n);
    const cL = innerProduct(aLo, bHi);
    const cR = innerProduct(aHi, bLo);
    const L = Ristretto.msm(
      [...G.slice(n), ...H.slice(0, n), Q],
      [...aLo, ...bHi.map((v, i) => Scalars.mul(v, hf[i]!)), cL],
    ).toBytes();
    const R = Ristretto.msm(
      [...G.slice(0, n), ...H.slice(n), Q],
      [...aHi, ...bLo.map((v, i) => Scalars.mul(v, hf[n + i]!)), cR],
    ).toBytes();
    Ls.push(L);
    Rs.push(R);
    t.appendMessage("L", L);
    t.appendMessage("R", R);
    const u = challengeScalar(t, "u");
    const uInv = Scalars.invert(u);
    const nextG: RistrettoPoint[] = new Array(n);
    const nextH: RistrettoPoint[] = new Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = Scalars.add(Scalars.mul(aLo[i]!, u), Scalars.mul(uInv, aHi[i]!));
      b[i] = Scalars.add(Scalars.mul(bLo[i]!, uInv), Scalars.mul(u, bHi[i]!));
      nextG[i] = Ristretto.msm([G[i]!, G[n + i]!], [uInv, u]);
      nextH[i] = Ristretto.msm(
        [H[i]!, H[n + i]!],
        [Scalars.mul(u, hf[i]!), Scalars.mul(uInv, hf[n + i]!)],
      );
    }
    a = a.slice(0, n);
    b = b.slice(0, n);
    G = nextG;
    H = nextH;
    hf = new Array(n).fill(1n);
  }
  return { L: Ls, R: Rs, a: a[0]!, b: b[0]! };
}
