import type { Phase } from "../scp/index.js";
import { CodedError, type Logger, toHex } from "../util/index.js";

/**
 * MobileCoin's notable log lines (reference mobilecoin-service.md §9.2; consensus/service/src/
 * byzantine_ledger/worker.rs, consensus/scp/src/slot.rs, peers/src/threaded_broadcaster.rs,
 * consensus/service/src/peer_keepalive.rs, ledger/sync, consensus_service.rs), at MobileCoin's
 * levels. The message keeps MobileCoin's wording so operators' greps and alerts still match; the
 * same facts are structured fields, with `event` a stable name for machines. Where MobileCoin
 * prints a whole list (`{:?}` of values or hashes), the message says how many and the fields carry
 * at most `LOG_LIST_MAX` entries, so a line stays bounded.
 */
export const LOG_LIST_MAX = 16;

/** An error as log fields: its code when it has one, and its message. */
export function errorFields(error: unknown): { err: string; code?: string } {
  if (error instanceof CodedError) return { err: error.message, code: error.code };
  if (error instanceof Error) return { err: error.message };
  return { err: String(error) };
}

function hexList(items: readonly Uint8Array[]): string[] {
  return items.slice(0, LOG_LIST_MAX).map(toHex);
}

export function slotEnded(log: Logger, slot: number, externalized: number, pending: number): void {
  log.info(
    { event: "slot_ended", slot, externalized, pending },
    `Slot ${slot} ended with ${externalized} externalized values and ${pending} pending values.`,
  );
}

export function appendingBlock(
  log: Logger,
  index: bigint,
  signature: Uint8Array,
  values: readonly Uint8Array[],
): void {
  log.info(
    {
      event: "appending_block",
      block: index.toString(),
      signature: toHex(signature),
      values: values.length,
      valueHashes: hexList(values),
    },
    `Appending block ${index} to ledger (sig: ${toHex(signature)}, values: ${values.length}).`,
  );
}

export function pendingAfterCleanup(
  log: Logger,
  pending: number,
  purged: number,
  invalidated: number,
): void {
  log.info(
    { event: "pending_values_cleanup", pending, purged, invalidated },
    `Number of pending values post cleanup: ${pending} (purged: ${purged}, invalidated: ${invalidated})`,
  );
}

/** InSync → MaybeBehind: peers are on later slots. `network` maps responder id to its slot. */
export function maybeBehind(
  log: Logger,
  slot: number,
  network: Readonly<Record<string, number>>,
): void {
  const shown = Object.fromEntries(Object.entries(network).slice(0, LOG_LIST_MAX));
  log.info(
    { event: "sync_state", from: "InSync", to: "MaybeBehind", slot, network: shown },
    `InSync --> MaybeBehind. Slot: ${slot}, network state: ${JSON.stringify(shown)}`,
  );
}

export function notBehindAfterAll(log: Logger): void {
  log.info({ event: "sync_state", from: "MaybeBehind", to: "InSync" }, "MaybeBehind --> InSync");
}

export function isBehind(log: Logger): void {
  log.info(
    { event: "sync_state", from: "MaybeBehind", to: "IsBehind" },
    "MaybeBehind --> IsBehind",
  );
}

export function caughtUp(log: Logger, slot: number): void {
  log.info(
    { event: "sync_state", from: "IsBehind", to: "InSync", slot },
    `IsBehind --> InSync. Slot ${slot}`,
  );
}

export function externalizedWhileBehind(log: Logger): void {
  log.info(
    { event: "sync_state", from: "IsBehind", to: "InSync", reason: "externalized" },
    "sync_service reported we're behind, but we just externalized a slot. resetting to InSync",
  );
}

export function couldNotSyncLedger(log: Logger, error: unknown): void {
  const f = errorFields(error);
  log.warn({ event: "sync_failed", ...f }, `Could not sync ledger: ${f.err}`);
}

