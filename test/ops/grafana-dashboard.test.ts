import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readRepoFile } from "../docs/markdown.js";
import { familyOf, MOBILECOIN_METRICS, OUR_METRICS } from "./metric-names.js";
import { type Selector, selectors } from "./promql.js";

// ops/grafana-dashboard.json: valid JSON in Grafana's dashboard shape, panels laid out without
// overlap, every query over a metric named in ops/alerts.yml, MobileCoin's list (reference §9.1) or
// our documented mcts_ families, filtered by the dashboard's instance variable.

interface Target {
  refId: string;
  expr: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}

const DASHBOARD = JSON.parse(readRepoFile("ops/grafana-dashboard.json")) as {
  title: string;
  uid: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; definition?: string }[] };
};
const PANELS = DASHBOARD.panels;
const QUERIES = PANELS.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, ...t })));

/** Metric names the alert rules use, read from the file's `expr:` lines. */
function alertMetrics(): Set<string> {
  const text = readRepoFile("ops/alerts.yml");
  return new Set(
    [...text.matchAll(/\b(?:mcts|consensus|ledger|node|pending)_\w+|\bup\{/g)].map((m) =>
      familyOf(m[0].replace(/\{$/, "")),
    ),
  );
}

function checkSelector(s: Selector, where: string, known: Set<string>): void {
  const family = familyOf(s.name);
  assert.ok(known.has(family), `${where}: ${s.name} is not a known metric`);
  const op = s.labels.get("op");
  if (op !== undefined)
    assert.ok(MOBILECOIN_METRICS[family]?.includes(op), `${where}: ${family}{op="${op}"}`);
}

describe("ops/grafana-dashboard.json", () => {
  it("is a Grafana dashboard with an instance variable and uniquely numbered panels", () => {
    assert.ok(DASHBOARD.title.length > 0 && DASHBOARD.uid.length > 0);
    assert.equal(typeof DASHBOARD.schemaVersion, "number");
    const variables = DASHBOARD.templating.list.map((v) => v.name);
    assert.deepEqual(variables.sort(), ["datasource", "instance"]);
    const ids = PANELS.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const p of PANELS) {
      assert.ok(["row", "stat", "timeseries", "state-timeline"].includes(p.type), p.title);
      if (p.type === "row") continue;
      assert.ok((p.targets ?? []).length > 0, `${p.title}: a query`);
      const refIds = p.targets!.map((t) => t.refId);
      assert.equal(new Set(refIds).size, refIds.length, `${p.title}: refIds`);
    }
  });

  it("lays the panels out on the 24-column grid without overlap", () => {
    const boxes = PANELS.map((p) => ({ t: p.title, ...p.gridPos }));
    for (const b of boxes) assert.ok(b.x >= 0 && b.w > 0 && b.h > 0 && b.x + b.w <= 24, b.t);
    for (const [i, a] of boxes.entries())
      for (const b of boxes.slice(i + 1)) {
        const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
        assert.ok(apart, `"${a.t}" overlaps "${b.t}"`);
      }
  });

  it("queries only metrics of ops/alerts.yml, MobileCoin's list and our documented ones", () => {
    const manual = readRepoFile("docs/OPERATIONS.md");
    const ours = OUR_METRICS.filter((n) => manual.includes(`\`${n}`));
    const known = new Set([...alertMetrics(), ...Object.keys(MOBILECOIN_METRICS), ...ours]);
    assert.ok(QUERIES.length > 10);
    for (const q of QUERIES) {
      const used = selectors(q.expr);
      assert.ok(used.length > 0, `${q.panel}: a metric in ${q.expr}`);
      for (const s of used) {
        checkSelector(s, q.panel, known);
        assert.equal(s.labels.get("instance"), "$instance", `${q.panel}: filtered by $instance`);
      }
    }
    const variable = DASHBOARD.templating.list.find((v) => v.name === "instance");
    for (const s of selectors(
      variable?.definition?.replace(/^label_values\((.*), \w+\)$/, "$1") ?? "",
    ))
      checkSelector(s, "the instance variable", known);
  });

  it("shows block height and rate, slot phase, pending values, latency, peers and validation errors", () => {
    const uses = (family: string, op?: string): boolean =>
      QUERIES.some((q) =>
        selectors(q.expr).some(
          (s) => familyOf(s.name) === family && (op === undefined || s.labels.get("op") === op),
        ),
      );
    assert.ok(uses("ledger_db_gauge", "num_blocks"), "block height");
    assert.ok(uses("ledger_db_counter", "blocks_written_count"), "block rate");
    assert.ok(uses("consensus_scp_gauge", "cur_slot_phase"), "slot phase");
    assert.ok(uses("consensus_scp_gauge", "cur_num_pending_values"), "pending values");
    assert.ok(uses("pending_value_processing_time"), "transaction latency");
    assert.ok(uses("mcts_peer_connection_state") && uses("mcts_peer_last_heard_at"), "peers");
    assert.ok(uses("consensus_service_tx_validation_errors"), "validation errors");
  });
});
