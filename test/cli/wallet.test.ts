// Goal: the wallet (SPEC §4.3 `wallet`, `status`, `wait-for-block`) over a ledger made by the real
// generate-sample-ledger: balances from the view key, a read-only open that leaves data.mdb
// untouched, a payment that moves exactly amount + fee, a send a real enclave accepts, two sends
// that spend different outputs, over-balance refused with one line before anything is sent, a
// refusal named with its meaning, and the status and wait-for-block calls.
// Method: `consensus-tool` run in this process against a gRPC client port on loopback whose Auth
// and ClientTxPropose are served by an in-process enclave holding development evidence (the
// node's own ledger is a second, byte-identical generate-sample-ledger). Expected amounts come
// from generate-sample-ledger's value_per_output and the amounts sent, never from the wallet.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { ServerCredentials } from "@grpc/grpc-js";
import {
  CHANGE_SUBADDRESS_INDEX,
  type RistrettoPoint,
  type Scalar,
  subaddressKeys,
} from "../../src/crypto/index.js";
import type { InProcessEnclaveHost } from "../../src/enclave/index.js";
import { readAccountKeyfile } from "../../src/node/index.js";
import {
  MOB_MINIMUM_FEE,
  publicAddressOf,
  type TxOut,
  viewTxOut,
} from "../../src/transaction/index.js";
import { SeededRandom, toHex } from "../../src/util/index.js";
import {
  buildSend,
  insecureSwVerifier,
  NodeClient,
  OwnedOutputs,
  openLedgerReadOnly,
  sendPayment,
  txFateIn,
} from "../../src/wallet/index.js";
import {
  ACCOUNTS,
  BLOCK_VERSION,
  BLOCKS,
  devEnclave,
  type Fixture,
  makeFixture,
  startTestNode,
  type TestNode,
  TXS,
  tool,
} from "./wallet-fixture.js";

const OUTPUTS_PER_ACCOUNT = BigInt(TXS * BLOCKS);

let fixture: Fixture;
let enclave: InProcessEnclaveHost;
let node: TestNode;

before(async () => {
  fixture = await makeFixture();
  enclave = await devEnclave();
  node = await startTestNode(fixture.nodeLedger, enclave);
});

after(async () => {
  await node?.close();
  await enclave?.close();
  fixture?.cleanup();
});

const sha256File = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const account = (i: number) =>
  readAccountKeyfile(path.join(fixture.keysDir, `account_keys_${i}.json`));

function sendArgs(extra: readonly string[]): string[] {
  return [
    "wallet",
    "send",
    "--keys-dir",
    fixture.keysDir,
    "--account",
    "0",
    "--ledger-db",
    fixture.walletLedger,
    "--node",
    node.uri,
    "--insecure-sw-attestation",
    "--json",
    ...extra,
  ];
}

function pendingEntries(): { tx_hash: string; key_images: string[] }[] {
  return JSON.parse(
    readFileSync(path.join(fixture.keysDir, "account_keys_0.pending.json"), "utf8"),
  );
}

describe("wallet balance", () => {
  it("counts every sample output of each account, and the read-only open leaves data.mdb as it was", async () => {
    const data = path.join(fixture.walletLedger, "data.mdb");
    const before = { hash: sha256File(data), mtimeMs: statSync(data).mtimeMs };
    for (let i = 0; i < ACCOUNTS; i++) {
      const run = await tool([
        "wallet",
        "balance",
        "--keys-dir",
        fixture.keysDir,
        "--account",
        String(i),
        "--ledger-db",
        fixture.walletLedger,
        "--json",
      ]);
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), {
        account: i,
        balance: (fixture.valuePerOutput * OUTPUTS_PER_ACCOUNT).toString(),
        txos: Number(OUTPUTS_PER_ACCOUNT),
        block_count: BLOCKS,
      });
    }
    assert.deepEqual({ hash: sha256File(data), mtimeMs: statSync(data).mtimeMs }, before);
  });
});

