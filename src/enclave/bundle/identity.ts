import { readFileSync, statSync } from "node:fs";
import { bytesEqual, toHex } from "../../util/index.js";
import { EnclaveSetupError } from "../errors.js";
import { BAKED_CONSTANTS } from "../impl/constants.js";
import { CSS_BYTES_MAX, decodeCss, type EnclaveCss, encodeCss, signCss } from "./css.js";
import { devEnclaveSigningKey } from "./dev-key.js";
import {
  computeEnclaveManifest,
  describeManifestDifference,
  MANIFEST_BYTES_MAX,
  measurementOf,
} from "./manifest.js";
import { PACKAGE_ROOT } from "./sources.js";

/**
 * The identity the enclave will run under: its manifest, the signed manifest (CSS) and what they
 * say. `CONSENSUS_ENCLAVE_CSS` names a CSS file and `CONSENSUS_ENCLAVE_SIGNED` the bundle's
 * manifest (both written by `consensus-tool enclave-bundle`); without them the package's own
 * manifest is used, signed with the published development key. Either way the manifest recomputed
 * from the files on disk must match the CSS, here and again inside the enclave process at start.
 */
export interface EnclaveIdentity {
  manifest: string;
  css: EnclaveCss;
  /** The CSS as it is passed to the enclave process. */
  cssBytes: Uint8Array;
  measurement: Uint8Array;
  signer: Uint8Array;
  productId: number;
  svn: number;
  /** True when signed with the published development key (no operator chose this identity). */
  development: boolean;
}

export interface EnclaveIdentityEnv {
  CONSENSUS_ENCLAVE_SIGNED?: string | undefined;
  CONSENSUS_ENCLAVE_CSS?: string | undefined;
}

function readBounded(
  file: string,
  max: number,
  what: string,
  code: "INVALID_CSS" | "INVALID_BUNDLE",
): Uint8Array {
  try {
    if (statSync(file).size > max) {
      throw new EnclaveSetupError(code, `${what} ${file} is larger than ${max} bytes`);
    }
    return new Uint8Array(readFileSync(file));
  } catch (error) {
    if (error instanceof EnclaveSetupError) throw error;
    throw new EnclaveSetupError(code, `cannot read ${what} ${file}`);
  }
}

function identityFrom(manifest: string, css: EnclaveCss, development: boolean): EnclaveIdentity {
  return {
    manifest,
    css,
    cssBytes: encodeCss(css),
    measurement: css.measurement,
    signer: css.signer,
    productId: css.productId,
    svn: css.svn,
    development,
  };
}

/** Check a CSS against the manifest of the files under `root`; returns that manifest. */
export function checkCssAgainstFiles(css: EnclaveCss, root: string = PACKAGE_ROOT): string {
  const actual = computeEnclaveManifest(root);
  if (!bytesEqual(measurementOf(actual), css.measurement)) {
    throw new EnclaveSetupError(
      "MEASUREMENT_MISMATCH",
      `the enclave files measure ${toHex(measurementOf(actual))}, the CSS signs ${toHex(css.measurement)}`,
    );
  }
  if (css.productId !== BAKED_CONSTANTS.productId || css.svn !== BAKED_CONSTANTS.svn) {
    throw new EnclaveSetupError("INVALID_CSS", "the CSS product id or SVN is not the enclave's");
  }
  return actual;
}

export function loadEnclaveIdentity(
  env: EnclaveIdentityEnv = {},
  root: string = PACKAGE_ROOT,
): EnclaveIdentity {
  const cssPath = env.CONSENSUS_ENCLAVE_CSS;
  const bundlePath = env.CONSENSUS_ENCLAVE_SIGNED;
  if (cssPath === undefined || cssPath === "") {
    if (bundlePath !== undefined && bundlePath !== "") {
      throw new EnclaveSetupError(
        "INVALID_BUNDLE",
        "CONSENSUS_ENCLAVE_SIGNED needs CONSENSUS_ENCLAVE_CSS (the signed manifest) too",
      );
    }
    const manifest = computeEnclaveManifest(root);
    const c = BAKED_CONSTANTS;
    const css = signCss(measurementOf(manifest), c.productId, c.svn, devEnclaveSigningKey());
    return identityFrom(manifest, css, true);
  }
  const css = decodeCss(readBounded(cssPath, CSS_BYTES_MAX, "CSS file", "INVALID_CSS"));
  if (bundlePath !== undefined && bundlePath !== "") {
    const signed = new TextDecoder().decode(
      readBounded(bundlePath, MANIFEST_BYTES_MAX, "enclave bundle", "INVALID_BUNDLE"),
    );
    if (!bytesEqual(measurementOf(signed), css.measurement)) {
      throw new EnclaveSetupError(
        "INVALID_BUNDLE",
        `the bundle ${bundlePath} is not the manifest the CSS ${cssPath} signs`,
      );
    }
    const actual = computeEnclaveManifest(root);
    if (actual !== signed) {
      throw new EnclaveSetupError(
        "MEASUREMENT_MISMATCH",
        describeManifestDifference(signed, actual),
      );
    }
  }
  const manifest = checkCssAgainstFiles(css, root);
  const development = bytesEqual(css.signerPublicKey, devEnclaveSigningKey().publicKey);
  return identityFrom(manifest, css, development);
}
