/** The metric selectors of a PromQL (or Grafana-templated PromQL) expression. */
export interface Selector {
  readonly name: string;
  readonly labels: ReadonlyMap<string, string>;
}

const NOT_METRICS = new Set([
  "and",
  "or",
  "unless",
  "bool",
  "offset",
  "inf",
  "nan",
  // Aggregations take their parameters in parentheses too, but `sum by (x) (…)` puts a clause first.
  "sum",
  "min",
  "max",
  "avg",
  "count",
  "topk",
  "bottomk",
  "quantile",
  "stddev",
]);

/**
 * Function calls and aggregations are recognised by the parenthesis after them; grouping clauses
 * (`by (…)`, `on (…)`) hold label names, ranges (`[5m]`) hold durations: both are dropped first.
 */
export function selectors(expr: string): Selector[] {
  const braces: string[] = [];
  const text = expr
    .replace(/\{[^}]*\}/g, (m) => `{_${braces.push(m) - 1}_}`)
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/(?<![\w:])\d+(\.\d+)?(e[+-]?\d+)?(?![\w:])/gi, " ");
  const out: Selector[] = [];
  for (const m of text.matchAll(/([a-zA-Z_:][\w:]*)\s*(\{_(\d+)_\})?\s*(\()?/g)) {
    const [, name, , braceIndex, call] = m;
    if (call !== undefined || NOT_METRICS.has(name!.toLowerCase())) continue;
    const matchers = braceIndex === undefined ? "" : braces[Number(braceIndex)]!;
    const labels = new Map(
      [...matchers.matchAll(/(\w+)\s*=\s*"([^"]*)"/g)].map((l) => [l[1]!, l[2]!] as const),
    );
    out.push({ name: name!, labels });
  }
  return out;
}
