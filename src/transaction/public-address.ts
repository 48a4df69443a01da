import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  type AccountKey,
  base58Decode,
  base58Encode,
  CryptoError,
  crc32,
  D,
  type DigestNode,
  digest32,
  Ristretto,
  type RistrettoPoint,
  schnorrkelSignDeterministic,
  schnorrkelVerify,
  subaddressKeys,
} from "../crypto/index.js";
import {
  type PublicAddress as ProtoPublicAddress,
  PublicAddressSchema,
} from "../proto/external_pb.js";
import { type PrintableWrapper, PrintableWrapperSchema } from "../proto/printable_pb.js";
import { utf8 } from "../util/index.js";
import { TransactionError } from "./errors.js";

/**
 * A MobileCoin public address (a subaddress's public keys plus optional fog fields), its protobuf
 * form, its Digestible hash (ShortAddressHash for memos) and its b58 PrintableWrapper string.
 */
export interface PublicAddress {
  /** `C_i`. */
  readonly viewPublicKey: RistrettoPoint;
  /** `D_i`. */
  readonly spendPublicKey: RistrettoPoint;
  /** Empty means no fog. */
  readonly fogReportUrl: string;
  readonly fogReportId: string;
  /** Schnorrkel signature by `c_i` over the fog authority SPKI; empty without fog. */
  readonly fogAuthoritySig: Uint8Array;
}

/** Longest b58 string `decodePrintable` accepts: far above any address or payload. */
export const PRINTABLE_B58_MAX_CHARS = 4096;

/** The schnorrkel signing context of the fog authority signature. */
export const FOG_AUTHORITY_SIGNATURE_CONTEXT = utf8("Fog authority signature");

/** An address without fog. */
export function plainAddress(keys: {
  readonly viewPublicKey: RistrettoPoint;
  readonly spendPublicKey: RistrettoPoint;
}): PublicAddress {
  return {
    viewPublicKey: keys.viewPublicKey,
    spendPublicKey: keys.spendPublicKey,
    fogReportUrl: "",
    fogReportId: "",
    fogAuthoritySig: new Uint8Array(0),
  };
}

/**
 * The public address of an account's subaddress `index`. With fog, the fog authority SPKI is
 * signed by the subaddress view key exactly as MobileCoin does (deterministically).
 */
export function publicAddressOf(account: AccountKey, index: bigint): PublicAddress {
  const keys = subaddressKeys(account, index);
  const fog = account.fog;
  if (fog === undefined || fog.reportUrl === "") return plainAddress(keys);
  return {
    viewPublicKey: keys.viewPublicKey,
    spendPublicKey: keys.spendPublicKey,
    fogReportUrl: fog.reportUrl,
    fogReportId: fog.reportId,
    fogAuthoritySig: schnorrkelSignDeterministic(
      keys.viewPrivateKey,
      FOG_AUTHORITY_SIGNATURE_CONTEXT,
      fog.authoritySpki,
    ),
  };
}

function point(bytes: Uint8Array | undefined, field: string): RistrettoPoint {
  try {
    return Ristretto.fromBytes(bytes ?? new Uint8Array(0));
  } catch {
    throw new TransactionError("INVALID_FIELD", `${field} is not a valid ristretto point`, {
      field,
    });
  }
}

/** From the protobuf message; both keys must be valid points. */
export function publicAddressFromProto(msg: ProtoPublicAddress): PublicAddress {
  return {
    viewPublicKey: point(msg.viewPublicKey?.data, "view_public_key"),
    spendPublicKey: point(msg.spendPublicKey?.data, "spend_public_key"),
    fogReportUrl: msg.fogReportUrl,
    fogReportId: msg.fogReportId,
    fogAuthoritySig: msg.fogAuthoritySig,
  };
}

export function publicAddressToProto(a: PublicAddress): ProtoPublicAddress {
  return create(PublicAddressSchema, {
    viewPublicKey: { data: a.viewPublicKey.toBytes() },
    spendPublicKey: { data: a.spendPublicKey.toBytes() },
    fogReportUrl: a.fogReportUrl,
    fogReportId: a.fogReportId,
    fogAuthoritySig: a.fogAuthoritySig,
  });
}

