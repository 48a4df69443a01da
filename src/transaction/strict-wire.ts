import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { TransactionError } from "./errors.js";

/**
 * A strict structural check of protobuf bytes against a message schema, run before decoding.
 * @bufbuild/protobuf tolerates a nested message whose inner fields run past its declared length
 * (it keeps reading and re-synchronises), so a corrupted length byte can decode to the very same
 * message; prost, which MobileCoin uses, rejects such input ("delimited length exceeded"). This
 * check rejects it too, along with unknown field numbers, wire types that do not match the
 * field's type, groups, and truncated varints or fixed-width values.
 */

/** Deepest nesting of messages accepted (a Tx is about 8 levels deep). */
export const MAX_WIRE_DEPTH = 16;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

function malformed(message: string, offset: number): TransactionError {
  return new TransactionError("INVALID_ENCODING", message, { offset });
}

/** Read a varint at `pos` (at most 10 bytes, within `end`); return [value, next position]. */
function readVarint(bytes: Uint8Array, pos: number, end: number): [bigint, number] {
  let result = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw malformed("truncated varint", pos);
    const b = bytes[pos++]!;
    result |= BigInt(b & 0x7f) << BigInt(7 * i);
    if ((b & 0x80) === 0) return [result, pos];
  }
  throw malformed("varint longer than 10 bytes", pos);
}

function scalarWireType(scalar: ScalarType): number {
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return WIRE_FIXED64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return WIRE_FIXED32;
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return WIRE_LEN;
    default:
      return WIRE_VARINT;
  }
}

/** Wire types a field may arrive with (repeated scalars may be packed or not). */
function allowedWireTypes(field: DescField): number[] {
  switch (field.fieldKind) {
    case "scalar":
      return [scalarWireType(field.scalar)];
    case "enum":
      return [WIRE_VARINT];
    case "message":
    case "map":
      return [WIRE_LEN];
    case "list":
      if (field.listKind === "message") return [WIRE_LEN];
      if (field.listKind === "enum") return [WIRE_VARINT, WIRE_LEN];
      return [...new Set([scalarWireType(field.scalar), WIRE_LEN])];
  }
}

function nestedMessage(field: DescField): DescMessage | undefined {
  if (field.fieldKind === "message") return field.message;
  if (field.fieldKind === "list" && field.listKind === "message") return field.message;
  return undefined;
}

function checkRange(
  bytes: Uint8Array,
  start: number,
  end: number,
  desc: DescMessage,
  depth: number,
): void {
  if (depth > MAX_WIRE_DEPTH) throw malformed("messages nested too deeply", start);
  let pos = start;
  while (pos < end) {
    const tagStart = pos;
    const [tag, afterTag] = readVarint(bytes, pos, end);
    pos = afterTag;
    const fieldNo = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    const field = desc.fields.find((f) => f.number === fieldNo);
    if (field === undefined) {
      throw malformed(`${desc.typeName} has no field ${fieldNo}`, tagStart);
    }
    if (!allowedWireTypes(field).includes(wireType)) {
      throw malformed(`${desc.typeName}.${field.name}: wire type ${wireType}`, tagStart);
    }
    switch (wireType) {
      case WIRE_VARINT:
        pos = readVarint(bytes, pos, end)[1];
        break;
      case WIRE_FIXED64:
        pos += 8;
        break;
      case WIRE_FIXED32:
        pos += 4;
        break;
      case WIRE_LEN: {
        const [length, afterLength] = readVarint(bytes, pos, end);
        if (length > BigInt(end - afterLength)) throw malformed("length past the end", pos);
        const inner = nestedMessage(field);
        const innerEnd = afterLength + Number(length);
        if (inner !== undefined) checkRange(bytes, afterLength, innerEnd, inner, depth + 1);
        pos = innerEnd;
        break;
      }
    }
    if (pos > end) throw malformed("value past the end", tagStart);
  }
}

/** Throw `INVALID_ENCODING` unless `bytes` is a well-formed encoding of `desc` with known fields. */
export function checkStrictWire(bytes: Uint8Array, desc: DescMessage): void {
  checkRange(bytes, 0, bytes.length, desc, 0);
}
