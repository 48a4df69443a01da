import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { SwEvidenceVerifier } from "../enclave/index.js";
import { ConsensusClientAPI } from "../proto/consensus_client_pb.js";
import {
  BlockchainAPI,
  BlocksRequestSchema,
  type ProposeTxResponse,
} from "../proto/consensus_common_pb.js";
import {
  AttestedClient,
  type ChannelSettings,
  channelSettingsFor,
  RpcClient,
} from "../rpc/index.js";
import { encodeTx, type Tx } from "../transaction/index.js";
import {
  isCodedError,
  parseServiceUri,
  type RandomSource,
  type ServiceUri,
} from "../util/index.js";
import { WalletError } from "./errors.js";
import { WALLET_LIMITS } from "./limits.js";
import { proposeTxResultName } from "./result.js";

/** `GetLastBlockInfo` as the wallet uses it. */
export interface ChainInfo {
  readonly blockCount: bigint;
  /** The network's block version (what new transactions are built at). */
  readonly blockVersion: number;
  /** The MOB minimum fee, picoMOB. */
  readonly minimumFee: bigint;
}

/** `consensus-tool status`: the client and blockchain APIs in one record. */
export interface NodeStatus extends ChainInfo {
  readonly responderId: string;
  readonly latestBlockId: Uint8Array;
}

/** What attesting to the node needs. */
export interface ProposeContext {
  readonly verifier: SwEvidenceVerifier;
  readonly random: RandomSource;
  /** Now, for the evidence's validity windows (ms since the Unix epoch). */
  readonly nowMs: number;
}

export interface ProposeOutcome {
  readonly result: number;
  readonly name: string;
  readonly blockCount: bigint;
  readonly errMsg: string;
}

/** A client of one node's client port (`insecure-mc://` or `mc://`). */
export class NodeClient {
  readonly uri: ServiceUri;
  readonly rpc: RpcClient;

  constructor(uriText: string) {
    this.uri = parseServiceUri(uriText, "client");
    const channel = walletChannel(this.uri);
    this.rpc = new RpcClient(channel.address, channel.credentials, channel.options);
  }

  #options() {
    return { deadlineMs: WALLET_LIMITS.callDeadlineMs };
  }

  async chainInfo(): Promise<ChainInfo> {
    const info = await this.rpc.unary(
      BlockchainAPI.method.getLastBlockInfo,
      create(EmptySchema),
      this.#options(),
    );
    return {
      blockCount: info.index + 1n,
      blockVersion: info.networkBlockVersion,
      minimumFee: info.minimumFees["0"] ?? info.mobMinimumFee,
    };
  }

  /** The id of block `index` (`GetBlocks`, since `GetLastBlockInfo` carries no id). */
  async blockId(index: bigint): Promise<Uint8Array> {
    const reply = await this.rpc.unary(
      BlockchainAPI.method.getBlocks,
      create(BlocksRequestSchema, { offset: index, limit: 1 }),
      this.#options(),
    );
    const id = reply.blocks[0]?.id?.data;
    if (reply.blocks[0]?.index !== index || id === undefined || id.length !== 32)
      throw new WalletError("NODE_REPLY_INVALID", `the node did not return block ${index}`);
    return id;
  }

  async status(): Promise<NodeStatus> {
    const config = await this.rpc.unary(
      ConsensusClientAPI.method.getNodeConfig,
      create(EmptySchema),
      this.#options(),
    );
    const info = await this.chainInfo();
    return {
      ...info,
      responderId: config.peerResponderId,
      latestBlockId: await this.blockId(info.blockCount - 1n),
    };
  }

  /**
   * The responder id the node's enclave answers NX as: the URI's `responder-id` when given,
   * else the node's own `client_responder_id` (a node behind a proxy or addressed by IP differs
   * from `host:port`; the evidence, not the name, is what is verified).
   */
  async clientResponderId(): Promise<string> {
    const given = this.uri.params.get("responder-id");
    if (given !== undefined) return given;
    const config = await this.rpc.unary(
      ConsensusClientAPI.method.getNodeConfig,
      create(EmptySchema),
      this.#options(),
    );
    return config.clientResponderId === "" ? this.uri.responderId : config.clientResponderId;
  }

  #session: Promise<AttestedClient> | undefined;

  /** The attested session, made on first use and kept (a wallet sending many payments attests once). */
  #attested(p: ProposeContext): Promise<AttestedClient> {
    if (this.#session === undefined) {
      const session = (async () => {
        const attested = new AttestedClient({
          client: this.rpc,
          responderId: await this.clientResponderId(),
          verifier: p.verifier,
          random: p.random,
        });
        await attested.attest(p.nowMs);
        return attested;
      })();
      this.#session = session;
      session.catch(() => {
        if (this.#session === session) this.#session = undefined;
      });
    }
    return this.#session;
  }

  /**
   * Attest (NX) unless a session is kept, encrypt the transaction for the enclave, and
   * `ClientTxPropose`. Calls on one session run one at a time (its nonces are implicit); any
   * failure ends the session, and the next proposal attests again. Nothing is retried here: the
   * caller decides whether to send the same transaction again.
   */
  async propose(tx: Tx, p: ProposeContext): Promise<ProposeOutcome> {
    const session = this.#attested(p);
    const attested = await session;
    let reply: ProposeTxResponse;
    try {
      reply = await attested.queue.run(() =>
        this.rpc.unary(
          ConsensusClientAPI.method.clientTxPropose,
          attested.encrypt(encodeTx(tx)),
          this.#options(),
        ),
      );
    } catch (error) {
      if (this.#session === session) this.#session = undefined;
      throw error;
    }
    return {
      result: reply.result,
      name: proposeTxResultName(reply.result),
      blockCount: reply.blockCount,
      errMsg: reply.errMsg,
    };
  }

  close(): void {
    this.rpc.close();
  }
}

/** The rpc layer's channel for a client URI; an unusable `ca-bundle` is the user's input to fix. */
function walletChannel(uri: ServiceUri): ChannelSettings {
  try {
    return channelSettingsFor(uri);
  } catch (error) {
    if (isCodedError(error) && error.code === "RPC_TLS_CONFIG")
      throw new WalletError("BAD_INPUT", error.message);
    throw error;
  }
}
