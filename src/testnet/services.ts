import { SERVICE_FLAGS } from "../node/index.js";
import { type ChildSpec, executable } from "./children.js";
import type { TestnetLayout } from "./layout.js";
import {
  adminHttpUri,
  adminUri,
  clientResponderId,
  LOOPBACK,
  type Manifest,
  type NodePlan,
  peerResponderId,
} from "./manifest.js";

/** Whether this build's consensus-service serves the operator HTTP port (metrics, dashboard). */
export function serviceHasAdminHttp(): boolean {
  return SERVICE_FLAGS.some((f) => f.name === "admin-http-listen-uri");
}

/** The software enclave under the development attestation policy: all a laptop has. */
const SERVICE_ENV = { SGX_MODE: "SW", IAS_MODE: "DEV" } as const;

/**
 * Node `node`'s `consensus-service`, as the runbook's run command with the testnet's files;
 * `scpDebugDump` adds `--scp-debug-dump` into the node's folder (for `consensus-tool scp-dump`
 * and `scripts/slot-phases.mjs`).
 */
export function serviceSpec(
  layout: TestnetLayout,
  manifest: Manifest,
  node: NodePlan,
  scpDebugDump = false,
): ChildSpec {
  const i = node.index;
  const args = [
    "--peer-responder-id",
    peerResponderId(node),
    "--client-responder-id",
    clientResponderId(node),
    "--msg-signer-key",
    layout.msgSignerKey(i),
    "--network",
    layout.networkFile(i),
    "--ledger-path",
    layout.ledgerDir(i),
    "--origin-block-path",
    layout.originDir,
    "--sealed-block-signing-key",
    layout.sealedKey(i),
    "--peer-listen-uri",
    `insecure-mcp://${LOOPBACK}:${node.ports.peer}/`,
    "--client-listen-uri",
    `insecure-mc://${LOOPBACK}:${node.ports.client}/`,
    "--admin-listen-uri",
    adminUri(node),
    "--block-version",
    String(manifest.blockVersion),
    ...(serviceHasAdminHttp() ? ["--admin-http-listen-uri", adminHttpUri(node)] : []),
    ...(scpDebugDump ? ["--scp-debug-dump", layout.scpDumpDir(i)] : []),
  ];
  return {
    name: `node ${i}`,
    executable: executable("consensus-service"),
    args,
    env: SERVICE_ENV,
    logFile: layout.serviceLog(i),
  };
}

/** Node `node`'s `ledger-distribution`, publishing its ledger into its archive folder. */
export function distributionSpec(layout: TestnetLayout, node: NodePlan): ChildSpec {
  const i = node.index;
  return {
    name: `ledger-distribution ${i}`,
    executable: executable("consensus-tool"),
    args: [
      "ledger-distribution",
      "--ledger-path",
      layout.ledgerDir(i),
      "--dest",
      layout.archiveUrl(i),
    ],
    env: {},
    logFile: layout.distributionLog(i),
  };
}
