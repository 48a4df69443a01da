// Goal: the measurement covers exactly the enclave's files, the lockfile, the Node major version
// and the baked-in constants; a CSS verifies only untampered; loadEnclaveIdentity honours
// CONSENSUS_ENCLAVE_CSS / CONSENSUS_ENCLAVE_SIGNED and falls back to the dev-signed package.
// Method: a copy of the enclave's files in a temporary root, edited one file at a time; CSS
// fields flipped one at a time; identities loaded from files written here.
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { Ed25519Signer, sha256 } from "../../crypto/index.js";
import { SeededRandom, toHex } from "../../util/index.js";
import { BAKED_CONSTANTS } from "../impl/constants.js";
import { decodeCss, encodeCss, signCss } from "./css.js";
import { devEnclaveSigningKey } from "./dev-key.js";
import { checkCssAgainstFiles, loadEnclaveIdentity } from "./identity.js";
import { computeEnclaveManifest, measurementOf, renderManifest } from "./manifest.js";
import { enclaveSourceFiles, PACKAGE_ROOT } from "./sources.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function temp(): string {
  const d = mkdtempSync(path.join(tmpdir(), "enclave-bundle-"));
  dirs.push(d);
  return d;
}

/** A copy of just the enclave's files and the lockfile. */
function copyOfEnclave(): string {
  const root = temp();
  for (const rel of [...enclaveSourceFiles(), "package-lock.json"]) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    cpSync(path.join(PACKAGE_ROOT, rel), path.join(root, rel));
  }
  return root;
}

describe("enclave measurement", () => {
  it("covers the entry, the implementation and what it imports, not the hosts", () => {
    const files = enclaveSourceFiles();
    for (const f of [
      "src/enclave/process/entry.mjs",
      "src/enclave/process/entry.ts",
      "src/enclave/impl/enclave.ts",
      "src/enclave/impl/seal.ts",
      "src/enclave/codec/tlv.ts",
      "src/crypto/ed25519.ts",
      "src/transaction/fee-map.ts",
    ]) {
      assert.ok(files.includes(f), f);
    }
    for (const f of files) {
      assert.ok(!f.startsWith("src/enclave/host/"), f);
      assert.ok(!f.endsWith(".test.ts"), f);
    }
    assert.deepEqual(files, [...files].sort());
  });

  it("is the SHA-256 of the rendered manifest, with every file's hash on its own line", () => {
    const manifest = computeEnclaveManifest();
    assert.deepEqual(measurementOf(manifest), sha256(new TextEncoder().encode(manifest)));
    const seal = readFileSync(path.join(PACKAGE_ROOT, "src/enclave/impl/seal.ts"));
    assert.ok(manifest.includes(`file src/enclave/impl/seal.ts ${toHex(sha256(seal))}\n`));
    const lock = readFileSync(path.join(PACKAGE_ROOT, "package-lock.json"));
    assert.ok(manifest.includes(`lockfile package-lock.json ${toHex(sha256(lock))}\n`));
    assert.ok(manifest.includes(`node-major ${process.versions.node.split(".")[0]}\n`));
    assert.ok(
      manifest.includes(`const minting-trust-root ${toHex(BAKED_CONSTANTS.mintingTrustRoot)}\n`),
    );
    assert.ok(manifest.endsWith("const product-id 1\nconst svn 10\n"));
  });

  it("changes when any enclave file, the lockfile, the Node major or a constant changes", () => {
    const root = copyOfEnclave();
    const base = computeEnclaveManifest(root);
    assert.equal(base, computeEnclaveManifest());
    for (const rel of ["src/enclave/impl/seal.ts", "src/crypto/hash.ts", "package-lock.json"]) {
      const file = path.join(root, rel);
      const original = readFileSync(file);
      writeFileSync(file, Buffer.concat([original, Buffer.from("\n")]));
      assert.notEqual(computeEnclaveManifest(root), base, rel);
      writeFileSync(file, original);
    }
    const files = [{ path: "a.ts", sha256: new Uint8Array(32) }];
    const inputs = {
      files,
      lockfileSha256: new Uint8Array(32),
      nodeMajor: 20,
      constants: BAKED_CONSTANTS,
    };
    const m = renderManifest(inputs);
    assert.notEqual(renderManifest({ ...inputs, nodeMajor: 22 }), m);
    assert.notEqual(renderManifest({ ...inputs, constants: { ...BAKED_CONSTANTS, svn: 11 } }), m);
    assert.notEqual(
      renderManifest({
        ...inputs,
        constants: { ...BAKED_CONSTANTS, feeViewPublicKey: new Uint8Array(32) },
      }),
      m,
    );
  });
});

