// Child process for crash-safety.test.ts: appends blocks `CHAIN_DIR/{i}.pb` (ArchiveBlock files) to
// an LMDB ledger from the ledger's current height on, printing a line after opening and after each
// block. Only the blocks it appends are read, so a child starts fast.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { decodeArchiveBlock } from "../../src/blockchain/index.js";
import { openLmdbLedger } from "../../src/ledger/index.js";

const [ledgerDir, chainDir] = process.argv.slice(2);
if (ledgerDir === undefined || chainDir === undefined) {
  process.stderr.write("usage: append-child LEDGER_DIR CHAIN_DIR\n");
  process.exit(2);
}
const ledger = openLmdbLedger(ledgerDir);
process.stdout.write(`opened ${ledger.numBlocks()}\n`);
for (let i = Number(ledger.numBlocks()); existsSync(path.join(chainDir, `${i}.pb`)); i++) {
  ledger.appendBlock(
    decodeArchiveBlock(new Uint8Array(readFileSync(path.join(chainDir, `${i}.pb`)))),
  );
  process.stdout.write(`appended ${i}\n`);
}
ledger.close();
process.stdout.write("done\n");
