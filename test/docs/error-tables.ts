import { ARCHIVE_ERROR_CODES } from "../../src/archive/errors.js";
import { BLOCKCHAIN_ERROR_CODES } from "../../src/blockchain/errors.js";
import { CONSENSUS_ERROR_CODES } from "../../src/consensus/errors.js";
import { CRYPTO_ERROR_CODES } from "../../src/crypto/errors.js";
import { RING_CT_ERROR_CODES } from "../../src/crypto/ringct/errors.js";
import { ATTEST_ERROR_CODES } from "../../src/enclave/attest/errors.js";
import {
  ENCLAVE_ERROR_WIRE,
  ENCLAVE_HOST_ERROR_CODES,
  ENCLAVE_SETUP_ERROR_CODES,
  EnclaveError,
  type EnclaveErrorCode,
} from "../../src/enclave/errors.js";
import { LEDGER_ERROR_CODES } from "../../src/ledger/errors.js";
import { CONFIG_ERROR_CODES, RUNTIME_ERROR_CODES } from "../../src/node/errors.js";
import { LOG_FILTER_ERROR_CODES } from "../../src/node/log-filter.js";
import { PEERS_ERROR_CODES, PeersError, type PeersErrorCode } from "../../src/peers/errors.js";
import { MintValidationResultCode } from "../../src/proto/consensus_client_pb.js";
import { QUORUM_ERROR_CODES } from "../../src/quorum/errors.js";
import { ATTESTED_RPC_ERROR_CODES } from "../../src/rpc/attested-api.js";
import { CLIENT_AUTH_ERROR_CODES } from "../../src/rpc/client-auth.js";
import { RPC_ERROR_CODES } from "../../src/rpc/errors.js";
import { SCP_ERROR_CODES } from "../../src/scp/errors.js";
import { SIM_ERROR_CODES } from "../../src/sim/errors.js";
import { TESTNET_ERROR_CODES } from "../../src/testnet/errors.js";
import {
  LOCAL_LEDGER_ERROR_CODES,
  PROPOSE_TX_RESULT,
  TRANSACTION_ERROR_CODES,
} from "../../src/transaction/errors.js";
import { MEMBERSHIP_PROOF_ERROR_CODES } from "../../src/transaction/merkle.js";
import type { CodedError } from "../../src/util/errors.js";
import { INPUT_ERROR_CODES } from "../../src/util/errors.js";
import { WALLET_ERROR_CODES } from "../../src/wallet/errors.js";

/**
 * Every `CodedError` subclass in src/ with the run-time list of its codes: the errors manual
 * (docs/OPERATIONS.md) has one `### <class>` section per entry and one row per code. A class that
 * is added to src/ without an entry here fails the manual's test, so new tables cannot be missed.
 */
export interface ErrorTable {
  /** The class name, which is also the manual's section heading. */
  readonly errorClass: string;
  readonly file: string;
  readonly codes: readonly string[];
  /**
   * What a gRPC caller sees. Default: `rpcStatusOf`. Transaction validation failures are not
   * gRPC errors: the client gets OK with the `ProposeTxResult` number (reference §5.9).
   */
  readonly status?: "propose-tx-result" | "mint-validation-result";
  /**
   * An error of this class with the given code. Where the one error map matches by class as well
   * as by code (enclave, enclave host, peers), the manual must show what the real class gets.
   */
  readonly make?: (code: string) => CodedError;
}

export const ERROR_TABLES: readonly ErrorTable[] = [
  { errorClass: "ConfigError", file: "src/node/errors.ts", codes: CONFIG_ERROR_CODES },
  { errorClass: "InputError", file: "src/util/errors.ts", codes: INPUT_ERROR_CODES },
  {
    errorClass: "EnclaveSetupError",
    file: "src/enclave/errors.ts",
    codes: ENCLAVE_SETUP_ERROR_CODES,
  },
  {
    errorClass: "EnclaveHostError",
    file: "src/enclave/errors.ts",
    codes: ENCLAVE_HOST_ERROR_CODES,
  },
  {
    errorClass: "EnclaveError",
    file: "src/enclave/errors.ts",
    codes: Object.keys(ENCLAVE_ERROR_WIRE),
    make: (code) => new EnclaveError(code as EnclaveErrorCode, code),
  },
  { errorClass: "AttestError", file: "src/enclave/attest/errors.ts", codes: ATTEST_ERROR_CODES },
  {
    errorClass: "AttestedRpcError",
    file: "src/rpc/attested-api.ts",
    codes: ATTESTED_RPC_ERROR_CODES,
  },
  { errorClass: "RpcError", file: "src/rpc/errors.ts", codes: RPC_ERROR_CODES },
  { errorClass: "ConsensusError", file: "src/consensus/errors.ts", codes: CONSENSUS_ERROR_CODES },
  { errorClass: "ScpError", file: "src/scp/errors.ts", codes: SCP_ERROR_CODES },
  { errorClass: "QuorumError", file: "src/quorum/errors.ts", codes: QUORUM_ERROR_CODES },
  {
    errorClass: "PeersError",
    file: "src/peers/errors.ts",
    codes: PEERS_ERROR_CODES,
    make: (code) => new PeersError(code as PeersErrorCode, code),
  },
  { errorClass: "RuntimeError", file: "src/node/errors.ts", codes: RUNTIME_ERROR_CODES },
  { errorClass: "LogFilterError", file: "src/node/log-filter.ts", codes: LOG_FILTER_ERROR_CODES },
  {
    errorClass: "ClientAuthError",
    file: "src/rpc/client-auth.ts",
    codes: CLIENT_AUTH_ERROR_CODES,
  },
  {
    errorClass: "MintValidationError",
    file: "src/rpc/errors.ts",
    codes: Object.keys(MintValidationResultCode).filter(
      (c) => Number.isNaN(Number(c)) && c !== "Ok",
    ),
    status: "mint-validation-result",
  },
  { errorClass: "WalletError", file: "src/wallet/errors.ts", codes: WALLET_ERROR_CODES },
  {
    errorClass: "TxValidationError",
    file: "src/transaction/errors.ts",
    codes: Object.keys(PROPOSE_TX_RESULT).filter((c) => c !== "Ok"),
    status: "propose-tx-result",
  },
  {
    errorClass: "TransactionError",
    file: "src/transaction/errors.ts",
    codes: TRANSACTION_ERROR_CODES,
  },
  {
    errorClass: "LocalLedgerError",
    file: "src/transaction/errors.ts",
    codes: LOCAL_LEDGER_ERROR_CODES,
  },
  {
    errorClass: "MembershipProofError",
    file: "src/transaction/merkle.ts",
    codes: MEMBERSHIP_PROOF_ERROR_CODES,
  },
  {
    errorClass: "BlockchainError",
    file: "src/blockchain/errors.ts",
    codes: BLOCKCHAIN_ERROR_CODES,
  },
  { errorClass: "LedgerError", file: "src/ledger/errors.ts", codes: LEDGER_ERROR_CODES },
  { errorClass: "ArchiveError", file: "src/archive/errors.ts", codes: ARCHIVE_ERROR_CODES },
  { errorClass: "CryptoError", file: "src/crypto/errors.ts", codes: CRYPTO_ERROR_CODES },
  { errorClass: "RingCtError", file: "src/crypto/ringct/errors.ts", codes: RING_CT_ERROR_CODES },
  { errorClass: "SimError", file: "src/sim/errors.ts", codes: SIM_ERROR_CODES },
  { errorClass: "TestnetError", file: "src/testnet/errors.ts", codes: TESTNET_ERROR_CODES },
];
