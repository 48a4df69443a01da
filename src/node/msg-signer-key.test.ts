// Goal: --msg-signer-key accepts each form an operator has in hand (issue 8 §4) and names what is
// wrong otherwise: base64 DER, PEM text, a PEM or DER file; a public key is named as one.
// Method: keys made by node:crypto (OpenSSL) in a temp dir; the same seed must give the same key
// whichever form carries it.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { parseMsgSignerKey } from "./msg-signer-key.js";

const dir = mkdtempSync(path.join(tmpdir(), "msg-signer-key-"));
const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const der = privateKey.export({ format: "der", type: "pkcs8" });
const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
const spki = publicKey.export({ format: "der", type: "spki" });
const expected = new Uint8Array(spki.subarray(12));

function file(name: string, data: string | Buffer): string {
  const p = path.join(dir, name);
  writeFileSync(p, data);
  return p;
}

describe("--msg-signer-key forms", () => {
  it("reads base64 DER, PEM text, and PEM or DER files to the same key", () => {
    for (const value of [
      der.toString("base64"),
      pem,
      file("key.pem", pem),
      file("key.der", der),
      `  ${der.toString("base64")}\n`,
    ])
      assert.deepEqual(parseMsgSignerKey(value).publicKey, expected);
  });

  it("names a public key given instead of the private key, in every form", () => {
    const pubPem = publicKey.export({ format: "pem", type: "spki" }).toString();
    for (const value of [
      spki.toString("base64url"),
      spki.toString("base64"),
      pubPem,
      file("pub.pem", pubPem),
      file("pub.der", spki),
    ])
      assert.throws(() => parseMsgSignerKey(value), /public key .*not the private key/, value);
  });

  it("says which forms are accepted for anything else", () => {
    const x = generateKeyPairSync("x25519").privateKey.export({ format: "pem", type: "pkcs8" });
    const cases: [string, RegExp][] = [
      ["MC4CAQAwBQYDK2VwBCIEIGz4", /base64 of 18 bytes, but an Ed25519 PKCS#8 private key is 48/],
      [path.join(dir, "missing.pem"), /no such key file/],
      [file("x25519.pem", x.toString()), /not Ed25519/],
      [file("junk.bin", Buffer.alloc(7)), /neither PEM nor a 48-byte/],
      [
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
        /PEM private key not readable/,
      ],
      ["hello world!", /not a private key or a key file/],
    ];
    for (const [value, pattern] of cases) {
      assert.throws(() => parseMsgSignerKey(value), pattern, value);
      assert.throws(() => parseMsgSignerKey(value), /expected|key file/, value);
    }
    assert.throws(
      () => parseMsgSignerKey("hello world!"),
      /PEM text .*path of a PEM or DER key file/,
    );
  });
});
