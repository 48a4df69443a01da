// Goal: the command runner turns input mistakes into exit 2 with one line (SPEC §4.3): usage
// errors, typed errors and failed filesystem calls alike; a programming error is not swallowed.
// Method: in-process commands that throw each kind.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { type Command, runCommand, UsageError } from "./command.js";

function command(run: () => never): Command {
  return { name: "probe", summary: "", help: "", run: async () => run() };
}

async function outcome(cmd: Command) {
  let stderr = "";
  const status = await runCommand(cmd, [], {
    stdout: { write: () => {} },
    stderr: { write: (t) => (stderr += t) },
    env: {},
  });
  return { status, stderr };
}

describe("runCommand", () => {
  it("prints one line and exits 2 for a usage error and for a failed filesystem call", async () => {
    const usage = await outcome(
      command(() => {
        throw new UsageError("bad\nflag");
      }),
    );
    assert.deepEqual(usage, { status: 2, stderr: "probe: bad flag\n" });
    const fs = await outcome(command(() => readFileSync("/nonexistent/dir/file") as never));
    assert.equal(fs.status, 2);
    assert.match(
      fs.stderr,
      /^probe: ENOENT: no such file or directory, open '\/nonexistent\/dir\/file'\n$/,
    );
  });

  it("lets a programming error through", async () => {
    await assert.rejects(
      outcome(
        command(() => {
          throw new TypeError("bug");
        }),
      ),
      TypeError,
    );
  });
});
