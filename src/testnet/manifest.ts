import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { describeError } from "../util/index.js";
import { TestnetError } from "./errors.js";
import type { TestnetLayout } from "./layout.js";
import { TESTNET_LIMITS } from "./limits.js";

/** The loopback ports of one node. */
export interface NodePorts {
  readonly peer: number;
  readonly client: number;
  readonly admin: number;
  /** The operator HTTP port (metrics, dashboard), when the service offers one. */
  readonly adminHttp: number;
}

/** One node of the testnet as its folder describes it. */
export interface NodePlan {
  /** 1-based. */
  readonly index: number;
  readonly ports: NodePorts;
  /** URL-safe base64 SPKI of its message-signing key (`consensus-msg-key`). */
  readonly consensusMsgKey: string;
}

/** `testnet.json`: what `--dir` needs to start the same network again. */
export interface Manifest {
  readonly version: 1;
  readonly accounts: number;
  readonly blockVersion: number;
  readonly nodes: readonly NodePlan[];
}

export const LOOPBACK = "127.0.0.1";

export const peerResponderId = (n: NodePlan): string => `${LOOPBACK}:${n.ports.peer}`;
export const clientResponderId = (n: NodePlan): string => `${LOOPBACK}:${n.ports.client}`;
export const clientUri = (n: NodePlan): string => `insecure-mc://${LOOPBACK}:${n.ports.client}/`;
export const adminUri = (n: NodePlan): string => `insecure-mca://${LOOPBACK}:${n.ports.admin}/`;
export const adminHttpUri = (n: NodePlan): string => `http://${LOOPBACK}:${n.ports.adminHttp}/`;
export const peerUri = (n: NodePlan): string =>
  `insecure-mcp://${LOOPBACK}:${n.ports.peer}/?consensus-msg-key=${n.consensusMsgKey}`;

export function writeManifest(layout: TestnetLayout, manifest: Manifest): void {
  writeFileSync(layout.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
}

function bad(file: string, why: string): TestnetError {
  return new TestnetError("BAD_INPUT", `${file}: ${why}; not a testnet folder made by this tool`);
}

const isPort = (v: unknown): v is number =>
  typeof v === "number" && Number.isInteger(v) && v > 0 && v < 65536;

function parseNode(file: string, v: unknown, i: number): NodePlan {
  const o = v as Partial<NodePlan> | null;
  const p = o?.ports as Partial<NodePorts> | undefined;
  if (
    o === null ||
    typeof o !== "object" ||
    o.index !== i + 1 ||
    typeof o.consensusMsgKey !== "string" ||
    p === undefined ||
    ![p.peer, p.client, p.admin, p.adminHttp].every(isPort)
  )
    throw bad(file, `nodes[${i}] is not {index, ports, consensusMsgKey}`);
  return { index: o.index, ports: p as NodePorts, consensusMsgKey: o.consensusMsgKey };
}

/** The manifest of an existing testnet folder, or undefined when the folder has none. */
export function readManifest(layout: TestnetLayout): Manifest | undefined {
  const file = layout.manifest;
  if (!existsSync(file)) return undefined;
  let json: Partial<Manifest>;
  try {
    if (statSync(file).size > TESTNET_LIMITS.maxManifestBytes) throw new Error("too large");
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw bad(file, `unreadable (${describeError(error)})`);
  }
  if (json.version !== 1 || !Array.isArray(json.nodes) || json.nodes.length === 0)
    throw bad(file, "expected {version: 1, nodes: [...]}");
  if (json.nodes.length > TESTNET_LIMITS.maxNodes)
    throw bad(file, `more than ${TESTNET_LIMITS.maxNodes} nodes`);
  if (!Number.isInteger(json.accounts) || !Number.isInteger(json.blockVersion))
    throw bad(file, "accounts and blockVersion must be integers");
  return {
    version: 1,
    accounts: json.accounts as number,
    blockVersion: json.blockVersion as number,
    nodes: json.nodes.map((n, i) => parseNode(file, n, i)),
  };
}
