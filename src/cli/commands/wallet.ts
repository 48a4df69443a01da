import { toHex } from "../../util/index.js";
import {
  accountAddress,
  addressFromB58,
  balanceOf,
  insecureSwVerifier,
  loadAccount,
  NodeClient,
  openLedgerReadOnly,
  osRandom,
  proposeTxResultMeaning,
  realWaitClock,
  type SendResult,
  sendPayment,
  type TxFate,
  WALLET_LIMITS,
  waitForTx,
} from "../../wallet/index.js";
import {
  type Command,
  type CommandContext,
  EXIT_NEGATIVE,
  EXIT_OK,
  intFlag,
  parseFlags,
  UsageError,
} from "../command.js";
import { SUMMARIES } from "./summaries.js";
import { nodeFailure, picoMobFlag, timeoutFlag } from "./wallet-node.js";

const HELP = `Usage: consensus-tool wallet balance --keys-dir DIR --account I --ledger-db DIR [--json]
       consensus-tool wallet send --keys-dir DIR --account I (--to B58 | --to-account J)
                                  --amount PICOMOB [--fee PICOMOB] --ledger-db DIR --node URI
                                  --insecure-sw-attestation [--wait] [--timeout-s S] [--json]

A wallet over the sample accounts of a keys directory (sample-keys). It finds the account's
outputs with its view key in a ledger opened read-only (a node's own LMDB directory, or one kept
by ledger-from-archive), and knows an output is spent when the ledger holds its key image.

balance   {"account", "balance", "txos", "block_count"}: unspent MOB in picoMOB (a decimal
          string) and how many outputs hold it.
send      picks unspent outputs (largest first), draws rings of 11 with membership proofs from
          the same ledger, builds the payment at the node's block version with its minimum fee
          (GetLastBlockInfo) and change back to the account, attests to the node (NX), and
          proposes it (ClientTxPropose). Prints {"tx_hash", "result", "block_count",
          "block_index"}; a refusal also prints its ProposeTxResult name and meaning on stderr.
          More than the balance is refused before anything is sent (one line, exit 2).
          The key images of a proposed payment are kept in DIR/account_keys_I.pending.json until
          the ledger holds them or the chain passes the payment's tombstone block, so the next
          send picks other outputs.

Options:
  --keys-dir DIR      the sample accounts (account_keys_I.json and .pub)
  --account I         the paying (or counted) account
  --to B58            recipient's b58 public address, or
  --to-account J      sample account J of the same keys directory
  --amount PICOMOB    picoMOB to send (1 MOB = 1000000000000)
  --fee PICOMOB       fee (default: the node's minimum fee)
  --ledger-db DIR     the ledger to read (read-only)
  --node URI          insecure-mc://HOST:PORT/ or mc://HOST:PORT/ (TLS; ?ca-bundle=PATH)
  --insecure-sw-attestation  trust software evidence from the published development authority
                      for enclaves signed with the published development key (test networks)
  --wait              follow the ledger until the payment's outputs are in a block
  --timeout-s S       how long --wait waits (default ${WALLET_LIMITS.defaultTimeoutMs / 1000})
  --json              one JSON document on stdout

Exit codes: 0 accepted (with --wait: in a block); 1 refused by the node, unreachable, or not in a
            block before the timeout; 2 bad arguments or input (including insufficient funds).

Example:
  consensus-tool wallet balance --keys-dir keys --account 0 --ledger-db ledger --json
  consensus-tool wallet send --keys-dir keys --account 0 --to-account 1 --amount 1000000000000 \\
    --ledger-db ledger --node insecure-mc://localhost:3223/ --insecure-sw-attestation --wait`;

const FLAGS = {
  "keys-dir": { type: "string" },
  account: { type: "string" },
  to: { type: "string" },
  "to-account": { type: "string" },
  amount: { type: "string" },
  fee: { type: "string" },
  "ledger-db": { type: "string" },
  node: { type: "string" },
  "insecure-sw-attestation": { type: "boolean" },
  wait: { type: "boolean" },
  "timeout-s": { type: "string" },
  json: { type: "boolean" },
} as const;

type Values = ReturnType<typeof parseFlags<typeof FLAGS>>["values"];

