// Goal: `consensus-tool scp-dump DIR` turns an --scp-debug-dump folder into the same stuck-slot
// view the live node serves at /scp (issue 13): same slot, same statements, same reasons to wait.
// Method: four in-process validators (test/node/admin-world.ts), n0 writing a dump; two nodes are
// stopped and n0 is given a transaction it cannot close; then the real consensus-tool process reads
// the folder and its JSON is compared with n0's live view. Also: an empty folder exits 1.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { prepareWallet, type WalletTx } from "../../src/sim/index.js";
import {
  ADMIN_IDS,
  closeWorld,
  makeAdminWorld,
  runUntil,
  spent,
  stopNode,
  submit,
} from "../node/admin-world.js";

const TOOL = path.resolve("bin/consensus-tool.mjs");
const SEED = process.env.SCP_DUMP_SEED ?? "scp-dump-1";
const wallet = prepareWallet(SEED, 4);
const dir = mkdtempSync(path.join(tmpdir(), "scp-dump-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function tool(...args: string[]) {
  const r = spawnSync(process.execPath, [TOOL, "scp-dump", ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe(`consensus-tool scp-dump (seed ${SEED})`, () => {
  it("gives the live /scp view of a stuck slot from the dump folder", async () => {
    wallet.wallet.rewind();
    const dumpDir = path.join(dir, "dump");
    const w = await makeAdminWorld(SEED, wallet, dumpDir);
    const nodes = ADMIN_IDS.map((id) => w.nodes.get(id)!);
    const first = wallet.wallet.next() as WalletTx;
    await submit(w, nodes[1]!, first);
    await runUntil(w, () => nodes.every((n) => spent(n, first)), "a first block everywhere");
    await stopNode(w, nodes[2]!);
    await stopNode(w, nodes[3]!);
    const n0 = nodes[0]!;
    await submit(w, nodes[1]!, wallet.wallet.next() as WalletTx);
    await runUntil(w, () => n0.status.scp().statements.length >= 2, "n0 and n1 on the new slot");
    const live = n0.status.scp();
    const r = tool(dumpDir, "--json");
    assert.equal(r.code, 0, r.stderr);
    const offline = JSON.parse(r.stdout);
    assert.equal(offline.node, n0.id);
    assert.equal(offline.slot, live.slot);
    assert.deepEqual(offline.statements, live.statements, `seed ${SEED}`);
    assert.deepEqual(
      offline.waiting.map((x: { code: string }) => x.code),
      live.waiting.map((x) => x.code).filter((c) => c !== "TX_FETCH"),
      JSON.stringify({ offline: offline.waiting, live: live.waiting }),
    );
    assert.ok(offline.waiting.length > 0, "a reason to wait");
    await closeWorld(w);
  });

  it("exits 1 with one line for a folder without a dump, 2 for a missing folder", () => {
    const empty = mkdtempSync(path.join(dir, "empty-"));
    const r = tool(empty);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.equal(tool(path.join(dir, "absent")).code, 2);
  });
});
