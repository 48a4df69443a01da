// Goal: the dashboard at GET / works in a real browser (issue 13): opened in Debian's headless
// Chromium (driven by playwright-core), it shows the block height /info reports, and the number
// changes as blocks close; the quorum graph colours the members; a screenshot of the live page is
// saved (its path is printed as a test diagnostic).
// Method: four validators in one process on a virtual clock (test/node/admin-world.ts), n0's admin
// HTTP server on loopback. The test closes blocks by submitting transactions and firing timers,
// and waits on the page's DOM (no sleeps). Without Chromium the test is skipped with one line,
// unless MCTS_REQUIRE_BROWSER=1 (set by .ci/run), where a missing browser fails it.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { adminInfoJson, startAdminHttp } from "../../src/node/index.js";
import { RuntimeLogFilter } from "../../src/node/log-filter.js";
import { consensusConfigJson } from "../../src/rpc/index.js";
import { prepareWallet, type WalletTx } from "../../src/sim/index.js";
import {
  ADMIN_IDS,
  type AdminNode,
  type AdminWorld,
  closeWorld,
  makeAdminWorld,
  runUntil,
  spent,
  submit,
} from "../node/admin-world.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const REQUIRED = process.env.MCTS_REQUIRE_BROWSER === "1";
const present = existsSync(CHROMIUM);
if (!present && REQUIRED) throw new Error(`MCTS_REQUIRE_BROWSER=1 but no Chromium at ${CHROMIUM}`);
const skip = present ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;

const SEED = process.env.DASHBOARD_SEED ?? "dashboard-1";
const wallet = prepareWallet(SEED, 6);
/** How long the page may take to show a change (real time: the page polls every second). */
const PAGE_WAIT_MS = 30_000;

function info(w: AdminWorld, n: AdminNode, filter: RuntimeLogFilter) {
  return adminInfoJson({
    name: "Consensus Service",
    id: n.id,
    buildInfoJson: "{}",
    logFilter: () => filter.text,
    configJson: () =>
      consensusConfigJson({
        config: {
          publicKey: n.signer.publicKey,
          peerResponderId: n.id,
          clientResponderId: n.id,
          networkPath: "network.toml",
          peerListenUri: "insecure-mcp://127.0.0.1:0/",
          clientListenUri: "insecure-mc://127.0.0.1:0/",
          adminListenUri: null,
          ledgerPath: "memory",
          scpDebugDump: null,
          clientAuthTokenEnabled: false,
          clientAuthTokenMaxLifetimeSeconds: 0,
        },
        network: {},
        status: {
          blockHeight: n.ledger.numBlocks(),
          version: "test",
          broadcastPeerCount: w.ids.length - 1,
          knownPeerCount: 0,
          behind: false,
          peerBlockHeight: n.ledger.numBlocks(),
          latestBlockId: n.ledger.getBlock(n.ledger.numBlocks() - 1n).id,
          latestBlockSignedAt: null,
        },
      }),
  });
}

describe(`dashboard in headless Chromium (seed ${SEED})`, () => {
  it("shows /info's block height, follows closing blocks, colours the quorum, and is saved as a screenshot", {
    skip,
  }, async (t) => {
    const { chromium } = await import("playwright-core");
    wallet.wallet.rewind();
    const w = await makeAdminWorld(SEED, wallet);
    const nodes = ADMIN_IDS.map((id) => w.nodes.get(id)!);
    const n0 = nodes[0]!;
    const filter = new RuntimeLogFilter("info");
    const server = await startAdminHttp("http://127.0.0.1:0/", {
      status: n0.status,
      metricsText: async () => "",
      metricsContentType: "text/plain",
      info: () => info(w, n0, filter),
      logFilter: () => filter.text,
      setLogFilter: (x) => filter.set(x),
    });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(server.url);
      const heightOnInfo = async () =>
        JSON.parse(
          ((await (await fetch(new URL("/info", server.url))).json()) as { config_json: string })
            .config_json,
        ).status.block_height as number;
      const shows = (h: number) =>
        page.waitForFunction(
          // A string: it runs in the page (this file is type-checked without the DOM library).
          `document.getElementById("block-height")?.textContent === "${h}"`,
          undefined,
          { timeout: PAGE_WAIT_MS },
        );
      const before = await heightOnInfo();
      await shows(before);
      for (let i = 0; i < 2; i++) {
        const tx = wallet.wallet.next() as WalletTx;
        await submit(w, nodes[1]!, tx);
        await runUntil(w, () => nodes.every((n) => spent(n, tx)), `block ${i + 1}`);
        const now = await heightOnInfo();
        assert.ok(now > before, `a block closed (seed ${SEED})`);
        await shows(now);
      }
      const after = Number(await page.textContent("#block-height"));
      assert.equal(after, await heightOnInfo(), "the page shows /info's height");
      assert.ok(after >= before + 2, `the page followed two blocks (${before} → ${after})`);
      const states = await page.$$eval("#quorum-graph circle", (cs) =>
        cs.map((c) => c.getAttribute("data-state")),
      );
      assert.deepEqual(states.sort(), ["agreeing", "agreeing", "agreeing", "self"]);
      assert.equal(await page.textContent("#ready"), "ready");
      assert.ok((await page.$$("#chart-height canvas")).length > 0, "uPlot drew the height chart");
      assert.deepEqual(errors, [], "no script errors on the page");
      const shot = path.join(mkdtempSync(path.join(tmpdir(), "dashboard-")), "dashboard.png");
      await page.screenshot({ path: shot, fullPage: true });
      assert.ok(existsSync(shot));
      t.diagnostic(`screenshot: ${shot}`);
    } finally {
      await browser.close();
      await server.close();
      await closeWorld(w);
    }
  });
});
