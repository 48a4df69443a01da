// Goal: the daemon's configuration accepts the runbook's command and rejects each bad input with one
// line naming the flag, variable or file.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { ConfigError } from "./errors.js";
import { parseServiceConfig } from "./service-config.js";

const dir = mkdtempSync(path.join(tmpdir(), "service-config-"));
const network = path.join(dir, "mc-network.toml");
writeFileSync(
  network,
  "broadcast_peers = []\ntx_source_urls = []\nquorum_set = { threshold = 0, members = [] }\n",
);

const KEY = "MC4CAQAwBQYDK2VwBCIEIGz4xR7wuPKjwM1EK0MKrc9ukTjiDqvKKREITPXPkNku";
const base = [
  "--client-responder-id",
  "my_node.my_domain.com:443",
  "--peer-responder-id",
  "node1.my_domain.com:8443",
  "--network",
  network,
  "--ledger-path",
  path.join(dir, "ledger"),
  "--peer-listen-uri=mcp://0.0.0.0:8443/",
  "--msg-signer-key",
  KEY,
  "--sealed-block-signing-key",
  path.join(dir, "sealed"),
  "--admin-listen-uri=insecure-mca://127.0.0.1:9091/",
];

function rejects(
  argv: readonly string[],
  env: Record<string, string>,
  whereIncludes: string,
): void {
  assert.throws(
    () => parseServiceConfig(argv, env),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.payload.where.includes(whereIncludes) &&
      !e.message.includes("\n"),
    `expected an error naming ${whereIncludes}`,
  );
}

