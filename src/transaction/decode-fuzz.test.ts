// Goal: decoding untrusted bytes or strings into this area's types (and the crypto types under
// them) yields a value or a typed CodedError — never an untyped exception. Method: fast-check
// properties over random bytes, random strings, and valid encodings with random byte flips (which
// reach deeper than pure noise). Seeds are fixed; fast-check prints the seed and counterexample.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  accountKeyFromRootEntropy,
  base58Decode,
  decryptFogHint,
  fakeFogHint,
  mnemonicEntropy,
  Ristretto,
  Scalars,
  schnorrkelVerify,
  subaddressKeys,
  unmaskAmount,
} from "../crypto/index.js";
import { isCodedError, SeededRandom } from "../util/index.js";
import {
  computeImpliedMerkleRoot,
  createTxOut,
  decodePrintable,
  decodePublicAddress,
  decodeTxOut,
  decodeTxOutRecord,
  deriveProofAtIndex,
  encodePublicAddress,
  encodeTxOut,
  parseAuthenticatedSenderMemo,
  parseDestinationMemo,
  publicAddressFromB58,
  publicAddressOf,
  publicAddressToB58,
  recoverTxOutRecord,
  viewTxOut,
} from "./index.js";

const RUNS = 300;
const params = (seed: number) => ({ seed, numRuns: RUNS });

/** Run `fn`; pass if it returns or throws a CodedError. */
function typedOnly(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    assert.ok(isCodedError(e), `untyped exception: ${e instanceof Error ? e.stack : String(e)}`);
  }
}

const rng = new SeededRandom(9090);
const account = accountKeyFromRootEntropy(rng.bytes(32));
const validTxOut = encodeTxOut(
  createTxOut({
    blockVersion: 3,
    amount: { value: 5n, tokenId: 0n },
    recipient: subaddressKeys(account, 0n),
    txPrivateKey: Scalars.random(rng),
    eFogHint: fakeFogHint(rng),
  }).txOut,
);
const validAddress = encodePublicAddress(
  publicAddressOf(
    { ...account, fog: { reportUrl: "fog://x", reportId: "", authoritySpki: new Uint8Array(0) } },
    0n,
  ),
);
const validB58 = publicAddressToB58(publicAddressOf(account, 1n));
const RECORD = new Uint8Array(
  Buffer.from(
    "11e8993af924d072341a204220d6bf425422ceca582788baa46379c12e19a5ceb6ea96fe2cdacbe537a7612220febd16fcd5c235b87565149b9a5e71dd05b2bedd19082567556d25b4101c7603296400000000000000310100000000000000390a00000000000000453841cad04a42d96fd3ae64b1ab61ef87706ecf47199183864205987b455e3224295e7e704343e8c3d96d8b6c0fa3dcb98d8cf51343141405bae3ffcfe881b1f6cc1b33572873e2475208cf29351517665a70",
    "hex",
  ),
);

/** A valid encoding with 1–4 random bytes replaced. */
function mutated(base: Uint8Array) {
  return fc
    .array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 4,
    })
    .map((edits) => {
      const b = base.slice();
      for (const [i, v] of edits) b[i] = v;
      return b;
    });
}

describe("decoding untrusted input never throws untyped exceptions", () => {
  it("TxOut: random bytes and mutated encodings, then viewing with a key", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), mutated(validTxOut)), (bytes) => {
        typedOnly(() => viewTxOut(decodeTxOut(bytes), account.viewPrivateKey));
      }),
      params(1),
    );
  });

  it("PublicAddress and b58 PrintableWrapper", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated(validAddress)), (bytes) => {
        typedOnly(() => decodePublicAddress(bytes));
      }),
      params(2),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 150 }),
          fc
            .nat({ max: validB58.length - 1 })
            .chain((i) =>
              fc
                .constantFrom(..."123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0OIl!é")
                .map((c) => validB58.slice(0, i) + c + validB58.slice(i + 1)),
            ),
        ),
        (text) => {
          typedOnly(() => publicAddressFromB58(text));
          typedOnly(() => decodePrintable(text));
          typedOnly(() => base58Decode(text));
        },
      ),
      params(3),
    );
  });

  it("TxOutRecord decoding and recovery", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated(RECORD)), (bytes) => {
        typedOnly(() => recoverTxOutRecord(decodeTxOutRecord(bytes), account.viewPrivateKey));
      }),
      params(4),
    );
  });

  it("membership proofs with arbitrary ranges", () => {
    const element = fc.record({
      range: fc.record({
        from: fc.bigInt({ min: 0n, max: 2n ** 70n }),
        to: fc.bigInt({ min: 0n, max: 2n ** 70n }),
      }),
      hash: fc.uint8Array({ minLength: 0, maxLength: 33 }),
    });
    fc.assert(
      fc.property(
        fc.record({
          index: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
          highestIndex: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
          elements: fc.array(element, { maxLength: 8 }),
        }),
        (proof) => {
          typedOnly(() => computeImpliedMerkleRoot(proof));
          typedOnly(() => computeImpliedMerkleRoot(deriveProofAtIndex(proof)));
        },
      ),
      params(5),
    );
  });

  it("memo parsers, points, scalars, fog hints, signatures, amounts, mnemonics", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.string({ maxLength: 80 }),
        (bytes, type, text) => {
          typedOnly(() => parseDestinationMemo(type, bytes));
          typedOnly(() => parseAuthenticatedSenderMemo(type, bytes));
          typedOnly(() => Ristretto.fromBytes(bytes));
          typedOnly(() => Scalars.fromCanonicalBytes(bytes));
          typedOnly(() => decryptFogHint(account.viewPrivateKey, bytes));
          typedOnly(() => schnorrkelVerify(Ristretto.BASE, bytes, bytes, bytes));
          typedOnly(() => mnemonicEntropy(text));
          typedOnly(() =>
            unmaskAmount(
              { version: 2, commitment: bytes, maskedValue: 3n, maskedTokenId: bytes.slice(0, 8) },
              bytes,
            ),
          );
        },
      ),
      params(6),
    );
  });
});
