import {
  checkRangeProof,
  checkRangeProofBatch,
  clearKeyImageBaseCache,
  clearPointCache,
  pedersenGens,
  Ristretto,
  type RistrettoPoint,
  Scalars,
  verifyMlsag,
} from "../../crypto/index.js";
import {
  InMemoryLedgerView,
  MAX_BLOCK_VERSION,
  makeSampleSpend,
  mlsagSigningDigest,
  validateTxForLedger,
  validateTxsForLedger,
  verifyRctBulletproofs,
} from "../../transaction/index.js";
import { SeededRandom } from "../../util/index.js";
import {
  type Benchmark,
  type Figure,
  microsPerOp,
  millisPerOp,
  summarize,
  timeOp,
} from "./harness.js";

/**
 * `tx-verify` (SPEC §4.3): full validation of a 1-input / 2-output, ring-11 transaction at the
 * latest block version on one core (`ms_per_tx`: decode excluded, membership proofs, MLSAG,
 * Bulletproofs, balance, every rule and the ledger checks included), then the operations it is
 * made of so that the figure can be explained.
 */
export const txVerifyBenchmark: Benchmark = {
  name: "tx-verify",
  summary:
    "full validation of a 1-in/2-out ring-11 tx at the latest block version (ms per tx), and its parts",
  async run(options) {
    const bench = "tx-verify";
    const rng = new SeededRandom("bench-tx-verify");
    const spend = makeSampleSpend({ blockVersion: MAX_BLOCK_VERSION, inputs: 1, outputs: 2, rng });
    const { tx, ledger, config } = spend;
    const figures: Figure[] = [];

    // Cold: no ring member or commitment seen before (caches cleared before every check), as for
    // a transaction whose mixins are all new to this node. Warm: the same transaction again, as
    // when ring members recur across the transactions of a block.
    const cold = () => {
      clearPointCache();
      clearKeyImageBaseCache();
    };
    figures.push(
      await millisPerOp(
        bench,
        "ms_per_tx",
        () => {
          cold();
          validateTxForLedger(tx, ledger, config);
        },
        options,
      ),
    );
    figures.push(
      await millisPerOp(
        bench,
        "ms_per_tx_warm_caches",
        () => validateTxForLedger(tx, ledger, config),
        options,
      ),
    );
    figures.push(
      await millisPerOp(
        bench,
        "signature_ms",
        () => {
          cold();
          verifyRctBulletproofs(MAX_BLOCK_VERSION, tx.prefix, tx.signature);
        },
        options,
      ),
    );

    // One MLSAG (ring 11) over the transaction's signing digest.
    const sig = tx.signature;
    const digest = mlsagSigningDigest(
      MAX_BLOCK_VERSION,
      tx.prefix,
      sig.pseudoOutputCommitments,
      sig.rangeProofBytes,
      sig.rangeProofs,
    );
    const ring = tx.prefix.inputs[0]!.ring.map((o) => ({
      targetKey: o.targetKey,
      commitment: o.maskedAmount!.commitment,
    }));
    figures.push(
      await millisPerOp(
        bench,
        "mlsag_verify_ms",
        () => {
          cold();
          verifyMlsag(sig.ringSignatures[0]!, digest, ring, sig.pseudoOutputCommitments[0]!);
        },
        options,
      ),
    );

    // The transaction's range proof: 3 commitments (1 pseudo output, 2 outputs) padded to 4.
    const commitments = [
      ...sig.pseudoOutputCommitments,
      ...tx.prefix.outputs.map((o) => o.maskedAmount!.commitment),
    ];
    const gens = pedersenGens(tx.prefix.feeTokenId);
    const proof = sig.rangeProofs[0]!;
    figures.push(
      await millisPerOp(
        bench,
        "range_proof_verify_ms",
        () => {
          cold();
          checkRangeProof(proof, commitments, gens);
        },
        options,
      ),
    );
    // Sixteen such proofs checked in one multi-scalar multiplication (copies of the same proof:
    // the MSM's size and cost are those of 16 distinct proofs).
    const batch = Array.from({ length: 16 }, () => ({ proof, commitments, gens }));
    figures.push(
      await millisPerOp(
        bench,
        "range_proof_batch16_ms",
        () => checkRangeProofBatch(batch),
        options,
      ),
    );

    // A block's worth: 16 distinct transactions against one ledger, all range proofs in one MSM.
    const shared = new InMemoryLedgerView(10n);
    const many = Array.from({ length: 16 }, (_v, i) =>
      makeSampleSpend({
        blockVersion: MAX_BLOCK_VERSION,
        inputs: 1,
        outputs: 2,
        ledger: shared,
        rng: new SeededRandom(`bench-tx-verify-${i}`),
      }),
    );
    const manyTxs = many.map((m) => m.tx);
    const batchMs = await timeOp(() => {
      cold();
      const results = validateTxsForLedger(manyTxs, shared, config);
      if (results.some((r) => r !== undefined)) throw new Error("a sample transaction is invalid");
    }, options);
    figures.push(
      summarize(
        bench,
        "ms_per_tx_batched16",
        "ms",
        batchMs.map((ms) => ms / manyTxs.length),
      ),
    );

    // Group operations.
    const point = (): RistrettoPoint => Ristretto.multiplyBase(Scalars.random(rng));
    const P = point();
    const s = Scalars.random(rng);
    figures.push(await microsPerOp(bench, "scalar_mult_us", () => P.multiply(s), options));
    figures.push(
      await microsPerOp(bench, "base_scalar_mult_us", () => Ristretto.multiplyBase(s), options),
    );
    for (const n of [128, 512]) {
      const points = Array.from({ length: n }, point);
      const scalars = Array.from({ length: n }, () => Scalars.random(rng));
      figures.push(
        await millisPerOp(bench, `msm_${n}_ms`, () => Ristretto.msm(points, scalars), options),
      );
    }
    return figures;
  },
};
