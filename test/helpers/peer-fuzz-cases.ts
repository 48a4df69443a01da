/**
 * The fuzz cases of test/e2e/peer-fuzz.test.ts: each maker draws one request from the seeded
 * PRNG. "peer" cases come from the configured peer (its responder id, its message key, its
 * attested session); "stranger" cases from someone the node does not know. None may be answered
 * UNKNOWN or INTERNAL: everything here is the caller's fault, not the node's.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { AkeInitiator } from "../../src/enclave/index.js";
import { AuthMessageSchema } from "../../src/proto/attest_pb.js";
import type { FuzzMethod, FuzzRequest, PeerFuzzer } from "./peer-fuzzer.js";

export type Role = "peer" | "stranger";

/** The fuzzer's attested session, when it has one. */
export interface SessionView {
  readonly channelId: Uint8Array;
  encrypt(aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
}

/** `PEERS_LIMITS.maxPayloadBytes`, written out: the test must not take it from the code. */
const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;
/** How rarely the 4 MiB case is drawn when its maker comes up. */
const OVERSIZED_ONE_IN = 50;

type Maker = (
  f: PeerFuzzer,
  role: Role,
  session: SessionView | undefined,
) => FuzzRequest | undefined;

const req = (method: FuzzMethod, kind: string, bytes: Uint8Array, onSession = false) => ({
  method,
  kind,
  bytes,
  onSession,
});

/** Protobuf `bytes`/`string` field `n` holding `body` (to build shapes a schema would not). */
function field(n: number, body: Uint8Array): Uint8Array {
  const len: number[] = [];
  let v = body.length;
  while (v >= 0x80) {
    len.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  len.push(v);
  return new Uint8Array([(n << 3) | 2, ...len, ...body]);
}

const concat = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));

function fromId(f: PeerFuzzer, role: Role): string {
  if (role === "peer") return f.peer.responderId;
  return f.rng.nextInt(2) === 0 ? `stranger-${f.rng.nextInt(1e9)}.test:8443` : "";
}

const consensusMakers: Maker[] = [
  (f) => req("sendConsensusMsg", "random bytes", f.bytes(0, 512)),
  (f, role) =>
    req("sendConsensusMsg", "random payload", f.consensusMsg(fromId(f, role), f.bytes(0, 2048))),
  (f, role) => {
    const t = f.template;
    if (t === undefined) return undefined;
    return req("sendConsensusMsg", "mutated payload", f.consensusMsg(fromId(f, role), f.mutate(t)));
  },
  (f, role) => {
    const t = f.template;
    if (t === undefined) return undefined;
    const cut = t.subarray(0, f.rng.nextInt(t.length));
    return req("sendConsensusMsg", "truncated payload", f.consensusMsg(fromId(f, role), cut));
  },
  (f, role) => {
    const t = f.template;
    if (t === undefined) return undefined;
    return req("sendConsensusMsg", "mutated message", f.mutate(f.consensusMsg(fromId(f, role), t)));
  },
  (f, role) => {
    const kinds = ["slot", "prev-block", "bad-signature"] as const;
    const kind = kinds[f.rng.nextInt(kinds.length)] as (typeof kinds)[number];
    const payload = f.reissued(kind);
    if (payload === undefined) return undefined;
    return req("sendConsensusMsg", `re-signed ${kind}`, f.consensusMsg(fromId(f, role), payload));
  },
  (f, role) =>
    req(
      "sendConsensusMsg",
      "oversized responder id",
      f.consensusMsg(`${fromId(f, role)}${"x".repeat(1025 + f.rng.nextInt(4096))}`, f.bytes(0, 64)),
    ),
  // Rare: each is 4 MiB on the wire.
  (f, role) => {
    if (f.rng.nextInt(OVERSIZED_ONE_IN) !== 0) return undefined;
    const payload = f.bytes(MAX_PAYLOAD_BYTES + 1, MAX_PAYLOAD_BYTES + 64);
    return req("sendConsensusMsg", "oversized payload", f.consensusMsg(fromId(f, role), payload));
  },
];

