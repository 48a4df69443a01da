import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { type Ledger, openLmdbLedger } from "../ledger/index.js";
import { describeError, type Logger } from "../util/index.js";
import { ConfigError } from "./errors.js";

/**
 * The node's LMDB ledger at `--ledger-path` (created if absent). An empty ledger is filled from
 * `--origin-block-path` (reference mobilecoin-service.md §10.6). MobileCoin copies the origin's
 * `data.mdb` file as it is; we copy its blocks through our own `appendBlock`, so every block of
 * the origin passes the same checks as any block we append (a truncated or foreign file is
 * refused with one line instead of becoming our ledger). A ledger that already holds blocks is
 * used as it is ("skip if exists"), whatever the origin path says.
 */
export function openNodeLedger(
  ledgerPath: string,
  originBlockPath: string | null,
  logger: Logger,
): Ledger {
  mkdirSync(ledgerPath, { recursive: true });
  let ledger: Ledger;
  try {
    ledger = openLmdbLedger(path.resolve(ledgerPath));
  } catch (error) {
    throw new ConfigError("CONFIG_INVALID", `--ledger-path ${ledgerPath}`, describeError(error));
  }
  try {
    if (ledger.numBlocks() === 0n) copyOrigin(ledger, originBlockPath, logger);
    return ledger;
  } catch (error) {
    ledger.close();
    throw error;
  }
}

function copyOrigin(ledger: Ledger, originBlockPath: string | null, logger: Logger): void {
  const where = `--origin-block-path ${originBlockPath ?? ""}`.trim();
  if (originBlockPath === null)
    throw new ConfigError(
      "CONFIG_MISSING",
      "--origin-block-path (MC_ORIGIN_BLOCK_PATH)",
      "the ledger is empty; give the origin ledger's directory (generate-sample-ledger, ledger-from-archive)",
    );
  if (!existsSync(path.join(originBlockPath, "data.mdb")))
    throw new ConfigError("CONFIG_INVALID", where, "no data.mdb in this directory");
  let origin: Ledger;
  try {
    origin = openLmdbLedger(path.resolve(originBlockPath), { readOnly: true });
  } catch (error) {
    throw new ConfigError("CONFIG_INVALID", where, describeError(error));
  }
  try {
    const count = origin.numBlocks();
    if (count === 0n) throw new ConfigError("CONFIG_INVALID", where, "the origin ledger is empty");
    for (let i = 0n; i < count; i++) {
      try {
        ledger.appendBlock(origin.getBlockData(i));
      } catch (error) {
        throw new ConfigError("CONFIG_INVALID", where, `block ${i}: ${describeError(error)}`);
      }
    }
    logger.info(
      { event: "origin_copied", blocks: count.toString(), originBlockPath },
      `Copied ${count} blocks from the origin ledger ${originBlockPath}`,
    );
  } finally {
    origin.close();
  }
}
