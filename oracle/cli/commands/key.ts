/** `gengov key new --out <file>`: a new key as an encrypted JSON keystore. */
import { existsSync, writeFileSync } from "node:fs";

import type { Command } from "commander";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { encryptKey } from "../../chain/keys.js";
import { UsageError, type GlobalOptions, type RuntimeOverrides } from "../runtime.js";

export function registerKeyCommands(program: Command, overrides: RuntimeOverrides = {}) {
  program
    .command("key")
    .description("operator keys")
    .command("new")
    .description("create a new key as an encrypted JSON keystore (password from --password-env)")
    .requiredOption("--out <file>", "where to write the keystore (refuses to overwrite)")
    .action(async (o: { out: string }, cmd: Command) => {
      const opts = cmd.optsWithGlobals() as GlobalOptions;
      const password = process.env[opts.passwordEnv];
      if (!password) throw new UsageError(`key new: set ${opts.passwordEnv} to the keystore password`);
      if (existsSync(o.out)) throw new UsageError(`key new: ${o.out} exists; refusing to overwrite a key`);
      const privateKey = generatePrivateKey();
      writeFileSync(o.out, await encryptKey(privateKey, password), { mode: 0o600 });
      const address = privateKeyToAccount(privateKey).address;
      const out = overrides.out ?? ((line: string) => process.stdout.write(line + "\n"));
      out(opts.json ? JSON.stringify({ address, keystore: o.out }) : `${address} -> ${o.out}`);
    });
}
