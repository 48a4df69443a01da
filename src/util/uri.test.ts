// Goal: service URIs parse as MobileCoin parses them: schemes per kind, default ports, responder ids.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InputError } from "./errors.js";
import { formatServiceUri, parseResponderId, parseServiceUri } from "./uri.js";

describe("service URIs", () => {
  it("parses the runbook's peer URI with its key parameter", () => {
    const uri = parseServiceUri(
      "mcp://node1.test.mobilecoin.com:8443/?consensus-msg-key=MCowBQYDK2VwAyEA-21ShHmvuuynH7EcIgkdH2dWxCojgnWYbHxLrRseQ1s=",
      "peer",
    );
    assert.equal(uri.useTls, true);
    assert.equal(uri.responderId, "node1.test.mobilecoin.com:8443");
    assert.equal(
      uri.params.get("consensus-msg-key"),
      "MCowBQYDK2VwAyEA-21ShHmvuuynH7EcIgkdH2dWxCojgnWYbHxLrRseQ1s=",
    );
    assert.equal(formatServiceUri(uri), "mcp://node1.test.mobilecoin.com:8443/");
  });
  it("applies default ports, the responder-id override and ignores empty parameters", () => {
    assert.equal(parseServiceUri("insecure-mcp://0.0.0.0/", "peer").port, 8080);
    assert.equal(parseServiceUri("mcp://h", "peer").port, 8443);
    assert.equal(parseServiceUri("insecure-mc://h/", "client").port, 3223);
    assert.equal(parseServiceUri("insecure-mca://127.0.0.1:9091/", "admin").port, 9091);
    const uri = parseServiceUri(
      "insecure-mcp://10.0.0.1:1234/?responder-id=peer9.example.com:443&tls-hostname=",
      "peer",
    );
    assert.equal(uri.responderId, "peer9.example.com:443");
    assert.equal(uri.params.has("tls-hostname"), false);
  });
  it("rejects a URI of another kind, a missing host and garbage", () => {
    for (const [text, kind] of [
      ["mcp://h:1/", "client"],
      ["mc://h:1/", "peer"],
      ["http://h:1/", "admin"],
      ["mcp://:8443/", "peer"],
      ["not a uri", "peer"],
    ] as const) {
      assert.throws(
        () => parseServiceUri(text, kind),
        (e: unknown) => e instanceof InputError && e.code === "INVALID_URI",
        text,
      );
    }
  });
  it("checks responder ids are host:port", () => {
    assert.equal(parseResponderId("my_node.my_domain.com:443"), "my_node.my_domain.com:443");
    assert.throws(() => parseResponderId("nocolon"), InputError);
    assert.throws(() => parseResponderId(":443"), InputError);
  });
});
