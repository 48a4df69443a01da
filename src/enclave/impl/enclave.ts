import { Ed25519Signer, sha256, X25519KeyPair } from "../../crypto/index.js";
import {
  checkFeeMap,
  type FeeMap,
  isKnownBlockVersion,
  type TxValidationCode,
} from "../../transaction/index.js";
import {
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
import { devRootPublicKey } from "../attest/authority.js";
import { AttestError } from "../attest/errors.js";
import { decodeEvidence, makeReport } from "../attest/formats.js";
import { peerIdentity } from "../attest/identities.js";
import {
  type AttestationPolicy,
  DEVELOPMENT_POLICY,
  PRODUCTION_POLICY,
  SwEvidenceVerifier,
  type VerifiedEvidence,
  verifyOwnEvidence,
} from "../attest/verifier.js";
import { devEnclaveSigningKey } from "../bundle/dev-key.js";
import { EnclaveError } from "../errors.js";
import { ENCLAVE_LIMITS } from "../limits.js";
import type { SessionChannels } from "./channels.js";
import { blockchainConfigDigest } from "./config-digest.js";
import { BAKED_CONSTANTS, type BakedConstants } from "./constants.js";
import { formBlock } from "./form-block.js";
import { PendingReports } from "./pending-reports.js";
import {
  MEASUREMENT_BYTES,
  SEAL_SECRET_BYTES_MIN,
  sealPrivateKey,
  unsealPrivateKey,
} from "./seal.js";
import { AttestedSessions, type SessionLimits } from "./sessions.js";
import { TransactionCalls } from "./transactions.js";

/**
 * The software enclave: the state and the call handling of the consensus enclave, pure (time and
 * randomness come in; no I/O). Hosts feed it decoded calls; it answers each with a value or a
 * refusal code and never throws. What it holds never leaves it except as the public halves and
 * the sealed blob: the X25519 kex key (fresh per start), the Ed25519 block-signing key.
 *
 * Time comes in with each call (`handle(call, nowMs)`): the enclave process passes its own clock,
 * the in-process host an injected one. It is used only to check the validity windows of evidence.
 *
 * Evidence and the debug flag (reference §9.3): the enclave's report carries the identity of its
 * CSS. An enclave whose CSS is signed with the published development key reports `debug = true`
 * and runs the development policy (development evidence, debug peers) under the development root;
 * an enclave signed with a release key reports `debug = false` and runs the production policy
 * under the operator's attestation root, so it refuses development evidence and debug enclaves,
 * its own included. No handshake is served before evidence is installed.
 *
 * The transaction calls and form_block live in transactions.ts and form-block.ts; they reach the
 * attested sessions through `SessionChannels` (minting is refused).
 */
export interface SoftwareEnclaveOptions {
  random: RandomSource;
  /** The operator's seal secret, read by the enclave process itself (never via the host API). */
  sealSecret: Uint8Array;
  /** The enclave's own measurement (what sealing binds to). */
  measurement: Uint8Array;
  /** Signer, product id and SVN of the CSS; default: the published development key's CSS. */
  signature?: EnclaveSignature;
  /**
   * The attestation root a release enclave trusts (required when `signature.development` is
   * false); a development enclave trusts the published development root unless given another.
   */
  attestationRoot?: Uint8Array;
  constants?: BakedConstants;
  sessionLimits?: SessionLimits;
  /**
   * Channels to use instead of the enclave's own attested sessions (the benchmark stand-in's
   * public test channels); absent in every real enclave.
   */
  channels?: SessionChannels;
  /** Transactions whose verified signature is remembered; default `ENCLAVE_LIMITS.signatureMemoMax`. */
  signatureMemoMax?: number;
}

/** What the CSS says about who signed the enclave. */
export interface EnclaveSignature {
  signer: Uint8Array;
  productId: number;
  svn: number;
  /** Signed with the published development key: the report says debug, policy is development. */
  development: boolean;
}

/** The identity of an enclave signed with the published development key. */
export function developmentSignature(
  constants: BakedConstants = BAKED_CONSTANTS,
): EnclaveSignature {
  return {
    signer: sha256(devEnclaveSigningKey().publicKey),
    productId: constants.productId,
    svn: constants.svn,
    development: true,
  };
}

interface Initialized {
  peerResponderId: string;
  clientResponderId: string;
  feeMap: FeeMap;
  blockVersion: number;
  sessions: AttestedSessions;
}

interface InstalledEvidence {
  bytes: Uint8Array;
  verified: VerifiedEvidence;
}

export class SoftwareEnclave {
  private readonly random: RandomSource;
  private readonly sealSecret: Uint8Array;
  private readonly measurement: Uint8Array;
  private readonly constants: BakedConstants;
  private readonly kexSecret: Uint8Array;
  private readonly kex: X25519KeyPair;
  private blockSigner: Ed25519Signer;
  private state: Initialized | undefined;
  private readonly pending = new PendingReports(ENCLAVE_LIMITS.pendingReportsMax);
  private readonly signature: EnclaveSignature;
  private readonly policy: AttestationPolicy;
  private readonly attestationRoot: Uint8Array;
  private readonly sessionLimits: SessionLimits | undefined;
  private evidence: InstalledEvidence | undefined;
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
    this.signature = options.signature ?? developmentSignature(this.constants);
    this.policy = this.signature.development ? DEVELOPMENT_POLICY : PRODUCTION_POLICY;
    const root =
      options.attestationRoot ?? (this.signature.development ? devRootPublicKey() : undefined);
    if (root === undefined) throw new RangeError("a release enclave needs an attestation root");
    this.attestationRoot = root.slice();
    // Refuses, e.g., the development root under the production policy.
    this.peerVerifier();
    this.sessionLimits = options.sessionLimits;
    this.kexSecret = this.random.fillBytes(new Uint8Array(32));
    this.kex = new X25519KeyPair(this.kexSecret);
    this.blockSigner = Ed25519Signer.generate(this.random);
    // The local cache keys are made at start, as MobileCoin's (not at init, not sealed).
    this.transactions = new TransactionCalls(
      options.channels ?? this.sessionChannels(),
      this.random,
      options.signatureMemoMax,
    );
  }

  /** form_block transactions whose second signature check the memo spared (tests, benchmarks). */
  get signatureMemoHits(): number {
    return this.transactions.signatureMemoHits;
  }

  /** Pending report-data entries (for tests of the bound). */
  pendingReports(): number {
    return this.pending.size;
  }

  /** The attested sessions as the transaction calls see them (every call comes after init). */
  private sessionChannels(): SessionChannels {
    const sessions = (): SessionChannels => {
      if (this.state === undefined) throw new EnclaveError("NOT_INITIALIZED", "no sessions yet");
      return this.state.sessions;
    };
    return {
      openFromClient: (message) => sessions().openFromClient(message),
      openFromPeer: (message) => sessions().openFromPeer(message),
      sealForPeer: (session, aad, plaintext) => sessions().sealForPeer(session, aad, plaintext),
    };
  }

  /** The attested channels, for the transaction calls (undefined before enclave_init). */
  channels(): SessionChannels | undefined {
    return this.state?.sessions;
  }

  /**
   * Handle one call at `nowMs` (ms since the Unix epoch, the caller's clock). Every refusal is a
   * code; an unexpected failure is INTERNAL, never a throw.
   */
  handle(call: EnclaveCall, nowMs: number): EnclaveOutcome {
    try {
      return { ok: true, value: this.dispatch(call, nowMs) };
    } catch (error) {
      if (error instanceof EnclaveError) return refusalOf(error);
      return { ok: false, code: "INTERNAL" };
    }
  }

  private dispatch(call: EnclaveCall, nowMs: number): OkOf<EnclaveCall["call"]> {
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
          openWellFormed: (ciphertext, blockVersion) =>
            this.transactions.openWellFormed(ciphertext, blockVersion),
        });
      case "install_evidence":
        return this.installEvidence(call.evidence, nowMs);
      case "get_evidence":
        return { call: call.call, evidence: this.ownEvidence(nowMs).slice() };
      case "client_accept":
        return {
          call: call.call,
          ...state.sessions.clientAccept(call.authRequest, this.ownEvidence(nowMs)),
        };
      case "client_close":
        state.sessions.clientClose(call.session);
        return { call: call.call };
      case "client_discard_message":
        state.sessions.discardFromClient(call.message);
        return { call: call.call };
      case "peer_init": {
        const evidence = this.ownEvidence(nowMs);
        const id = checkResponderId(call.peerResponderId, "remote peer");
        return { call: call.call, authRequest: state.sessions.peerInit(id, evidence) };
      }
      case "peer_accept":
        return {
          call: call.call,
          ...state.sessions.peerAccept(call.authRequest, this.ownEvidence(nowMs), nowMs),
        };
      case "peer_connect": {
        const id = checkResponderId(call.peerResponderId, "remote peer");
        return { call: call.call, ...state.sessions.peerConnect(id, call.authResponse, nowMs) };
      }
      case "peer_close":
        state.sessions.peerClose(call.session);
        return { call: call.call };
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
    const sessions = new AttestedSessions({
      random: this.random,
      staticSecret: this.kexSecret,
      peerResponderId,
      clientResponderId,
      configDigest: blockchainConfigDigest(checked.feeMap, checked.blockVersion),
      peerVerifier: this.peerVerifier(),
      ...(this.sessionLimits === undefined ? {} : { limits: this.sessionLimits }),
    });
    this.state = { peerResponderId, clientResponderId, ...checked, sessions };
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
    const report = makeReport(
      {
        measurement: this.measurement,
        signer: this.signature.signer,
        productId: this.signature.productId,
        svn: this.signature.svn,
        debug: this.signature.development,
      },
      contents,
    );
    this.pending.add({ contents, report });
    return { call: "new_report", contents, report: report.slice() };
  }

  /** Verifies peers: only our own measurement, under our policy and root. */
  private peerVerifier(): SwEvidenceVerifier {
    return new SwEvidenceVerifier({
      policy: this.policy,
      rootPublicKey: this.attestationRoot,
      identities: [peerIdentity(this.measurement)],
    });
  }

  /**
   * The report cache's `verify_attestation_evidence`: the nonce must be pending, the statement
   * must carry exactly our report, signed under our root and policy, for our measurement.
   */
  private installEvidence(evidence: Uint8Array, nowMs: number): OkOf<"install_evidence"> {
    const verified = asEnclaveError(() => {
      const nonce = decodeEvidence(evidence).contents.nonce;
      const pending = this.pending.get(nonce);
      if (pending === undefined) {
        throw new EnclaveError("NOT_FOUND", "no pending report with this nonce");
      }
      const config = { policy: this.policy, rootPublicKey: this.attestationRoot };
      return verifyOwnEvidence(evidence, pending, config, nowMs);
    });
    this.pending.take(verified.contents.nonce);
    this.evidence = { bytes: evidence.slice(), verified };
    return { call: "install_evidence" };
  }

  /** Installed evidence that is still valid; handshakes need it. */
  private ownEvidence(nowMs: number): Uint8Array {
    const installed = this.evidence;
    if (installed === undefined) {
      throw new EnclaveError("EVIDENCE_NOT_INSTALLED", "no attestation evidence installed");
    }
    if (nowMs > installed.verified.statement.notAfterMs) {
      throw new EnclaveError("EVIDENCE_NOT_INSTALLED", "the installed evidence has expired");
    }
    return installed.bytes;
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

/** Run a step of attestation; an AttestError is refused as ATTESTATION_FAILED. */
function asEnclaveError<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof AttestError) {
      throw new EnclaveError("ATTESTATION_FAILED", error.message, { reason: error.code });
    }
    throw error;
  }
}
