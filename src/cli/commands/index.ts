import type { Command } from "../command.js";
import { SUMMARIES } from "./summaries.js";

/**
 * A `consensus-tool` subcommand as the command list knows it: its name and summary, and how to
 * load it. Each command module is imported only when that command runs, so `--help` and a
 * mistyped name start without loading crypto, LMDB, gRPC or the AWS SDK.
 */
export interface CommandEntry {
  name: keyof typeof SUMMARIES;
  summary: string;
  load(): Promise<Command>;
}

function entry(name: keyof typeof SUMMARIES, load: () => Promise<Command>): CommandEntry {
  return { name, summary: SUMMARIES[name], load };
}

/** Every `consensus-tool` subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  entry("keygen", async () => (await import("./keygen.js")).keygenCommand),
  entry("sample-keys", async () => (await import("./sample-keys.js")).sampleKeysCommand),
  entry(
    "generate-sample-ledger",
    async () => (await import("./generate-sample-ledger.js")).generateSampleLedgerCommand,
  ),
  entry(
    "ledger-distribution",
    async () => (await import("./ledger-distribution.js")).ledgerDistributionCommand,
  ),
  entry(
    "ledger-from-archive",
    async () => (await import("./ledger-from-archive.js")).ledgerFromArchiveCommand,
  ),
  entry("sim", async () => (await import("./sim.js")).simCommand),
  entry("check-quorum", async () => (await import("./check-quorum.js")).checkQuorumCommand),
  entry("bench", async () => (await import("./bench.js")).benchCommand),
  entry(
    "attestation-authority",
    async () => (await import("./attestation-authority.js")).attestationAuthorityCommand,
  ),
  entry("enclave-bundle", async () => (await import("./enclave-bundle.js")).enclaveBundleCommand),
  entry("wallet", async () => (await import("./wallet.js")).walletCommand),
  entry("status", async () => (await import("./status.js")).statusCommand),
  entry("wait-for-block", async () => (await import("./wait-for-block.js")).waitForBlockCommand),
  entry("testnet", async () => (await import("./testnet.js")).testnetCommand),
  entry("scp-dump", async () => (await import("./scp-dump.js")).scpDumpCommand),
];
