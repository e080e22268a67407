/**
 * Mechanism benchmark: simulated forecasters of known skill run through the scoring twin for
 * thousands of epochs (see scripts/mechanism/ for the world, the scenarios and what each key
 * measures), deterministic; plus the keys of scripts/mechanism/onChain.ts, from the vouching example
 * run end to end on the in-process chain. Prints a table with the hard bounds, or, with
 * `--json`, one JSON object (every key, then `stderr` and `params`) and nothing else on stdout.
 *
 *   npm run bench:mechanism                       table
 *   npm run --silent bench:mechanism -- --json    JSON
 *
 * Regenerate the baseline with `npm run --silent bench:mechanism -- --json > bench/mechanism-baseline.json`.
 */
import { brokenBounds, hardBounds } from "./mechanism/compare.js";
import { measureMechanism, reportToJson } from "./mechanism/measure.js";
import { measureOnChain } from "./mechanism/onChain.js";
import { BENCH_SEEDS } from "./mechanism/scenarios.js";
import { exampleParams } from "./mechanism/simulate.js";

const json = process.argv.includes("--json");
const started = performance.now();
const report = measureMechanism({ seeds: BENCH_SEEDS });
Object.assign(report.metrics, await measureOnChain());
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const horizon = exampleParams("fisheries").horizon;
if (json) {
  console.log(JSON.stringify(reportToJson(report), null, 2));
} else {
  const bounds = new Map<string, string>();
  for (const b of hardBounds(horizon)) {
    const prior = bounds.get(b.key);
    bounds.set(b.key, prior === undefined ? `${b.op} ${b.limit}` : `${prior}, ${b.op} ${b.limit}`);
  }
  const rows = [["key", "value", "± s.e.", "bound"]];
  for (const [key, value] of Object.entries(report.metrics)) {
    const se = report.stderr[key];
    rows.push([key, value.toPrecision(4), se === undefined ? "" : se.toPrecision(2), bounds.get(key) ?? ""]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  console.log(
    rows
      .map((r) => r.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join("  "))
      .join("\n"),
  );
  console.log(
    `\nparameters: ${Object.entries(report.params)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  );
  const broken = brokenBounds(report.metrics, horizon);
  console.log(broken.length === 0 ? "Every hard bound holds." : `Broken bounds:\n  ${broken.join("\n  ")}`);
}
console.error(`bench:mechanism: ${BENCH_SEEDS} seeds per scenario, ${seconds} s`);