describe("building a payment", () => {
  it("moves exactly amount + fee: the recipient's view key finds the amount, the sender's the change", () => {
    const sender = account(0);
    const recipient = account(1);
    // More than one output holds, so two inputs are spent.
    const amount = fixture.valuePerOutput + 123_456_789n;
    const ledger = openLedgerReadOnly(fixture.walletLedger);
    let built: ReturnType<typeof buildSend>;
    try {
      built = buildSend({
        ledger,
        account: sender,
        request: {
          to: publicAddressOf(recipient, 0n),
          amount,
          fee: MOB_MINIMUM_FEE,
          blockVersion: BLOCK_VERSION,
          tombstoneBlock: 100n,
        },
        pending: new Set(),
        rng: new SeededRandom("wallet-build-test"),
      });
    } finally {
      ledger.close();
    }
    const { tx } = built;
    assert.equal(tx.prefix.inputs.length, 2);
    assert.ok(tx.prefix.inputs.every((input) => input.ring.length === 11));
    assert.equal(tx.prefix.fee, MOB_MINIMUM_FEE);
    const recipientGot = tx.prefix.outputs.flatMap((o) =>
      amountFor(o, recipient.viewPrivateKey, subaddressKeys(recipient, 0n).spendPublicKey),
    );
    const changeSpend = subaddressKeys(sender, CHANGE_SUBADDRESS_INDEX).spendPublicKey;
    const senderGot = tx.prefix.outputs.flatMap((o) =>
      amountFor(o, sender.viewPrivateKey, changeSpend),
    );
    assert.equal(tx.prefix.outputs.length, 2);
    assert.deepEqual(recipientGot, [amount]);
    assert.deepEqual(senderGot, [2n * fixture.valuePerOutput - amount - MOB_MINIMUM_FEE]);
  });
});

/** The amount an output pays to `spendPublic` as seen with `viewKey`, or nothing. */
function amountFor(o: TxOut, viewKey: Scalar, spendPublic: RistrettoPoint): bigint[] {
  try {
    const viewed = viewTxOut(o, viewKey);
    return viewed.subaddressSpendPublicKey.equals(spendPublic) ? [viewed.amount.value] : [];
  } catch {
    return []; // not readable with this key: someone else's output
  }
}

