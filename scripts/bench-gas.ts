/**
 * Gas benchmark of the hub's user-facing paths (see scripts/gas/measureGas.ts for what each key
 * measures). Prints a table with each key's gas bound and pass/fail, or, with `--json`, one JSON
 * object `{ key: gasUsed }` and nothing else on stdout.
 *
 *   npm run bench:gas                      table
 *   npm run bench:gas -- --json            JSON (npm prints its own "> …" banner first; add
 *                                          `--silent` to npm, or run `npx tsx scripts/bench-gas.ts
 *                                          --json`, for a stream that is only the JSON)
 *   BENCH_GAS_JSON=1 npx hardhat run scripts/bench-gas.ts
 *
 * Why tsx and not `hardhat run`: Hardhat 3's `run` task rejects arguments it does not know
 * (`hardhat run scripts/bench-gas.ts --json` fails with HHE504), so `--json` could not reach the
 * script. Importing "hardhat" builds the same runtime environment; the script compiles first, quietly.
 * Under `hardhat run`, set BENCH_GAS_JSON=1 instead (that task also prints a blank line after compiling).
 *
 * Regenerate the baseline with `npm run --silent bench:gas -- --json > bench/gas-baseline.json`.
 */
import hre from "hardhat";
import { BaseError } from "viem";

import { formatGasTable } from "./gas/gasTable.js";
import {
  CONDITIONAL_GAS_BOUNDS,
  CONDITIONAL_GAS_KEYS,
  CONDITIONAL_GAS_NOTES,
  measureConditionalGas,
} from "./gas/measureConditionalGas.js";
import {
  EXECUTION_GAS_KEYS,
  EXECUTION_GAS_NOTES,
  EXECUTION_GAS_BOUNDS,
  measureExecutionGas,
} from "./gas/measureExecutionGas.js";
import { GAS_KEYS, measureGas } from "./gas/measureGas.js";
import {
  JUDGEMENT_GAS_BOUNDS,
  JUDGEMENT_GAS_KEYS,
  JUDGEMENT_GAS_NOTES,
  measureJudgementGas,
} from "./gas/measureJudgementGas.js";
import { JURY_GAS_BOUNDS, JURY_GAS_KEYS, JURY_GAS_NOTES, measureJuryGas } from "./gas/measureJuryGas.js";

const json = process.argv.includes("--json") || process.env.BENCH_GAS_JSON === "1";

try {
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  const m = await measureGas(await hre.network.create());
  const x = await measureExecutionGas(await hre.network.create());
  const j = await measureJuryGas(await hre.network.create());
  const g = await measureJudgementGas(await hre.network.create());
  const c = await measureConditionalGas(await hre.network.create());
  const ordered = {
    ...Object.fromEntries(GAS_KEYS.map((k) => [k, m.gas[k]])),
    ...Object.fromEntries(EXECUTION_GAS_KEYS.map((k) => [k, x.gas[k]])),
    ...Object.fromEntries(JURY_GAS_KEYS.map((k) => [k, j.gas[k]])),
    ...Object.fromEntries(JUDGEMENT_GAS_KEYS.map((k) => [k, g.gas[k]])),
    ...Object.fromEntries(CONDITIONAL_GAS_KEYS.map((k) => [k, c.gas[k]])),
  };
  if (json) {
    console.log(JSON.stringify(ordered, null, 2));
  } else {
    console.log(formatGasTable(m));
    console.log("\nexecution paths   gasUsed   above calldata+logs   bound    what");
    for (const k of EXECUTION_GAS_KEYS) {
      const bound = EXECUTION_GAS_BOUNDS[k];
      const status = bound === undefined ? "" : x.overhead[k] <= bound ? "ok" : "OVER";
      console.log(
        `${k.padEnd(17)} ${x.gas[k].toLocaleString("en").padStart(9)} ${x.overhead[k].toLocaleString("en").padStart(12)} ${(bound?.toLocaleString("en") ?? "-").padStart(12)} ${status.padEnd(4)}  ${EXECUTION_GAS_NOTES[k]}`,
      );
    }
    console.log("\njury              gasUsed   above calldata+logs   bound    what");
    for (const k of JURY_GAS_KEYS) {
      const bound = JURY_GAS_BOUNDS[k];
      const above = j.overhead[k];
      const status = bound === undefined || above === undefined ? "" : above <= bound ? "ok" : "OVER";
      console.log(
        `${k.padEnd(17)} ${j.gas[k].toLocaleString("en").padStart(9)} ${(above?.toLocaleString("en") ?? "-").padStart(12)} ${(bound?.toLocaleString("en") ?? "-").padStart(12)} ${status.padEnd(4)}  ${JURY_GAS_NOTES[k]}`,
      );
    }
    console.log(`\n${"judgement".padEnd(28)}gasUsed   above calldata+logs   bound    what`);
    for (const k of JUDGEMENT_GAS_KEYS) {
      const bound = JUDGEMENT_GAS_BOUNDS[k];
      const above = g.overhead[k];
      const status = above <= bound ? "ok" : "OVER";
      console.log(
        `${k.padEnd(25)} ${g.gas[k].toLocaleString("en").padStart(9)} ${above.toLocaleString("en").padStart(12)} ${bound.toLocaleString("en").padStart(12)} ${status.padEnd(4)}  ${JUDGEMENT_GAS_NOTES[k]}`,
      );
    }
    console.log(`\n${"conditional".padEnd(28)}gasUsed   above calldata+logs   bound    what`);
    for (const k of CONDITIONAL_GAS_KEYS) {
      const bound = CONDITIONAL_GAS_BOUNDS[k];
      const above = c.overhead[k];
      const status = above <= bound ? "ok" : "OVER";
      console.log(
        `${k.padEnd(25)} ${c.gas[k].toLocaleString("en").padStart(9)} ${above.toLocaleString("en").padStart(12)} ${bound.toLocaleString("en").padStart(12)} ${status.padEnd(4)}  ${CONDITIONAL_GAS_NOTES[k]}`,
      );
    }
  }
} catch (e) {
  // viem's errors carry the whole ABI; the short message and details say what failed.
  console.error(
    `bench:gas failed: ${e instanceof BaseError ? `${e.shortMessage}\n${e.details}` : String(e)}`,
  );
  process.exitCode = 1;
}
