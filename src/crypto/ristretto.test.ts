// Goal: the backend seam decodes exactly what dalek decodes, treats zero scalars as legal, reduces
// wide inputs correctly, and its MSMs agree with the naive sum. Method: RFC 9496 known encodings,
// hand-made non-canonical encodings, and seeded random cross-checks (seed printed on failure).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromHex, isCodedError, SeededRandom, toHex } from "../util/index.js";
import { GROUP_ORDER, Ristretto, type RistrettoPoint, Scalars } from "./ristretto.js";

const SEED = 0x5eed_0004;

/** Multiples 0·G … 3·G from RFC 9496 appendix A.1. */
const MULTIPLES = [
  "0000000000000000000000000000000000000000000000000000000000000000",
  "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
  "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
  "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
];

function leBytes(x: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = Number((x >> BigInt(8 * i)) & 0xffn);
  }
  return out;
}

function expectCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => isCodedError(e, [code]));
}

function randomPoint(rng: SeededRandom): RistrettoPoint {
  return Ristretto.fromUniformBytes(rng.bytes(64));
}

describe("ristretto255 points", () => {
  it("encodes the RFC 9496 multiples of the basepoint", () => {
    let p = Ristretto.IDENTITY;
    for (const hex of MULTIPLES) {
      assert.equal(toHex(p.toBytes()), hex);
      assert.ok(Ristretto.fromBytes(fromHex(hex)).equals(p));
      p = p.add(Ristretto.BASE);
    }
    assert.equal(toHex(Ristretto.multiplyBase(3n).toBytes()), MULTIPLES[3]);
  });

  it("rejects non-canonical and invalid encodings with INVALID_POINT", () => {
    const p = 2n ** 255n - 19n;
    const bad = [
      leBytes(p, 32), // the field element 0 written as p
      leBytes(p + 2n, 32), // 2 written non-canonically
      leBytes(2n ** 255n - 1n, 32), // above p
      leBytes(1n, 32), // s negative (odd)
      fromHex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2df6"), // high bit set
      new Uint8Array(31),
      new Uint8Array(33),
    ];
    for (const b of bad) expectCode(() => Ristretto.fromBytes(b), "INVALID_POINT");
    // Most random 32-byte strings are not valid encodings; none may throw anything untyped.
    const rng = new SeededRandom(SEED);
    let rejected = 0;
    for (let i = 0; i < 64; i++) {
      try {
        const q = Ristretto.fromBytes(rng.bytes(32));
        assert.ok(q.equals(Ristretto.fromBytes(q.toBytes())));
      } catch (e) {
        assert.ok(isCodedError(e, ["INVALID_POINT"]), `seed ${SEED}: ${String(e)}`);
        rejected++;
      }
    }
    assert.ok(rejected > 32, `seed ${SEED}: only ${rejected} of 64 random strings rejected`);
  });

  it("treats zero scalars as legal", () => {
    const rng = new SeededRandom(SEED + 1);
    const q = randomPoint(rng);
    assert.ok(q.multiply(0n).isIdentity());
    assert.ok(Ristretto.multiplyBase(0n).isIdentity());
    assert.ok(Ristretto.msm([q, Ristretto.BASE], [0n, 0n]).isIdentity());
    assert.ok(Ristretto.IDENTITY.multiply(5n).isIdentity());
    assert.equal(toHex(Scalars.toBytes(0n)), "00".repeat(32));
    assert.equal(Scalars.fromCanonicalBytes(new Uint8Array(32)), 0n);
  });

  it("has consistent group arithmetic", () => {
    const rng = new SeededRandom(SEED + 2);
    const a = Scalars.random(rng);
    const b = Scalars.random(rng);
    const q = randomPoint(rng);
    assert.ok(
      q
        .multiply(a)
        .add(q.multiply(b))
        .equals(q.multiply(Scalars.add(a, b))),
      `seed ${SEED}`,
    );
    assert.ok(
      q
        .multiply(a)
        .multiply(b)
        .equals(q.multiply(Scalars.mul(a, b))),
    );
    assert.ok(q.subtract(q).isIdentity());
    assert.ok(q.add(q.negate()).isIdentity());
    assert.ok(Ristretto.BASE.multiply(a).equals(Ristretto.multiplyBase(a)));
    assert.ok(q.multiply(GROUP_ORDER - 1n).equals(q.negate()));
  });
});

