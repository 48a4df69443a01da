// Goal: the tx manager follows MobileCoin's tx_manager and validators.rs: cache by hash (insert
// idempotent, bounded), tombstone-only expiry, is_valid against the ledger (the cases of
// validators.rs `is_valid_tests`, num_blocks = 53), the WellFormedTxContext order (priority
// descending, then tx hash, tombstone, key images, highest indices, output keys ascending), and
// combine = sort, then greedily skip any tx reusing a key image or output key, capped.
// Expected orders are written out by hand from those rules, not computed by the code under test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { WellFormedTxContext } from "../enclave/index.js";
import { ConsensusError } from "./errors.js";
import { CONSENSUS_LIMITS } from "./limits.js";
import { combineContexts, compareWellFormed, type TxLedgerView, TxManager } from "./tx-manager.js";

const b = (...bytes: number[]) => {
  const v = new Uint8Array(32);
  v.set(bytes);
  return v;
};

function ctx(p: Partial<WellFormedTxContext> & { txHash: Uint8Array }): WellFormedTxContext {
  return {
    priority: 1n,
    tombstoneBlock: 100n,
    keyImages: [],
    highestIndices: [],
    outputPublicKeys: [],
    ...p,
  };
}

class FakeLedger implements TxLedgerView {
  spent = new Set<number>();
  outputs = new Set<number>();
  constructor(public blocks: bigint) {}
  numBlocks(): bigint {
    return this.blocks;
  }
  containsKeyImage(k: Uint8Array): boolean {
    return this.spent.has(k[0] as number);
  }
  containsTxOutPublicKey(k: Uint8Array): boolean {
    return this.outputs.has(k[0] as number);
  }
}

describe("compareWellFormed (MobileCoin's Ord for WellFormedTxContext)", () => {
  it("higher priority first, then the remaining fields ascending", () => {
    const a = ctx({ txHash: b(9), priority: 5n });
    const c = ctx({ txHash: b(1), priority: 5n, tombstoneBlock: 7n });
    const d = ctx({ txHash: b(1), priority: 5n, tombstoneBlock: 8n });
    const e = ctx({ txHash: b(0), priority: 2n });
    const f = ctx({ txHash: b(1), priority: 5n, tombstoneBlock: 7n, keyImages: [b(1)] });
    const g = ctx({
      txHash: b(1),
      priority: 5n,
      tombstoneBlock: 7n,
      keyImages: [b(1)],
      highestIndices: [3n],
    });
    const sorted = [e, d, g, a, f, c].sort(compareWellFormed);
    // priority 5 before 2; among priority 5: hash 1 before hash 9; among hash 1: tombstone 7 before
    // 8; among tombstone 7: key images [] before [1]; then highest indices [] before [3].
    assert.deepEqual(sorted, [c, f, g, d, a, e]);
  });

  it("compares highest indices as numbers (10 after 9), not as text", () => {
    const x = ctx({ txHash: b(1), highestIndices: [10n] });
    const y = ctx({ txHash: b(1), highestIndices: [9n] });
    assert.ok(compareWellFormed(y, x) < 0);
  });
});

describe("combineContexts (validators.rs combine)", () => {
  it("keeps the better of two txs sharing a key image, and of two sharing an output key", () => {
    const hi = ctx({ txHash: b(5), priority: 9n, keyImages: [b(1)], outputPublicKeys: [b(10)] });
    const lo = ctx({ txHash: b(2), priority: 3n, keyImages: [b(1)], outputPublicKeys: [b(11)] });
    const out = ctx({ txHash: b(3), priority: 3n, keyImages: [b(2)], outputPublicKeys: [b(10)] });
    const free = ctx({ txHash: b(4), priority: 1n, keyImages: [b(3)], outputPublicKeys: [b(12)] });
    assert.deepEqual(combineContexts([free, lo, out, hi]), [b(5), b(4)]);
  });

  it("a skipped tx does not reserve its keys: a later tx with them is kept", () => {
    const first = ctx({ txHash: b(1), priority: 9n, keyImages: [b(1)] });
    const skipped = ctx({ txHash: b(2), priority: 8n, keyImages: [b(1), b(2)] });
    const later = ctx({ txHash: b(3), priority: 7n, keyImages: [b(2)] });
    assert.deepEqual(combineContexts([later, skipped, first]), [b(1), b(3)]);
  });

  it("caps at MAX_TRANSACTIONS_PER_BLOCK = 5000, keeping the highest priorities", () => {
    assert.equal(CONSENSUS_LIMITS.transactionsPerBlockMax, 5000);
    const all = Array.from({ length: 5003 }, (_, i) =>
      ctx({
        txHash: b(i >> 8, i & 0xff),
        priority: BigInt(i),
        keyImages: [b(i >> 8, i & 0xff, 1)],
      }),
    );
    const kept = combineContexts(all);
    assert.equal(kept.length, 5000);
    // priorities 5002 down to 3 are kept; 2, 1, 0 are not.
    assert.deepEqual(kept[0], b(5002 >> 8, 5002 & 0xff));
    assert.deepEqual(kept[4999], b(0, 3));
  });
});

