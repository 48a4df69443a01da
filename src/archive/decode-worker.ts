/**
 * Worker-thread entry of `WorkerDecoder`: decodes and checks archived blocks off the main thread
 * (`decodeArchiveBlock`: Merlin hashes, signature, canonical encoding), so a sync's checks run in
 * parallel with the ledger's appends.
 */
import { parentPort } from "node:worker_threads";
import { decodeArchiveBlock } from "../blockchain/index.js";
import { describeError } from "../util/index.js";

/** A request: decode `bytes`; the answer carries the same `id`. */
export interface DecodeRequest {
  id: number;
  bytes: Uint8Array;
}

const port = parentPort;
if (port !== null) {
  port.on("message", (request: DecodeRequest) => {
    try {
      port.postMessage({ id: request.id, data: decodeArchiveBlock(request.bytes) });
    } catch (error) {
      port.postMessage({ id: request.id, error: describeError(error) });
    }
  });
}
