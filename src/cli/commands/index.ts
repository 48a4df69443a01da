import type { Command } from "../command.js";
import { benchCommand } from "./bench.js";

/** Every `consensus-tool` subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [benchCommand];
