/**
 * Typed errors. Every area defines its own string-code union and throws `CodedError`s with a payload;
 * `rpc/` maps codes to API status codes in one place. `name` is set so codes survive structured
 * cloning across worker and process boundaries.
 */
export class CodedError<
  Code extends string = string,
  Payload extends Readonly<Record<string, unknown>> = Readonly<Record<string, unknown>>,
> extends Error {
  readonly code: Code;
  readonly payload: Payload;

  constructor(code: Code, payload: Payload, message?: string, options?: { cause?: unknown }) {
    super(message ?? code, options);
    this.name = "CodedError";
    this.code = code;
    this.payload = payload;
  }

  /** A plain object safe to log or send across a boundary. */
  toJSON(): { name: string; code: Code; message: string; payload: Payload } {
    return { name: this.name, code: this.code, message: this.message, payload: this.payload };
  }
}

/** Narrow an unknown thrown value to a `CodedError`, optionally with one of the given codes. */
export function isCodedError<Code extends string>(
  value: unknown,
  codes?: readonly Code[],
): value is CodedError<Code> {
  if (!(value instanceof CodedError)) return false;
  return codes === undefined || (codes as readonly string[]).includes(value.code);
}

/** Codes for malformed input found by the helpers in `util/` (encoding and parsing). */
export const INPUT_ERROR_CODES = [
  "INVALID_HEX",
  "INVALID_BASE64",
  "INVALID_LENGTH",
  "INVALID_INTEGER",
  "LIMIT_EXCEEDED",
  "INVALID_URI",
  "INVALID_RESPONDER_ID",
] as const;
export type InputErrorCode = (typeof INPUT_ERROR_CODES)[number];

/** Malformed input from outside: a peer, a client, a file or a flag. Never a programmer error. */
export class InputError extends CodedError<InputErrorCode> {
  constructor(
    code: InputErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, payload, message);
    this.name = "InputError";
  }
}

/** Render any thrown value as one line for logs and CLI messages. */
export function describeError(error: unknown): string {
  if (error instanceof CodedError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
