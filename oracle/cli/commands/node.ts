/** `gengov node --config <file> [--check]`: runs (or checks) an oracle node. */
import type { Command } from "commander";

import { loadNodeConfig, type CandidateConfig } from "../../config/schema.js";
import { ConfigError } from "../../errors/BaseError.js";
import { createModel, type ModelSpec } from "../../models/index.js";
import { checkNode } from "../../node/check.js";
import { GengovNode } from "../../node/GengovNode.js";
import { createLogger } from "../../node/logger.js";
import type { RuntimeOverrides } from "../runtime.js";

type Models = (spec: ModelSpec, candidate: CandidateConfig) => ReturnType<typeof createModel>;

export function registerNodeCommand(program: Command, overrides: RuntimeOverrides = {}) {
  program
    .command("node")
    .description("run an oracle node for the candidates in a config file")
    .requiredOption("--config <file>", "node config JSON")
    .option("--check", "check config, key, spec hashes, RPC, chain id and each model once; send nothing")
    .action(async (o: { config: string; check?: boolean }) => {
      const models: Models = (spec, candidate) =>
        createModel(spec, {
          openai: {
            apiKey: process.env[candidate.provider.apiKeyEnv],
            baseURL: candidate.provider.baseURL,
            timeoutMs: candidate.provider.timeoutMs,
            retries: candidate.provider.maxRetries,
          },
        });
      if (o.check) await check(o.config, models, overrides);
      else await run(o.config, models);
    });
}

async function check(configFile: string, models: Models, overrides: RuntimeOverrides) {
  const result = await checkNode(configFile, { createModel: models });
  const out = overrides.out ?? ((line: string) => process.stdout.write(line + "\n"));
  for (const line of result.lines) out(line);
  for (const problem of result.problems) process.stderr.write(`gengov: ${problem}\n`);
  process.exitCode = result.ok ? 0 : 1;
}

async function run(configFile: string, models: Models) {
  let config: ReturnType<typeof loadNodeConfig>;
  try {
    config = loadNodeConfig(configFile);
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
}
