// Goal: every typed refusal a client can cause maps, in the one error map, either to MobileCoin's
// ProposeTxResult (gRPC OK) or to MobileCoin's gRPC status (reference mobilecoin-service.md §5.9),
// never to "unknown". Method: tables written by hand from upstream
// consensus/api/proto/consensus_common.proto, consensus_client.proto,
// consensus/service/src/api/grpc_error.rs and util/grpc/src/auth/mod.rs; each of our codes is
// looked up, and a code we have without a row in the table fails the test.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { ConsensusError } from "../consensus/index.js";
import { EnclaveError, EnclaveHostError } from "../enclave/index.js";
import { MintValidationResultCode } from "../proto/consensus_client_pb.js";
import { ProposeTxResult } from "../proto/consensus_common_pb.js";
import { PROPOSE_TX_RESULT, TxValidationError } from "../transaction/index.js";
import { CodedError } from "../util/index.js";
import {
  MintValidationError,
  mintValidationResultOf,
  proposeTxResultOf,
  RpcError,
  rpcStatusOf,
} from "./errors.js";

/** consensus_common.proto `enum ProposeTxResult`, copied by hand from upstream HEAD. */
const UPSTREAM_PROPOSE_TX_RESULT: Readonly<Record<string, number>> = {
  InputsProofsLengthMismatch: 10,
  NoInputs: 11,
  TooManyInputs: 12,
  InsufficientInputSignatures: 13,
  InvalidInputSignature: 14,
  InvalidTransactionSignature: 15,
  InvalidRangeProof: 16,
  InsufficientRingSize: 17,
  TombstoneBlockExceeded: 18,
  TombstoneBlockTooFar: 19,
  NoOutputs: 20,
  TooManyOutputs: 21,
  ExcessiveRingSize: 22,
  DuplicateRingElements: 23,
  UnsortedRingElements: 24,
  UnequalRingSizes: 25,
  UnsortedKeyImages: 26,
  ContainsSpentKeyImage: 27,
  DuplicateKeyImages: 28,
  DuplicateOutputPublicKey: 29,
  ContainsExistingOutputPublicKey: 30,
  MissingTxOutMembershipProof: 31,
  InvalidTxOutMembershipProof: 32,
  InvalidRistrettoPublicKey: 33,
  InvalidLedgerContext: 34,
  Ledger: 35,
  MembershipProofValidationError: 36,
  TxFeeError: 37,
  KeyError: 38,
  UnsortedInputs: 39,
  MissingMemo: 40,
  MemosNotAllowed: 41,
  TokenNotYetConfigured: 42,
  MissingMaskedTokenId: 43,
  MaskedTokenIdNotAllowed: 44,
  UnsortedOutputs: 45,
  InputRulesNotAllowed: 46,
  InputRuleMissingRequiredOutput: 47,
  InputRuleMaxTombstoneBlockExceeded: 48,
  UnknownMaskedAmountVersion: 49,
  InputRulePartialFill: 50,
  InputRuleInvalidAmountSharedSecret: 51,
  InputRuleTxOutConversion: 52,
  InputRuleAmount: 53,
  LedgerTxOutIndexOutOfBounds: 54,
  FeeMapDigestMismatch: 55,
};

/** Our validation codes: every ProposeTxResult name the transaction layer can throw. */
const OUR_CODES = Object.keys(PROPOSE_TX_RESULT).filter((c) => c !== "Ok");

