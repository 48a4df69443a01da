// The enclave process's first module (started by host/child-process.ts with an empty environment
// and no inspector flags). Registers tsx so the TypeScript sources run directly, as bin/*.mjs do.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./entry.ts");
process.exitCode = await main(process.argv.slice(2));