export function appendingBlocks(log: Logger, count: number, numBlocks: bigint): void {
  log.info(
    { event: "appending_blocks", count, numBlocks: numBlocks.toString() },
    `Appending ${count} blocks to ledger, which currently has ${numBlocks} blocks`,
  );
}

export function differentBlockchain(
  log: Logger,
  msg: { readonly issuer: string; readonly slot: number },
  prevBlockId: Uint8Array,
): void {
  log.warn(
    {
      event: "msg_wrong_chain",
      issuer: msg.issuer,
      slot: msg.slot,
      prevBlockId: toHex(prevBlockId),
    },
    `Msg refers to a different blockchain. Msg ${msg.issuer}@${msg.slot}, previous block ID: ${toHex(prevBlockId)}`,
  );
}

export function omittedMessages(log: Logger, count: number): void {
  log.warn(
    { event: "msgs_omitted", count },
    `Omitted ${count} message(s) containing transaction(s) that could not be fetched.`,
  );
}

export function resolveTxsFailed(
  log: Logger,
  txHashes: readonly Uint8Array[],
  peer: string,
  error: unknown,
): void {
  const f = errorFields(error);
  log.error(
    { event: "tx_fetch_failed", peer, txs: txHashes.length, txHashes: hexList(txHashes), ...f },
    `Failed resolving transactions [${txHashes.length} hashes] from ${peer}: ${f.err}`,
  );
}

export function handlingFailed(log: Logger, error: unknown): void {
  const f = errorFields(error);
  log.error({ event: "handling_failed", ...f }, `Failed handling messages: ${f.err}`);
}

export function broadcastFailed(
  log: Logger,
  what: "consensus msg" | "propose tx",
  peer: string,
  error: unknown,
): void {
  const f = errorFields(error);
  log.error(
    { event: "broadcast_failed", what, peer, ...f },
    `failed broadcasting ${what} to ${peer}: ${f.err}`,
  );
}

/** A keepalive probe of a silent peer failed (peer connection failure). */
export function silentPeerCheckFailed(log: Logger, peer: string, error: unknown): void {
  const f = errorFields(error);
  log.info(
    { event: "keepalive_failed", peer, ...f },
    `failed checking with silent node ${peer}: ${f.err}`,
  );
}

/** One peer call failed (peers/src/connection.rs; debug there, as failures are retried). */
export function peerCallFailed(
  log: Logger,
  call: string,
  peer: string,
  error: unknown,
  attested: boolean,
): void {
  const f = errorFields(error);
  log.debug(
    { event: "peer_call_failed", call, peer, attested, ...f },
    `${call} failed: ${f.err} (is_attested=${attested})`,
  );
}

export function ballotTimedOut(log: Logger, slot: number, counter: number, phase: Phase): void {
  log.debug(
    { event: "ballot_timeout", slot, counter, phase },
    `Ballot ${counter} timed out in ${phase} phase`,
  );
}

export function nominateRound(
  log: Logger,
  slot: number,
  round: number,
  leaders: readonly string[],
): void {
  const shown = leaders.slice(0, LOG_LIST_MAX);
  log.debug(
    { event: "nominate_round", slot, round, leaders: shown },
    `Nominate Round(${round}) with leaders: ${JSON.stringify(shown)}`,
  );
}

/** A server is up: MobileCoin's wording per server. */
export function listening(log: Logger, server: "client" | "peer" | "admin", uri: string): void {
  const message =
    server === "client"
      ? `Starting user rpc server on ${uri}...`
      : server === "peer"
        ? `Peer GRPC API listening on ${uri}`
        : `Admin GRPC API listening on ${uri}`;
  log.info({ event: "listening", server, uri }, message);
}

export function insecureBind(log: Logger, host: string, port: number): void {
  log.warn(
    { event: "insecure_bind", host, port },
    `Binding insecure gRPC server to ${host}:${port}`,
  );
}
