/**
 * Signing keys for the node and CLI: an encrypted JSON keystore (Web3 Secret Storage, decrypted with
 * ethers) with its password from an environment variable or an interactive prompt, or — only when
 * explicitly allowed — a raw private key from an environment variable, with a warning.
 */
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline/promises";

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

export async function loadKey(options: KeyOptions, env: NodeJS.ProcessEnv = process.env): Promise<LoadedKey> {
  if (options.keystore) {
    let json: string;
    try {
      json = readFileSync(options.keystore, "utf8");
    } catch (cause) {
      throw new ConfigError(`key.keystore: cannot read ${options.keystore}`, { cause });
    }
    const password = env[options.passwordEnv] ?? (await promptPassword(options.passwordEnv));
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

async function promptPassword(envName: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new ConfigError(`keystore password: set ${envName} (no terminal to prompt on)`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await rl.question("Keystore password: ");
  } finally {
    rl.close();
  }
}

/** Writes a keystore for `privateKey` (CLI `key create` and tests). */
export async function encryptKey(privateKey: Hex, password: string): Promise<string> {
  return new Wallet(privateKey).encrypt(password);
}
