import type { Command } from "../command.js";
import { attestationAuthorityCommand } from "./attestation-authority.js";
import { benchCommand } from "./bench.js";
import { checkQuorumCommand } from "./check-quorum.js";
import { enclaveBundleCommand } from "./enclave-bundle.js";
import { generateSampleLedgerCommand } from "./generate-sample-ledger.js";
import { keygenCommand } from "./keygen.js";
import { ledgerDistributionCommand } from "./ledger-distribution.js";
import { ledgerFromArchiveCommand } from "./ledger-from-archive.js";
import { sampleKeysCommand } from "./sample-keys.js";
import { scpDumpCommand } from "./scp-dump.js";
import { simCommand } from "./sim.js";
import { statusCommand } from "./status.js";
import { waitForBlockCommand } from "./wait-for-block.js";
import { walletCommand } from "./wallet.js";

/** Every `consensus-tool` subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  keygenCommand,
  sampleKeysCommand,
  generateSampleLedgerCommand,
  ledgerDistributionCommand,
  ledgerFromArchiveCommand,
  simCommand,
  checkQuorumCommand,
  scpDumpCommand,
  benchCommand,
  attestationAuthorityCommand,
  enclaveBundleCommand,
  walletCommand,
  statusCommand,
  waitForBlockCommand,
];
