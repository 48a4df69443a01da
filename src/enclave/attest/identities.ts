import { fromHex } from "../../util/index.js";
import { AttestError } from "./errors.js";
import { ATTEST_LIMITS, MEASUREMENT_LENGTH, U16_MAX } from "./limits.js";

/**
 * Trusted identities in the shape of MobileCoin's `attest/verifier/config` JSON (a
 * `TrustedIdentitySet`: release label → enclave name → identity, where an identity is the
 * `mc-attestation-verifier` `TrustedMrEnclaveIdentity` or `TrustedMrSignerIdentity`, unknown fields
 * refused), plus one field of ours: `mode`, "SW" or "DCAP", so that a hardware measurement can
 * never be trusted as a software one by accident. Example:
 *
 *   { "v1": { "consensus": { "mode": "SW", "MRENCLAVE": "<64 hex>",
 *                            "mitigated_hardening_advisories": [] } } }
 *   { "v1": { "consensus": { "mode": "SW", "MRSIGNER": "<64 hex>", "product_id": 1,
 *                            "minimum_svn": 10 } } }
 *
 * Advisories are parsed and kept but have no meaning for software evidence (there is no TCB).
 */
export type AttestationMode = "SW" | "DCAP";

interface IdentityCommon {
  readonly mode: AttestationMode;
  readonly mitigatedConfigAdvisories: readonly string[];
  readonly mitigatedHardeningAdvisories: readonly string[];
}

export interface TrustedMeasurementIdentity extends IdentityCommon {
  readonly kind: "measurement";
  readonly measurement: Uint8Array;
}

export interface TrustedSignerIdentity extends IdentityCommon {
  readonly kind: "signer";
  readonly signer: Uint8Array;
  readonly productId: number;
  readonly minimumSvn: number;
}

export type TrustedIdentity = TrustedMeasurementIdentity | TrustedSignerIdentity;

const MEASUREMENT_FIELDS = new Set([
  "mode",
  "MRENCLAVE",
  "mitigated_config_advisories",
  "mitigated_hardening_advisories",
]);
const SIGNER_FIELDS = new Set([
  "mode",
  "MRSIGNER",
  "product_id",
  "minimum_svn",
  "mitigated_config_advisories",
  "mitigated_hardening_advisories",
]);

function invalid(path: string, message: string): AttestError {
  return new AttestError("TRUSTED_IDENTITIES_INVALID", `${path}: ${message}`, { path });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hex32(path: string, value: unknown): Uint8Array {
  if (typeof value !== "string" || !/^[0-9a-fA-F]{64}$/.test(value)) {
    throw invalid(path, `expected ${MEASUREMENT_LENGTH} bytes of hex`);
  }
  return fromHex(value);
}

function u16(path: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > U16_MAX) {
    throw invalid(path, "expected an integer 0..65535");
  }
  return value;
}

function advisories(path: string, value: unknown): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw invalid(path, "expected an array of strings");
  }
  return value as string[];
}

function mode(path: string, value: unknown): AttestationMode {
  if (value !== "SW" && value !== "DCAP") throw invalid(path, 'expected "SW" or "DCAP"');
  return value;
}

export function parseTrustedIdentity(path: string, value: unknown): TrustedIdentity {
  if (!isObject(value)) throw invalid(path, "expected an object");
  const isMeasurement = "MRENCLAVE" in value;
  if (isMeasurement === "MRSIGNER" in value) {
    throw invalid(path, "exactly one of MRENCLAVE and MRSIGNER is required");
  }
  const allowed = isMeasurement ? MEASUREMENT_FIELDS : SIGNER_FIELDS;
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) throw invalid(`${path}.${key}`, "unknown field");
  }
  const common = {
    mode: mode(`${path}.mode`, value.mode),
    mitigatedConfigAdvisories: advisories(
      `${path}.mitigated_config_advisories`,
      value.mitigated_config_advisories,
    ),
    mitigatedHardeningAdvisories: advisories(
      `${path}.mitigated_hardening_advisories`,
      value.mitigated_hardening_advisories,
    ),
  };
  if (isMeasurement) {
    return {
      kind: "measurement",
      measurement: hex32(`${path}.MRENCLAVE`, value.MRENCLAVE),
      ...common,
    };
  }
  return {
    kind: "signer",
    signer: hex32(`${path}.MRSIGNER`, value.MRSIGNER),
    productId: u16(`${path}.product_id`, value.product_id),
    minimumSvn: u16(`${path}.minimum_svn`, value.minimum_svn),
    ...common,
  };
}

/** A whole trusted-identities document: release label → enclave name → identity. */
export type TrustedIdentitySet = ReadonlyMap<string, ReadonlyMap<string, TrustedIdentity>>;

export function parseTrustedIdentitySet(json: string): TrustedIdentitySet {
  if (json.length > ATTEST_LIMITS.maxTrustedIdentitiesBytes) {
    throw invalid("$", `larger than ${ATTEST_LIMITS.maxTrustedIdentitiesBytes} bytes`);
  }
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (error) {
    throw new AttestError(
      "TRUSTED_IDENTITIES_INVALID",
      "not JSON",
      { path: "$" },
      { cause: error },
    );
  }
  if (!isObject(document)) throw invalid("$", "expected an object of releases");
  const releases = new Map<string, ReadonlyMap<string, TrustedIdentity>>();
  for (const [release, enclaves] of Object.entries(document)) {
    if (!isObject(enclaves)) throw invalid(`$.${release}`, "expected an object of enclaves");
    const byName = new Map<string, TrustedIdentity>();
    for (const [name, identity] of Object.entries(enclaves)) {
      byName.set(name, parseTrustedIdentity(`$.${release}.${name}`, identity));
    }
    releases.set(release, byName);
  }
  return releases;
}

/**
 * The identities of `mode` for one enclave name across all releases (clients typically trust the
 * current and the next release), refusing a document that has none.
 */
export function trustedIdentitiesFor(
  set: TrustedIdentitySet,
  enclaveName: string,
  wanted: AttestationMode = "SW",
): TrustedIdentity[] {
  const out: TrustedIdentity[] = [];
  for (const byName of set.values()) {
    const identity = byName.get(enclaveName);
    if (identity !== undefined && identity.mode === wanted) out.push(identity);
  }
  if (out.length === 0) {
    throw new AttestError("NO_TRUSTED_IDENTITIES", `no ${wanted} identity for "${enclaveName}"`, {
      enclaveName,
    });
  }
  return out;
}

/** The peer rule: trust exactly our own measurement (MobileCoin peers require equal MRENCLAVE). */
export function peerIdentity(ownMeasurement: Uint8Array): TrustedIdentity {
  return {
    kind: "measurement",
    mode: "SW",
    measurement: ownMeasurement,
    mitigatedConfigAdvisories: [],
    mitigatedHardeningAdvisories: [],
  };
}