describe("TxManager", () => {
  it("is_valid: the cases of validators.rs with num_blocks = 53", () => {
    const ledger = new FakeLedger(53n);
    const m = new TxManager(ledger);
    assert.equal(m.invalidReason(ctx({ txHash: b(1), tombstoneBlock: 53n + 17n })), undefined);
    assert.equal(
      m.invalidReason(ctx({ txHash: b(1), tombstoneBlock: 17n })),
      "TombstoneBlockExceeded",
    );
    assert.equal(
      m.invalidReason(ctx({ txHash: b(1), tombstoneBlock: 53n })),
      "TombstoneBlockExceeded",
    );
    assert.equal(m.invalidReason(ctx({ txHash: b(1), tombstoneBlock: 53n + 20160n })), undefined);
    assert.equal(
      m.invalidReason(ctx({ txHash: b(1), tombstoneBlock: 53n + 20160n + 1n })),
      "TombstoneBlockTooFar",
    );
    ledger.spent.add(7);
    assert.equal(
      m.invalidReason(ctx({ txHash: b(1), keyImages: [b(6), b(7)] })),
      "ContainsSpentKeyImage",
    );
    ledger.outputs.add(8);
    assert.equal(
      m.invalidReason(ctx({ txHash: b(1), outputPublicKeys: [b(8)] })),
      "ContainsExistingOutputPublicKey",
    );
  });

  it("validate needs the tx in the cache; insert is idempotent and copies", () => {
    const m = new TxManager(new FakeLedger(5n));
    const c = ctx({ txHash: b(1) });
    assert.equal(m.validate(b(1)), false);
    const cipher = new Uint8Array([1, 2, 3]);
    assert.equal(m.insert(cipher, c), true);
    assert.equal(m.insert(new Uint8Array([9]), c), false);
    cipher[0] = 7;
    assert.deepEqual(m.get(b(1))?.encrypted, new Uint8Array([1, 2, 3]));
    assert.equal(m.validate(b(1)), true);
  });

  it("combine refuses a hash it does not hold", () => {
    const m = new TxManager(new FakeLedger(5n));
    assert.throws(
      () => m.combine([b(1)]),
      (e: unknown) => e instanceof ConsensusError && e.code === "TX_NOT_IN_CACHE",
    );
  });

  it("expires by tombstone only: entries with tombstone ≤ index go", () => {
    const m = new TxManager(new FakeLedger(5n));
    m.insert(new Uint8Array(1), ctx({ txHash: b(1), tombstoneBlock: 9n }));
    m.insert(new Uint8Array(1), ctx({ txHash: b(2), tombstoneBlock: 10n }));
    m.insert(new Uint8Array(1), ctx({ txHash: b(3), tombstoneBlock: 11n }));
    assert.deepEqual(m.removeExpired(10n), [b(1), b(2)]);
    assert.equal(m.contains(b(3)), true);
  });

  it("is bounded: past its capacity an insert is TX_CACHE_FULL", () => {
    const m = new TxManager(new FakeLedger(5n), 2);
    m.insert(new Uint8Array(1), ctx({ txHash: b(1) }));
    m.insert(new Uint8Array(1), ctx({ txHash: b(2) }));
    assert.throws(
      () => m.insert(new Uint8Array(1), ctx({ txHash: b(3) })),
      (e: unknown) => e instanceof ConsensusError && e.code === "TX_CACHE_FULL",
    );
  });
});
