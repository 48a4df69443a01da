#!/usr/bin/env node
import { fork } from "node:child_process";
import { rmSync } from "node:fs";
// A stress check of lmdb-js reads after synchronous writes, written while looking for the cause of
// the one node crash in BENCHMARKS.md (form_block entry, note 1): this process writes a record and
// a count per round in a `transactionSync` (the ledger's pattern), then reads them back across
// timers, while two read-only processes read the same environment along (as ledger-distribution
// and the testnet's wallet do). It prints "writes N misses M"; M was 0 in every run so far.
// Usage: SECS=25 node scripts/lmdb-read-after-write.mjs   (uses /tmp/lmdbx/db2)
import { open } from "lmdb";

const P = "/tmp/lmdbx/db2";
const role = process.argv[2] ?? "writer";
const key = (i) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(i));
  return b;
};
const opts = (ro) => ({
  path: P,
  maxDbs: 8,
  mapSize: 2 ** 40,
  encoding: "binary",
  keyEncoding: "binary",
  compression: false,
  cache: false,
  readOnly: ro,
});
if (role === "writer") {
  rmSync(P, { recursive: true, force: true });
  const root = open(opts(false));
  const blocks = root.openDB({
    name: "blocks",
    encoding: "binary",
    keyEncoding: "binary",
    cache: false,
  });
  const counts = root.openDB({
    name: "counts",
    encoding: "binary",
    keyEncoding: "binary",
    cache: false,
  });
  root.transactionSync(() => {
    blocks.putSync(key(0), Buffer.alloc(200, 1));
    counts.putSync(key(0), key(1));
  });
  const readers = [
    fork(new URL(import.meta.url).pathname, ["reader"]),
    fork(new URL(import.meta.url).pathname, ["reader"]),
  ];
  let misses = 0;
  let n = 1;
  const end = Date.now() + Number(process.env.SECS ?? 20) * 1000;
  while (Date.now() < end) {
    // a few reads, a write, reads in later turns, like the node
    blocks.getBinary(key(n - 1));
    root.transactionSync(() => {
      blocks.putSync(key(n), Buffer.alloc(200 + (n % 50), n & 255));
      counts.putSync(key(0), key(n + 1));
    });
    n++;
    for (let k = 0; k < 3; k++) {
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 3)));
      const c = counts.getBinary(key(0)).readBigUInt64BE();
      if (c !== BigInt(n)) {
        misses++;
        console.log("count stale", c, n);
      }
      if (blocks.getBinary(key(n - 1)) === undefined) {
        misses++;
        console.log("block miss", n - 1);
      }
    }
  }
  for (const r of readers) r.kill();
  console.log("writes", n, "misses", misses);
  process.exit(0);
} else {
  const root = open(opts(true));
  const blocks = root.openDB({
    name: "blocks",
    encoding: "binary",
    keyEncoding: "binary",
    cache: false,
  });
  const counts = root.openDB({
    name: "counts",
    encoding: "binary",
    keyEncoding: "binary",
    cache: false,
  });
  for (;;) {
    const c = counts.getBinary(key(0))?.readBigUInt64BE() ?? 0n;
    for (let i = c > 5n ? c - 5n : 0n; i < c; i++) blocks.getBinary(key(i));
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 20)));
  }
}
