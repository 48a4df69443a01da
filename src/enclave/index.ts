/**
 * `enclave/`: the trust boundary. This branch adds only software attestation and the attested key
 * exchange (`attest/`); the enclave process, hosts and sealing arrive from their own branch, whose
 * index this line joins.
 */
export * from "./attest/index.js";
