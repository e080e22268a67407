/**
 * Signing keys for the node and CLI: an encrypted JSON keystore (Web3 Secret Storage, decrypted with
 * ethers) with its password from an environment variable or an interactive prompt, or — only when
 * explicitly allowed — a raw private key from an environment variable, with a warning.
 */
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import { Writable } from "node:stream";

import { Wallet } from "ethers";
import type { Hex, LocalAccount } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { ConfigError } from "../errors/BaseError.js";

export type KeyOptions = {
  keystore?: string;
  passwordEnv: string;
  privateKeyEnv?: string;
  allowRawKey: boolean;
};

export type LoadedKey = { account: LocalAccount; source: "keystore" | "env"; warning?: string };

export async function loadKey(
  options: KeyOptions,
  env: NodeJS.ProcessEnv = process.env,
  io?: PromptStreams,
): Promise<LoadedKey> {
  if (options.keystore) {
    let json: string;
    try {
      json = readFileSync(options.keystore, "utf8");
    } catch (cause) {
      throw new ConfigError(`key.keystore: cannot read ${options.keystore}`, { cause });
    }
    const password = env[options.passwordEnv] ?? (await promptPassword(options.passwordEnv, io));
    try {
      const wallet = await Wallet.fromEncryptedJson(json, password);
      return { account: privateKeyToAccount(wallet.privateKey as Hex), source: "keystore" };
    } catch (cause) {
      throw new ConfigError(
        `key.keystore: cannot decrypt ${options.keystore} (wrong password or not a keystore)`,
        {
          cause,
        },
      );
    }
  }
  if (options.privateKeyEnv) {
    if (!options.allowRawKey) throw new ConfigError("key.privateKeyEnv needs key.allowRawKey: true");
    const raw = env[options.privateKeyEnv];
    if (!raw || !/^0x[0-9a-fA-F]{64}$/.test(raw)) {
      throw new ConfigError(
        `key.privateKeyEnv: ${options.privateKeyEnv} is unset or not a 0x-prefixed 32-byte hex key`,
      );
    }
    return {
      account: privateKeyToAccount(raw as Hex),
      source: "env",
      warning: `using a raw private key from ${options.privateKeyEnv}; prefer an encrypted keystore`,
    };
  }
  throw new ConfigError("no key configured: set key.keystore or key.privateKeyEnv");
}

/** Where the password prompt reads and writes: the terminal, or streams given by tests. */
export type PromptStreams = {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
};

/**
 * Asks for the keystore password on the terminal without echoing it: the prompt is written, then the
 * output is muted while the password is typed (readline's echo goes nowhere), and a newline ends it.
 */
export async function promptPassword(
  envName: string,
  io: PromptStreams = { input: process.stdin, output: process.stderr },
): Promise<string> {
  if (!io.input.isTTY) {
    throw new ConfigError(`keystore password: set ${envName} (no terminal to prompt on)`);
  }
  let muted = false;
  const echo = new Writable({
    write(chunk, encoding, done) {
      if (!muted) io.output.write(chunk, encoding);
      done();
    },
  });
  const rl = createInterface({ input: io.input, output: echo, terminal: true });
  try {
    io.output.write("Keystore password: ");
    muted = true;
    return await rl.question("");
  } finally {
    rl.close();
    muted = false;
    io.output.write("\n");
  }
}

/** Writes a keystore for `privateKey` (CLI `key create` and tests). */
export async function encryptKey(privateKey: Hex, password: string): Promise<string> {
  return new Wallet(privateKey).encrypt(password);
}
