import { readFileSync } from "node:fs";
import path from "node:path";
import { MAX_SAMPLE_ACCOUNTS, writeSampleKeys } from "../../node/index.js";
import { isCodedError } from "../../util/index.js";
import { type Command, EXIT_OK, intFlag, parseFlags, UsageError } from "../command.js";
import { OutputDir } from "./output-dir.js";
import { SUMMARIES } from "./summaries.js";

/** `consensus-tool sample-keys`: deterministic test accounts, as MobileCoin's `sample-keys`. */
export const sampleKeysCommand: Command = {
  name: "sample-keys",
  summary: SUMMARIES["sample-keys"],
  help: `Usage: consensus-tool sample-keys --num N --dir DIR [--seed HEX] [--json]

Writes N accounts derived deterministically from --seed, as MobileCoin's sample-keys does:
  DIR/account_keys_{i}.json     the account's BIP39 mnemonic and account index (private!)
  DIR/account_keys_{i}.pub      the default subaddress's PublicAddress (protobuf)
  DIR/account_keys_{i}.b58pub   the same address in b58 (PrintableWrapper)
The same seed always gives the same accounts. These keys are for test networks only.

Options:
  --num N      how many accounts (1–100000)
  --dir DIR    where to write them (created if missing)
  --seed HEX   seed (default 0101…01, 32 bytes)
  --json       print {"dir", "accounts": [{"name", "b58"}]}

Example:
  consensus-tool sample-keys --num 10 --dir keys --seed 0101`,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, {
      num: { type: "string" },
      dir: { type: "string" },
      seed: { type: "string" },
      json: { type: "boolean" },
    });
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (values.dir === undefined) throw new UsageError("--dir is required");
    if (values.num === undefined) throw new UsageError("--num is required");
    const num = intFlag("num", values.num, 0, 1);
    const seed = values.seed ?? "01".repeat(32);
    if (!/^[0-9a-fA-F]+$/.test(seed)) throw new UsageError("--seed must be hex");
    if (num > MAX_SAMPLE_ACCOUNTS)
      throw new UsageError(`--num must be between 1 and ${MAX_SAMPLE_ACCOUNTS}, got ${num}`);
    const output = new OutputDir("--dir", values.dir);
    const dir = output.path;
    output.create();
    try {
      writeSampleKeys(dir, num, seed.toLowerCase());
    } catch (error) {
      if (isCodedError(error)) throw error;
      throw output.failure(error);
    }
    if (values.json) {
      const accounts = Array.from({ length: num }, (_, i) => ({
        name: `account_keys_${i}`,
        b58: readFileSync(path.join(dir, `account_keys_${i}.b58pub`), "utf8"),
      }));
      context.stdout.write(`${JSON.stringify({ dir, accounts })}\n`);
    } else {
      context.stdout.write(`wrote ${num} accounts to ${dir}\n`);
    }
    return EXIT_OK;
  },
};
