// Goal: the sealed key file is bytes in, bytes out (any byte value, unlike MobileCoin's UTF-8
// read), a missing file is "no key yet", and any other failure is a typed error, never a new key.
// Method: real files in a temporary folder.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { readSealedKeyFile, writeSealedKeyFile } from "./sealed-key-file.js";

const dir = mkdtempSync(path.join(tmpdir(), "sealed-key-file-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("sealed key file", () => {
  it("round-trips bytes that are not UTF-8, owner-only, and reads a missing file as no key", () => {
    const file = path.join(dir, "sealed.key");
    assert.equal(readSealedKeyFile(file), undefined);
    const blob = new Uint8Array([0x01, 0xff, 0xfe, 0x80, 0x00, 0xc3, 0x28]);
    writeSealedKeyFile(file, blob);
    assert.deepEqual(readSealedKeyFile(file), blob);
    assert.deepEqual(new Uint8Array(readFileSync(file)), blob);
    assert.equal(statSync(file).mode & 0o077, 0);
    writeSealedKeyFile(file, blob.subarray(1));
    assert.deepEqual(readSealedKeyFile(file), blob.subarray(1));
  });

  it("refuses a folder, an oversized file and an unwritable place with SEALED_KEY_FILE", () => {
    const folder = path.join(dir, "folder");
    mkdirSync(folder);
    assert.throws(() => readSealedKeyFile(folder), { code: "SEALED_KEY_FILE" });
    const big = path.join(dir, "big");
    writeFileSync(big, new Uint8Array(1025));
    assert.throws(() => readSealedKeyFile(big), { code: "SEALED_KEY_FILE" });
    assert.throws(() => writeSealedKeyFile(path.join(dir, "absent", "k"), new Uint8Array(1)), {
      code: "SEALED_KEY_FILE",
    });
  });
});
