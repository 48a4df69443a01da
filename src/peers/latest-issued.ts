import { isNewer } from "../scp/index.js";
import type { SignedConsensusMsg } from "./wire.js";

/**
 * The highest consensus message this node issued, served to peers by `GetLatestMsg` (MobileCoin's
 * `highest_issued_msg`, consensus/service/src/byzantine_ledger/worker.rs). MobileCoin replaces the
 * stored message when the new one has a greater slot *or* a greater topic, so an Externalize
 * re-issued for a retained earlier slot would replace a Nominate of the current slot; here a
 * message replaces the stored one only for a greater slot, or the same slot and a newer statement
 * (scp's `isNewer`), so a lagging answer never hides our position.
 */
export class LatestIssuedMsg {
  private msg: SignedConsensusMsg | undefined;
  private encoded: Uint8Array | undefined;

  /** Offer an issued message with its CBOR payload; true when it became the latest. */
  offer(msg: SignedConsensusMsg, payload: Uint8Array): boolean {
    const cur = this.msg;
    const replace =
      cur === undefined ||
      msg.scpMsg.slot > cur.scpMsg.slot ||
      (msg.scpMsg.slot === cur.scpMsg.slot && isNewer(msg.scpMsg.topic, cur.scpMsg.topic));
    if (!replace) return false;
    this.msg = msg;
    this.encoded = payload;
    return true;
  }

  /** The payload `GetLatestMsg` answers with (undefined: an empty payload). */
  payload(): Uint8Array | undefined {
    return this.encoded;
  }

  get latest(): SignedConsensusMsg | undefined {
    return this.msg;
  }
}
