/**
 * Goal: our Bulletproofs verifier accepts the dalek/MobileCoin-fork interop proofs
 * (`bulletproofs/dalek_range_proofs.jsonl`, default dalek Pedersen generators, the transcript label
 * each line names) and rejects every proof once any byte of it or of a commitment changes.
 * Method: every line is verified as given; then, for the smallest proof every byte of proof and
 * commitment is flipped in turn, and for the others one byte in every 32-byte word (a different
 * byte offset per word, so each field and each byte lane is hit). Each tampered proof must fail
 * with a typed RingCtError. The suite counts the lines it asserted against the file's line count.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { dalekDefaultPedersenGens, verifyRangeProof } from "../../src/crypto/index.js";
import { isCodedError } from "../../src/util/index.js";
import { forEachVector, hexBytes, readVectorLines } from "./lib.js";

const FILE = "bulletproofs/dalek_range_proofs.jsonl";

interface Line {
  bit_size: number;
  aggregation: number;
  transcript_label: string;
  generators: string;
  proof_hex: string;
  commitments_hex: string[];
  valid: boolean;
}

const hex = hexBytes;
const lines = readVectorLines<Line>(FILE);
const gens = dalekDefaultPedersenGens();

function verifies(line: Line, proof: Uint8Array, commitments: Uint8Array[]): boolean {
  try {
    verifyRangeProof(proof, commitments, gens, line.transcript_label, line.bit_size);
    return true;
  } catch (error) {
    assert.ok(
      isCodedError(error, ["RANGE_PROOF_FORMAT", "RANGE_PROOF_VERIFICATION"]),
      `untyped failure: ${String(error)}`,
    );
    return false;
  }
}

function flipped(bytes: Uint8Array, index: number): Uint8Array {
  const out = bytes.slice();
  out[index]! ^= 1 << (index % 8);
  return out;
}

test("every interop proof verifies as given, and every line is asserted", () => {
  const asserted = forEachVector<Line>(FILE, (line, i) => {
    assert.match(line.generators, /^dalek-default/, `line ${i}: unexpected generators`);
    assert.equal(line.commitments_hex.length, line.aggregation, `line ${i}`);
    const ok = verifies(line, hex(line.proof_hex), line.commitments_hex.map(hex));
    assert.equal(ok, line.valid, `line ${i} (n=${line.bit_size}, m=${line.aggregation})`);
  });
  assert.equal(asserted, lines.length);
});

test("flipping any byte of a proof or a commitment makes it fail", () => {
  let asserted = 0;
  const smallest = lines.reduce(
    (best, l, i) => (l.proof_hex.length < lines[best]!.proof_hex.length ? i : best),
    0,
  );
  for (const [i, line] of lines.entries()) {
    const proof = hex(line.proof_hex);
    const commitments = line.commitments_hex.map(hex);
    const everyByte = i === smallest;
    const positions = (length: number): number[] => {
      const out: number[] = [];
      if (everyByte) for (let p = 0; p < length; p++) out.push(p);
      else for (let w = 0; w < length / 32; w++) out.push(w * 32 + ((w * 7 + i) % 32));
      return out;
    };
    for (const p of positions(proof.length)) {
      assert.equal(
        verifies(line, flipped(proof, p), commitments),
        false,
        `line ${i} proof byte ${p}`,
      );
    }
    for (const [c, commitment] of commitments.entries()) {
      for (const p of positions(32)) {
        const tampered = commitments.slice();
        tampered[c] = flipped(commitment, p);
        assert.equal(verifies(line, proof, tampered), false, `line ${i} commitment ${c} byte ${p}`);
      }
    }
    asserted++;
  }
  assert.equal(asserted, lines.length);
});
