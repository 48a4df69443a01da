// Goal: the layering checker catches each kind of violation and accepts the allowed shapes.
// Method: feed it small synthetic files and assert on the rules it reports.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkFile, checkTree, findCycles, findImports, type Violation } from "./layering.js";

function rules(path: string, text: string): Violation["rule"][] {
  return checkFile({ path, text }).map((v) => v.rule);
}

describe("layering checker", () => {
  it("rejects an import of a higher layer", () => {
    assert.deepEqual(rules("src/crypto/keys.ts", `import { Ledger } from "../ledger/index.js";`), [
      "direction",
    ]);
    assert.deepEqual(rules("src/util/x.ts", `export { a } from "../crypto/index.js";`), [
      "direction",
    ]);
    assert.deepEqual(rules("src/scp/slot.ts", `const m = await import("../consensus/index.js");`), [
      "direction",
    ]);
  });

  it("rejects a deep import that bypasses index.ts", () => {
    assert.deepEqual(rules("src/transaction/tx.ts", `import { x } from "../crypto/mlsag.js";`), [
      "surface",
    ]);
  });

  it("accepts imports down the stack, within a folder, and of generated protobuf code", () => {
    assert.deepEqual(
      rules(
        "src/transaction/tx.ts",
        `import { x } from "../crypto/index.js";\nimport { y } from "./fees.js";`,
      ),
      [],
    );
    assert.deepEqual(
      rules("src/blockchain/block.ts", `import { BlockSchema } from "../proto/blockchain_pb.js";`),
      [],
    );
    assert.deepEqual(rules("src/cli/main.ts", `import { run } from "../node/index.js";`), []);
  });

  it("keeps generated protobuf code away from the layers below transaction", () => {
    assert.deepEqual(rules("src/scp/msg.ts", `import { X } from "../proto/external_pb.js";`), [
      "direction",
    ]);
  });

  it("confines third-party packages to their owners and flags unknown ones", () => {
    assert.deepEqual(rules("src/scp/x.ts", `import * as grpc from "@grpc/grpc-js";`), ["package"]);
    assert.deepEqual(rules("src/rpc/server.ts", `import * as grpc from "@grpc/grpc-js";`), []);
    assert.deepEqual(rules("src/ledger/lmdb.ts", `import { open } from "lmdb";`), []);
    assert.deepEqual(rules("src/node/x.ts", `import leftPad from "left-pad";`), ["package"]);
    assert.deepEqual(
      rules("src/transaction/x.ts", `import { ed25519 } from "@noble/curves/ed25519.js";`),
      ["package"],
    );
  });

  it("bans clocks, timers, ambient randomness and the environment in pure folders only", () => {
    assert.deepEqual(rules("src/scp/a.ts", "const t = Date.now();"), ["banned-api"]);
    assert.deepEqual(rules("src/sim/a.ts", "setTimeout(f, 1);"), ["banned-api"]);
    assert.deepEqual(rules("src/crypto/a.ts", "const r = Math.random();"), ["banned-api"]);
    assert.deepEqual(rules("src/quorum/a.ts", "const h = process.env.HOME;"), ["banned-api"]);
    assert.deepEqual(rules("src/util/a.ts", "setInterval(f, 5);"), ["banned-api"]);
    assert.deepEqual(rules("src/node/a.ts", "const t = Date.now(); setTimeout(f, 1);"), []);
    // Prose about the rule is not a violation.
    assert.deepEqual(
      rules("src/scp/a.ts", "// never call Date.now() here\n/* nor Math.random() */"),
      [],
    );
  });

  it("allows only node:crypto among built-ins in pure folders", () => {
    assert.deepEqual(rules("src/crypto/hash.ts", `import { createHash } from "node:crypto";`), []);
    assert.deepEqual(rules("src/scp/io.ts", `import { readFileSync } from "node:fs";`), [
      "builtin",
    ]);
    assert.deepEqual(rules("src/ledger/io.ts", `import { readFileSync } from "node:fs";`), []);
  });

  it("rejects FIXME and unknown folders, and exempts tests from layering", () => {
    assert.deepEqual(rules("src/util/a.ts", "// FIXME later"), ["fixme"]);
    assert.deepEqual(rules("src/gossip/a.ts", "export const a = 1;"), ["unknown-folder"]);
    assert.deepEqual(
      rules("src/crypto/a.test.ts", `import { x } from "../ledger/index.js"; Date.now();`),
      [],
    );
  });

  it('does not mistake a string "from" in code for an import', () => {
    assert.deepEqual(
      rules("src/blockchain/a.ts", `const f = D.field("from", D.u64(x)), g = D.field("to", y);`),
      [],
    );
    assert.deepEqual(findImports(`const range = { from: "a", to: "b" };`), []);
    assert.deepEqual(findImports(`export function f(e: E) {\n  return D.field("from", x);\n}`), []);
  });

  it("finds multi-line, re-export, dynamic and side-effect imports", () => {
    const text = `import {\n  a,\n  b,\n} from "./a.js";\nexport * from "./b.js";\nimport "./c.js";\nconst d = import("./d.js");`;
    assert.deepEqual(
      findImports(text)
        .map((r) => r.specifier)
        .sort(),
      ["./a.js", "./b.js", "./c.js", "./d.js"],
    );
  });

  it("accepts a lower folder only when ALLOWED_IMPORTS lists it", () => {
    assert.deepEqual(rules("src/transaction/a.ts", `import { Slot } from "../scp/index.js";`), [
      "allowed",
    ]);
    assert.deepEqual(rules("src/enclave/a.ts", `import { Ledger } from "../ledger/index.js";`), [
      "allowed",
    ]);
    assert.deepEqual(rules("src/blockchain/a.ts", `import { x } from "../scp/index.js";`), []);
  });

  it("keeps console to src/cli/", () => {
    assert.deepEqual(rules("src/node/a.ts", `console.log("started");`), ["console"]);
    assert.deepEqual(rules("src/scp/a.ts", `console.error(e);`), ["console"]);
    assert.deepEqual(rules("src/cli/a.ts", `console.log("usage");`), []);
    assert.deepEqual(rules("src/node/a.ts", `// console.log was here`), []);
  });

  it("finds import cycles inside a folder, and only there", () => {
    const file = (path: string, ...imports: string[]) => ({
      path,
      text: imports.map((i) => `import { x } from "${i}";`).join("\n"),
    });
    const cycle = [
      file("src/transaction/a.ts", "./b.js"),
      file("src/transaction/b.ts", "./c.js"),
      file("src/transaction/c.ts", "./a.js"),
    ];
    const found = findCycles(cycle);
    assert.equal(found.length, 1);
    assert.equal(found[0]?.rule, "cycle");
    assert.match(found[0]?.message ?? "", /a → b → c → a/);
    assert.deepEqual(
      checkTree(cycle).map((v) => v.rule),
      ["cycle"],
    );
    const chain = [file("src/transaction/a.ts", "./b.js"), file("src/transaction/b.ts", "./c.js")];
    assert.deepEqual(findCycles(chain), []);
    const tests = [
      file("src/transaction/a.ts", "./a.test.js"),
      file("src/transaction/a.test.ts", "./a.js"),
    ];
    assert.deepEqual(findCycles(tests), []);
  });
});
