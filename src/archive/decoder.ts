import { Worker } from "node:worker_threads";
import { type BlockData, decodeArchiveBlock } from "../blockchain/index.js";
import { describeError } from "../util/index.js";
import type { DecodeRequest } from "./decode-worker.js";

/**
 * Decodes and fully checks archived blocks (`decodeArchiveBlock`). A failed check rejects with a
 * `DecodeFailure` whose message is the one-line reason.
 */
export interface BlockDecoder {
  decode(bytes: Uint8Array): Promise<BlockData>;
  close(): Promise<void>;
}

/** Why a block did not decode or pass its checks (the reason travels from the worker as text). */
export class DecodeFailure extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "DecodeFailure";
  }
}

/** Decodes on the calling thread. */
export const inlineDecoder: BlockDecoder = {
  async decode(bytes) {
    try {
      return decodeArchiveBlock(bytes);
    } catch (error) {
      throw new DecodeFailure(describeError(error));
    }
  },
  async close() {},
};

interface Pending {
  resolve: (data: BlockData) => void;
  reject: (error: unknown) => void;
}

type Reply = { id: number; data: BlockData } | { id: number; error: string };

/**
 * Decodes on one worker thread, so checking block n+1 overlaps appending block n. Requests are
 * answered in order. If the worker dies, pending and later requests fall back to the calling
 * thread: the checks are the same either way.
 */
export class WorkerDecoder implements BlockDecoder {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private broken = false;

  constructor() {
    this.worker = startWorker(new URL("./decode-worker.js", import.meta.url));
    this.worker.on("message", (reply: Reply) => {
      const p = this.pending.get(reply.id);
      if (p === undefined) return;
      this.pending.delete(reply.id);
      if ("error" in reply) p.reject(new DecodeFailure(reply.error));
      else p.resolve(reply.data);
    });
    this.worker.on("error", (error) => this.fail(error));
    this.worker.on("exit", () => this.fail(new Error("decode worker exited")));
  }

  private fail(_error: unknown): void {
    if (this.broken) return;
    this.broken = true;
    // The requests' bytes went to the dead worker; ask callers to decode again inline.
    for (const p of this.pending.values()) p.reject(new WorkerGone());
    this.pending.clear();
  }

  async decode(bytes: Uint8Array): Promise<BlockData> {
    if (this.broken) return inlineDecoder.decode(bytes);
    // A copy of just these bytes (a record may be a view into a whole merged file), transferred.
    const copy = bytes.slice();
    const id = this.nextId++;
    try {
      return await new Promise<BlockData>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        const request: DecodeRequest = { id, bytes: copy };
        this.worker.postMessage(request, [copy.buffer]);
      });
    } catch (error) {
      if (error instanceof WorkerGone) return inlineDecoder.decode(bytes);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.broken = true;
    await this.worker.terminate();
  }
}

class WorkerGone extends Error {}

/**
 * Start a worker on a module of ours. Under tsx (this file is `.ts`), the worker first registers
 * tsx's loader, because Node 20 does not carry the parent's loader hooks into workers.
 */
function startWorker(moduleUrl: URL): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(moduleUrl);
  const tsUrl = moduleUrl.href.replace(/\.js$/, ".ts");
  const loader = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(loader)}).then((m) => { m.register(); return import(${JSON.stringify(tsUrl)}); });`;
  return new Worker(bootstrap, { eval: true });
}
