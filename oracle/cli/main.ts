/**
 * The `gengov` command line. Every command takes --rpc, --hub (default: the Ignition deployment of
 * the connected chain), a key (--keystore with its password from an env var or a prompt, or an
 * explicit --private-key-env), and --json for machine output. Bad usage prints one line and exits 2;
 * a revert, of a read or a transaction, prints its decoded custom error as one line and exits 1.
 */
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { Command, CommanderError } from "commander";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { encryptKey } from "../chain/keys.js";
import { TxRevertedError } from "../chain/txSender.js";
import { loadNodeConfig, type CandidateConfig } from "../config/schema.js";
import { BaseError, ConfigError } from "../errors/BaseError.js";
import { createModel, type ModelSpec } from "../models/index.js";
import { checkNode } from "../node/check.js";
import { GengovNode } from "../node/GengovNode.js";
import { createLogger } from "../node/logger.js";
import { registerAgreementCommands } from "./commands/agreement/index.js";
import { registerCandidateCommands } from "./commands/candidate/index.js";
import { registerDepositCommand } from "./commands/deposit.js";
import { registerFundCommand } from "./commands/fund.js";
import { registerInputCommands } from "./commands/input.js";
import { registerOutcomeCommands } from "./commands/outcome.js";
import { registerPaymentCommands } from "./commands/payment.js";
import { registerStatusCommand } from "./commands/status.js";
import { registerTransitionCommands } from "./commands/transition/index.js";
import { registerVerifyCommand } from "./commands/verify.js";
import { runtime, UsageError, type GlobalOptions, type Runtime, type RuntimeOverrides } from "./runtime.js";

/** What a run has got to: the command being run and its runtime, so a failure is explained in its terms. */
export type RunState = { command?: string; runtime?: Runtime };

export function buildProgram(overrides: RuntimeOverrides = {}, state: RunState = {}): Command {
  const program = new Command("gengov")
    .description("language-model contracts on EVM chains")
    .option("--rpc <url>", "JSON-RPC endpoint", process.env.GENGOV_RPC ?? "http://127.0.0.1:8545")
    .option("--hub <address>", "GengovHub address (default: Ignition deployment of the connected chain)")
    .option("--keystore <file>", "encrypted JSON keystore to sign with")
    .option(
      "--password-env <var>",
      "env var with the keystore password (else prompted)",
      "GENGOV_KEYSTORE_PASSWORD",
    )
    .option("--private-key-env <var>", "env var with a raw private key (explicit opt-in)")
    .option("--json", "machine-readable output")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: () => undefined })
    .showHelpAfterError(false)
    .hook("preAction", (_program, action) => {
      const path: string[] = [];
      for (let c: Command | null = action; c && c !== program; c = c.parent) path.unshift(c.name());
      state.command = path.join(" ");
    });
  const rt = async (cmd: Command) =>
    (state.runtime = await runtime(cmd.optsWithGlobals() as GlobalOptions, overrides));
  registerAgreementCommands(program, rt);
  registerInputCommands(program, rt);
  registerDepositCommand(program, rt);
  registerCandidateCommands(program, rt);
  registerOutcomeCommands(program, rt);
  registerTransitionCommands(program, rt);
  registerPaymentCommands(program, rt);
  registerStatusCommand(program, rt);
  registerVerifyCommand(program, rt);
  registerFundCommand(program, overrides);
  program
    .command("node")
    .description("run an oracle node for the candidates in a config file")
    .requiredOption("--config <file>", "node config JSON")
    .option("--check", "check config, key, spec hashes, RPC, chain id and each model once; send nothing")
    .action(async (o: { config: string; check?: boolean }) => {
      const models = (spec: ModelSpec, candidate: CandidateConfig) =>
        createModel(spec, {
          openai: {
            apiKey: process.env[candidate.provider.apiKeyEnv],
            baseURL: candidate.provider.baseURL,
            timeoutMs: candidate.provider.timeoutMs,
            retries: candidate.provider.maxRetries,
          },
        });
      if (o.check) {
        const result = await checkNode(o.config, { createModel: models });
        const out = overrides.out ?? ((line: string) => process.stdout.write(line + "\n"));
        for (const line of result.lines) out(line);
        for (const problem of result.problems) process.stderr.write(`gengov: ${problem}\n`);
        process.exitCode = result.ok ? 0 : 1;
        return;
      }
      let config: ReturnType<typeof loadNodeConfig>;
      try {
        config = loadNodeConfig(o.config);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        // One line per problem, each named.
        for (const line of error.shortMessage.split("\n")) process.stderr.write(`gengov: ${line}\n`);
        process.exitCode = 2;
        return;
      }
      const log = createLogger(config.logLevel);
      const node = await GengovNode.create(config, { logger: log, createModel: models });
      // SIGINT, SIGTERM and SIGHUP stop the node after its current job; a repeated signal (a
      // terminal's Ctrl-C reaches a launcher and this process both) does not cut that job short.
      let stopping = false;
      const shutdown = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        log.info({ at: "node", msg: `${signal}: finishing the current job, then stopping` });
        void node.stop();
      };
      const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
      for (const s of signals) process.on(s, shutdown);
      try {
        await node.start();
      } catch (error) {
        await node.stop();
        throw error;
      } finally {
        for (const s of signals) process.removeListener(s, shutdown);
      }
      log.info({ at: "node", msg: "stopped" });
    });
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
  program
    .command("demo")
    .description("run the end-to-end demo on an embedded chain (same as npm run demo)")
    .option("--example <name>", "fisheries or vouching", "fisheries")
    .option("--epochs <n>", "number of epochs", "16")
    .action((o: { example: string; epochs: string }) => {
      const root = fileURLToPath(new URL("../..", import.meta.url));
      const tsx = fileURLToPath(new URL("../../node_modules/tsx/dist/cli.mjs", import.meta.url));
      const r = spawnSync(
        process.execPath,
        [tsx, "scripts/demo.ts", "--example", o.example, "--epochs", o.epochs],
        {
          cwd: root,
          stdio: "inherit",
        },
      );
      process.exitCode = r.status ?? 1;
    });
  return program;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], overrides: RuntimeOverrides = {}): Promise<number> {
  const state: RunState = {};
  const program = buildProgram(overrides, state);
  // Commands signal a failure without throwing (verify) through process.exitCode; start from a clean
  // value and put the caller's back, so one run's failure does not leak into the next in-process run.
  const callerExitCode = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(argv, { from: "user" });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    // A revert of a read (an unknown agreement, a missing candidate) is decoded like a send's.
    return report(state.runtime ? await state.runtime.explain(error, state.command ?? "gengov") : error);
  } finally {
    process.exitCode = callerExitCode;
  }
}

function report(error: unknown): number {
  const line = (s: string) => process.stderr.write(`gengov: ${s}\n`);
  if (error instanceof CommanderError) {
    if (
      error.code === "commander.helpDisplayed" ||
      error.code === "commander.version" ||
      error.exitCode === 0
    )
      return 0;
    line(error.message.replace(/^error: /, ""));
    return 2;
  }
  if (error instanceof UsageError || error instanceof ConfigError) {
    line(error.shortMessage);
    return 2;
  }
  if (error instanceof TxRevertedError) {
    line(`reverted: ${error.shortMessage}`);
    return 1;
  }
  if (error instanceof BaseError) {
    line(error.shortMessage);
    return 1;
  }
  line((error as Error).message?.split("\n")[0] ?? String(error));
  return 1;
}

if (import.meta.url === `file://${process.argv[1]}` || process.env.GENGOV_CLI_MAIN === "1") {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
