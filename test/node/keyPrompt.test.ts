/**
 * The keystore password prompt: typed on a terminal, never echoed. Streams stand in for the terminal
 * (an input that says it is a TTY, an output that records every byte written to it).
 */
import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";

import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { encryptKey, loadKey, promptPassword, type PromptStreams } from "../../oracle/chain/keys.js";

function terminal(): PromptStreams & { typed: (s: string) => void; written: () => string } {
  const input = Object.assign(new PassThrough(), { isTTY: true });
  let written = "";
  const output = new Writable({
    write(chunk, _encoding, done) {
      written += String(chunk);
      done();
    },
  });
  return { input, output, typed: (s) => input.write(s), written: () => written };
}

describe("keystore password prompt", () => {
  it("reads the password without writing any of its characters to the terminal", async () => {
    const t = terminal();
    const answer = promptPassword("GENGOV_PASSWORD", t);
    setImmediate(() => t.typed("hunter2-Zq\n"));
    expect(await answer).to.equal("hunter2-Zq");
    // The prompt, then only the newline that ends the line: not one typed character.
    expect(t.written()).to.equal("Keystore password: \n");
  });

  it("decrypts a keystore with the prompted password", async function () {
    this.timeout(60_000);
    const key = generatePrivateKey();
    const dir = mkdtempSync(join(tmpdir(), "gengov-key-"));
    const keystore = join(dir, "key.json");
    writeFileSync(keystore, await encryptKey(key, "pw-42"));
    const t = terminal();
    setImmediate(() => t.typed("pw-42\n"));
    const loaded = await loadKey({ keystore, passwordEnv: "GENGOV_TEST_UNSET", allowRawKey: false }, {}, t);
    expect(loaded.account.address).to.equal(privateKeyToAccount(key).address);
    expect(t.written()).to.not.include("pw-42");
  });

  it("without a terminal, names the environment variable to set", async () => {
    const io = { input: new PassThrough(), output: new PassThrough() };
    let message = "";
    await promptPassword("GENGOV_PASSWORD", io).catch((e: Error) => (message = e.message));
    expect(message).to.equal("keystore password: set GENGOV_PASSWORD (no terminal to prompt on)");
  });
});
