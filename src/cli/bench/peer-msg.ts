import { Ed25519Signer } from "../../crypto/index.js";
import {
  encodeConsensusMsgPayload,
  signConsensusMsg,
  VerifiedMsgCache,
  type VerifyContext,
  verifyConsensusMsg,
} from "../../peers/index.js";
import type { QuorumSet, ScpMessage } from "../../scp/index.js";
import { SeededRandom } from "../../util/index.js";
import { type Benchmark, microsPerOp } from "./harness.js";

/** `n` random 32-byte values in the order SCP requires of a statement's value lists. */
function sortedHashes(random: SeededRandom, n: number): Uint8Array[] {
  return Array.from({ length: n }, () => random.bytes(32)).sort((a, b) => Buffer.compare(a, b));
}

/**
 * One statement of a 4-node mesh as the testnet sees it: a nomination voting for 10 transaction
 * hashes and accepting 5, its issuer's 2-of-3 quorum set, on our last block.
 */
function meshStatement(random: SeededRandom) {
  const signers = [0, 1, 2, 3].map(() => Ed25519Signer.generate(random));
  const ids = signers.map((_, i) => `node${i}.test:8443`);
  const quorumSet: QuorumSet = {
    threshold: 2,
    members: signers.slice(1).map((s, i) => ({
      type: "Node",
      args: { id: ids[i + 1] as string, publicKey: s.publicKey },
    })),
  };
  const issuer = signers[0] as Ed25519Signer;
  const msg: ScpMessage = {
    sender: { id: ids[0] as string, publicKey: issuer.publicKey },
    slot: 8,
    quorumSet,
    topic: {
      type: "Nominate",
      nominate: {
        x: sortedHashes(random, 10),
        y: sortedHashes(random, 5),
      },
    },
  };
  const lastBlockId = random.bytes(32);
  const payload = encodeConsensusMsgPayload(signConsensusMsg(msg, lastBlockId, issuer));
  const ctx: VerifyContext = {
    peers: new Set(ids.slice(0, 3)),
    knownNodes: new Map(ids.map((id, i) => [id, (signers[i] as Ed25519Signer).publicKey])),
    numBlocks: 8,
    blockId: () => lastBlockId,
  };
  return { payload, ctx, relayers: ids.slice(1, 3) };
}

/**
 * Verifying a received consensus message (decode, Merlin digest, strict Ed25519), and the same
 * for a copy another peer relays once the first passed (`VerifiedMsgCache`): a full mesh of 4
 * delivers every statement 3 times.
 */
export const peerMsgBenchmark: Benchmark = {
  name: "peer-msg",
  summary:
    "verifying a consensus message: first copy, and a relayed copy of one already verified (µs)",
  async run(options) {
    const { payload, ctx, relayers } = meshStatement(new SeededRandom("bench-peer-msg"));
    const [first, relayer] = relayers as [string, string];
    const cache = new VerifiedMsgCache();
    verifyConsensusMsg(first, payload, ctx, cache);
    return [
      await microsPerOp(
        "peer-msg",
        "verify_first_copy_us",
        () => verifyConsensusMsg(first, payload, ctx),
        options,
      ),
      await microsPerOp(
        "peer-msg",
        "verify_relayed_copy_us",
        () => verifyConsensusMsg(relayer, payload, ctx, cache),
        options,
      ),
    ];
  },
};
