import {
  ED25519_PUBLIC_KEY_LENGTH,
  ED25519_SIGNATURE_LENGTH,
  ENCRYPTED_FOG_HINT_LENGTH,
  Ristretto,
} from "../crypto/index.js";
import type {
  Ed25519MultiSig,
  Ed25519SignerSet,
  MintConfigTx,
  MintTx,
} from "../proto/external_pb.js";
import { RpcError } from "./errors.js";

/**
 * The protobuf → domain conversions MobileCoin runs on a proposed mint before validating it
 * (api/src/convert/mint_*.rs, ed25519_multisig.rs). A failure there is `InvalidArgument`, which
 * upstream answers INTERNAL "Internal error: Invalid argument …" — so does `RPC_INVALID_MINT`.
 * Checked: signature and key lengths, Ristretto keys that decode, fog hint length. Not checked:
 * that Ed25519 signer keys are valid curve points (we have no such check below rpc).
 */
export const MINT_SHAPE_LIMITS = {
  /** Deepest nesting of multi-signer sets accepted (upstream has no bound). */
  maxSignerSetDepth: 8,
} as const;

function refuse(what: string): never {
  throw new RpcError("RPC_INVALID_MINT", `invalid argument: ${what}`);
}

function checkMultiSig(sig: Ed25519MultiSig | undefined): void {
  for (const s of sig?.signatures ?? []) {
    if (s.data.length !== ED25519_SIGNATURE_LENGTH) refuse("signature length");
  }
}

function checkSignerSet(set: Ed25519SignerSet | undefined, depth: number): void {
  if (set === undefined) return;
  if (depth > MINT_SHAPE_LIMITS.maxSignerSetDepth) refuse("signer sets nested too deep");
  for (const key of set.individualSigners) {
    if (key.data.length !== ED25519_PUBLIC_KEY_LENGTH) refuse("signer key length");
  }
  for (const inner of set.multiSigners) checkSignerSet(inner, depth + 1);
}

export function checkMintConfigTxShape(tx: MintConfigTx): void {
  for (const config of tx.prefix?.configs ?? []) checkSignerSet(config.signerSet, 1);
  checkMultiSig(tx.signature);
}

function checkRistretto(bytes: Uint8Array | undefined, what: string): void {
  try {
    Ristretto.fromBytes(bytes ?? new Uint8Array(0));
  } catch {
    refuse(what);
  }
}

export function checkMintTxShape(tx: MintTx): void {
  checkRistretto(tx.prefix?.viewPublicKey?.data, "view public key");
  checkRistretto(tx.prefix?.spendPublicKey?.data, "spend public key");
  const hint = tx.prefix?.eFogHint?.data ?? new Uint8Array(0);
  if (hint.length !== 0 && hint.length !== ENCRYPTED_FOG_HINT_LENGTH) refuse("fog hint length");
  checkMultiSig(tx.signature);
}
