import { BlockchainError, MAX_ARCHIVE_BUNDLE_BLOCKS } from "../blockchain/index.js";

/**
 * The framing of a merged `ArchiveBlocks` file, which is `repeated ArchiveBlock blocks = 1`: each
 * block is the tag byte 0x0a, the varint length and the block's own `ArchiveBlock` encoding. So a
 * bundle can be assembled from already-encoded blocks, and read one block at a time, without
 * decoding 10,000 blocks into memory at once.
 */
const BLOCKS_TAG = 0x0a;

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** `ArchiveBlocks` bytes from `ArchiveBlock` encodings, identical to `encodeArchiveBlocks`. */
export function frameArchiveBlocks(encodedBlocks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const b of encodedBlocks) total += 1 + varintLength(b.length) + b.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of encodedBlocks) {
    out[at++] = BLOCKS_TAG;
    let n = b.length;
    while (n >= 0x80) {
      out[at++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    out[at++] = n;
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/**
 * The `ArchiveBlock` encodings inside a merged file, in order. Only the canonical framing is
 * accepted (what `frameArchiveBlocks` writes): field 1 only, minimal varints. Each record is then
 * decoded and checked by `decodeArchiveBlock`, which also insists on canonical bytes.
 */
export function splitArchiveBlocks(bytes: Uint8Array): Uint8Array[] {
  const records: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes[at] !== BLOCKS_TAG)
      throw new BlockchainError("MALFORMED", `merged archive: unexpected field tag at byte ${at}`);
    at++;
    let length = 0;
    let scale = 1;
    let digits = 0;
    for (;;) {
      if (at >= bytes.length || digits === 5)
        throw new BlockchainError("MALFORMED", "merged archive: truncated or oversized length");
      const byte = bytes[at++] as number;
      digits++;
      length += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) {
        if (byte === 0 && digits > 1)
          throw new BlockchainError("MALFORMED", "merged archive: non-minimal length varint");
        break;
      }
    }
    if (length > bytes.length - at)
      throw new BlockchainError(
        "MALFORMED",
        "merged archive: record runs past the end of the file",
      );
    records.push(bytes.subarray(at, at + length));
    at += length;
    if (records.length > MAX_ARCHIVE_BUNDLE_BLOCKS)
      throw new BlockchainError(
        "LIMIT_EXCEEDED",
        `merged archive holds more than ${MAX_ARCHIVE_BUNDLE_BLOCKS} blocks`,
      );
  }
  return records;
}
