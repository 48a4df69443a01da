// A test-only node for the attested-Auth acceptance test: registers tsx and runs auth-node.ts.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./auth-node.ts");
process.exitCode = await main(process.argv.slice(2));
