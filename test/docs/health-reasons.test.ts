// Goal: every health reason, slot-wait reason and admin HTTP error code in the code has exactly one
// row in docs/OPERATIONS.md ("Health reasons"), and no row names a code the code does not have.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ADMIN_HTTP_ERROR_CODES,
  LIVENESS_CODES,
  READINESS_CODES,
  WAIT_CODES,
} from "../../src/node/index.js";
import { readRepoFile, sections, tableRows } from "./markdown.js";

const SECTIONS = sections(readRepoFile("docs/OPERATIONS.md"));

function codesIn(title: string): string[] {
  const found = SECTIONS.filter((s) => s.level === 3 && s.title === title);
  assert.equal(found.length, 1, `one "### ${title}" section`);
  return tableRows(found[0]!.body).map((r) => /^`([^`]+)`$/.exec(r[0] ?? "")?.[1] ?? `?${r[0]}`);
}

describe("docs/OPERATIONS.md: health reasons", () => {
  const cases: [string, readonly string[]][] = [
    ["Readiness and liveness", [...READINESS_CODES, ...LIVENESS_CODES]],
    ["Why a slot waits", WAIT_CODES],
    ["Admin HTTP errors", ADMIN_HTTP_ERROR_CODES],
  ];
  for (const [title, codes] of cases)
    it(`${title}: one row per code`, () => {
      const rows = codesIn(title);
      assert.deepEqual([...rows].sort(), [...codes].sort());
      assert.equal(new Set(rows).size, rows.length, "no code twice");
    });
});
