/** `util/`: the bottom layer. Imports nothing of ours. */
export { AssertionError, assert, unreachable } from "./assert.js";
export { BoundedQueue } from "./bounded-queue.js";
export { type Clock, VirtualClock } from "./clock.js";
export {
  beBytesToU64,
  bytesEqual,
  compareBytes,
  concatBytes,
  fromBase64,
  fromBase64Url,
  fromHex,
  fromUtf8,
  leBytesToU64,
  parseU64,
  toBase64,
  toBase64Url,
  toHex,
  u64ToBeBytes,
  u64ToLeBytes,
  utf8,
} from "./encoding.js";
export {
  CodedError,
  describeError,
  InputError,
  type InputErrorCode,
  isCodedError,
} from "./errors.js";
export { checkLimit, LIMITS } from "./limits.js";
export {
  type LogFn,
  type Logger,
  type LogLevel,
  type LogRecord,
  nullLogger,
  RecordingLogger,
} from "./logger.js";
export {
  type Counter,
  type Gauge,
  type Histogram,
  type HistogramSpec,
  type Labels,
  type MetricSpec,
  type MetricsRegistry,
  noopMetrics,
} from "./metrics.js";
export { type RandomSource, SeededRandom } from "./random.js";
export {
  formatServiceUri,
  parseResponderId,
  parseServiceUri,
  type ServiceUri,
  type UriKind,
} from "./uri.js";
