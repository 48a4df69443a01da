// Goal: each hash matches its published known answer (so the fast paths compute the right function).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toHex, utf8 } from "../util/index.js";
import { blake2b256, blake2b512, sha3_256, sha256, sha512 } from "./hash.js";

describe("hashes", () => {
  it("match the known answers for 'abc'", () => {
    const abc = utf8("abc");
    assert.equal(
      toHex(sha256(abc)),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    assert.equal(
      toHex(sha512(abc)),
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    );
    assert.equal(
      toHex(sha3_256(abc)),
      "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532",
    );
    assert.equal(
      toHex(blake2b512(abc)),
      "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
    );
    assert.equal(
      toHex(blake2b256(abc)),
      "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319",
    );
  });
  it("hash several parts as their concatenation", () => {
    assert.deepEqual(sha256(utf8("a"), utf8("bc")), sha256(utf8("abc")));
    assert.deepEqual(blake2b256(utf8("ab"), utf8("c")), blake2b256(utf8("abc")));
  });
});
