import type { CallName, CallOf, EnclaveOutcome, OkOf } from "../api.js";
import { EnclaveError } from "../errors.js";

/**
 * One interface for both ways of running the enclave (node-runtime.md §3): in the host's process
 * (tests, the simulator) and as a child process (the node). `call` resolves with the enclave's
 * answer — a value or a refusal code — and rejects only with an `EnclaveHostError` when the
 * boundary itself fails (the process died, a timeout, too many calls in flight, closed).
 */
export interface EnclaveHost {
  call<K extends CallName>(call: CallOf<K>): Promise<EnclaveOutcome<K>>;
  /** Stop the enclave; pending and later calls reject with HOST_CLOSED. */
  close(): Promise<void>;
  /** The measurement the enclave reported when it started. */
  readonly measurement: Uint8Array;
}

/** Call and return the value, turning a refusal into a thrown `EnclaveError`. */
export async function callOk<K extends CallName>(
  host: EnclaveHost,
  call: CallOf<K>,
): Promise<OkOf<K>> {
  const outcome = await host.call(call);
  if (!outcome.ok) {
    const detail = outcome.txCode === undefined ? "" : ` (${outcome.txCode})`;
    throw new EnclaveError(outcome.code, `enclave refused ${call.call}: ${outcome.code}${detail}`, {
      call: call.call,
      ...(outcome.txCode === undefined ? {} : { txCode: outcome.txCode }),
    });
  }
  return outcome.value;
}
