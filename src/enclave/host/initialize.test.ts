// Goal: start-up through initializeEnclave keeps the block key across restarts via the sealed key
// file, and a file that does not open (other secret, other measurement, garbage) stops start-up
// with one typed line instead of a new key; the file is left as it was.
// Method: in-process hosts over a real file, seeded randomness.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, it } from "node:test";
import { SeededRandom } from "../../util/index.js";
import { SAMPLE_CONFIG } from "../codec/sample-calls.js";
import { InProcessEnclaveHost } from "./in-process.js";
import { initializeEnclave } from "./initialize.js";

const dir = mkdtempSync(path.join(tmpdir(), "enclave-init-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = new SeededRandom("secret").bytes(32);
const MEASUREMENT = new SeededRandom("measurement").bytes(32);

function host(seed: string, sealSecret = SECRET, measurement = MEASUREMENT) {
  return new InProcessEnclaveHost({
    random: new SeededRandom(seed),
    sealSecret,
    measurement,
    nowMs: () => 1_800_000_000_000,
  });
}

const options = (sealedKeyFile: string) => ({
  sealedKeyFile,
  peerResponderId: "n1.test:8443",
  clientResponderId: "n1.test:3223",
  config: SAMPLE_CONFIG,
});

it("reuses the sealed block key after a restart and refuses one that does not open", async () => {
  const file = path.join(dir, "sealed.key");
  const first = await initializeEnclave(host("1"), options(file));
  assert.equal(first.reusedSealedKey, false);
  const second = await initializeEnclave(host("2"), options(file));
  assert.equal(second.reusedSealedKey, true);
  assert.deepEqual(second.signerPublicKey, first.signerPublicKey);
  const kept = readFileSync(file);
  for (const h of [
    host("3", new SeededRandom("x").bytes(32)),
    host("4", SECRET, new SeededRandom("y").bytes(32)),
  ]) {
    await assert.rejects(initializeEnclave(h, options(file)), (e: Error & { code?: string }) => {
      assert.equal(e.code, "SEALED_KEY_FILE");
      assert.ok(!e.message.includes("\n"));
      return true;
    });
  }
  assert.deepEqual(readFileSync(file), kept);
  const garbage = path.join(dir, "garbage.key");
  writeFileSync(garbage, "not a sealed key");
  await assert.rejects(initializeEnclave(host("5"), options(garbage)), { code: "SEALED_KEY_FILE" });
});
