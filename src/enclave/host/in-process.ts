import type { RandomSource } from "../../util/index.js";
import type { CallName, CallOf, EnclaveOutcome, OkOf } from "../api.js";
import {
  decodeReplyBody,
  encodeRequestBody,
  FRAME_HEADER_BYTES,
  MAX_REQUEST_ID,
} from "../codec/frames.js";
import { EnclaveHostError } from "../errors.js";
import type { SessionChannels } from "../impl/channels.js";
import type { BakedConstants } from "../impl/constants.js";
import { type EnclaveSignature, SoftwareEnclave } from "../impl/enclave.js";
import { EnclaveServer } from "../process/server.js";

export type { EnclaveSignature };

import type { EnclaveHost } from "./host.js";

/**
 * The enclave in the host's own process, for tests and the simulator. It offers no isolation at
 * all; what it keeps is the boundary's shape: every call is encoded to a frame, served by the same
 * `EnclaveServer` the enclave process runs, and the reply decoded as the child host decodes it,
 * so both hosts validate identically. Randomness and the clock are injected, so runs repeat exactly.
 */
export interface InProcessEnclaveOptions {
  random: RandomSource;
  sealSecret: Uint8Array;
  measurement: Uint8Array;
  /** The clock the enclave checks evidence validity with (ms since the Unix epoch). */
  nowMs: () => number;
  /** Signer, product id, SVN and debug of the CSS (default: the published development key). */
  signature?: EnclaveSignature;
  /** The attestation root (required for a release signature). */
  attestationRoot?: Uint8Array;
  constants?: BakedConstants;
  /** The sessions the transaction calls use (tests: `NoiseTestChannels`); see SoftwareEnclave. */
  channels?: SessionChannels;
}

export class InProcessEnclaveHost implements EnclaveHost {
  readonly measurement: Uint8Array;
  private readonly server: EnclaveServer;
  private nextId = 1;
  private closed = false;

  constructor(options: InProcessEnclaveOptions) {
    this.measurement = options.measurement.slice();
    this.server = new EnclaveServer(new SoftwareEnclave(options), options.nowMs);
  }

  async call<K extends CallName>(call: CallOf<K>): Promise<EnclaveOutcome<K>> {
    if (this.closed) throw new EnclaveHostError("HOST_CLOSED", "the in-process enclave is closed");
    const id = this.nextId;
    this.nextId = id === MAX_REQUEST_ID ? 1 : id + 1;
    const reply = this.server.answer(encodeRequestBody({ id, call }));
    const decoded = decodeReplyBody(reply.subarray(FRAME_HEADER_BYTES), (n) =>
      n === id ? call.call : undefined,
    );
    if (decoded.kind !== "reply") throw new EnclaveHostError("PROTOCOL_VIOLATION", "not a reply");
    const outcome = decoded.reply.outcome;
    return outcome.ok ? { ok: true, value: outcome.value as OkOf<K> } : outcome;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
