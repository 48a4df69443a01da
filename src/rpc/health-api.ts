import { create } from "@bufbuild/protobuf";
import {
  Health,
  HealthCheckResponse_ServingStatus,
  HealthCheckResponseSchema,
  PingResponseSchema,
} from "../proto/health_api_pb.js";
import type { RpcServer } from "./service.js";

/**
 * `grpc.health.v1.Health` with MobileCoin's `Ping` (upstream util/grpc/src/health_service.rs):
 * `Check` asks `ready` whatever service it names (SERVING or NOT_SERVING; the client port's
 * callback is "not behind", the peer and admin ports are always ready), `Ping` echoes its data.
 * `Watch` is streaming and answers UNIMPLEMENTED upstream; our server registers unary methods
 * only, so grpc-js answers it UNIMPLEMENTED too.
 */
export interface HealthHandlers {
  /** Absent: always SERVING (upstream's service without a callback). */
  ready?(service: string): boolean;
}

export function serveHealthApi(server: RpcServer, handlers: HealthHandlers = {}): RpcServer {
  return server
    .unary(Health.method.check, (request) =>
      create(HealthCheckResponseSchema, {
        status:
          (handlers.ready?.(request.service) ?? true)
            ? HealthCheckResponse_ServingStatus.SERVING
            : HealthCheckResponse_ServingStatus.NOT_SERVING,
      }),
    )
    .unary(Health.method.ping, (request) => create(PingResponseSchema, { data: request.data }));
}
