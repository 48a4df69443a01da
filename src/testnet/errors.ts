import { CodedError } from "../util/index.js";

/**
 * Why a testnet could not be set up or run: `BAD_INPUT` a flag value or an existing `--dir` that
 * cannot be used; `CHILD_FAILED` a node or archiver process that exited or never became ready;
 * `NO_PORT` no free loopback port to be had.
 */
export const TESTNET_ERROR_CODES = ["BAD_INPUT", "CHILD_FAILED", "NO_PORT"] as const;
export type TestnetErrorCode = (typeof TESTNET_ERROR_CODES)[number];

export class TestnetError extends CodedError<TestnetErrorCode> {
  constructor(
    code: TestnetErrorCode,
    message: string,
    payload: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, payload, message);
    this.name = "TestnetError";
  }
}
