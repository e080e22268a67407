/**
 * `npm run demo [-- --example vouching] [-- --epochs N] [-- --out file]`: the whole mechanism on an
 * embedded in-process chain, no network, no API key. With OPENAI_API_KEY set (and optionally
 * OPENAI_BASE_URL, GENGOV_DEMO_MODEL) the first candidate runs on that real model.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

import hre from "hardhat";

import { renderReport } from "../oracle/demo/report.js";
import { demoChainOf, runDemo } from "../oracle/demo/runDemo.js";

const { values } = parseArgs({
  options: {
    example: { type: "string", default: "fisheries" },
    epochs: { type: "string", default: "16" },
    out: { type: "string", default: "demo-report.html" },
  },
});
if (values.example !== "fisheries" && values.example !== "vouching") {
  console.error(`demo: --example must be "fisheries" or "vouching", got "${values.example}"`);
  process.exit(2);
}
const epochs = Number(values.epochs);
if (!Number.isInteger(epochs) || epochs < 3) {
  console.error(`demo: --epochs must be an integer ≥ 3, got "${values.epochs}"`);
  process.exit(2);
}

// A fresh clone has no artifacts yet: compile first (quietly, nothing if up to date).
await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
const conn = await hre.network.create();
const apiKey = process.env.OPENAI_API_KEY;
console.log(
  `gengov demo: ${values.example}, ${epochs} epochs, embedded chain${apiKey ? `, candidate 1 on ${process.env.GENGOV_DEMO_MODEL ?? "gpt-4o-mini"}` : ", simulated models"}`,
);
const result = await runDemo(demoChainOf(conn), {
  example: values.example,
  epochs,
  root: process.cwd(),
  realModel: apiKey
    ? {
        apiKey,
        model: process.env.GENGOV_DEMO_MODEL ?? "gpt-4o-mini",
        baseURL: process.env.OPENAI_BASE_URL,
      }
    : undefined,
});
console.log("\nleaderboard (score: EWMA of loss, lower is better)");
for (const l of result.leaderboard) {
  console.log(
    `  ${l.name.padEnd(14)} score ${l.score.toFixed(4)}  scored ${String(l.scored).padStart(2)}  executions ${String(l.executions).padStart(2)}  missed ${l.misses}  bond ${(Number(l.bond) / 1e18).toFixed(2)}`,
  );
}
const s = result.selection;
console.log(
  `\nexecutors: ${s.byExecutor}/${s.withExecutor} epochs with a selected executor were executed by it` +
    `, ${s.byFallback} by the fallback, ${s.notExecuted} not at all` +
    ` (${result.epochs.length - s.withExecutor} epochs had no eligible candidate yet)`,
);
const failed = result.verification.filter((v) => !v.pass);
console.log(
  `\nverify: ${result.verification.length - failed.length}/${result.verification.length} transitions pass every check`,
);
for (const f of failed)
  console.log(
    `  epoch ${f.epoch}: ${f.checks
      .filter((c) => !c.ok)
      .map((c) => c.name)
      .join(", ")}`,
  );
console.log(
  `prompt injection: ${result.injectionsSubmitted} hostile inputs submitted, ${result.adversaryActionsOnChain} adversary proposals reached the chain`,
);
if (result.nodeErrors.length) {
  console.log(`node errors: ${result.nodeErrors.length}`);
  for (const line of result.nodeErrors) console.log(`  ${line}`);
}
const out = resolve(values.out);
writeFileSync(out, renderReport(result));
console.log(`report: ${out}`);
process.exitCode = failed.length || result.nodeErrors.length ? 1 : 0;
