/**
 * Re-runs the mechanism benchmark and compares it with the committed baseline
 * (bench/mechanism-baseline.json): exits 1 if a hard bound breaks, or a key moved the wrong way
 * beyond its tolerance (scripts/mechanism/compare.ts says which and why), or a key was added or
 * removed. After an intended change, regenerate the baseline (`npm run --silent bench:mechanism --
 * --json > bench/mechanism-baseline.json`) and explain the change in the commit.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { brokenBounds, compareMechanism } from "./mechanism/compare.js";
import { measureMechanism, reportFromJson } from "./mechanism/measure.js";
import { measureOnChain } from "./mechanism/onChain.js";
import { BENCH_SEEDS } from "./mechanism/scenarios.js";
import { exampleParams } from "./mechanism/simulate.js";

const baselinePath = join(dirname(fileURLToPath(import.meta.url)), "..", "bench", "mechanism-baseline.json");

const baseline = reportFromJson(JSON.parse(readFileSync(baselinePath, "utf8")) as Record<string, unknown>);
const current = measureMechanism({ seeds: BENCH_SEEDS });
Object.assign(current.metrics, await measureOnChain());
const { regressed, improved, text } = compareMechanism(baseline, current);
const broken = brokenBounds(current.metrics, exampleParams("fisheries").horizon);
console.log(text);
if (improved.length > 0) {
  console.log(
    `\nbetter than the baseline: ${improved.join(", ")} (regenerate bench/mechanism-baseline.json to keep the gain)`,
  );
}
if (broken.length > 0) console.log(`\nbroken hard bounds:\n  ${broken.join("\n  ")}`);
if (regressed.length > 0) {
  console.log(
    `\nmechanism check failed: ${regressed.join(", ")} worse than bench/mechanism-baseline.json beyond tolerance, or on one side only`,
  );
}
if (broken.length > 0 || regressed.length > 0) {
  process.exitCode = 1;
} else {
  console.log("\nmechanism check passed: every hard bound holds, no key worse than its tolerance");
}
