import { type Ed25519Signer, ed25519Verify } from "../crypto/index.js";
import type { ScpMessage } from "../scp/index.js";
import { bytesEqual, toHex } from "../util/index.js";
import { consensusMsgDigest } from "./digest.js";
import { PeersError } from "./errors.js";
import type { IssuedMsgCheck, VerifiedMsgCache } from "./verified-msg-cache.js";
import { decodeConsensusMsgPayload, type SignedConsensusMsg } from "./wire.js";

/**
 * Signing and strict verification of consensus messages (reference mobilecoin-service.md §6.5).
 * The issuer signs the `peer-message` digest of (SCP message, previous block id) with its message
 * key; a receiver checks, in order: the relaying peer is configured, the payload decodes strictly,
 * the issuer is a node it knows with that key, the signature verifies strictly, and the previous
 * block id is the one its ledger has at `slot − 1` (or the message is classified as for a block
 * it does not have yet).
 */

/** Sign an SCP message we issue. `prevBlockId` is our block `slot − 1`; slot 0 has none. */
export function signConsensusMsg(
  scpMsg: ScpMessage,
  prevBlockId: Uint8Array,
  signer: Ed25519Signer,
): SignedConsensusMsg {
  if (scpMsg.slot === 0) throw new PeersError("ZERO_SLOT", "a slot 0 message cannot be signed");
  if (!bytesEqual(scpMsg.sender.publicKey ?? new Uint8Array(0), signer.publicKey))
    throw new PeersError("ISSUER_KEY_MISMATCH", "the message names another key than the signer's");
  return { scpMsg, prevBlockId, signature: signer.sign(consensusMsgDigest(scpMsg, prevBlockId)) };
}

/**
 * Encodings of the small-order points of edwards25519 (the eight canonical ones and the
 * non-canonical `y + p` forms of y = 0 and y = 1), as libsodium lists them. ed25519-dalek's
 * `verify_strict`, which MobileCoin uses, rejects a key or an `R` of small order; OpenSSL's
 * verification (under `ed25519Verify`) does not, so they are refused here first.
 */
const SMALL_ORDER_ENCODINGS: ReadonlySet<string> = new Set(
  [
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000080",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
  ].map((h) => h.toLowerCase()),
);

/** Ed25519 verification as dalek's `verify_strict`: OpenSSL's check plus no small-order key or R. */
export function verifyEd25519Strict(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  if (SMALL_ORDER_ENCODINGS.has(toHex(publicKey))) return false;
  if (SMALL_ORDER_ENCODINGS.has(toHex(signature.subarray(0, 32)))) return false;
  return ed25519Verify(publicKey, message, signature);
}

/** Does the issuer's signature cover this message and previous block id? */
export function consensusMsgSignatureValid(msg: SignedConsensusMsg): boolean {
  const key = msg.scpMsg.sender.publicKey;
  if (key === undefined) return false;
  return verifyEd25519Strict(key, consensusMsgDigest(msg.scpMsg, msg.prevBlockId), msg.signature);
}

/** What the receiver knows: its peers, the nodes it accepts messages from, and its ledger. */
export interface VerifyContext {
  /** Responder ids of configured peers allowed to send us consensus messages. */
  readonly peers: ReadonlySet<string>;
  /** Known nodes by responder id → Ed25519 key (configured peers and quorum-set members). */
  readonly knownNodes: ReadonlyMap<string, Uint8Array>;
  /** Accept issuers outside `knownNodes` (MobileCoin does; SCP then ignores non-members). Default false. */
  readonly acceptUnknownIssuers?: boolean;
  /** Blocks in our ledger (the current slot is this number). */
  readonly numBlocks: number;
  /** The id of block `index` (`index < numBlocks`). */
  readonly blockId: (index: number) => Uint8Array;
}

/**
 * Where a verified message stands against our ledger: `current` builds on our last block, `past`
 * on an earlier one we have (same chain), `future` names a block we do not have yet (its previous
 * block id cannot be checked; catch-up and network-state logic use it).
 */
export type MsgPosition = "current" | "past" | "future";

export interface VerifiedConsensusMsg {
  readonly msg: SignedConsensusMsg;
  readonly fromResponderId: string;
  readonly position: MsgPosition;
  /** The `peer-message` digest (also the de-duplication key for relaying). */
  readonly digest: Uint8Array;
}

/**
 * Verify a received `consensus_peer.ConsensusMsg`; every refusal is a `PeersError`. With a
 * `cache`, a payload already verified skips the checks that depend on its bytes alone.
 */
export function verifyConsensusMsg(
  fromResponderId: string,
  payload: Uint8Array,
  ctx: VerifyContext,
  cache?: VerifiedMsgCache,
): VerifiedConsensusMsg {
  if (!ctx.peers.has(fromResponderId))
    throw new PeersError("UNKNOWN_PEER", `consensus message relayed by unknown peer`, {
      from: fromResponderId,
    });
  const check = (bytes: Uint8Array) => checkIssuedMsg(bytes, ctx);
  const { msg, digest } = cache === undefined ? check(payload) : cache.through(payload, check);
  return { msg, fromResponderId, position: position(msg, ctx), digest };
}

/** The checks of a payload that do not depend on who relayed it or on our ledger. */
function checkIssuedMsg(payload: Uint8Array, ctx: VerifyContext): IssuedMsgCheck {
  const msg = decodeConsensusMsgPayload(payload);
  const issuer = msg.scpMsg.sender;
  const known = ctx.knownNodes.get(issuer.id);
  if (known === undefined && ctx.acceptUnknownIssuers !== true)
    throw new PeersError("UNKNOWN_ISSUER", "message issued by a node we do not know", {
      issuer: issuer.id,
    });
  if (known !== undefined && !bytesEqual(known, issuer.publicKey as Uint8Array))
    throw new PeersError("ISSUER_KEY_MISMATCH", "issuer key differs from the configured one", {
      issuer: issuer.id,
    });
  if (msg.scpMsg.slot === 0) throw new PeersError("ZERO_SLOT", "a message for slot 0");
  const digest = consensusMsgDigest(msg.scpMsg, msg.prevBlockId);
  if (!verifyEd25519Strict(issuer.publicKey as Uint8Array, digest, msg.signature))
    throw new PeersError("INVALID_SIGNATURE", "consensus message signature does not verify", {
      issuer: issuer.id,
    });
  return { msg, digest };
}

function position(msg: SignedConsensusMsg, ctx: VerifyContext): MsgPosition {
  const parent = msg.scpMsg.slot - 1;
  if (parent >= ctx.numBlocks) return "future";
  if (!bytesEqual(ctx.blockId(parent), msg.prevBlockId))
    throw new PeersError("PREV_BLOCK_MISMATCH", "message refers to a different blockchain", {
      slot: msg.scpMsg.slot,
      prevBlockId: toHex(msg.prevBlockId),
    });
  return parent === ctx.numBlocks - 1 ? "current" : "past";
}