describe("wallet send against a node with a real enclave", () => {
  it("is accepted: the enclave decrypts it and finds it well formed", async () => {
    const run = await tool(sendArgs(["--to-account", "1", "--amount", "1000000000000"]));
    assert.equal(run.status, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(doc), ["tx_hash", "result", "block_count", "block_index"]);
    assert.equal(doc.result, "Ok");
    assert.equal(doc.block_count, BLOCKS);
    assert.equal(doc.block_index, null);
    assert.match(doc.tx_hash, /^[0-9a-f]{64}$/);
    assert.deepEqual(node.results, ["Ok"]);
    assert.equal(pendingEntries()[0]?.tx_hash, doc.tx_hash);
  });

  it("spends other outputs on the next send (the first one's key images are pending)", async () => {
    const run = await tool(sendArgs(["--to-account", "2", "--amount", "1000000000000"]));
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(node.results, ["Ok", "Ok"]);
    const [first, second] = pendingEntries();
    assert.ok(first !== undefined && second !== undefined, "two pending payments");
    assert.equal(second.tx_hash, JSON.parse(run.stdout).tx_hash);
    const shared = first.key_images.filter((k) => second.key_images.includes(k));
    assert.deepEqual(shared, [], "the two payments spend no output in common");
  });

  it("refuses more than the balance with one line, before anything reaches the node", async () => {
    const proposals = node.calls.get("ClientTxPropose");
    const auths = node.calls.get("Auth");
    const total = fixture.valuePerOutput * OUTPUTS_PER_ACCOUNT;
    const run = await tool(sendArgs(["--to-account", "1", "--amount", total.toString()]));
    assert.equal(run.status, 2);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /^wallet: INSUFFICIENT_FUNDS: insufficient funds: [^\n]*\n$/);
    assert.equal(node.calls.get("ClientTxPropose"), proposals);
    assert.equal(node.calls.get("Auth"), auths);
    assert.equal(pendingEntries().length, 2, "nothing new is pending");
  });

  it("names a refusal and its meaning, exits 1 and frees the outputs again", async () => {
    const run = await tool(sendArgs(["--to-account", "1", "--amount", "1000", "--fee", "1"]));
    assert.equal(run.status, 1);
    assert.equal(JSON.parse(run.stdout).result, "TxFeeError");
    assert.match(run.stderr, /^wallet send: refused: TxFeeError: the fee is below [^\n]*\n$/);
    assert.equal(node.results.at(-1), "TxFeeError");
    assert.equal(pendingEntries().length, 2, "the refused payment is not pending");
  });
  it("keeps one attested session for many payments through the library", async () => {
    const client = new NodeClient(node.uri);
    const auths = node.calls.get("Auth") ?? 0;
    const owned = new OwnedOutputs(account(7));
    try {
      const pay = () =>
        sendPayment({
          keysDir: fixture.keysDir,
          account: 7,
          to: publicAddressOf(account(8), 0n),
          amount: 2_000_000_000_000n,
          ledgerDir: fixture.walletLedger,
          node: client,
          verifier: insecureSwVerifier(),
          random: new SeededRandom(`library-payments-${node.results.length}`),
          nowMs: () => Date.now(),
          owned,
        });
      const first = await pay();
      const second = await pay();
      assert.deepEqual([first.outcome.name, second.outcome.name], ["Ok", "Ok"]);
      assert.equal(node.calls.get("Auth"), auths + 1, "one handshake for both");
      const firstImages = first.built.keyImages.map(toHex);
      assert.ok(second.built.keyImages.every((k) => !firstImages.includes(toHex(k))));
    } finally {
      client.close();
    }
  });

  it("pays a b58 address given with --to", async () => {
    const b58 = readFileSync(path.join(fixture.keysDir, "account_keys_3.b58pub"), "utf8").trim();
    const run = await tool(sendArgs(["--to", b58, "--amount", "5000000000000"]));
    assert.equal(run.status, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).result, "Ok");
    assert.equal(pendingEntries().length, 3);
  });
});

describe("status and wait-for-block", () => {
  it("status reports the node's config and chain, the block id being the ledger's last", async () => {
    const run = await tool(["status", "--node", node.uri, "--json"]);
    assert.equal(run.status, 0, run.stderr);
    const last = node.ledger.getBlock(BigInt(BLOCKS - 1));
    assert.deepEqual(JSON.parse(run.stdout), {
      responder_id: "wallet-test-node.local:8443",
      block_count: BLOCKS,
      block_version: BLOCK_VERSION,
      latest_block_id: toHex(last.id),
      minimum_fee: MOB_MINIMUM_FEE.toString(),
    });
  });

  it("wait-for-block exits 0 when the block exists and 1 at the timeout", async () => {
    const reached = await tool([
      "wait-for-block",
      "--node",
      node.uri,
      "--block",
      String(BLOCKS - 1),
    ]);
    assert.equal(reached.status, 0, reached.stderr);
    const missing = await tool([
      "wait-for-block",
      "--node",
      node.uri,
      "--block",
      String(BLOCKS),
      "--timeout-s",
      "1",
    ]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /not reached in 1 s/);
  });

  it("status over mc:// (TLS) with an openssl-made CA given as ?ca-bundle=", async () => {
    const dir = path.join(fixture.dir, "tls");
    mkdirSync(dir);
    const ssl = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
    ssl(
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"].concat([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=wallet test CA",
      ]),
    );
    ssl(
      ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"].concat([
        "-keyout",
        "node.key",
        "-out",
        "node.csr",
        "-subj",
        "/CN=localhost",
      ]),
    );
    writeFileSync(path.join(dir, "san.ext"), "subjectAltName=DNS:localhost\n");
    ssl(
      ["x509", "-req", "-in", "node.csr", "-CA", "ca.pem", "-CAkey", "ca.key"].concat([
        "-CAcreateserial",
        "-out",
        "node.pem",
        "-days",
        "2",
        "-extfile",
        "san.ext",
      ]),
    );
    const read = (f: string) => readFileSync(path.join(dir, f));
    const credentials = ServerCredentials.createSsl(null, [
      { private_key: read("node.key"), cert_chain: read("node.pem") },
    ]);
    const tlsNode = await startTestNode(fixture.walletLedger, enclave, credentials);
    try {
      const port = new URL(tlsNode.uri.replace("insecure-mc", "http")).port;
      const ca = path.join(dir, "ca.pem");
      const run = await tool([
        "status",
        "--node",
        `mc://localhost:${port}/?ca-bundle=${ca}`,
        "--json",
      ]);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(JSON.parse(run.stdout).block_count, BLOCKS);
      // Without the CA the node's certificate is not trusted: a negative answer, one line.
      const untrusted = await tool(["status", "--node", `mc://localhost:${port}/`]);
      assert.equal(untrusted.status, 1);
      assert.match(untrusted.stderr, /^status: the node: [^\n]*\n$/);
    } finally {
      await tlsNode.close();
    }
  });

  it("exits 1 with one line when the node cannot be reached", async () => {
    const run = await tool(["status", "--node", "insecure-mc://127.0.0.1:1/"]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^status: the node: [^\n]*\n$/);
  });

  it("refuses a URI of the wrong kind with one line", async () => {
    const run = await tool(["status", "--node", "insecure-mcp://127.0.0.1:1/"]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^status: INVALID_URI: [^\n]*\n$/);
  });
});

