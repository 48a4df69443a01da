import type { Command } from "../command.js";
import { benchCommand } from "./bench.js";
import { keygenCommand } from "./keygen.js";

/** Every `consensus-tool` subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [keygenCommand, benchCommand];
