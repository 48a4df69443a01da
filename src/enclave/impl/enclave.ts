import { Ed25519Signer, sha256, X25519KeyPair } from "../../crypto/index.js";
import {
  checkFeeMap,
  type FeeMap,
  isKnownBlockVersion,
  type TxValidationCode,
} from "../../transaction/index.js";
import {
  concatBytes,
  isCodedError,
  parseResponderId,
  type RandomSource,
  unreachable,
} from "../../util/index.js";
import {
  type BlockchainConfig,
  type CallOf,
  type EnclaveCall,
  type EnclaveOutcome,
  type OkOf,
  REPORT_NONCE_BYTES,
} from "../api.js";
import { EnclaveError } from "../errors.js";
import { ENCLAVE_LIMITS } from "../limits.js";
import type { SessionChannels } from "./channels.js";
import { BAKED_CONSTANTS, type BakedConstants } from "./constants.js";
import { formBlock } from "./form-block.js";
import { PendingReports } from "./pending-reports.js";
import {
  MEASUREMENT_BYTES,
  SEAL_SECRET_BYTES_MIN,
  sealPrivateKey,
  unsealPrivateKey,
} from "./seal.js";
import { TransactionCalls } from "./transactions.js";

/**
 * The software enclave: the state and the call handling of the consensus enclave, pure (time and
 * randomness come in; no I/O). Hosts feed it decoded calls; it answers each with a value or a
 * refusal code and never throws. What it holds never leaves it except as the public halves and
 * the sealed blob: the X25519 kex key (fresh per start), the Ed25519 block-signing key.
 *
 * Implemented today: enclave_init (one-shot), the getters, new_report, and the transaction calls
 * and form_block (transactions.ts, form-block.ts; minting refused). Session calls answer
 * NOT_SUPPORTED_YET until they are wired to the attested channels (src/enclave/attest/), and so
 * do the transaction calls that need a session while no `channels` are given.
 */
export interface SoftwareEnclaveOptions {
  random: RandomSource;
  /** The operator's seal secret, read by the enclave process itself (never via the host API). */
  sealSecret: Uint8Array;
  /** The enclave's own measurement (what sealing binds to). */
  measurement: Uint8Array;
  constants?: BakedConstants;
  /**
   * The attested sessions as the transaction calls use them. Until the session calls are wired,
   * absent means client_tx_propose, peer_tx_propose and txs_for_peer answer NOT_SUPPORTED_YET.
   */
  channels?: SessionChannels;
}

interface Initialized {
  peerResponderId: string;
  clientResponderId: string;
  feeMap: FeeMap;
  blockVersion: number;
}

/** The SHA-256 of the report-data preimage, padded to SGX's 64-byte report data. */
export function reportDataFor(nonce: Uint8Array, key: Uint8Array, custom: Uint8Array): Uint8Array {
  return concatBytes(sha256(nonce, key, custom), new Uint8Array(32));
}

export class SoftwareEnclave {
  private readonly random: RandomSource;
  private readonly sealSecret: Uint8Array;
  private readonly measurement: Uint8Array;
  private readonly constants: BakedConstants;
  private readonly kex: X25519KeyPair;
  private blockSigner: Ed25519Signer;
  private state: Initialized | undefined;
  private readonly pending = new PendingReports(ENCLAVE_LIMITS.pendingReportsMax);
  private readonly transactions: TransactionCalls;

  constructor(options: SoftwareEnclaveOptions) {
    if (options.sealSecret.length < SEAL_SECRET_BYTES_MIN) {
      throw new RangeError(`the seal secret must be at least ${SEAL_SECRET_BYTES_MIN} bytes`);
    }
    if (options.measurement.length !== MEASUREMENT_BYTES) throw new RangeError("measurement");
    this.random = options.random;
    this.sealSecret = options.sealSecret.slice();
    this.measurement = options.measurement.slice();
    this.constants = options.constants ?? BAKED_CONSTANTS;
    this.kex = new X25519KeyPair(this.random.fillBytes(new Uint8Array(32)));
    this.blockSigner = Ed25519Signer.generate(this.random);
    // The local cache keys are made at start, as MobileCoin's (not at init, not sealed).
    this.transactions = new TransactionCalls(options.channels, this.random);
  }

  /** Pending report-data entries (for tests of the bound). */
  pendingReports(): number {
    return this.pending.size;
  }

  /** Handle one call. Every refusal is a code; an unexpected failure is INTERNAL, never a throw. */
  handle(call: EnclaveCall): EnclaveOutcome {
    try {
      return { ok: true, value: this.dispatch(call) };
    } catch (error) {
      if (error instanceof EnclaveError) return refusalOf(error);
      return { ok: false, code: "INTERNAL" };
    }
  }

