/** One line per `consensus-tool` subcommand, kept apart from the commands so that `--help` lists
 * them without loading any command (each pulls in crypto, LMDB, gRPC or the AWS SDK). */
export const SUMMARIES = {
  keygen: "generate an Ed25519 message-signing key (--msg-signer-key and consensus-msg-key forms)",
  "sample-keys": "write N deterministic test accounts (key files and public addresses)",
  "generate-sample-ledger":
    "create a deterministic origin ledger (LMDB) paying the accounts in a keys directory",
  "ledger-distribution":
    "publish ledger blocks to a file:// or s3:// block archive (single + merged files)",
  "ledger-from-archive":
    "create or extend an LMDB ledger from block archives, checking every block",
  sim: "simulate an SCP network with faults; check agreement and liveness",
  "check-quorum": "check that the quorums of a set of network files intersect",
  bench: "run a benchmark and report min/median/max figures",
  "attestation-authority":
    "run the software attestation authority (HTTP), or certify an authority key",
  "enclave-bundle":
    "write the enclave bundle (manifest) and its signed manifest (CSS) for this package",
  wallet: "balance and send over the sample accounts (a ledger read-only, a node's client API)",
  status: "a node's responder id, block count, block version, latest block id and minimum fee",
  "wait-for-block": "wait until a node's block count exceeds N",
  "scp-dump": "the stuck-slot view (as GET /scp) of an --scp-debug-dump folder",
  testnet: "run a local network of validators with a wallet load and a live view (Ctrl-C stops)",
} as const satisfies Record<string, string>;
