// Goal: the seal secret file is created owner-only on first start, reread after, and refused when
// others could read it, when it is a link or not a file, or when it is too short.
// Method: real files in a temporary folder; modes set with chmod.
import assert from "node:assert/strict";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { SeededRandom } from "../../util/index.js";
import { loadOrCreateSealSecret } from "./seal-secret.js";

const dir = mkdtempSync(path.join(tmpdir(), "seal-secret-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("seal secret file", () => {
  it("is created with mode 0600 and 32 random bytes, then read back unchanged", () => {
    const file = path.join(dir, "new");
    const first = loadOrCreateSealSecret(file, new SeededRandom("s"));
    assert.equal(first.created, true);
    assert.equal(first.secret.length, 32);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(new Uint8Array(readFileSync(file)), first.secret);
    const again = loadOrCreateSealSecret(file, new SeededRandom("other"));
    assert.deepEqual(again, { secret: first.secret, created: false });
  });

  it("refuses a file that group or others may read or write", () => {
    for (const mode of [0o640, 0o604, 0o620, 0o644, 0o666]) {
      const file = path.join(dir, `mode-${mode.toString(8)}`);
      writeFileSync(file, new Uint8Array(32));
      chmodSync(file, mode);
      assert.throws(() => loadOrCreateSealSecret(file, new SeededRandom("x")), {
        code: "SEAL_SECRET",
      });
    }
    const strict = path.join(dir, "mode-400");
    writeFileSync(strict, new Uint8Array(40).fill(7));
    chmodSync(strict, 0o400);
    assert.equal(loadOrCreateSealSecret(strict, new SeededRandom("x")).secret.length, 40);
  });

  it("refuses a symbolic link, a folder, a short secret and a missing folder", () => {
    const target = path.join(dir, "target");
    writeFileSync(target, new Uint8Array(32), { mode: 0o600 });
    const link = path.join(dir, "link");
    symlinkSync(target, link);
    const folder = path.join(dir, "folder");
    mkdirSync(folder, { mode: 0o700 });
    const short = path.join(dir, "short");
    writeFileSync(short, new Uint8Array(31), { mode: 0o600 });
    for (const file of [link, folder, short, path.join(dir, "absent", "secret")]) {
      assert.throws(
        () => loadOrCreateSealSecret(file, new SeededRandom("x")),
        { code: "SEAL_SECRET" },
        file,
      );
    }
  });
});
