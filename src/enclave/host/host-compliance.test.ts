// Goal: every host behaves the same at the boundary: refusals before and after enclave_init, the
// sealed block key surviving a restart (and refused under another seal secret), concurrent calls
// each answered by their own reply, unwired calls refused, close() ending the host.
// Method: one suite, parameterised by host (in-process, child process, Unix socket to the real
// enclave entry run with --socket, a fresh server per host as its supervisor would start), over
// real seal secret files; the in-process host gets the same measurement so blobs move between them.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import {
  type EnclaveSocketServer,
  startEnclaveSocketServer,
} from "../../../test/helpers/enclave-socket-server.js";
import { SeededRandom } from "../../util/index.js";
import { loadEnclaveIdentity } from "../bundle/identity.js";
import { NOT_YET_WIRED, sampleCall, sampleInit } from "../codec/sample-calls.js";
import { loadOrCreateSealSecret } from "../process/seal-secret.js";
import { startChildEnclave } from "./child-process.js";
import { callOk, type EnclaveHost } from "./host.js";
import { InProcessEnclaveHost } from "./in-process.js";
import { readSealedKeyFile, writeSealedKeyFile } from "./sealed-key-file.js";
import { connectSocketEnclave } from "./socket.js";

const identity = loadEnclaveIdentity({});
const dir = mkdtempSync(path.join(tmpdir(), "enclave-hosts-"));
/** Every socket server a test started; killed at the end so none outlives the test. */
const servers: EnclaveSocketServer[] = [];
after(() => {
  for (const s of servers) s.kill();
  rmSync(dir, { recursive: true, force: true });
});

type Factory = (secretFile: string, seed: string) => Promise<EnclaveHost>;

const hosts: Record<string, Factory> = {
  "in-process": async (secretFile, seed) =>
    new InProcessEnclaveHost({
      random: new SeededRandom(seed),
      sealSecret: loadOrCreateSealSecret(secretFile, new SeededRandom(`${seed}/secret`)).secret,
      measurement: identity.measurement,
      nowMs: () => 1_800_000_000_000,
    }),
  "child process": (secretFile) =>
    startChildEnclave({ sealSecretPath: secretFile, cssBytes: identity.cssBytes }),
  "unix socket": async (secretFile) => {
    const socketPath = path.join(dir, `enclave-${servers.length}.sock`);
    servers.push(await startEnclaveSocketServer({ socketPath, sealSecretPath: secretFile }));
    return connectSocketEnclave({ socketPath, cssBytes: identity.cssBytes });
  },
};

async function signer(host: EnclaveHost): Promise<Uint8Array> {
  return (await callOk(host, { call: "get_signer" })).signerPublicKey;
}

for (const [name, make] of Object.entries(hosts)) {
  describe(`enclave host compliance: ${name}`, () => {
    const file = (base: string) => path.join(dir, `${name.replace(" ", "-")}-${base}`);

    it("reports the measurement, refuses calls before init and a second init", async () => {
      const host = await make(file("a.secret"), "a");
      try {
        assert.deepEqual(host.measurement, identity.measurement);
        assert.deepEqual(await host.call({ call: "get_identity" }), {
          ok: false,
          code: "NOT_INITIALIZED",
        });
        const init = await callOk(host, sampleInit(undefined));
        assert.equal(init.sealedBlockSigningKey.length, 93);
        assert.deepEqual(await host.call(sampleInit(undefined)), {
          ok: false,
          code: "ALREADY_INITIALIZED",
        });
        const r = new SeededRandom("unwired");
        for (const call of NOT_YET_WIRED) {
          assert.deepEqual(
            await host.call(sampleCall(call, r)),
            { ok: false, code: "NOT_SUPPORTED_YET" },
            call,
          );
        }
      } finally {
        await host.close();
      }
    });

    it("keeps the block key across a restart, and refuses it under another seal secret", async () => {
      const secret = file("restart.secret");
      const keyFile = file("sealed.key");
      const first = await make(secret, "r1");
      const blob = (await callOk(first, sampleInit(readSealedKeyFile(keyFile))))
        .sealedBlockSigningKey;
      writeSealedKeyFile(keyFile, blob);
      const before = await signer(first);
      await first.close();
      const second = await make(secret, "r2");
      await callOk(second, sampleInit(readSealedKeyFile(keyFile)));
      assert.deepEqual(await signer(second), before);
      await second.close();
      const stranger = await make(file("other.secret"), "r3");
      assert.deepEqual(await stranger.call(sampleInit(readSealedKeyFile(keyFile))), {
        ok: false,
        code: "UNSEAL_FAILED",
      });
      await stranger.close();
    });

    it("answers concurrent calls each with its own reply", async () => {
      const host = await make(file("c.secret"), "c");
      try {
        await callOk(host, sampleInit(undefined));
        const calls = Array.from({ length: 48 }, (_, i) =>
          i % 3 === 0
            ? host.call({ call: "new_report" })
            : i % 3 === 1
              ? host.call({ call: "get_minimum_fee", tokenId: BigInt(i % 2) })
              : host.call({ call: "get_identity" }),
        );
        const outcomes = await Promise.all(calls);
        const nonces = new Set<string>();
        outcomes.forEach((o, i) => {
          assert.ok(o.ok, `call ${i}`);
          const expected = ["new_report", "get_minimum_fee", "get_identity"][i % 3];
          assert.equal(o.value.call, expected);
          if (o.value.call === "new_report")
            nonces.add(Buffer.from(o.value.contents.nonce).toString("hex"));
          if (o.value.call === "get_minimum_fee") {
            assert.equal(o.value.minimumFee, i % 2 === 0 ? 400_000_000n : 1024n);
          }
        });
        assert.equal(nonces.size, 16);
      } finally {
        await host.close();
      }
    });

    it("refuses calls after close", async () => {
      const host = await make(file("d.secret"), "d");
      await host.close();
      await assert.rejects(host.call({ call: "get_identity" }), { code: "HOST_CLOSED" });
    });
  });
}
