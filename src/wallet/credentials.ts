import { readFileSync } from "node:fs";
import { type ChannelCredentials, credentials } from "@grpc/grpc-js";
import type { ServiceUri } from "../util/index.js";
import { WalletError } from "./errors.js";

/**
 * Channel credentials for a client URI: plaintext for `insecure-mc://`, TLS for `mc://` with the
 * system roots or `?ca-bundle=PATH`. A local stand-in until `src/rpc/credentials.ts` exists; then
 * this file goes and `@grpc/grpc-js` leaves the wallet's package list (test/tidy/layering.ts).
 */
export function channelCredentialsFor(uri: ServiceUri): ChannelCredentials {
  if (!uri.useTls) return credentials.createInsecure();
  const bundle = uri.params.get("ca-bundle");
  if (bundle === undefined) return credentials.createSsl();
  let roots: Buffer;
  try {
    roots = readFileSync(bundle);
  } catch {
    throw new WalletError("BAD_INPUT", `ca-bundle ${bundle}: cannot be read`);
  }
  return credentials.createSsl(roots);
}
