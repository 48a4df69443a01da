import { MAX_BLOCK_VERSION } from "../transaction/index.js";

/**
 * Every `consensus-service` flag, its `MC_*` variable and its help text. One table drives both
 * `--help` and parsing, so they cannot drift apart. Flags follow MobileCoin's consensus-service
 * (reference/mobilecoin-service.md §1.1) plus the runbook's `--ias-api-key` and `--ias-spid`.
 */
export interface ServiceFlag {
  name: string;
  env: string;
  value: string;
  required: boolean;
  defaultValue?: string;
  help: string;
}

export const SERVICE_FLAGS: readonly ServiceFlag[] = [
  {
    name: "peer-responder-id",
    env: "MC_PEER_RESPONDER_ID",
    value: "HOST:PORT",
    required: true,
    help: "This node's identity towards peers: the host:port peers use to reach it. With the message-signing key it forms the node id.",
  },
  {
    name: "client-responder-id",
    env: "MC_CLIENT_RESPONDER_ID",
    value: "HOST:PORT",
    required: true,
    help: "The identity clients attest against.",
  },
  {
    name: "msg-signer-key",
    env: "MC_MSG_SIGNER_KEY",
    value: "KEY",
    required: true,
    help: "Ed25519 private key signing consensus messages and block metadata: standard base64 of the PKCS#8 DER (as `openssl genpkey -algorithm ed25519 -outform DER | openssl base64` prints it), PEM text, or the path of a PEM or DER key file (`openssl genpkey -algorithm ed25519 -out key.pem`).",
  },
  {
    name: "network",
    env: "MC_NETWORK",
    value: "PATH",
    required: true,
    help: "Network file (.toml or .json): broadcast_peers, known_peers, quorum_set, tx_source_urls.",
  },
  {
    name: "ledger-path",
    env: "MC_LEDGER_PATH",
    value: "DIR",
    required: true,
    help: "Directory of the LMDB ledger.",
  },
  {
    name: "sealed-block-signing-key",
    env: "MC_SEALED_BLOCK_SIGNING_KEY",
    value: "PATH",
    required: true,
    help: "File holding the enclave's sealed block-signing key; created on first start, reused after.",
  },
  {
    name: "seal-secret-path",
    env: "MC_SEAL_SECRET_PATH",
    value: "PATH",
    required: false,
    defaultValue: "<ledger-path>.seal-secret",
    help: "File of the operator's seal secret, which the enclave process alone reads (never through the host) to seal the block-signing key. It must be readable only by its owner (mode 0600); on first start, when absent, the enclave creates it with 32 random bytes. Keep it off the machine's backups of the sealed key: with both, anyone can open the block key. Default: beside --ledger-path, e.g. /tmp/ledger-db-1.seal-secret.",
  },
  {
    name: "enclave-socket",
    env: "MC_ENCLAVE_SOCKET",
    value: "PATH",
    required: false,
    help: "Unix socket of an enclave run apart, as its own user without network (ops/mc-enclave.service: the enclave entry with --socket); connect there instead of starting the enclave process. That enclave reads its own seal secret, so --seal-secret-path is not given with this. It serves one host and exits when this service goes; its supervisor starts a fresh one, which this service waits for at start (up to 60 s).",
  },
  {
    name: "chain-id",
    env: "MC_CHAIN_ID",
    value: "NAME",
    required: false,
    help: "Network name. When set, requests whose chain-id header differs are refused with FAILED_PRECONDITION.",
  },
  {
    name: "peer-listen-uri",
    env: "MC_PEER_LISTEN_URI",
    value: "URI",
    required: false,
    defaultValue: "insecure-mcp://0.0.0.0:8080/",
    help: "Where to serve the peer API (mcp:// or insecure-mcp://).",
  },
  {
    name: "client-listen-uri",
    env: "MC_CLIENT_LISTEN_URI",
    value: "URI",
    required: false,
    defaultValue: "insecure-mc://0.0.0.0:3223/",
    help: "Where to serve the client API (mc:// or insecure-mc://).",
  },
  {
    name: "admin-listen-uri",
    env: "MC_ADMIN_LISTEN_URI",
    value: "URI",
    required: false,
    help: "Where to serve the admin API (mca:// or insecure-mca://); no admin API when unset.",
  },
  {
    name: "admin-http-listen-uri",
    env: "MC_ADMIN_HTTP_LISTEN_URI",
    value: "URI",
    required: false,
    help: "Where to serve HTTP for operators (http://HOST:PORT/): /metrics, /info, /livez, /readyz, /quorum, /scp, /log-level and the dashboard at /; none when unset. Bind a loopback host unless a proxy guards it.",
  },
  {
    name: "origin-block-path",
    env: "MC_ORIGIN_BLOCK_PATH",
    value: "DIR",
    required: false,
    help: "Directory with an origin ledger (data.mdb) copied into --ledger-path when that holds no ledger yet.",
  },
  {
    name: "scp-debug-dump",
    env: "MC_SCP_DEBUG_DUMP",
    value: "DIR",
    required: false,
    help: "Directory to dump SCP messages and slot states into, for debugging.",
  },
  {
    name: "client-auth-token-secret",
    env: "MC_CLIENT_AUTH_TOKEN_SECRET",
    value: "HEX",
    required: false,
    help: "32-byte hex secret enabling HMAC token authentication of client requests.",
  },
  {
    name: "client-auth-token-max-lifetime",
    env: "MC_CLIENT_AUTH_TOKEN_MAX_LIFETIME",
    value: "SECONDS",
    required: false,
    defaultValue: "86400",
    help: "Maximum age of a client authentication token.",
  },
  {
    name: "tokens",
    env: "MC_TOKENS",
    value: "PATH",
    required: false,
    help: "Token, fee and minting configuration (.json); MOB only with its default minimum fee when unset.",
  },
  {
    name: "block-version",
    env: "MC_BLOCK_VERSION",
    value: "N",
    required: false,
    defaultValue: "0",
    help: `Block format and rules version this node produces and advertises (0–${MAX_BLOCK_VERSION}).`,
  },
  {
    name: "client-tracking-capacity",
    env: "MC_CLIENT_TRACKING_CAPACITY",
    value: "N",
    required: false,
    defaultValue: "10000",
    help: "How many client sessions are tracked (least recently used are forgotten).",
  },
  {
    name: "ias-api-key",
    env: "MC_IAS_API_KEY",
    value: "KEY",
    required: false,
    help: "Attestation service API key: with --ias-spid, this node's enrolment at the attestation authority (required with IAS_MODE=PROD; with IAS_MODE=DEV the built-in development authority enrols what is given, or a fixed development pair when neither is).",
  },
  {
    name: "ias-spid",
    env: "MC_IAS_SPID",
    value: "HEX",
    required: false,
    help: "Attestation service provider id (16 bytes of hex): with --ias-api-key, this node's enrolment at the attestation authority (required with IAS_MODE=PROD).",
  },
  {
    name: "attestation-authority-url",
    env: "MC_ATTESTATION_AUTHORITY_URL",
    value: "URL",
    required: false,
    help: "With IAS_MODE=PROD: the attestation authority service (`consensus-tool attestation-authority`) that signs statements about this node's enclave reports, e.g. http://127.0.0.1:7300. With IAS_MODE=DEV the built-in development authority is used and this is ignored.",
  },
  {
    name: "attestation-root",
    env: "MC_ATTESTATION_ROOT",
    value: "HEX",
    required: false,
    help: "The Ed25519 root public key (32 bytes of hex) that certifies attestation authorities; required for a release-signed enclave (IAS_MODE=PROD). A development-signed enclave trusts the published development root.",
  },
];

/** Process-wide variables read besides the flags' own. */
export const SERVICE_ENVIRONMENT: readonly { name: string; help: string }[] = [
  {
    name: "SGX_MODE",
    help: "SW (the software enclave; the default). HW is refused: this build has no SGX.",
  },
  {
    name: "IAS_MODE",
    help: "DEV (default) or PROD: which attestation policy the software attestation service applies.",
  },
  {
    name: "CONSENSUS_ENCLAVE_SIGNED",
    help: "Path of the enclave bundle to load (optional for the software enclave).",
  },
  {
    name: "CONSENSUS_ENCLAVE_CSS",
    help: "Path of the enclave bundle's signature (optional for the software enclave).",
  },
  { name: "MC_LOG / RUST_LOG", help: "Log level: trace, debug, info (default), warn, error." },
];
