// Goal: RUST_LOG-style filters parse as env_logger reads them and change what a real pino logger
// tree writes at run time; bad texts are typed LOG_FILTER_INVALID refusals that leave the filter
// in force. Method: a pino root made with the filter's options writing into an array; lines are
// counted by level and module after each `set`.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import { LogFilterError, parseLogFilter, RuntimeLogFilter } from "./log-filter.js";

function setup(text: string) {
  const lines: { level: number; module?: string; msg: string }[] = [];
  const filter = new RuntimeLogFilter(text);
  const root = pino(filter.pinoOptions(), { write: (s: string) => void lines.push(JSON.parse(s)) });
  filter.attach(root);
  return { lines, filter, root };
}

function emitAll(root: pino.Logger) {
  const scp = root.child({ module: "scp" });
  const deep = root.child({ module: "scp::slot" });
  const ledger = root.child({ module: "ledger" });
  for (const logger of [root, scp, deep, ledger]) {
    logger.trace("t");
    logger.debug("d");
    logger.info("i");
    logger.error("e");
  }
}

describe("log filter parsing", () => {
  it("reads levels, module directives and bare modules", () => {
    const f = parseLogFilter("WARN,scp=trace,ledger");
    assert.equal(f.defaultLevel, 40);
    assert.deepEqual(
      f.modules.map((d) => [d.module, d.level]),
      [
        ["ledger", 10],
        ["scp", 10],
      ],
    );
    assert.equal(parseLogFilter("").defaultLevel, 30);
    assert.equal(parseLogFilter("scp=debug").defaultLevel, Number.POSITIVE_INFINITY);
    assert.equal(parseLogFilter("off").defaultLevel, Number.POSITIVE_INFINITY);
  });

  it("refuses texts that are not filters with LOG_FILTER_INVALID", () => {
    for (const bad of [
      "scp=loud",
      "=info",
      "a=b=c",
      "info,mc/foo",
      "x".repeat(2000),
      "sc p=info",
    ]) {
      assert.throws(
        () => parseLogFilter(bad),
        (e: unknown) => e instanceof LogFilterError && e.code === "LOG_FILTER_INVALID",
        bad,
      );
    }
  });
});

describe("log filter at run time", () => {
  it("applies the default level to the whole tree and changes it", () => {
    const { lines, filter, root } = setup("info");
    emitAll(root);
    assert.equal(lines.length, 8, "info and error from 4 loggers");
    lines.length = 0;
    filter.set("debug");
    emitAll(root);
    assert.equal(lines.length, 12);
    assert.equal(filter.text, "debug");
    lines.length = 0;
    filter.set("error");
    emitAll(root);
    assert.deepEqual(
      lines.map((l) => l.msg),
      ["e", "e", "e", "e"],
    );
  });

  it("applies module directives by child binding, longest match first", () => {
    const { lines, filter, root } = setup("error,scp=debug,scp::slot=trace");
    emitAll(root);
    const by = (m: string | undefined) => lines.filter((l) => l.module === m).map((l) => l.msg);
    assert.deepEqual(by(undefined), ["e"]);
    assert.deepEqual(by("scp"), ["d", "i", "e"]);
    assert.deepEqual(by("scp::slot"), ["t", "d", "i", "e"]);
    assert.deepEqual(by("ledger"), ["e"]);
    lines.length = 0;
    filter.set("scp=info");
    emitAll(root);
    assert.deepEqual(
      lines.map((l) => `${l.module}:${l.msg}`),
      ["scp:i", "scp:e", "scp::slot:i", "scp::slot:e"],
    );
  });

  it("matches a module directive only at a path boundary", () => {
    const { lines, root } = setup("error,scp=trace");
    root.child({ module: "scpx" }).debug("not scp");
    root.child({ module: "scp.slot" }).debug("under scp");
    root.child({ module: "scp/slot" }).debug("under scp too");
    assert.deepEqual(
      lines.map((l) => l.msg),
      ["under scp", "under scp too"],
    );
  });

  it("keeps the filter in force when a new text is refused", () => {
    const { lines, filter, root } = setup("info");
    assert.throws(() => filter.set("info,scp=shout"), LogFilterError);
    assert.equal(filter.text, "info");
    emitAll(root);
    assert.equal(lines.length, 8);
  });
});
