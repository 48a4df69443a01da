import { existsSync } from "node:fs";
import path from "node:path";
import {
  generateSampleLedger,
  openLmdbLedger,
  SAMPLE_LEDGER_MAX_OUTPUTS,
  SAMPLE_LEDGER_MIN_OUTPUTS,
} from "../../ledger/index.js";
import { readPublicAddresses } from "../../node/index.js";
import { MAX_BLOCK_VERSION } from "../../transaction/index.js";
import { isCodedError, toHex } from "../../util/index.js";
import { type Command, EXIT_OK, intFlag, parseFlags, UsageError } from "../command.js";
import { LMDB_FILES, OutputDir } from "./output-dir.js";
import { SUMMARIES } from "./summaries.js";

/** `consensus-tool generate-sample-ledger`: a deterministic origin ledger for a test network. */
export const generateSampleLedgerCommand: Command = {
  name: "generate-sample-ledger",
  summary: SUMMARIES["generate-sample-ledger"],
  help: `Usage: consensus-tool generate-sample-ledger --keys-dir DIR --output-dir DIR --txs N --blocks N
                                              [--key-images N] [--block-version V] [--seed HEX] [--json]

Creates an LMDB ledger (DIR/data.mdb) as MobileCoin's generate-sample-ledger does: the total supply
(250,000,000 MOB) split equally over recipients × txs × blocks outputs, one per recipient and tx in
each block, to the public addresses (*.pub) in --keys-dir (see sample-keys). The first block is the
origin block; later blocks carry random key images. Blocks are signed and carry signed metadata.
The same keys and seed always give byte-identical blocks, so every node of a test network can start
from the same origin: copy DIR/data.mdb, or pass DIR to consensus-service --origin-block-path.

Options:
  --keys-dir DIR      directory with account_keys_*.pub files
  --output-dir DIR    where to create the ledger; must not hold one already
  --txs N             outputs per recipient per block
  --blocks N          blocks, the origin included
  --key-images N      key images in each block after the origin (default 1)
  --block-version V   block version of the ledger (default 0)
  --seed HEX          seed (default 2121…21, 32 bytes)
  --json              print {"ledger_path", "blocks", "outputs", "value_per_output", "block_ids", "signer"}

Every argument is checked before anything is created; a refusal (exit 2, one line) leaves nothing
behind, so a corrected retry starts clean.

Example:
  consensus-tool sample-keys --num 10 --dir keys
  consensus-tool generate-sample-ledger --keys-dir keys --output-dir origin --txs 100 --blocks 1`,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      "keys-dir": { type: "string" },
      "output-dir": { type: "string" },
      txs: { type: "string" },
      blocks: { type: "string" },
      "key-images": { type: "string" },
      "block-version": { type: "string" },
      seed: { type: "string" },
      json: { type: "boolean" },
    });
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    for (const required of ["keys-dir", "output-dir", "txs", "blocks"] as const) {
      if (values[required] === undefined) throw new UsageError(`--${required} is required`);
    }
    const seed = (values.seed ?? "21".repeat(32)).toLowerCase();
    if (!/^[0-9a-f]+$/.test(seed)) throw new UsageError("--seed must be hex");
    const blockVersion = intFlag("block-version", values["block-version"], 0);
    if (blockVersion > MAX_BLOCK_VERSION)
      throw new UsageError(`--block-version must be between 0 and ${MAX_BLOCK_VERSION}`);
    const txs = intFlag("txs", values.txs, 0, 1);
    const blocks = intFlag("blocks", values.blocks, 0, 1);
    const keyImagesPerBlock = intFlag("key-images", values["key-images"], 1, 1);
    const keysDir = path.resolve(values["keys-dir"] as string);
    const recipients = readPublicAddresses(keysDir);
    if (recipients.length === 0)
      throw new UsageError(
        `--keys-dir ${keysDir}: holds no account_keys_*.pub files (write some with sample-keys)`,
      );
    const total = recipients.length * txs * blocks;
    if (total < SAMPLE_LEDGER_MIN_OUTPUTS || total > SAMPLE_LEDGER_MAX_OUTPUTS)
      throw new UsageError(
        `recipients × txs × blocks = ${recipients.length} × ${txs} × ${blocks} = ${total} outputs; between ${SAMPLE_LEDGER_MIN_OUTPUTS} and ${SAMPLE_LEDGER_MAX_OUTPUTS} are needed`,
      );
    const output = new OutputDir("--output-dir", values["output-dir"] as string);
    const outputDir = output.path;
    if (existsSync(path.join(outputDir, "data.mdb"))) {
      throw new UsageError(
        `${outputDir} already holds a ledger (data.mdb); choose an empty directory`,
      );
    }
    // Everything is checked; only now is anything created, and a failure removes it again.
    output.create();
    let summary: ReturnType<typeof generateSampleLedger>;
    try {
      const ledger = openLmdbLedger(outputDir);
      try {
        summary = generateSampleLedger(ledger, {
          recipients,
          txs,
          blocks,
          keyImagesPerBlock,
          seed,
          blockVersion,
        });
      } finally {
        ledger.close();
      }
    } catch (error) {
      output.removeCreated(LMDB_FILES);
      if (isCodedError(error) || error instanceof UsageError) throw error;
      throw output.failure(error);
    }
    if (values.json) {
      const doc = {
        ledger_path: outputDir,
        blocks: summary.blocks,
        outputs: summary.outputs,
        value_per_output: summary.valuePerOutput.toString(),
        block_ids: summary.blockIds.map(toHex),
        signer: toHex(summary.signer),
      };
      context.stdout.write(`${JSON.stringify(doc)}\n`);
    } else {
      context.stdout.write(
        `created ${outputDir}/data.mdb: ${summary.blocks} blocks, ${summary.outputs} outputs of ${summary.valuePerOutput} picoMOB; last block ${toHex(summary.blockIds[summary.blockIds.length - 1] as Uint8Array)}\n`,
      );
    }
    return EXIT_OK;
  },
};
