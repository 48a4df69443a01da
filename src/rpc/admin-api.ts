import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import {
  AdminAPI,
  GetInfoResponseSchema,
  GetPrometheusMetricsResponseSchema,
} from "../proto/admin_pb.js";
import { type BuildInfo, BuildInfoApi, BuildInfoSchema } from "../proto/build_info_pb.js";
import type { Logger } from "../util/index.js";
import type { RpcServer } from "./service.js";

/** The build facts of this binary, in `build_info.BuildInfo`'s fields (all strings). */
export type BuildFacts = Omit<BuildInfo, "$typeName" | "$unknown">;

/**
 * `mc_util_build_info::write_report`'s JSON, key for key: our build has no separate MobileCoin
 * commit or target OS in `BuildInfo`, so those come as extra arguments.
 */
export function buildInfoJson(facts: BuildFacts, targetOs: string, mobilecoinCommit = ""): string {
  const q = (s: string) => JSON.stringify(s);
  return (
    `{ "GIT_COMMIT": ${q(facts.gitCommit)}, "MOBILECOIN_GIT_COMMIT": ${q(mobilecoinCommit)}, ` +
    `"PROFILE": ${q(facts.profile)}, "DEBUG": ${q(facts.debug)}, "OPT_LEVEL": ${q(facts.optLevel)}, ` +
    `"DEBUG_ASSERTIONS": ${q(facts.debugAssertions)}, "TARGET_ARCH": ${q(facts.targetArch)}, ` +
    `"TARGET_OS": ${q(targetOs)}, "TARGET_FEATURE": ${q(facts.targetFeature)}, ` +
    `"RUSTFLAGS": ${q(facts.rustflags)}, "SGX_MODE": ${q(facts.sgxMode)} }`
  );
}

/**
 * `admin.AdminAPI` (reference mobilecoin-service.md §5.5, upstream util/grpc/src/admin_service.rs)
 * over narrow functions of the node.
 */
export interface AdminApiHandlers {
  /** "Consensus Service" for the validator. */
  readonly name: string;
  /** The peer responder id. */
  readonly id: string;
  readonly buildInfo: BuildFacts;
  /** `write_report`'s JSON (see `buildInfoJson`). */
  readonly buildInfoJson: string;
  /** Prometheus text exposition of the process registry. */
  metricsText(): string | Promise<string>;
  /** The `config_json` object (config, network, status), serialised. */
  configJson(): string | Promise<string>;
  /** The log filter in force (GetInfo's `rust_log`). */
  logFilter(): string;
  /** Replace the log filter; throws `LOG_FILTER_INVALID` for a text that is not one. */
  setLogFilter(text: string): void;
  /** Where `SetRustLog` and `TestLogError` write their lines. */
  readonly logger: Logger;
}

export function serveAdminApi(server: RpcServer, handlers: AdminApiHandlers): RpcServer {
  const api = AdminAPI.method;
  return server
    .unary(api.getPrometheusMetrics, async () =>
      create(GetPrometheusMetricsResponseSchema, { metrics: await handlers.metricsText() }),
    )
    .unary(api.getInfo, async () =>
      create(GetInfoResponseSchema, {
        name: handlers.name,
        id: handlers.id,
        buildInfoJson: handlers.buildInfoJson,
        buildInfo: create(BuildInfoSchema, handlers.buildInfo),
        configJson: await handlers.configJson(),
        rustLog: handlers.logFilter(),
      }),
    )
    .unary(api.setRustLog, (request) => {
      // Logged before applying, as upstream, so the line passes the filter being replaced.
      handlers.logger.info(`Updating RUST_LOG to '${request.rustLog}'`);
      handlers.setLogFilter(request.rustLog);
      return create(EmptySchema, {});
    })
    .unary(api.testLogError, () => {
      handlers.logger.error("Test log message admin admin interface");
      return create(EmptySchema, {});
    });
}

/** `build_info.BuildInfoApi`: served on all three ports upstream. */
export function serveBuildInfoApi(server: RpcServer, facts: BuildFacts): RpcServer {
  return server.unary(BuildInfoApi.method.getBuildInfo, () => create(BuildInfoSchema, facts));
}
