// Goal: the tree obeys SPEC §3 (see test/tidy/layering.ts for the rules).
// Method: read every .ts file under src/ and run the checker; print each violation with its place.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import { checkTree, formatViolation, type SourceFile } from "./tidy/layering.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

it("src/ follows the layering, surface, package and purity rules", () => {
  const files: SourceFile[] = readdirSync(path.join(root, "src"), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => {
      const rel = path.join("src", f).split(path.sep).join("/");
      return { path: rel, text: readFileSync(path.join(root, rel), "utf8") };
    });
  assert.ok(files.length > 0, "no source files found");
  const violations = checkTree(files);
  assert.deepEqual(violations.map(formatViolation), []);
});
