/**
 * Named limits of the node's metrics and SCP debug dump. Label values come from peers and clients
 * (responder ids, error codes, method names), so every label has a ceiling: past it, values are
 * counted under one shared label instead of growing the registry without bound.
 */
export const OBSERVABILITY_LIMITS = {
  /** The `remote_responder_id` of any peer not in the network file. */
  strangerLabel: "stranger",
  /** Distinct values kept per free-form label (reasons, methods, outcomes); the rest are `other`. */
  maxLabelValues: 64,
  /** The label value that absorbs values past `maxLabelValues`. */
  overflowLabel: "other",
  /** Longest label value kept verbatim; longer ones are cut (peer input can be long). */
  maxLabelLength: 96,
  /** Transaction fetches remembered (id → peer) until their result, for per-peer failure counts. */
  maxTrackedFetches: 1024,
  /** SCP debug dump: bytes per file before a new file is started. */
  dumpMaxFileBytes: 16 * 1024 * 1024,
  /** SCP debug dump: files kept; the oldest is deleted when a new one would exceed this. */
  dumpMaxFiles: 8,
  /** SCP debug dump: a single record larger than this is replaced by a `truncated` record. */
  dumpMaxRecordBytes: 1024 * 1024,
} as const;
