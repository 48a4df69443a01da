// Goal: a path flag's problem is found before anything is written (issue 8 §4): a file where a
// directory is wanted, a path under a file, a directory where a file is wanted.
// Method: a temp directory with one regular file; tests run as root, so permission bits are not
// used (root ignores them).
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { directoryProblem, fileProblem } from "./paths.js";

const dir = mkdtempSync(path.join(tmpdir(), "paths-"));
const aFile = path.join(dir, "a-file");
writeFileSync(aFile, "");

describe("path problems", () => {
  it("directories: existing or creatable is fine; a file or a path under one is not", () => {
    assert.equal(directoryProblem(dir), undefined);
    assert.equal(directoryProblem(path.join(dir, "new", "deeper")), undefined);
    assert.equal(directoryProblem(aFile), "is a file, not a directory");
    assert.equal(
      directoryProblem(path.join(aFile, "x", "y")),
      `lies under ${aFile}, which is a file, not a directory`,
    );
  });

  it("files: a directory is not a file, and the file's directory must be usable", () => {
    assert.equal(fileProblem(aFile), undefined);
    assert.equal(fileProblem(path.join(dir, "new-file")), undefined);
    assert.equal(fileProblem(dir), "is a directory, not a file");
    assert.match(fileProblem(path.join(aFile, "x")) ?? "", /^its directory is a file/);
  });
});