describe("ProposeTxResult map", () => {
  it("maps every validation code we have to upstream's number", () => {
    for (const code of OUR_CODES) {
      const expected = UPSTREAM_PROPOSE_TX_RESULT[code];
      assert.notEqual(expected, undefined, `${code}: no upstream row — add one by hand`);
      const got = proposeTxResultOf(new TxValidationError(code as never, "x"));
      assert.equal(got?.result, expected, code);
      assert.ok((got?.errMsg.length ?? 0) > 0, `${code}: empty err_msg`);
    }
    assert.deepEqual(OUR_CODES.sort(), Object.keys(UPSTREAM_PROPOSE_TX_RESULT).sort());
  });

  it("the generated enum carries upstream's numbers", () => {
    for (const [name, value] of Object.entries(UPSTREAM_PROPOSE_TX_RESULT)) {
      assert.equal((ProposeTxResult as unknown as Record<string, number>)[name], value, name);
    }
    assert.equal(ProposeTxResult.Ok, 0);
  });

  it("fills err_msg with upstream's Display text", () => {
    const text = (code: string) => proposeTxResultOf(new TxValidationError(code as never, ""));
    assert.equal(
      text("TombstoneBlockExceeded")?.errMsg,
      "Number of blocks in ledger exceeds the tombstone block number.",
    );
    assert.equal(
      text("ContainsSpentKeyImage")?.errMsg,
      "Contains a Key Image that has previously been spent.",
    );
    assert.equal(text("FeeMapDigestMismatch")?.errMsg, "Fee Map Digest Mismatch");
  });

  it("maps the enclave's MALFORMED_TX by the rule it carries", () => {
    const refused = new EnclaveError("MALFORMED_TX", "refused", { txCode: "FeeMapDigestMismatch" });
    assert.equal(proposeTxResultOf(refused)?.result, 55);
    const signature = new EnclaveError("MALFORMED_TX", "r", {
      txCode: "InvalidTransactionSignature",
    });
    assert.equal(proposeTxResultOf(signature)?.result, 15);
    // MALFORMED_TX without a rule is our own bug: a status (INTERNAL), not a result.
    assert.equal(proposeTxResultOf(new EnclaveError("MALFORMED_TX", "r")), undefined);
  });

  it("maps every reason the tx manager's TX_INVALID carries", () => {
    const reasons: Record<string, number> = {
      TombstoneBlockExceeded: 18,
      TombstoneBlockTooFar: 19,
      ContainsSpentKeyImage: 27,
      ContainsExistingOutputPublicKey: 30,
    };
    for (const [reason, expected] of Object.entries(reasons)) {
      const error = new ConsensusError("TX_INVALID", "invalid", { reason });
      assert.equal(proposeTxResultOf(error)?.result, expected, reason);
    }
  });

  it("leaves everything else to the status map", () => {
    for (const error of [
      new ConsensusError("OVER_CAPACITY", "full"),
      new EnclaveError("DECRYPT_FAILED", "x"),
      new Error("plain"),
      new CodedError("Ok", {}),
      new CodedError("NoInputs", {}),
    ]) {
      assert.equal(proposeTxResultOf(error), undefined, String(error));
    }
  });
});

describe("client-facing statuses (grpc_error.rs, auth/mod.rs)", () => {
  const cases: [Error, status, string][] = [
    [new ConsensusError("OVER_CAPACITY", "x"), status.UNAVAILABLE, "Temporarily over capacity"],
    [new ConsensusError("TX_CACHE_FULL", "x"), status.UNAVAILABLE, "Temporarily over capacity"],
    [new RpcError("RPC_BEHIND", "x"), status.UNAVAILABLE, "Temporarily not serving requests"],
    [
      new EnclaveError("DECRYPT_FAILED", "x"),
      status.PERMISSION_DENIED,
      "Permission Denied (attestation)",
    ],
    [
      new EnclaveError("NOT_FOUND", "x"),
      status.PERMISSION_DENIED,
      "Permission Denied (attestation)",
    ],
    [new EnclaveHostError("ENCLAVE_EXITED", "x"), status.UNAVAILABLE, "Service unavailable"],
    [
      new EnclaveHostError("TOO_MANY_CALLS_IN_FLIGHT", "x"),
      status.UNAVAILABLE,
      "Service unavailable",
    ],
    [new EnclaveError("SERIALIZATION", "x"), status.INTERNAL, "Internal error"],
    [new EnclaveError("MALFORMED_TX", "x"), status.INTERNAL, "Internal error"],
    [new CodedError("AUTH_UNAUTHENTICATED", {}), status.UNAUTHENTICATED, "Unauthenticated"],
    [
      new CodedError("AUTH_INVALID_TOKEN", {}),
      status.UNAUTHENTICATED,
      "Invalid user authorization token",
    ],
    [
      new CodedError("AUTH_EXPIRED_TOKEN", {}),
      status.UNAUTHENTICATED,
      "Expired user authorization token",
    ],
    [
      new CodedError("AUTH_UNSUPPORTED_METHOD", {}),
      status.UNAUTHENTICATED,
      "Authorization header error: Unsupported authorization method",
    ],
    [new CodedError("LOG_FILTER_INVALID", {}), status.INVALID_ARGUMENT, "Invalid argument"],
  ];
  for (const [error, code, details] of cases) {
    it(`${(error as CodedError).code} → ${status[code]}`, () => {
      assert.deepEqual(rpcStatusOf(error), { code, details });
    });
  }
});

describe("MintValidationResult map (consensus_client.proto)", () => {
  it("carries upstream's numbers and the token id for NoGovernors", () => {
    const noGovernors = mintValidationResultOf(
      new MintValidationError("NoGovernors", "x", { tokenId: 7n }),
    );
    assert.equal(noGovernors?.code, 10);
    assert.equal(noGovernors?.tokenId, 7n);
    const noConfig = mintValidationResultOf(new MintValidationError("NoMatchingMintConfig", "x"));
    assert.equal(noConfig?.code, 12);
    assert.equal(MintValidationResultCode.MintingToFogNotSupported, 13);
    assert.equal(mintValidationResultOf(new Error("x")), undefined);
  });
});
