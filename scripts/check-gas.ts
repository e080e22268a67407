/**
 * Re-runs the gas benchmark and compares it with the committed baseline (bench/gas-baseline.json):
 * exits 1, printing the differences, if any key moved by more than 1 % or a key was added or removed.
 * After an intended change, regenerate the baseline (`npm run --silent bench:gas -- --json >
 * bench/gas-baseline.json`) and explain the change in the commit.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import hre from "hardhat";
import { BaseError } from "viem";

import { compareGas } from "./gas/gasTable.js";
import { CONDITIONAL_GAS_BOUNDS, measureConditionalGas } from "./gas/measureConditionalGas.js";
import { measureExecutionGas } from "./gas/measureExecutionGas.js";
import { measureGas } from "./gas/measureGas.js";
import { JUDGEMENT_GAS_BOUNDS, measureJudgementGas } from "./gas/measureJudgementGas.js";
import { JURY_GAS_BOUNDS, measureJuryGas } from "./gas/measureJuryGas.js";

const TOLERANCE = 0.01;
const baselinePath = join(dirname(fileURLToPath(import.meta.url)), "..", "bench", "gas-baseline.json");

try {
  const baseline = JSON.parse(readFileSync(baselinePath, "utf8")) as Record<string, number>;
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  const { gas } = await measureGas(await hre.network.create());
  const execution = await measureExecutionGas(await hre.network.create());
  const jury = await measureJuryGas(await hre.network.create());
  const judgement = await measureJudgementGas(await hre.network.create());
  const conditional = await measureConditionalGas(await hre.network.create());
  const { failed, text } = compareGas(
    baseline,
    { ...gas, ...execution.gas, ...jury.gas, ...judgement.gas, ...conditional.gas },
    TOLERANCE,
  );
  const overhead: Record<string, number> = {
    ...jury.overhead,
    ...judgement.overhead,
    ...conditional.overhead,
  };
  for (const [key, bound] of Object.entries({
    ...JURY_GAS_BOUNDS,
    ...JUDGEMENT_GAS_BOUNDS,
    ...CONDITIONAL_GAS_BOUNDS,
  })) {
    const above = overhead[key];
    if (above > bound) failed.push(`${key} (${above} gas above calldata and logs, bound ${bound})`);
  }
  console.log(text);
  if (failed.length > 0) {
    console.log(
      `\ngas check failed: ${failed.join(", ")} moved by more than ${TOLERANCE * 100}% from bench/gas-baseline.json, exist on one side only, or exceed their bound`,
    );
    process.exitCode = 1;
  } else {
    console.log(`\ngas check passed: every key within ${TOLERANCE * 100}% of bench/gas-baseline.json`);
  }
} catch (e) {
  // viem's errors carry the whole ABI; the short message and details say what failed.
  console.error(
    `bench:gas:check failed: ${e instanceof BaseError ? `${e.shortMessage}\n${e.details}` : String(e)}`,
  );
  process.exitCode = 1;
}
