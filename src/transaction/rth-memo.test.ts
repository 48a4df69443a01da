/**
 * Goal: the RTH memo builder writes memos a recipient and the sender can read back: an
 * authenticated sender memo on every payment (hash and HMAC verify with the recipient's keys, and
 * fail with another account's), and a destination memo on the change output with the last
 * recipient, the recipient count, the fee and the total outlay.
 * Method: one seeded sample spend (block version 3, 1 input, 3 outputs) built with RTH memos;
 * each output is opened with the view key of whoever owns it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CHANGE_SUBADDRESS_INDEX, subaddressKeys } from "../crypto/index.js";
import { bytesEqual, SeededRandom } from "../util/index.js";
import {
  type DestinationMemo,
  MemoType,
  parseDestinationMemo,
  splitMemoPayload,
  validateAuthenticatedSenderMemo,
} from "./memos.js";
import { plainAddress, shortAddressHash } from "./public-address.js";
import { makeSampleSpend } from "./sample-spend.js";
import { viewTxOut } from "./tx-out.js";

test("RTH memos: sender memos authenticate, the change carries a destination memo (seed rth-3)", () => {
  const spend = makeSampleSpend({
    blockVersion: 3,
    inputs: 1,
    outputs: 3,
    rthMemos: true,
    rng: new SeededRandom("rth-3"),
  });
  const sender = subaddressKeys(spend.sender, 0n);
  const senderChange = subaddressKeys(spend.sender, CHANGE_SUBADDRESS_INDEX);
  const recipient = subaddressKeys(spend.recipient, 0n);
  let payments = 0;
  let paid = 0n;
  const destinations: DestinationMemo[] = [];
  for (const output of spend.tx.prefix.outputs) {
    const asRecipient = (() => {
      try {
        return viewTxOut(output, spend.recipient.viewPrivateKey);
      } catch {
        return undefined;
      }
    })();
    if (asRecipient?.subaddressSpendPublicKey.equals(recipient.spendPublicKey)) {
      const { type, data } = splitMemoPayload(asRecipient.memo!);
      assert.equal(type, MemoType.AUTHENTICATED_SENDER);
      assert.ok(
        validateAuthenticatedSenderMemo(
          type,
          data,
          plainAddress(sender),
          recipient.viewPrivateKey,
          output.publicKey,
        ),
      );
      // Another account's view key does not authenticate the memo.
      assert.ok(
        !validateAuthenticatedSenderMemo(
          type,
          data,
          plainAddress(sender),
          sender.viewPrivateKey,
          output.publicKey,
        ),
      );
      payments++;
      paid += asRecipient.amount.value;
      continue;
    }
    const asSender = viewTxOut(output, spend.sender.viewPrivateKey);
    assert.ok(asSender.subaddressSpendPublicKey.equals(senderChange.spendPublicKey));
    const { type, data } = splitMemoPayload(asSender.memo!);
    assert.equal(type, MemoType.DESTINATION);
    destinations.push(parseDestinationMemo(type, data));
  }
  assert.equal(payments, 2);
  assert.equal(destinations.length, 1);
  const memo = destinations[0]!;
  assert.ok(bytesEqual(memo.addressHash, shortAddressHash(plainAddress(recipient))));
  assert.equal(memo.numRecipients, 2);
  assert.equal(memo.fee, spend.tx.prefix.fee);
  assert.equal(memo.totalOutlay, paid + spend.tx.prefix.fee);
});
