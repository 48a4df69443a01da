// Goal: every valid SCP message survives the wire exactly (decode(encode(m)) = m, and the bytes
// are canonical: encode(decode(b)) = b), its signature still verifies after the trip, and no
// corruption of a payload makes the decoder fail with anything but a typed PeersError.
// Method: seeded random messages of every topic (kept when scp's validateMessage accepts them),
// then seeded byte flips, truncations and insertions of their payloads. The seed is printed on failure.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Ed25519Signer } from "../crypto/index.js";
import {
  type Ballot,
  type QuorumSet,
  type ScpMessage,
  sortedUnique,
  type Topic,
  validateMessage,
} from "../scp/index.js";
import { SeededRandom } from "../util/index.js";
import {
  consensusMsgSignatureValid,
  decodeConsensusMsgPayload,
  encodeConsensusMsgPayload,
  PeersError,
  signConsensusMsg,
} from "./index.js";

const SEED = "peers-wire-property-1";
const CASES = 150;

function gen(r: SeededRandom, signer: Ed25519Signer): ScpMessage {
  const pool = Array.from({ length: 6 }, () => r.bytes(32));
  const values = (min: number) => {
    const picked = sortedUnique(pool.filter(() => r.chance(0.5)));
    return picked.length >= min ? picked : sortedUnique(pool.slice(0, min));
  };
  const counter = () => (r.nextRange(1, 3) === 3 ? 0xffff_ffff : r.nextRange(1, 50));
  const ballot = (): Ballot => ({ n: counter(), x: values(1) });
  const node = (i: number) => ({ id: `node${i}.test:${8000 + i}`, publicKey: r.bytes(32) });
  const qs = (depth: number, next: { i: number }): QuorumSet => {
    const members: QuorumSet["members"][number][] = [];
    const n = r.nextRange(1, 3);
    for (let k = 0; k < n; k++)
      members.push(
        depth < 2 && r.chance(0.3)
          ? { type: "InnerSet", args: qs(depth + 1, next) }
          : { type: "Node", args: node(next.i++) },
      );
    return { threshold: r.nextRange(1, members.length), members };
  };
  const prep = () => {
    const b = ballot();
    const p = r.chance(0.6) ? ballot() : undefined;
    const pp = p && r.chance(0.4) ? ballot() : undefined;
    const out: { b: Ballot; p?: Ballot; pp?: Ballot; cn: number; hn: number } = {
      b,
      cn: r.nextRange(0, 3),
      hn: r.nextRange(0, 60),
    };
    if (p) out.p = p;
    if (pp) out.pp = pp;
    return out;
  };
  const nom = () => {
    const all = values(1);
    const split = r.nextRange(0, all.length);
    return { x: all.slice(0, split), y: all.slice(split) };
  };
  const topics: (() => Topic)[] = [
    () => ({ type: "Nominate", nominate: nom() }),
    () => ({ type: "NominatePrepare", nominate: nom(), prepare: prep() }),
    () => ({ type: "Prepare", prepare: prep() }),
    () => {
      const b = ballot();
      const cn = r.nextRange(1, b.n);
      return {
        type: "Commit",
        commit: { b, pn: r.nextRange(1, 60), cn, hn: r.nextRange(cn, b.n) },
      };
    },
    () => {
      const c = ballot();
      return { type: "Externalize", externalize: { c, hn: r.nextRange(c.n, 0xffff_ffff) } };
    },
  ];
  return {
    sender: { id: "issuer.test:443", publicKey: signer.publicKey },
    slot: r.chance(0.1) ? Number.MAX_SAFE_INTEGER : r.nextRange(1, 1_000_000),
    quorumSet: qs(0, { i: 0 }),
    topic: r.pick(topics)(),
  };
}

/** One random bit flip, truncation or inserted byte. */
function corrupt(r: SeededRandom, bytes: Uint8Array): Uint8Array {
  const at = r.nextInt(bytes.length);
  switch (r.nextInt(3)) {
    case 0: {
      const bad = bytes.slice();
      bad[at] = (bad[at] as number) ^ (1 << r.nextInt(8));
      return bad;
    }
    case 1:
      return bytes.subarray(0, at);
    default:
      return new Uint8Array([...bytes.subarray(0, at), r.nextInt(256), ...bytes.subarray(at)]);
  }
}

function isValid(m: ScpMessage): boolean {
  try {
    validateMessage(m);
    return true;
  } catch {
    return false;
  }
}

describe(`consensus message wire round trip (seed ${SEED})`, () => {
  it(`${CASES} valid messages round-trip exactly and canonically; corruptions fail typed`, () => {
    const r = new SeededRandom(SEED);
    const signer = Ed25519Signer.generate(r.fork("key"));
    const topicsSeen = new Set<string>();
    let made = 0;
    let attempts = 0;
    while (made < CASES) {
      attempts++;
      assert.ok(attempts < CASES * 50, `seed ${SEED}: generator finds too few valid messages`);
      const m = gen(r, signer);
      if (!isValid(m)) continue;
      made++;
      topicsSeen.add(m.topic.type);
      const signed = signConsensusMsg(m, r.bytes(32), signer);
      const bytes = encodeConsensusMsgPayload(signed);
      const back = decodeConsensusMsgPayload(bytes);
      assert.deepEqual(back, signed, `seed ${SEED} case ${made}`);
      assert.deepEqual(
        encodeConsensusMsgPayload(back),
        bytes,
        `seed ${SEED} case ${made}: not canonical`,
      );
      assert.ok(consensusMsgSignatureValid(back), `seed ${SEED} case ${made}: signature lost`);
      for (let k = 0; k < 4; k++) {
        const corrupted = corrupt(r, bytes);
        try {
          const d = decodeConsensusMsgPayload(corrupted);
          // A flip can land on a value, a key byte or a counter and still be a valid message.
          assert.deepEqual(
            encodeConsensusMsgPayload(d),
            corrupted,
            `seed ${SEED}: accepted non-canonical bytes`,
          );
        } catch (e) {
          assert.ok(e instanceof PeersError, `seed ${SEED} case ${made}: untyped ${String(e)}`);
        }
      }
    }
    assert.equal(topicsSeen.size, 5, `seed ${SEED}: not every topic was generated`);
  });
});