function required(
  values: Values,
  name: "keys-dir" | "account" | "ledger-db" | "amount" | "node",
): string {
  const value = values[name];
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

function runBalance(values: Values, context: CommandContext): number {
  const account = intFlag("account", required(values, "account"), 0);
  const key = loadAccount(required(values, "keys-dir"), account);
  const ledger = openLedgerReadOnly(required(values, "ledger-db"));
  try {
    const b = balanceOf(ledger, key);
    const doc = {
      account,
      balance: b.balance.toString(),
      txos: b.txos,
      block_count: Number(b.blockCount),
    };
    context.stdout.write(
      values.json
        ? `${JSON.stringify(doc)}\n`
        : `account ${account}: ${doc.balance} picoMOB in ${doc.txos} unspent outputs (ledger of ${doc.block_count} blocks)\n`,
    );
    return EXIT_OK;
  } finally {
    ledger.close();
  }
}

function recipientOf(values: Values, keysDir: string) {
  if ((values.to === undefined) === (values["to-account"] === undefined))
    throw new UsageError("exactly one of --to and --to-account is required");
  if (values.to !== undefined) return addressFromB58(values.to);
  const j = intFlag("to-account", values["to-account"], 0);
  return accountAddress(keysDir, j);
}

async function waitFor(values: Values, sent: SendResult): Promise<TxFate> {
  const ledgerDir = required(values, "ledger-db");
  return waitForTx({
    openLedger: () => openLedgerReadOnly(ledgerDir),
    tx: { outputPublicKey: sent.built.outputPublicKeys[0]!, keyImages: sent.built.keyImages },
    tombstoneBlock: sent.tombstoneBlock,
    timeoutMs: timeoutFlag(values["timeout-s"], WALLET_LIMITS.defaultTimeoutMs / 1000),
    clock: realWaitClock,
  });
}

function fateLine(fate: TxFate): string {
  switch (fate.status) {
    case "included":
      return `in block ${fate.blockIndex}`;
    case "conflict":
      return `not included: block ${fate.blockIndex} spent one of its inputs in another transaction`;
    case "expired":
      return "not included: the chain passed its tombstone block";
    case "timeout":
      return "not in a block before the timeout";
  }
}

async function runSend(values: Values, context: CommandContext): Promise<number> {
  const keysDir = required(values, "keys-dir");
  const account = intFlag("account", required(values, "account"), 0);
  const amount = picoMobFlag("amount", required(values, "amount")) as bigint;
  const fee = picoMobFlag("fee", values.fee);
  if (!values["insecure-sw-attestation"])
    throw new UsageError(
      "--insecure-sw-attestation is required: it is the only attestation trust the wallet has (development evidence)",
    );
  const to = recipientOf(values, keysDir);
  required(values, "ledger-db");
  const node = new NodeClient(required(values, "node"));
  try {
    const sent = await sendPayment({
      keysDir,
      account,
      to,
      amount,
      ...(fee === undefined ? {} : { fee }),
      ledgerDir: required(values, "ledger-db"),
      node,
      verifier: insecureSwVerifier(),
      random: osRandom,
      nowMs: () => Date.now(),
    });
    return await report(values, sent, context);
  } catch (error) {
    const code = nodeFailure("wallet send", error, context);
    if (code === undefined) throw error;
    return code;
  } finally {
    node.close();
  }
}

async function report(values: Values, sent: SendResult, context: CommandContext): Promise<number> {
  const accepted = sent.outcome.name === "Ok";
  const fate = accepted && values.wait ? await waitFor(values, sent) : undefined;
  const doc = {
    tx_hash: toHex(sent.built.txHash),
    result: sent.outcome.name,
    block_count: Number(sent.outcome.blockCount),
    block_index: fate?.status === "included" ? Number(fate.blockIndex) : null,
  };
  if (values.json) context.stdout.write(`${JSON.stringify(doc)}\n`);
  if (!accepted) {
    const detail = sent.outcome.errMsg === "" ? "" : ` (${sent.outcome.errMsg})`;
    context.stderr.write(
      `wallet send: refused: ${doc.result}: ${proposeTxResultMeaning(doc.result)}${detail}\n`,
    );
    return EXIT_NEGATIVE;
  }
  if (!values.json)
    context.stdout.write(
      `tx ${doc.tx_hash}: accepted by the node${fate === undefined ? "" : `; ${fateLine(fate)}`}\n`,
    );
  if (fate !== undefined && fate.status !== "included") {
    if (values.json) context.stderr.write(`wallet send: ${fateLine(fate)}\n`);
    return EXIT_NEGATIVE;
  }
  return EXIT_OK;
}

export const walletCommand: Command = {
  name: "wallet",
  summary: SUMMARIES["wallet"],
  help: HELP,
  async run(args, context) {
    const [sub, ...rest] = args;
    if (sub !== "balance" && sub !== "send")
      throw new UsageError(
        `wallet needs a subcommand: balance or send (got ${JSON.stringify(sub ?? "")})`,
      );
    const { values, positionals } = parseFlags(rest, FLAGS);
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    return sub === "balance" ? runBalance(values, context) : runSend(values, context);
  },
};
