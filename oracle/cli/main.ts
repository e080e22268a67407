/**
 * The `gengov` command line. Every command takes --rpc, --hub (default: the Ignition deployment of
 * the connected chain), a key (--keystore with its password from an env var or a prompt, or an
 * explicit --private-key-env), and --json for machine output. Bad usage prints one line and exits 2;
 * a revert, of a read or a transaction, prints its decoded custom error as one line and exits 1.
 */
import { Command, CommanderError } from "commander";

import { TxRevertedError } from "../chain/txSender.js";
import { BaseError, ConfigError } from "../errors/BaseError.js";
import { registerAgreementCommands } from "./commands/agreement/index.js";
import { registerCandidateCommands } from "./commands/candidate/index.js";
import { registerDemoCommand } from "./commands/demo.js";
import { registerDepositCommand } from "./commands/deposit.js";
import { registerFundCommand } from "./commands/fund.js";
import { registerInputCommands } from "./commands/input.js";
import { registerConditionalCommands } from "./commands/conditional.js";
import { registerJudgementCommands } from "./commands/judgement/index.js";
import { registerJuryCommands } from "./commands/jury/index.js";
import { registerKeyCommands } from "./commands/key.js";
import { registerNodeCommand } from "./commands/node.js";
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
  registerJuryCommands(program, rt);
  registerJudgementCommands(program, rt);
  registerConditionalCommands(program, rt);
  registerPaymentCommands(program, rt);
  registerStatusCommand(program, rt);
  registerVerifyCommand(program, rt);
  registerFundCommand(program, overrides);
  registerNodeCommand(program, overrides);
  registerKeyCommands(program, overrides);
  registerDemoCommand(program);
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
