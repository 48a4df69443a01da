// Goal: our Noise IX and NX handshakes (enclave-attest.md §5) are byte-compatible with independent
// implementations. Method: for each line of noise/handshakes_25519_aesgcm_sha512.jsonl (the Noise
// wiki's vector format) run both sides with the given static and ephemeral keys and prologues;
// every message, handshake and transport alike, must equal the line's ciphertext byte for byte
// when written and give back the payload when read by the other side; the handshake hash, where
// given, must match on both sides. Transport messages alternate starting with the initiator.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  NoiseHandshake,
  type NoisePatternName,
  type NoiseRole,
  type NoiseTransport,
  noiseProtocolName,
} from "../../src/crypto/index.js";
import { toHex } from "../../src/util/index.js";
import { forEachVector, hexBytes } from "./lib.js";

const FILE = "noise/handshakes_25519_aesgcm_sha512.jsonl";

interface Line {
  protocol_name: string;
  init_prologue: string;
  init_static?: string;
  init_ephemeral: string;
  init_psks?: string[];
  resp_prologue: string;
  resp_static?: string;
  resp_ephemeral: string;
  resp_psks?: string[];
  handshake_hash?: string;
  messages: { payload: string; ciphertext: string }[];
}

function patternOf(line: Line): NoisePatternName {
  const pattern = (["IX", "NX"] as const).find((p) => noiseProtocolName(p) === line.protocol_name);
  assert.ok(pattern, `unsupported protocol ${line.protocol_name}`);
  // Our handshakes take no pre-shared keys; the format allows empty lists.
  assert.deepEqual([...(line.init_psks ?? []), ...(line.resp_psks ?? [])], []);
  return pattern;
}

function side(line: Line, pattern: NoisePatternName, role: NoiseRole): NoiseHandshake {
  const prefix = role === "initiator" ? "init" : "resp";
  const staticHex = line[`${prefix}_static`];
  return new NoiseHandshake({
    pattern,
    role,
    prologue: hexBytes(line[`${prefix}_prologue`]),
    ...(staticHex === undefined ? {} : { staticSecret: hexBytes(staticHex) }),
    ephemeralSecret: hexBytes(line[`${prefix}_ephemeral`]),
  });
}

/** Writer and reader of message i: the initiator writes the even ones. */
function transfer(
  writer: { write(p: Uint8Array): Uint8Array },
  reader: { read(c: Uint8Array): Uint8Array },
  message: { payload: string; ciphertext: string },
): void {
  const ciphertext = writer.write(hexBytes(message.payload));
  assert.equal(toHex(ciphertext), message.ciphertext);
  assert.equal(toHex(reader.read(ciphertext)), message.payload);
}

function runLine(line: Line): number {
  const pattern = patternOf(line);
  const initiator = side(line, pattern, "initiator");
  const responder = side(line, pattern, "responder");
  let i = 0;
  for (; !initiator.isComplete; i++) {
    const [w, r] = i % 2 === 0 ? [initiator, responder] : [responder, initiator];
    const message = line.messages[i];
    assert.ok(message, "the line ends before the handshake does");
    transfer({ write: (p) => w.writeMessage(p) }, { read: (c) => r.readMessage(c) }, message);
  }
  assert.ok(responder.isComplete);
  if (line.handshake_hash !== undefined) {
    assert.equal(toHex(initiator.handshakeHash), line.handshake_hash);
    assert.equal(toHex(responder.handshakeHash), line.handshake_hash);
  }
  const ends: [NoiseTransport, NoiseTransport] = [initiator.split(), responder.split()];
  for (; i < line.messages.length; i++) {
    const [w, r] = i % 2 === 0 ? ends : [ends[1], ends[0]];
    const empty = new Uint8Array(0);
    transfer(
      { write: (p) => w.encrypt(empty, p) },
      { read: (c) => r.decrypt(empty, c) },
      line.messages[i] as { payload: string; ciphertext: string },
    );
  }
  return i;
}

describe("Noise vectors (IX and NX, 25519/AESGCM/SHA512)", () => {
  it(`reproduces every message of ${FILE}`, () => {
    let messages = 0;
    forEachVector<Line>(FILE, (line) => {
      messages += runLine(line);
    });
    assert.ok(messages > 0);
  });
});
