import path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * Where a testnet keeps everything, under one folder (`--dir`): the manifest, the sample
 * accounts, the origin ledger, and per node its key, network file, ledger, sealed block key,
 * logs and the archive its `ledger-distribution` writes. Nodes are numbered from 1.
 */
export class TestnetLayout {
  constructor(readonly dir: string) {}

  get manifest(): string {
    return path.join(this.dir, "testnet.json");
  }
  get keysDir(): string {
    return path.join(this.dir, "keys");
  }
  get originDir(): string {
    return path.join(this.dir, "origin");
  }
  nodeDir(node: number): string {
    return path.join(this.dir, `node-${node}`);
  }
  msgSignerKey(node: number): string {
    return path.join(this.nodeDir(node), "msg-signer-key.pem");
  }
  networkFile(node: number): string {
    return path.join(this.nodeDir(node), "network.toml");
  }
  ledgerDir(node: number): string {
    return path.join(this.nodeDir(node), "ledger");
  }
  sealedKey(node: number): string {
    return path.join(this.nodeDir(node), "sealed-block-signing-key");
  }
  /** `--scp-debug-dump` folder of the node (testnet --scp-debug-dump). */
  scpDumpDir(node: number): string {
    return path.join(this.nodeDir(node), "scp-debug-dump");
  }
  serviceLog(node: number): string {
    return path.join(this.nodeDir(node), "service.log");
  }
  distributionLog(node: number): string {
    return path.join(this.nodeDir(node), "ledger-distribution.log");
  }
  archiveDir(node: number): string {
    return path.join(this.dir, `archive-${node}`);
  }
  /** The archive as the other nodes' `tx_source_urls` name it (with a trailing slash). */
  archiveUrl(node: number): string {
    return `${pathToFileURL(this.archiveDir(node)).href}/`;
  }
}
