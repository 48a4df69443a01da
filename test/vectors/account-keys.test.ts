// Goal: account keys and subaddress keys match MobileCoin's `account_keys` vectors byte for byte.
// Method: derive from root entropy and from BIP39 mnemonics (also checking entropy ↔ mnemonic),
// and derive subaddress keys once through the private path and once through the view-only path.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type AccountKey,
  accountKeyFromMnemonic,
  accountKeyFromRootEntropy,
  entropyMnemonic,
  mnemonicEntropy,
  Scalars,
  spendPublicKeyOf,
  subaddressKeys,
  viewOnlySubaddress,
} from "../../src/crypto/index.js";
import { toHex } from "../../src/util/index.js";
import { arrayBytes, forEachVector } from "./lib.js";

const hex = (values: readonly number[]) => toHex(arrayBytes(values));
const scalarHex = (s: bigint) => toHex(Scalars.toBytes(s));

interface KeysLine {
  view_private_key: number[];
  spend_private_key: number[];
}

function assertAccount(key: AccountKey, line: KeysLine): void {
  assert.equal(scalarHex(key.viewPrivateKey), hex(line.view_private_key), "view private key");
  assert.equal(scalarHex(key.spendPrivateKey), hex(line.spend_private_key), "spend private key");
}

interface SubaddressLine extends KeysLine {
  subaddress_index?: number;
  subaddress_view_private_key: number[];
  subaddress_spend_private_key: number[];
  subaddress_view_public_key: number[];
  subaddress_spend_public_key: number[];
}

function checkSubaddress(line: SubaddressLine): void {
  const account: AccountKey = {
    viewPrivateKey: Scalars.fromCanonicalBytes(arrayBytes(line.view_private_key)),
    spendPrivateKey: Scalars.fromCanonicalBytes(arrayBytes(line.spend_private_key)),
  };
  const index = BigInt(line.subaddress_index ?? 0);
  const keys = subaddressKeys(account, index);
  assert.equal(scalarHex(keys.viewPrivateKey), hex(line.subaddress_view_private_key));
  assert.equal(scalarHex(keys.spendPrivateKey), hex(line.subaddress_spend_private_key));
  assert.equal(toHex(keys.viewPublicKey.toBytes()), hex(line.subaddress_view_public_key));
  assert.equal(toHex(keys.spendPublicKey.toBytes()), hex(line.subaddress_spend_public_key));
  const viewOnly = viewOnlySubaddress(account.viewPrivateKey, spendPublicKeyOf(account), index);
  assert.equal(toHex(viewOnly.viewPublicKey.toBytes()), hex(line.subaddress_view_public_key));
  assert.equal(toHex(viewOnly.spendPublicKey.toBytes()), hex(line.subaddress_spend_public_key));
}

describe("account_keys vectors", () => {
  it("acct_priv_keys_from_root_entropy.jsonl", () => {
    forEachVector<KeysLine & { root_entropy: number[] }>(
      "account_keys/acct_priv_keys_from_root_entropy.jsonl",
      (line) => assertAccount(accountKeyFromRootEntropy(arrayBytes(line.root_entropy)), line),
    );
  });

  it("acct_priv_keys_from_bip39.jsonl", () => {
    forEachVector<KeysLine & { entropy: number[]; mnemonic: string; account_index: number }>(
      "account_keys/acct_priv_keys_from_bip39.jsonl",
      (line) => {
        assert.equal(entropyMnemonic(arrayBytes(line.entropy)), line.mnemonic);
        assert.equal(toHex(mnemonicEntropy(line.mnemonic)), hex(line.entropy));
        assertAccount(accountKeyFromMnemonic(line.mnemonic, line.account_index), line);
      },
    );
  });

  it("default_subaddr_keys_from_acct_priv_keys.jsonl", () => {
    forEachVector<SubaddressLine>(
      "account_keys/default_subaddr_keys_from_acct_priv_keys.jsonl",
      checkSubaddress,
    );
  });

  it("subaddr_keys_from_acct_priv_keys.jsonl", () => {
    forEachVector<SubaddressLine>("account_keys/subaddr_keys_from_acct_priv_keys.jsonl", (line) => {
      assert.equal(typeof line.subaddress_index, "number");
      checkSubaddress(line);
    });
  });
});
