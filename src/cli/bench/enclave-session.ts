import {
  AkeInitiator,
  type AttestMessage,
  callOk,
  DEVELOPMENT_POLICY,
  devRootPublicKey,
  type EnclaveHost,
  peerIdentity,
  SwEvidenceVerifier,
} from "../../enclave/index.js";
import { DEV_ENROLMENT, EvidenceRefresher, statementSource } from "../../node/index.js";
import type { RandomSource } from "../../util/index.js";

/** A client's end of a real attested NX session with an enclave, as a wallet holds it. */
export interface AttestedClientSession {
  readonly sessionId: Uint8Array;
  encrypt(plaintext: Uint8Array): AttestMessage;
}

/**
 * Install development evidence on `host` (the built-in authority, as IAS_MODE=DEV does), then do
 * the client handshake straight against the enclave's `client_accept` (what the client port's
 * Auth does, without gRPC) and verify the enclave's evidence under the development policy.
 */
export async function attestDevClient(
  host: EnclaveHost,
  options: {
    clientResponderId: string;
    measurement: Uint8Array;
    random: RandomSource;
    nowMs: number;
  },
): Promise<AttestedClientSession> {
  const source = statementSource({
    iasMode: "DEV",
    ...DEV_ENROLMENT,
    measurement: options.measurement,
  });
  const step = await new EvidenceRefresher({ host, source }).step(options.nowMs);
  if (step.kind !== "installed")
    throw new Error(`evidence was not installed: ${JSON.stringify(step)}`);
  const machine = new AkeInitiator();
  const authRequest = machine.initiateClient({
    responderId: options.clientResponderId,
    ephemeralSecret: options.random.fillBytes(new Uint8Array(32)),
  });
  const { authResponse } = await callOk(host, { call: "client_accept", authRequest });
  machine.readAuthResponse({
    message: authResponse,
    verifier: new SwEvidenceVerifier({
      policy: DEVELOPMENT_POLICY,
      rootPublicKey: devRootPublicKey(),
      identities: [peerIdentity(options.measurement)],
    }),
    nowMs: options.nowMs,
  });
  return {
    sessionId: machine.sessionId,
    encrypt: (plaintext) => machine.encrypt(new Uint8Array(0), plaintext),
  };
}