/** Decode a `PublicAddress` protobuf encoding; throws `INVALID_ENCODING` / `INVALID_FIELD`. */
export function decodePublicAddress(bytes: Uint8Array): PublicAddress {
  let msg: ProtoPublicAddress;
  try {
    msg = fromBinary(PublicAddressSchema, bytes);
  } catch (e) {
    throw new TransactionError("INVALID_ENCODING", `not a PublicAddress: ${(e as Error).message}`);
  }
  return publicAddressFromProto(msg);
}

export function encodePublicAddress(a: PublicAddress): Uint8Array {
  return toBinary(PublicAddressSchema, publicAddressToProto(a));
}

/** Digestible node: aggregate `PublicAddress`; the three fog fields are `never_omit`. */
export function publicAddressDigestNode(a: PublicAddress): DigestNode {
  return D.agg("PublicAddress", [
    D.field("view_public_key", D.ristretto(a.viewPublicKey.toBytes())),
    D.field("spend_public_key", D.ristretto(a.spendPublicKey.toBytes())),
    D.field("fog_report_url", D.str(a.fogReportUrl), true),
    D.field("fog_report_id", D.str(a.fogReportId), true),
    D.field("fog_authority_sig", D.bytes(a.fogAuthoritySig), true),
  ]);
}

/** `ShortAddressHash`: the first 16 bytes of the address digest with context `mc-address`. */
export function shortAddressHash(a: PublicAddress): Uint8Array {
  return digest32("mc-address", publicAddressDigestNode(a)).slice(0, 16);
}

/**
 * Check the fog authority signature over the fog authority's SubjectPublicKeyInfo (DER) with the
 * address's view public key. False for an address without fog or a signature that does not verify.
 */
export function verifyFogAuthoritySignature(a: PublicAddress, authoritySpki: Uint8Array): boolean {
  if (a.fogReportUrl === "") return false;
  try {
    return schnorrkelVerify(
      a.viewPublicKey,
      FOG_AUTHORITY_SIGNATURE_CONTEXT,
      authoritySpki,
      a.fogAuthoritySig,
    );
  } catch (e) {
    if (e instanceof CryptoError) return false;
    throw e;
  }
}

/** b58 of `CRC-32(proto) as 4 little-endian bytes ‖ proto` for a PrintableWrapper. */
export function encodePrintable(wrapper: PrintableWrapper): string {
  const proto = toBinary(PrintableWrapperSchema, wrapper);
  const out = new Uint8Array(4 + proto.length);
  new DataView(out.buffer).setUint32(0, crc32(proto), true);
  out.set(proto, 4);
  return base58Encode(out);
}

/**
 * Parse a b58 PrintableWrapper: `INVALID_BASE58` for bad characters or too little data,
 * `CHECKSUM_MISMATCH` for a wrong CRC, `INVALID_ENCODING` for bytes that are not the message.
 */
export function decodePrintable(text: string): PrintableWrapper {
  if (typeof text !== "string" || text.length > PRINTABLE_B58_MAX_CHARS) {
    throw new CryptoError("INVALID_BASE58", "b58 string too long");
  }
  const bytes = base58Decode(text);
  if (bytes.length < 5) throw new CryptoError("INVALID_BASE58", "b58 payload is too short");
  const proto = bytes.subarray(4);
  const expected = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  if (crc32(proto) !== expected) {
    throw new CryptoError("CHECKSUM_MISMATCH", "b58 checksum does not match");
  }
  try {
    return fromBinary(PrintableWrapperSchema, proto);
  } catch (e) {
    throw new TransactionError(
      "INVALID_ENCODING",
      `not a PrintableWrapper: ${(e as Error).message}`,
    );
  }
}

/** The b58 string of a public address. */
export function publicAddressToB58(a: PublicAddress): string {
  return encodePrintable(
    create(PrintableWrapperSchema, {
      wrapper: { case: "publicAddress", value: publicAddressToProto(a) },
    }),
  );
}

/** Parse a b58 public address; any other payload is `INVALID_FIELD`. */
export function publicAddressFromB58(text: string): PublicAddress {
  const w = decodePrintable(text);
  if (w.wrapper.case !== "publicAddress") {
    throw new TransactionError("INVALID_FIELD", "b58 payload is not a public address", {
      payload: w.wrapper.case ?? "none",
    });
  }
  return publicAddressFromProto(w.wrapper.value);
}