describe("service configuration", () => {
  it("accepts the runbook's example command", () => {
    const config = parseServiceConfig(
      [...base, "--ias-api-key=abc", "--ias-spid=0123456789abcdef0123456789ABCDEF"],
      {
        SGX_MODE: "SW",
        IAS_MODE: "DEV",
      },
    );
    assert.equal(config.peerResponderId, "node1.my_domain.com:8443");
    assert.equal(config.peerListenUri.port, 8443);
    assert.equal(config.clientListenUri.port, 3223);
    assert.equal(config.adminListenUri?.port, 9091);
    assert.equal(config.blockVersion, 0);
    assert.equal(config.enclave.iasMode, "DEV");
    assert.equal(config.msgSigner.pkcs8Base64(), KEY);
  });

  it("takes every flag from its MC_* variable, and the flag wins", () => {
    const config = parseServiceConfig(["--block-version", "3"], {
      MC_CLIENT_RESPONDER_ID: "c:443",
      MC_PEER_RESPONDER_ID: "p:8443",
      MC_NETWORK: network,
      MC_LEDGER_PATH: dir,
      MC_MSG_SIGNER_KEY: KEY,
      MC_SEALED_BLOCK_SIGNING_KEY: path.join(dir, "sealed"),
      MC_BLOCK_VERSION: "1",
      MC_CHAIN_ID: "local",
    });
    assert.equal(config.blockVersion, 3);
    assert.equal(config.chainId, "local");
  });

  it("refuses SGX_MODE=HW and unknown modes", () => {
    rejects(base, { SGX_MODE: "HW" }, "SGX_MODE");
    rejects(base, { SGX_MODE: "SIM" }, "SGX_MODE");
    rejects(base, { IAS_MODE: "TEST" }, "IAS_MODE");
    rejects(
      base,
      { CONSENSUS_ENCLAVE_CSS: path.join(dir, "missing.css") },
      "CONSENSUS_ENCLAVE_CSS",
    );
  });

  it("names the flag that is missing or malformed", () => {
    rejects(
      base.filter((_, i) => i !== 2 && i !== 3),
      {},
      "--peer-responder-id",
    );
    rejects([...base, "--block-version", "5"], {}, "--block-version");
    rejects([...base, "--client-listen-uri", "mcp://0.0.0.0:1/"], {}, "--client-listen-uri");
    rejects([...base, "--client-auth-token-secret", "abcd"], {}, "--client-auth-token-secret");
    rejects(
      [...base, "--msg-signer-key", "MCowBQYDK2VwAyEA-21ShHmvuuynH7EcIgkdH2dWxCojgnWYbHxLrRseQ1s="],
      {},
      "--msg-signer-key",
    );
    rejects([...base, "--network", path.join(dir, "nope.toml")], {}, "--network");
    rejects([...base, "--ias-spid", "xyz"], {}, "--ias-spid");
    rejects([...base, "--no-such-flag", "1"], {}, "command line");
  });

  it("takes the attestation authority URL and root; IAS_MODE=PROD needs the URL", () => {
    const root = "ab".repeat(32);
    const enrolled = [...base, "--ias-spid", "00".repeat(16), "--ias-api-key", "k"];
    const config = parseServiceConfig(
      [
        ...enrolled,
        "--attestation-authority-url",
        "http://127.0.0.1:7300",
        "--attestation-root",
        root,
      ],
      { IAS_MODE: "PROD" },
    );
    assert.equal(config.attestationAuthorityUrl, "http://127.0.0.1:7300");
    assert.deepEqual(config.attestationRoot, new Uint8Array(32).fill(0xab));
    const fromEnv = parseServiceConfig(enrolled, {
      IAS_MODE: "PROD",
      MC_ATTESTATION_AUTHORITY_URL: "https://aa.example:443/",
    });
    assert.equal(fromEnv.attestationAuthorityUrl, "https://aa.example:443/");
    assert.equal(parseServiceConfig(base, {}).attestationAuthorityUrl, null);
    rejects(enrolled, { IAS_MODE: "PROD" }, "--attestation-authority-url");
    rejects(
      [...base, "--attestation-authority-url", "ftp://x/"],
      {},
      "--attestation-authority-url",
    );
    rejects([...base, "--attestation-root", "abcd"], {}, "--attestation-root");
  });

  it("IAS_MODE=PROD needs the enrolment (--ias-spid, --ias-api-key); DEV does not", () => {
    const url = ["--attestation-authority-url", "http://127.0.0.1:7300"];
    rejects(
      [...base, ...url, "--ias-spid", "00".repeat(16)],
      { IAS_MODE: "PROD" },
      "--ias-api-key",
    );
    rejects([...base, ...url, "--ias-api-key", "k"], { IAS_MODE: "PROD" }, "--ias-spid");
    const dev = parseServiceConfig(base, {});
    assert.equal(dev.iasSpid, null);
    assert.equal(dev.iasApiKey, null);
  });

  it("puts the seal secret beside the ledger unless --seal-secret-path names it", () => {
    const ledger = base[base.indexOf("--ledger-path") + 1] as string;
    const byDefault = parseServiceConfig(base, {});
    assert.equal(byDefault.sealSecretPath, `${path.resolve(ledger)}.seal-secret`);
    const named = parseServiceConfig([...base, "--seal-secret-path", "/srv/secret"], {});
    assert.equal(named.sealSecretPath, "/srv/secret");
    const fromEnv = parseServiceConfig(base, { MC_SEAL_SECRET_PATH: "/srv/env-secret" });
    assert.equal(fromEnv.sealSecretPath, "/srv/env-secret");
  });

  it("connects to --enclave-socket (or MC_ENCLAVE_SOCKET), which reads its own seal secret", () => {
    assert.equal(parseServiceConfig(base, {}).enclaveSocketPath, null);
    const flag = parseServiceConfig([...base, "--enclave-socket", "/run/e.sock"], {});
    assert.equal(flag.enclaveSocketPath, "/run/e.sock");
    const env = parseServiceConfig(base, { MC_ENCLAVE_SOCKET: "/run/env.sock" });
    assert.equal(env.enclaveSocketPath, "/run/env.sock");
    rejects(
      [...base, "--enclave-socket", "/run/e.sock", "--seal-secret-path", "/srv/secret"],
      {},
      "--seal-secret-path",
    );
    rejects(
      base,
      { MC_ENCLAVE_SOCKET: "/run/e.sock", MC_SEAL_SECRET_PATH: "/srv/s" },
      "--seal-secret-path",
    );
  });

  it("rejects a network file without a known extension", () => {
    const bad = path.join(dir, "network.yaml");
    writeFileSync(bad, "");
    rejects([...base, "--network", bad], {}, "--network");
  });
});