/** A plaintext that decrypts fine but is no `TxList` of valid transactions. */
function garbagePlaintext(f: PeerFuzzer): Uint8Array {
  switch (f.rng.nextInt(4)) {
    case 0:
      return f.bytes(0, 1024);
    case 1:
      return field(1, f.bytes(0, 512));
    case 2:
      return concat(field(1, f.bytes(0, 64)), field(1, f.bytes(0, 64)), f.bytes(0, 8));
    default:
      return new Uint8Array(0);
  }
}

const proposeMakers: Maker[] = [
  (f) => req("peerTxPropose", "random bytes", f.bytes(0, 1024)),
  (f) =>
    req(
      "peerTxPropose",
      "random channel",
      f.attestMessage(f.bytes(0, 80), f.bytes(0, 64), f.bytes(0, 1024)),
    ),
  (f, role, s) => {
    if (role === "stranger" || s === undefined) return undefined;
    const msg = f.attestMessage(s.channelId, f.txProposeAad(), f.bytes(0, 1024));
    return req("peerTxPropose", "garbage ciphertext on the session", msg, true);
  },
  (f, role, s) => {
    if (role === "stranger" || s === undefined) return undefined;
    const aad = f.rng.nextInt(2) === 0 ? f.txProposeAad() : f.bytes(0, 128);
    const data = s.encrypt(aad, garbagePlaintext(f));
    return req(
      "peerTxPropose",
      "garbage plaintext on the session",
      f.attestMessage(s.channelId, aad, data),
      true,
    );
  },
  (f, role, s) => {
    if (role === "stranger" || s === undefined) return undefined;
    const aad = f.bytes(4097, 8192);
    const msg = f.attestMessage(s.channelId, aad, f.bytes(0, 64));
    return req("peerTxPropose", "oversized aad", msg, true);
  },
];

const getTxsMakers: Maker[] = [
  (f) => req("getTxs", "random bytes", f.bytes(0, 1024)),
  (f, _role, s) => {
    const channel = s !== undefined && f.rng.nextInt(2) === 0 ? s.channelId : f.bytes(0, 80);
    const n = f.rng.nextInt(100) + 1;
    const hashes = Array.from({ length: n }, () => f.rng.bytes(32));
    return req("getTxs", "random hashes", f.getTxs(channel, hashes));
  },
  (f) => {
    const n = 101 + f.rng.nextInt(2000);
    const hashes = Array.from({ length: n }, () => f.rng.bytes(32));
    return req("getTxs", "too many hashes", f.getTxs(f.bytes(0, 64), hashes));
  },
  (f) => {
    const hashes = Array.from({ length: 1 + f.rng.nextInt(8) }, () => f.bytes(0, 64));
    return req("getTxs", "hashes of any length", f.getTxs(f.bytes(0, 64), hashes));
  },
  (f) => req("getTxs", "no hashes", f.getTxs(f.bytes(0, 64), [])),
];

const authMessage = (data: Uint8Array) =>
  toBinary(AuthMessageSchema, create(AuthMessageSchema, { data }));

const authMakers: Maker[] = [
  (f) => req("auth", "random bytes", f.bytes(0, 1024)),
  (f) => req("auth", "random message 1", authMessage(f.bytes(0, 2048))),
  (f) => req("auth", "mutated message 1", authMessage(f.mutate(f.authRequest(new AkeInitiator())))),
  (f) => {
    const m = f.authRequest(new AkeInitiator());
    return req("auth", "truncated message 1", authMessage(m.subarray(0, f.rng.nextInt(m.length))));
  },
  (f) => req("auth", "foreign enclave", authMessage(f.foreignAuth())),
];

export const MAKERS: Readonly<Record<FuzzMethod, readonly Maker[]>> = {
  sendConsensusMsg: consensusMakers,
  peerTxPropose: proposeMakers,
  getTxs: getTxsMakers,
  auth: authMakers,
};

/** One request of `method`, from `role`, drawn from the makers that apply. */
export function drawRequest(
  f: PeerFuzzer,
  method: FuzzMethod,
  role: Role,
  session: SessionView | undefined,
): FuzzRequest {
  const makers = MAKERS[method];
  for (;;) {
    const maker = makers[f.rng.nextInt(makers.length)] as Maker;
    const made = maker(f, role, session);
    if (made !== undefined) return made;
  }
}
