import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import * as command from "../../src/cli/command.js";
import { MintValidationResultCode } from "../../src/proto/consensus_client_pb.js";
import { rpcStatusOf } from "../../src/rpc/errors.js";
import { PROPOSE_TX_RESULT } from "../../src/transaction/errors.js";
import { CodedError } from "../../src/util/errors.js";
import { ERROR_TABLES, type ErrorTable } from "./error-tables.js";
import { anchors, REPO_ROOT, readRepoFile, type Section, sections, tableRows } from "./markdown.js";

// docs/OPERATIONS.md against the code: every error code has a row with the gRPC status the one
// error map gives it, no row names a code that does not exist, every exit code has a row.

const MANUAL = readRepoFile("docs/OPERATIONS.md");
const SECTIONS = sections(MANUAL);

function section(title: string, level: number): Section {
  const found = SECTIONS.filter((s) => s.title === title && s.level === level);
  assert.equal(found.length, 1, `docs/OPERATIONS.md: one "${"#".repeat(level)} ${title}" section`);
  return found[0]!;
}

/** What a gRPC caller sees for a code, as the manual's gRPC column writes it. */
function expectedStatus(table: ErrorTable, code: string): string {
  if (table.status === "propose-tx-result")
    return `OK (${PROPOSE_TX_RESULT[code as keyof typeof PROPOSE_TX_RESULT]})`;
  if (table.status === "mint-validation-result")
    return `OK (${MintValidationResultCode[code as keyof typeof MintValidationResultCode]})`;
  const error = table.make?.(code) ?? new CodedError(code, {});
  return status[rpcStatusOf(error).code];
}

/** Class names of every `extends CodedError` in src/ (tests left out). */
function codedErrorClassesInSrc(): string[] {
  const src = path.join(REPO_ROOT, "src");
  const files = readdirSync(src, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
  return files.flatMap((f) =>
    [...readFileSync(path.join(src, f), "utf8").matchAll(/class (\w+) extends CodedError\b/g)].map(
      (m) => m[1]!,
    ),
  );
}

describe("docs/OPERATIONS.md: the errors manual", () => {
  it("has a table for every CodedError class in src/ (new classes must be added to error-tables.ts)", () => {
    const listed = new Set(ERROR_TABLES.map((t) => t.errorClass));
    const missing = codedErrorClassesInSrc().filter((c) => !listed.has(c));
    assert.deepEqual(missing, [], `add these classes to test/docs/error-tables.ts and the manual`);
  });

  it("has exactly the error tables of the code, one section each under Error codes", () => {
    const errorCodes = section("Error codes", 2);
    const inManual = SECTIONS.filter(
      (s) => s.level === 3 && errorCodes.body.includes(`### ${s.title}`),
    ).map((s) => s.title);
    assert.deepEqual(inManual.sort(), ERROR_TABLES.map((t) => t.errorClass).sort());
  });

  for (const table of ERROR_TABLES) {
    it(`${table.errorClass}: one row per code, each with its gRPC status`, () => {
      const rows = tableRows(section(table.errorClass, 3).body);
      const codes = rows.map((r) => /^`([^`]+)`$/.exec(r[0] ?? "")?.[1] ?? `(not a code: ${r[0]})`);
      const missing = table.codes.filter((c) => !codes.includes(c));
      const unknown = codes.filter((c) => !table.codes.includes(c));
      const twice = codes.filter((c, i) => codes.indexOf(c) !== i);
      assert.deepEqual(
        { missing, unknown, twice },
        { missing: [], unknown: [], twice: [] },
        `${table.errorClass} (${table.file}) vs docs/OPERATIONS.md`,
      );
      for (const [i, row] of rows.entries()) {
        assert.equal(row.length, 4, `${table.errorClass} row ${codes[i]}: 4 cells`);
        assert.equal(row[1], expectedStatus(table, codes[i]!), `${codes[i]}: gRPC column`);
        assert.ok(row[2]!.length > 0 && row[3]!.length > 0, `${codes[i]}: meaning and action`);
      }
    });
  }

  it("names only codes that exist where the prose pairs a class with a code", () => {
    const byClass = new Map(ERROR_TABLES.map((t) => [t.errorClass, t.codes]));
    const pairs = [...MANUAL.matchAll(/`(\w+Error)` `(\w+)`/g)].map((m) => [m[1]!, m[2]!] as const);
    assert.ok(pairs.length > 10, "the fatal conditions name their classes and codes");
    const wrong = pairs.filter(([cls, code]) => !byClass.get(cls)?.includes(code));
    assert.deepEqual(wrong, []);
  });

  it("lists every exit code of consensus-service and consensus-tool", () => {
    const exits = Object.entries(command)
      .filter(([name]) => name.startsWith("EXIT_"))
      .map(([, value]) => String(value))
      .sort();
    assert.ok(exits.length >= 3);
    const body = section("Exit codes", 2).body;
    const toolAt = body.findIndex((l) => l.startsWith("`consensus-tool`"));
    assert.ok(toolAt > 0, "a consensus-tool table after the consensus-service one");
    for (const part of [body.slice(0, toolAt), body.slice(toolAt)]) {
      const listed = tableRows(part).map((r) => r[0]);
      assert.deepEqual([...listed].sort(), exits);
    }
  });

  it("has a target for every in-page link", () => {
    const targets = anchors(MANUAL);
    const links = [...MANUAL.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    assert.ok(links.length > 0);
    assert.deepEqual(
      links.filter((l) => !targets.has(l)),
      [],
    );
  });
});
