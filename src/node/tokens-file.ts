import { closestName } from "../quorum/index.js";
import { checkFeeMap, type FeeMap, MOB_MINIMUM_FEE, MOB_TOKEN_ID } from "../transaction/index.js";
import { describeError } from "../util/index.js";

/** MobileCoin's `ACCEPTABLE_MOB_FEE_VALUES` (half-open), enforced unless `allow_any_fee`. */
export const ACCEPTABLE_MOB_FEE_RANGE = [10_000n, 1_000_000_000_000n] as const;

const FILE_KEYS = ["tokens", "governors_signature"];
const TOKEN_KEYS = ["token_id", "minimum_fee", "allow_any_fee", "governors", "signer_identities"];

/** A tokens file's fee map and whether any token names governors (minting). */
export interface TokensConfig {
  readonly feeMap: FeeMap;
  readonly governedTokens: readonly bigint[];
}

function fail(field: string, problem: string): Error {
  return new Error(`${field}: ${problem}`);
}

function refuseUnknownKeys(o: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(o)) {
    if (known.includes(key)) continue;
    const near = closestName(key, known);
    const field = where === "" ? key : `${where}.${key}`;
    throw fail(
      field,
      `unknown key; ${near === undefined ? `known keys: ${known.join(", ")}` : `did you mean ${near}?`}`,
    );
  }
}

function u64(v: unknown, field: string): bigint {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
    throw fail(field, `must be a non-negative integer below 2^53, got ${JSON.stringify(v)}`);
  return BigInt(v);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** One token entry: its id and minimum fee (MOB's default when MOB gives none). */
function parseToken(t: unknown, field: string): { id: bigint; fee: bigint; governed: boolean } {
  if (!isObject(t)) throw fail(field, "must be an object with token_id");
  refuseUnknownKeys(t, TOKEN_KEYS, field);
  const id = u64(t.token_id, `${field}.token_id`);
  const allowAny = t.allow_any_fee ?? false;
  if (typeof allowAny !== "boolean") throw fail(`${field}.allow_any_fee`, "must be true or false");
  const isMob = id === MOB_TOKEN_ID;
  if (allowAny && !isMob) throw fail(`${field}.allow_any_fee`, "only allowed for MOB (token 0)");
  let fee: bigint;
  if (t.minimum_fee !== undefined) fee = u64(t.minimum_fee, `${field}.minimum_fee`);
  else if (isMob) fee = MOB_MINIMUM_FEE;
  else throw fail(`${field}.minimum_fee`, `missing: token ${id} has no default fee`);
  const [low, high] = ACCEPTABLE_MOB_FEE_RANGE;
  if (isMob && !allowAny && (fee < low || fee >= high))
    throw fail(
      `${field}.minimum_fee`,
      `MOB's fee ${fee} is outside [${low}, ${high}) (allow_any_fee lifts this)`,
    );
  const governed = t.governors !== undefined && t.governors !== null;
  if (governed && isMob) throw fail(`${field}.governors`, "MOB cannot be minted; remove governors");
  if (governed && !isObject(t.governors)) throw fail(`${field}.governors`, "must be an object");
  return { id, fee, governed };
}

/**
 * Parse and check a tokens file (`--tokens`, JSON) by MobileCoin's `TokensConfig::validate` rules:
 * no token twice, MOB present, a fee for every token, MOB's fee in its sane range unless
 * `allow_any_fee` (MOB only), no governors for MOB, every fee a nonzero multiple of 128; plus
 * unknown keys refused. Governor signer sets are checked for shape only. Throws a one-line
 * `Error` starting with the field.
 */
export function parseTokensConfig(text: string): TokensConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON: ${describeError(error)}`);
  }
  if (!isObject(doc)) throw new Error('expected {"tokens": [...]}');
  refuseUnknownKeys(doc, FILE_KEYS, "");
  const sig = doc.governors_signature;
  if (
    sig !== undefined &&
    sig !== null &&
    (typeof sig !== "string" || !/^([0-9a-fA-F]{128})?$/.test(sig))
  )
    throw fail("governors_signature", "must be 64 bytes of hex (or empty)");
  if (!Array.isArray(doc.tokens)) throw fail("tokens", "missing or not a list");
  const feeMap = new Map<bigint, bigint>();
  const governedTokens: bigint[] = [];
  doc.tokens.forEach((t, i) => {
    const { id, fee, governed } = parseToken(t, `tokens[${i}]`);
    if (feeMap.has(id)) throw fail(`tokens[${i}].token_id`, `token ${id} is configured twice`);
    feeMap.set(id, fee);
    if (governed) governedTokens.push(id);
  });
  if (!feeMap.has(MOB_TOKEN_ID)) throw fail("tokens", "MOB (token_id 0) is missing");
  try {
    checkFeeMap(feeMap);
  } catch (error) {
    throw fail("tokens", describeError(error));
  }
  return { feeMap, governedTokens };
}
