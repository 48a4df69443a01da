import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { anchors, REPO_ROOT, readRepoFile, sections, slug } from "../docs/markdown.js";
import { familyOf, MOBILECOIN_METRICS, OTHER_METRICS, OUR_METRICS } from "./metric-names.js";
import { selectors } from "./promql.js";
import { parseYamlSubset, type Yaml } from "./yaml-subset.js";

// ops/alerts.yml: promtool's own checks and unit tests (ops/alerts.test.yml) where promtool is
// installed, and everywhere a structural check: every alert has a severity, a summary, a
// description and a runbook link to its section of docs/OPERATIONS.md, and uses known metrics.

const MANUAL = readRepoFile("docs/OPERATIONS.md");

interface Rule {
  readonly alert: string;
  readonly expr: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

function asObject(value: Yaml | undefined, what: string): { [key: string]: Yaml } {
  assert.ok(typeof value === "object" && !Array.isArray(value), `${what} is a mapping`);
  return value;
}

function asStrings(value: Yaml | undefined, what: string): Record<string, string> {
  const o = asObject(value, what);
  for (const [k, v] of Object.entries(o)) assert.equal(typeof v, "string", `${what}.${k}`);
  return o as Record<string, string>;
}

function rules(): Rule[] {
  const top = asObject(parseYamlSubset(readRepoFile("ops/alerts.yml")), "the file");
  assert.deepEqual(Object.keys(top), ["groups"]);
  assert.ok(Array.isArray(top.groups) && top.groups.length > 0);
  return top.groups.flatMap((g, i) => {
    const group = asObject(g, `groups[${i}]`);
    assert.equal(typeof group.name, "string");
    assert.ok(Array.isArray(group.rules), `groups[${i}].rules`);
    return group.rules.map((r, j) => {
      const rule = asObject(r, `groups[${i}].rules[${j}]`);
      const extra = Object.keys(rule).filter(
        (k) => !["alert", "expr", "for", "labels", "annotations"].includes(k),
      );
      assert.deepEqual(extra, [], `rule ${j}: known keys only`);
      assert.equal(typeof rule.alert, "string", `rule ${j}: an alert, not a recording rule`);
      assert.equal(typeof rule.expr, "string");
      assert.match(String(rule.for), /^\d+[smh]$/, `${rule.alert}: for`);
      return {
        alert: rule.alert as string,
        expr: rule.expr as string,
        labels: asStrings(rule.labels, `${rule.alert}.labels`),
        annotations: asStrings(rule.annotations, `${rule.alert}.annotations`),
      };
    });
  });
}

function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync("promtool", args, { cwd: path.join(REPO_ROOT, "ops"), encoding: "utf8" });
  return { status: run.error ? null : run.status, output: `${run.stdout}${run.stderr}` };
}

const HAS_PROMTOOL = promtool("--version").status === 0;

describe("ops/alerts.yml", () => {
  it("covers the alerts of issue 13, each with severity, summary, description and runbook", () => {
    const all = rules();
    const names = all.map((r) => r.alert);
    for (const wanted of [
      "ConsensusNodeBehind",
      "ConsensusNoBlockWhilePending",
      "ConsensusPeerDown",
      "ConsensusQuorumAtRisk",
      "ConsensusAttestationEvidenceExpiring",
      "ConsensusPendingValuesNearLimit",
      "ConsensusValidationErrorSpike",
      "ConsensusDiskFilling",
    ])
      assert.ok(names.includes(wanted), wanted);
    assert.equal(new Set(names).size, names.length, "alert names are unique");
    for (const r of all) {
      assert.match(r.labels.severity ?? "", /^(warning|critical)$/, `${r.alert}: severity`);
      assert.deepEqual(Object.keys(r.annotations).sort(), [
        "description",
        "runbook_url",
        "summary",
      ]);
      assert.ok(r.annotations.summary!.length > 10 && r.annotations.description!.length > 20);
    }
  });

  it("links every alert to its own section of docs/OPERATIONS.md, and documents no other", () => {
    const targets = anchors(MANUAL);
    const alertsSection = sections(MANUAL).find((s) => s.level === 2 && s.title === "Alerts");
    assert.ok(alertsSection !== undefined);
    const documented = alertsSection.body
      .filter((l) => /^### Consensus\w+$/.test(l))
      .map((l) => l.slice(4));
    const all = rules();
    assert.deepEqual(documented.sort(), all.map((r) => r.alert).sort());
    for (const r of all) {
      assert.equal(r.annotations.runbook_url, `docs/OPERATIONS.md#${slug(r.alert)}`);
      assert.ok(targets.has(slug(r.alert)), `${r.alert}: anchor exists`);
    }
  });

  it("uses only MobileCoin's metric names, ours (documented) and Prometheus/node_exporter's", () => {
    const known = new Set([...Object.keys(MOBILECOIN_METRICS), ...OUR_METRICS, ...OTHER_METRICS]);
    for (const r of rules()) {
      const used = selectors(r.expr);
      assert.ok(used.length > 0, `${r.alert}: a metric`);
      for (const s of used) {
        const family = familyOf(s.name);
        assert.ok(known.has(family), `${r.alert}: unknown metric ${s.name}`);
        const ops = MOBILECOIN_METRICS[family];
        const op = s.labels.get("op");
        if (op !== undefined) assert.ok(ops?.includes(op), `${r.alert}: ${family}{op="${op}"}`);
      }
    }
    for (const name of OUR_METRICS.filter((n) => rules().some((r) => r.expr.includes(n))))
      assert.ok(MANUAL.includes(`\`${name}`), `docs/OPERATIONS.md lists ${name}`);
  });

  it("passes promtool check rules and the unit tests in ops/alerts.test.yml", (t) => {
    if (!HAS_PROMTOOL) {
      t.skip("promtool not installed (Debian package prometheus)");
      return;
    }
    const check = promtool("check", "rules", "alerts.yml");
    assert.equal(check.status, 0, check.output);
    const unit = promtool("test", "rules", "alerts.test.yml");
    assert.equal(unit.status, 0, unit.output);
    assert.match(unit.output, /SUCCESS/);
  });
});
