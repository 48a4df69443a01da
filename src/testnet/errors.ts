import { CodedError } from "../util/index.js";

/** Why a testnet could not be set up or run. */
export type TestnetErrorCode =
  /** A flag value or an existing `--dir` that cannot be used. */
  | "BAD_INPUT"
  /** A node or archiver process exited or never became ready. */
  | "CHILD_FAILED"
  /** No free loopback port could be had. */
  | "NO_PORT";

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