describe("following a transaction in the ledger", () => {
  it("finds an output's block, a spent key image's block, and the tombstone", () => {
    const ledger = openLedgerReadOnly(fixture.walletLedger);
    try {
      const lastOutput = ledger.getTxOutByIndex(ledger.numTxOuts() - 1n);
      const spent = ledger.getKeyImagesByBlock(1n)[0]!;
      const absent = { outputPublicKey: new Uint8Array(32).fill(7), keyImages: [] };
      assert.deepEqual(
        txFateIn(ledger, { outputPublicKey: lastOutput.publicKey, keyImages: [] }, 100n),
        { status: "included", blockIndex: BigInt(BLOCKS - 1) },
      );
      assert.deepEqual(txFateIn(ledger, { ...absent, keyImages: [spent] }, 100n), {
        status: "conflict",
        blockIndex: 1n,
      });
      assert.deepEqual(txFateIn(ledger, absent, BigInt(BLOCKS)), { status: "expired" });
      assert.equal(txFateIn(ledger, absent, BigInt(BLOCKS) + 1n), undefined);
    } finally {
      ledger.close();
    }
  });
});

describe("wallet send --wait, then wallet balance, over the node's own ledger", () => {
  const balance = async (i: number) => {
    const run = await tool([
      "wallet",
      "balance",
      "--keys-dir",
      fixture.keysDir,
      "--account",
      String(i),
      "--ledger-db",
      fixture.nodeLedger,
      "--json",
    ]);
    assert.equal(run.status, 0, run.stderr);
    return BigInt(JSON.parse(run.stdout).balance);
  };

  it("follows the ledger to the block the enclave formed, and the balances move by amount + fee", async () => {
    const start = fixture.valuePerOutput * OUTPUTS_PER_ACCOUNT;
    assert.equal(await balance(5), start);
    const amount = 3_000_000_000_000n;
    node.commit = true;
    let run: Awaited<ReturnType<typeof tool>>;
    try {
      run = await tool([
        ...sendArgs([
          "--to-account",
          "6",
          "--amount",
          amount.toString(),
          "--wait",
          "--timeout-s",
          "60",
        ]),
        "--account",
        "5",
        "--ledger-db",
        fixture.nodeLedger,
      ]);
    } finally {
      node.commit = false;
    }
    assert.equal(run.status, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.equal(doc.result, "Ok");
    assert.equal(doc.block_index, BLOCKS, "the first block after the origin ledger");
    assert.equal(node.ledger.numBlocks(), BigInt(BLOCKS + 1));
    assert.equal(await balance(5), start - amount - MOB_MINIMUM_FEE);
    assert.equal(await balance(6), start + amount);
  });
});
