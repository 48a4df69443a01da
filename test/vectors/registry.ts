/**
 * Which suite consumes each vector file under MC_VECTORS_DIR (paths relative to it, with `/`).
 * `registry.test.ts` fails on any `.jsonl` file not listed here, and on any listed file or suite
 * that is missing; each suite asserts that it checked every line of its files.
 */
export const VECTOR_REGISTRY: Readonly<Record<string, string>> = {
  "account_keys/acct_priv_keys_from_bip39.jsonl": "account-keys.test.ts",
  "account_keys/acct_priv_keys_from_root_entropy.jsonl": "account-keys.test.ts",
  "account_keys/default_subaddr_keys_from_acct_priv_keys.jsonl": "account-keys.test.ts",
  "account_keys/subaddr_keys_from_acct_priv_keys.jsonl": "account-keys.test.ts",
  "b58_encodings/b58_encode_public_address_with_fog.jsonl": "b58-encodings.test.ts",
  "b58_encodings/b58_encode_public_address_without_fog.jsonl": "b58-encodings.test.ts",
  "bulletproofs/dalek_range_proofs.jsonl": "bulletproofs.test.ts",
  "digestible/block_digests.jsonl": "block-digests.test.ts",
  "memos/correct_encrypted_destination_memos.jsonl": "memos.test.ts",
  "memos/correct_encrypted_sender_memos.jsonl": "memos.test.ts",
  "memos/correct_encrypted_sender_with_payment_request_id_memos.jsonl": "memos.test.ts",
  "memos/incorrect_encrypted_sender_memos.jsonl": "memos.test.ts",
  "memos/incorrect_encrypted_sender_with_payment_request_id_memos.jsonl": "memos.test.ts",
  "noise/handshakes_25519_aesgcm_sha512.jsonl": "noise.test.ts",
  "tx_out_records/correct_tx_out_records.jsonl": "tx-out-records.test.ts",
  "tx_out_records/incorrect_tx_out_records.jsonl": "tx-out-records.test.ts",
};
