// A stand-in for `consensus-tool testnet` in the parent-pipe tests: starts one `ledger-distribution`
// through the testnet's Children (the pipe on fd 3), prints its pid, and waits to be killed.
import { Children, executable } from "../../src/testnet/index.js";

const [ledger, dest, log] = process.argv.slice(2) as [string, string, string];
const children = new Children(() => {});
const child = children.start({
  name: "ledger-distribution",
  executable: executable("consensus-tool"),
  args: ["ledger-distribution", "--ledger-path", ledger, "--dest", dest],
  env: {},
  logFile: log,
});
process.stdout.write(`${child.pid}\n`);
setInterval(() => {}, 60_000);