describe("signed manifest (CSS)", () => {
  const key = Ed25519Signer.fromSeed(new SeededRandom("release").bytes(32));
  const css = signCss(new SeededRandom("m").bytes(32), 1, 10, key);

  it("round-trips and names the signer as SHA-256 of the public key", () => {
    const decoded = decodeCss(encodeCss(css));
    assert.deepEqual(decoded, css);
    assert.deepEqual(decoded.signer, sha256(key.publicKey));
  });

  it("refuses any changed field, an unknown field and non-JSON", () => {
    const doc = JSON.parse(new TextDecoder().decode(encodeCss(css))) as Record<string, unknown>;
    const flipHex = (v: string) => (v[0] === "0" ? "1" : "0") + v.slice(1);
    for (const field of ["measurement", "signer", "signer_public_key", "signature"]) {
      const bad = { ...doc, [field]: flipHex(doc[field] as string) };
      assert.throws(
        () => decodeCss(new TextEncoder().encode(JSON.stringify(bad))),
        { code: "INVALID_CSS" },
        field,
      );
    }
    for (const [field, value] of [
      ["product_id", 2],
      ["svn", 11],
      ["svn", -1],
      ["format", "x"],
      ["extra", 1],
    ] as const) {
      const bad = { ...doc, [field]: value };
      assert.throws(
        () => decodeCss(new TextEncoder().encode(JSON.stringify(bad))),
        { code: "INVALID_CSS" },
        field,
      );
    }
    assert.throws(() => decodeCss(new TextEncoder().encode("{")), { code: "INVALID_CSS" });
  });

  it("is checked against the files: another measurement, product id or SVN is refused", () => {
    const manifest = computeEnclaveManifest();
    const good = signCss(measurementOf(manifest), 1, 10, key);
    assert.equal(checkCssAgainstFiles(good), manifest);
    assert.throws(() => checkCssAgainstFiles(css), { code: "MEASUREMENT_MISMATCH" });
    assert.throws(() => checkCssAgainstFiles(signCss(good.measurement, 1, 9, key)), {
      code: "INVALID_CSS",
    });
  });
});

describe("loadEnclaveIdentity", () => {
  it("without variables: the package's manifest signed with the published development key", () => {
    const id = loadEnclaveIdentity({});
    assert.equal(id.development, true);
    assert.deepEqual(id.measurement, measurementOf(computeEnclaveManifest()));
    assert.deepEqual(id.signer, sha256(devEnclaveSigningKey().publicKey));
    assert.deepEqual(decodeCss(id.cssBytes), id.css);
  });

  it("with CONSENSUS_ENCLAVE_CSS and _SIGNED: the files' identity, checked against the tree", () => {
    const dir = temp();
    const manifest = computeEnclaveManifest();
    const key = Ed25519Signer.fromSeed(new SeededRandom("operator").bytes(32));
    writeFileSync(path.join(dir, "enclave.manifest"), manifest);
    writeFileSync(
      path.join(dir, "enclave.css"),
      encodeCss(signCss(measurementOf(manifest), 1, 10, key)),
    );
    const env = {
      CONSENSUS_ENCLAVE_CSS: path.join(dir, "enclave.css"),
      CONSENSUS_ENCLAVE_SIGNED: path.join(dir, "enclave.manifest"),
    };
    const id = loadEnclaveIdentity(env);
    assert.equal(id.development, false);
    assert.deepEqual(id.signer, sha256(key.publicKey));
    // A bundle that is not the one signed.
    writeFileSync(path.join(dir, "other.manifest"), `${manifest}x\n`);
    assert.throws(
      () =>
        loadEnclaveIdentity({ ...env, CONSENSUS_ENCLAVE_SIGNED: path.join(dir, "other.manifest") }),
      {
        code: "INVALID_BUNDLE",
      },
    );
    // The signed bundle no longer matches the files on disk.
    const root = copyOfEnclave();
    writeFileSync(path.join(root, "src/enclave/impl/constants.ts"), "// changed\n", { flag: "a" });
    assert.throws(
      () => loadEnclaveIdentity(env, root),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "MEASUREMENT_MISMATCH");
        assert.match(e.message, /src\/enclave\/impl\/constants\.ts/);
        return true;
      },
    );
    assert.throws(
      () => loadEnclaveIdentity({ CONSENSUS_ENCLAVE_SIGNED: env.CONSENSUS_ENCLAVE_SIGNED }),
      {
        code: "INVALID_BUNDLE",
      },
    );
    assert.throws(() => loadEnclaveIdentity({ CONSENSUS_ENCLAVE_CSS: path.join(dir, "absent") }), {
      code: "INVALID_CSS",
    });
  });
});
