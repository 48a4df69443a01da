// Certificates made by openssl for TLS tests: a CA, a leaf it signs for localhost, 127.0.0.1 and
// one more DNS name (to test `tls-hostname`), and a second, unrelated CA a client may wrongly trust.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface TestCerts {
  readonly dir: string;
  readonly caCert: string;
  readonly leafChain: string;
  readonly leafKey: string;
  readonly otherCaCert: string;
  /** A DNS name in the leaf's SAN that does not resolve: reach it only through tls-hostname. */
  readonly altName: string;
  remove(): void;
}

const ALT_NAME = "peer.example.test";

function openssl(dir: string, ...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

function makeCa(dir: string, name: string): void {
  openssl(
    dir,
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.pem`,
    "-days",
    "2",
    "-subj",
    `/CN=${name}`,
  );
}

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(path.join(tmpdir(), "mc-tls-"));
  makeCa(dir, "ca");
  makeCa(dir, "other-ca");
  openssl(
    dir,
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    "leaf.key",
    "-out",
    "leaf.csr",
    "-subj",
    "/CN=localhost",
  );
  writeFileSync(
    path.join(dir, "leaf.ext"),
    `subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:${ALT_NAME}\n`,
  );
  openssl(
    dir,
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "leaf.pem",
    "-days",
    "2",
    "-extfile",
    "leaf.ext",
  );
  const at = (f: string) => path.join(dir, f);
  return {
    dir,
    caCert: at("ca.pem"),
    leafChain: at("leaf.pem"),
    leafKey: at("leaf.key"),
    otherCaCert: at("other-ca.pem"),
    altName: ALT_NAME,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