describe("scalars", () => {
  it("decode canonically only below ℓ, and reduce otherwise", () => {
    expectCode(() => Scalars.fromCanonicalBytes(leBytes(GROUP_ORDER, 32)), "INVALID_SCALAR");
    expectCode(() => Scalars.fromCanonicalBytes(new Uint8Array(31)), "INVALID_SCALAR");
    assert.equal(Scalars.fromCanonicalBytes(leBytes(GROUP_ORDER - 1n, 32)), GROUP_ORDER - 1n);
    assert.equal(Scalars.fromBytesModOrder(leBytes(GROUP_ORDER, 32)), 0n);
    assert.equal(Scalars.fromBytesModOrder(leBytes(GROUP_ORDER + 5n, 32)), 5n);
    // MobileCoin's root-entropy spend key for entropy [0;32] (reference §10): ≥ ℓ, reduces to this.
    const raw = fromHex("0933a6eb6b50867e728ce105ae30848f0d88e021dcf81fc84e6a9ca2cb68e197");
    expectCode(() => Scalars.fromCanonicalBytes(raw), "INVALID_SCALAR");
    assert.equal(
      toHex(Scalars.toBytes(Scalars.fromBytesModOrder(raw))),
      "b4bf01a77ed4e065e9082d4bda67add30c88e021dcf81fc84e6a9ca2cb68e107",
    );
  });

  it("reduce 64-byte inputs as one 512-bit integer", () => {
    const ones = new Uint8Array(64).fill(0xff);
    assert.equal(Scalars.fromBytesModOrderWide(ones), (2n ** 512n - 1n) % GROUP_ORDER);
    const high = new Uint8Array(64);
    high[32] = 1; // 2^256
    assert.equal(Scalars.fromBytesModOrderWide(high), 2n ** 256n % GROUP_ORDER);
    const rng = new SeededRandom(SEED + 3);
    const low = rng.bytes(32);
    const wide = new Uint8Array(64);
    wide.set(low);
    assert.equal(Scalars.fromBytesModOrderWide(wide), Scalars.fromBytesModOrder(low));
    expectCode(() => Scalars.fromBytesModOrderWide(new Uint8Array(32)), "INVALID_LENGTH");
  });

  it("invert, batch-invert and refuse zero", () => {
    const rng = new SeededRandom(SEED + 4);
    const xs = Array.from({ length: 9 }, () => Scalars.random(rng));
    const invs = Scalars.batchInvert(xs);
    xs.forEach((x, i) => {
      assert.equal(Scalars.mul(x, Scalars.invert(x)), 1n);
      assert.equal(invs[i], Scalars.invert(x));
    });
    expectCode(() => Scalars.invert(0n), "ZERO_INVERSE");
    assert.equal(Scalars.neg(0n), 0n);
    assert.equal(Scalars.add(Scalars.neg(xs[0]!), xs[0]!), 0n);
  });
});

describe("multi-scalar multiplication", () => {
  it("equals the naive sum for every size and with zero scalars", () => {
    const rng = new SeededRandom(SEED + 5);
    for (const n of [0, 1, 2, 3, 7, 16, 33]) {
      const points = Array.from({ length: n }, () => randomPoint(rng));
      const scalars = points.map((_, i) => (i % 5 === 0 ? 0n : Scalars.random(rng)));
      let naive = Ristretto.IDENTITY;
      for (let i = 0; i < n; i++) naive = naive.add(points[i]!.multiply(scalars[i]!));
      assert.ok(Ristretto.msm(points, scalars).equals(naive), `seed ${SEED + 5}, n=${n}`);
      const fixed = Ristretto.fixedMsm(points);
      assert.ok(fixed(scalars).equals(naive), `seed ${SEED + 5}, fixed n=${n}`);
      if (n > 1) {
        const partial = scalars.slice(0, n - 1);
        const expected = naive.subtract(points[n - 1]!.multiply(scalars[n - 1]!));
        assert.ok(fixed(partial).equals(expected), `fixed msm with fewer scalars, n=${n}`);
      }
    }
  });

  it("rejects mismatched lengths", () => {
    assert.throws(() => Ristretto.msm([Ristretto.BASE], []), RangeError);
  });
});

describe("unreduced scalars", () => {
  it("are reduced mod ℓ rather than misused", () => {
    const rng = new SeededRandom(SEED + 6);
    const q = randomPoint(rng);
    const s = Scalars.random(rng);
    const big = s + 3n * GROUP_ORDER;
    assert.ok(q.multiply(big).equals(q.multiply(s)));
    assert.ok(Ristretto.multiplyBase(big).equals(Ristretto.multiplyBase(s)));
    assert.ok(
      Ristretto.msm([q, Ristretto.BASE], [big, -s]).equals(
        q.multiply(s).subtract(Ristretto.multiplyBase(s)),
      ),
    );
    assert.ok(Ristretto.fixedMsm([q])([big]).equals(q.multiply(s)));
  });
});