  private dispatch(call: EnclaveCall): OkOf<EnclaveCall["call"]> {
    if (call.call === "enclave_init") return this.init(call);
    const state = this.state;
    if (state === undefined) {
      throw new EnclaveError("NOT_INITIALIZED", `${call.call} before enclave_init`);
    }
    switch (call.call) {
      case "get_minimum_fee":
        return { call: call.call, minimumFee: state.feeMap.get(call.tokenId) };
      case "get_identity":
        return { call: call.call, kexPublicKey: this.kex.publicKey.slice() };
      case "get_signer":
        return { call: call.call, signerPublicKey: this.blockSigner.publicKey.slice() };
      case "get_fee_recipient":
        return {
          call: call.call,
          spendPublicKey: this.constants.feeSpendPublicKey.slice(),
          viewPublicKey: this.constants.feeViewPublicKey.slice(),
        };
      case "get_minting_trust_root":
        return { call: call.call, publicKey: this.constants.mintingTrustRoot.slice() };
      case "new_report":
        return this.newReport();
      case "get_evidence":
        throw new EnclaveError("EVIDENCE_NOT_INSTALLED", "no attestation evidence installed");
      case "client_tx_propose":
        return this.transactions.clientTxPropose(call, state);
      case "peer_tx_propose":
        return this.transactions.peerTxPropose(call);
      case "tx_is_well_formed":
        return this.transactions.txIsWellFormed(call, state);
      case "txs_for_peer":
        return this.transactions.txsForPeer(call);
      case "form_block":
        return formBlock(call, {
          config: state,
          signer: this.blockSigner,
          feeRecipient: {
            spendPublicKey: this.constants.feeSpendPublicKey,
            viewPublicKey: this.constants.feeViewPublicKey,
          },
          openWellFormed: (ciphertext) => this.transactions.openWellFormed(ciphertext),
        });
      case "install_evidence":
      case "client_accept":
      case "client_close":
      case "client_discard_message":
      case "peer_init":
      case "peer_accept":
      case "peer_connect":
      case "peer_close":
        throw new EnclaveError("NOT_SUPPORTED_YET", `${call.call} is not implemented yet`);
      default:
        return unreachable(call, "enclave call");
    }
  }

  private init(call: CallOf<"enclave_init">): OkOf<"enclave_init"> {
    if (this.state !== undefined) {
      throw new EnclaveError("ALREADY_INITIALIZED", "enclave_init is one-shot");
    }
    const checked = checkConfig(call.config);
    const peerResponderId = checkResponderId(call.peerResponderId, "peer");
    const clientResponderId = checkResponderId(call.clientResponderId, "client");
    if (call.sealedBlockSigningKey !== undefined) {
      const seed = unsealPrivateKey(call.sealedBlockSigningKey, this.sealSecret, this.measurement);
      this.blockSigner = Ed25519Signer.fromSeed(seed);
    }
    const seed = this.blockSigner.pkcs8Der().subarray(-32);
    const sealed = sealPrivateKey(seed, this.sealSecret, this.measurement, this.random);
    this.state = { peerResponderId, clientResponderId, ...checked };
    // MobileCoin reports the CPU features it was built for; a software enclave has none to report.
    return { call: "enclave_init", sealedBlockSigningKey: sealed, targetFeatures: [] };
  }

  private newReport(): OkOf<"new_report"> {
    const nonce = this.random.fillBytes(new Uint8Array(REPORT_NONCE_BYTES));
    const contents = {
      nonce,
      key: this.kex.publicKey.slice(),
      customIdentity: this.blockSigner.publicKey.slice(),
    };
    this.pending.add(contents);
    const reportData = reportDataFor(contents.nonce, contents.key, contents.customIdentity);
    return { call: "new_report", contents, reportData };
  }
}

/** A refusal as it crosses the boundary; MALFORMED_TX carries the rule the tx broke. */
function refusalOf(error: EnclaveError): EnclaveOutcome {
  const txCode = error.payload["txCode"] as TxValidationCode | undefined;
  if (error.code === "MALFORMED_TX" && txCode !== undefined) {
    return { ok: false, code: error.code, txCode };
  }
  return { ok: false, code: error.code === "MALFORMED_TX" ? "INTERNAL" : error.code };
}

function checkResponderId(text: string, which: string): string {
  try {
    return parseResponderId(text);
  } catch {
    throw new EnclaveError("INVALID_ARGUMENT", `the ${which} responder id is not host:port`);
  }
}

function checkConfig(config: BlockchainConfig): { feeMap: FeeMap; blockVersion: number } {
  if (config.governors !== undefined) {
    throw new EnclaveError("NOT_SUPPORTED_YET", "minting governors are not supported yet");
  }
  if (!isKnownBlockVersion(config.blockVersion)) {
    throw new EnclaveError("INVALID_CONFIG", `unknown block version ${config.blockVersion}`);
  }
  const feeMap = new Map<bigint, bigint>();
  for (const { tokenId, minimumFee } of config.feeMap) {
    if (feeMap.has(tokenId)) {
      throw new EnclaveError("INVALID_CONFIG", `token ${tokenId} appears twice in the fee map`);
    }
    feeMap.set(tokenId, minimumFee);
  }
  try {
    checkFeeMap(feeMap);
  } catch (error) {
    if (isCodedError(error)) throw new EnclaveError("INVALID_CONFIG", error.message);
    throw error;
  }
  return { feeMap, blockVersion: config.blockVersion };
}
