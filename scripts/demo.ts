/**
 * `npm run demo [-- --example vouching|council] [-- --jury N] [-- --epochs N] [-- --out file]`: the
 * whole mechanism on an embedded in-process chain, no network, no API key. With OPENAI_API_KEY set
 * (and optionally OPENAI_BASE_URL, GENGOV_DEMO_MODEL) the first candidate runs on that real model.
 *
 * `--jury N` (fisheries, vouching) seats a jury of N models (a majority to accept) on every proposal
 * and adds a thief candidate; each epoch then shows its executor, jurors and votes, the decision and
 * whether the thief's payment reached the chain, and the run ends with how many landed (`--jury 0`:
 * the thief without a jury). `--example council` has its own jury of 2 and a delegate captured by a
 * payee; each epoch shows the proposal, every model's vote and rationale and the recorded decision.
 *
 * `npm run demo -- --example deep-funding [-- --rounds N]`: distilled human judgement on the same kind
 * of chain: five simulated models (one gaming an item) commit full lists of weights for gengov's own
 * dependencies, three simulated jurors answer sampled pairs, the node's judgement job reveals and
 * proposes the best combination, and every item claims its share. Prints each list's loss on the
 * jury's sample, the winning combination, each list's distance from the hidden truth and the payouts;
 * the report shows the allocation as a chart.
 *
 * `npm run demo -- --example fisheries --futarchy [-- --epochs N]`: futarchy mode on the fisheries
 * agreement (examples/fisheries/futarchy.json): each epoch decides among "hold the quota", "cut the
 * quota 20%" and "raise the quota 20%" from the candidates' conditional forecasts through the
 * conditional contract, and the executor's transition carries the option. Prints per decision the J
 * of each option's combined forecast, the option taken (explored or not), the realised outcome, the
 * best option in hindsight and the decision's regret, then the mean regret and the explorations.
 *
 * `npm run demo -- --app [--rpc-port 8545] [--app-port 5173]`: the same chain served as a JSON-RPC
 * endpoint on 127.0.0.1 (its accounts unlocked, like `hardhat node`), the demo run on it, which then
 * ends with a transition in its challenge period and a report window open, and the web app (built
 * into app/dist when missing or stale) served for it; prints the app's URL and runs until Ctrl-C,
 * which stops both.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

import hre from "hardhat";

import {
  appUrl,
  ensureAppBuilt,
  openLastEpoch,
  serveJsonRpc,
  serveStatic,
  type OpenEpoch,
  type Served,
} from "../oracle/demo/app.js";
import { runDeepFunding } from "../oracle/demo/deepFunding.js";
import { runFutarchy } from "../oracle/demo/futarchy.js";
import { renderDeepFundingReport, renderReport } from "../oracle/demo/report.js";
import { demoChainOf, runDemo } from "../oracle/demo/runDemo.js";

const { values } = parseArgs({
  options: {
    example: { type: "string", default: "fisheries" },
    epochs: { type: "string", default: "16" },
    rounds: { type: "string", default: "2" },
    jury: { type: "string" },
    out: { type: "string", default: "demo-report.html" },
    app: { type: "boolean", default: false },
    futarchy: { type: "boolean", default: false },
    "rpc-port": { type: "string", default: "8545" },
    "app-port": { type: "string", default: "5173" },
  },
});
if (
  values.example !== "fisheries" &&
  values.example !== "vouching" &&
  values.example !== "council" &&
  values.example !== "deep-funding"
) {
  console.error(
    `demo: --example must be "fisheries", "vouching", "council" or "deep-funding", got "${values.example}"`,
  );
  process.exit(2);
}
const example = values.example;
if (example === "deep-funding") {
  const rounds = Number(values.rounds);
  if (!/^\d+$/.test(values.rounds) || rounds < 1 || rounds > 10) {
    console.error(`demo: --rounds must be an integer from 1 to 10, got "${values.rounds}"`);
    process.exit(2);
  }
  if (values.app || values.jury !== undefined) {
    console.error("demo: --app and --jury are not for the deep-funding example");
    process.exit(2);
  }
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  const conn = await hre.network.create();
  console.log(`gengov demo: deep-funding, ${rounds} round(s), embedded chain, simulated models and jurors`);
  const result = await runDeepFunding(demoChainOf(conn), { example, epochs: 0, root: process.cwd(), rounds });
  console.log("\nscores (EWMA of loss, lower is better)");
  for (const s of result.scores)
    console.log(`  ${s.name.padEnd(10)} score ${s.score.toFixed(4)}  scored ${s.scored}`);
  if (result.nodeErrors.length) {
    console.log(`node errors: ${result.nodeErrors.length}`);
    for (const line of result.nodeErrors) console.log(`  ${line}`);
  }
  const out = resolve(values.out);
  writeFileSync(out, renderDeepFundingReport(result));
  console.log(`report: ${out}`);
  process.exit(result.nodeErrors.length ? 1 : 0);
}
if (values.futarchy && (example !== "fisheries" || values.app || values.jury !== undefined)) {
  console.error("demo: --futarchy is for the fisheries example, without --app or --jury");
  process.exit(2);
}
let jury: number | undefined;
if (values.jury !== undefined) {
  jury = Number(values.jury);
  if (!/^\d+$/.test(values.jury) || jury > 8) {
    console.error(`demo: --jury must be a jury size from 0 to 8, got "${values.jury}"`);
    process.exit(2);
  }
  if (example === "council") {
    console.error("demo: --jury is for fisheries and vouching; the council example has its own jury");
    process.exit(2);
  }
}
const epochs = Number(values.epochs);
if (!Number.isInteger(epochs) || epochs < 3) {
  console.error(`demo: --epochs must be an integer ≥ 3, got "${values.epochs}"`);
  process.exit(2);
}

const port = (name: "rpc-port" | "app-port"): number => {
  const p = Number(values[name]);
  if (!Number.isInteger(p) || p < 0 || p > 65535) {
    console.error(`demo: --${name} must be a port number (0–65535), got "${values[name]}"`);
    process.exit(2);
  }
  return p;
};
const rpcPort = port("rpc-port");
const appPort = port("app-port");
const HOST = "127.0.0.1";

/** Binds a server or exits with one line naming what could not be served. */
async function serveOrExit(what: string, serve: () => Promise<Served>): Promise<Served> {
  try {
    return await serve();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    console.error(
      `demo: cannot serve the ${what}: ${err.code === "EADDRINUSE" ? `port ${(err as { port?: number }).port} is in use` : err.message}`,
    );
    process.exit(1);
  }
}

// A fresh clone has no artifacts yet: compile first (quietly, nothing if up to date).
await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
const conn = await hre.network.create();
let served: { rpc: Served; app: Served } | undefined;
if (values.app) {
  let dist: string;
  try {
    dist = await ensureAppBuilt(process.cwd(), (line) => console.log(line));
  } catch (e) {
    console.error(`demo: ${(e as Error).message.split("\n")[0]}`);
    process.exit(1);
  }
  const rpc = await serveOrExit("chain's JSON-RPC", () => serveJsonRpc(conn.provider, HOST, rpcPort));
  const app = await serveOrExit("web app", () => serveStatic(dist, HOST, appPort));
  served = { rpc, app };
}
let open: OpenEpoch | undefined;
const apiKey = process.env.OPENAI_API_KEY;
if (!values.futarchy)
  console.log(
    `gengov demo: ${example}${jury !== undefined ? `, jury of ${jury} and a thief` : ""}, ${epochs} epochs, ${served ? `chain at ${served.rpc.url}` : "embedded chain"}${apiKey ? `, candidate 1 on ${process.env.GENGOV_DEMO_MODEL ?? "gpt-4o-mini"}` : ", simulated models"}`,
  );
const futarchy = values.futarchy
  ? await (async () => {
      console.log(
        `gengov demo: fisheries in futarchy mode, ${epochs} epochs, embedded chain, simulated models`,
      );
      return runFutarchy(demoChainOf(conn), { example, epochs, root: process.cwd() });
    })()
  : undefined;
if (futarchy) {
  const f = futarchy.futarchy;
  console.log(
    `\nfutarchy: ${f.decisions.length} decisions, mean regret ${f.meanRegret === null ? "n/a" : f.meanRegret.toFixed(3)} ` +
      `(0: always the best option, 1: always the worst), ${f.explorations} explored, ${f.defaulted} by default (no weighted forecast yet)`,
  );
}
const result =
  futarchy ??
  (await runDemo(demoChainOf(conn), {
    example,
    jury,
    epochs,
    root: process.cwd(),
    realModel: apiKey
      ? {
          apiKey,
          model: process.env.GENGOV_DEMO_MODEL ?? "gpt-4o-mini",
          baseURL: process.env.OPENAI_BASE_URL,
        }
      : undefined,
    afterEpochs: served ? openLastEpoch(epochs, (o) => (open = o)) : undefined,
  }));
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
if (result.thief)
  console.log(
    `malicious payments landed: ${result.thief.landed} of ${result.thief.epochs} thief epochs${jury ? ` (jury of ${jury})` : " (no jury)"}`,
  );
if (result.nodeErrors.length) {
  console.log(`node errors: ${result.nodeErrors.length}`);
  for (const line of result.nodeErrors) console.log(`  ${line}`);
}
const out = resolve(values.out);
writeFileSync(out, renderReport(result));
console.log(`report: ${out}`);
process.exitCode = failed.length || result.nodeErrors.length ? 1 : 0;

if (served && open) {
  const { rpc, app } = served;
  const stop = async () => {
    await app.close();
    await rpc.close();
    process.exit(process.exitCode ?? 0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  console.log(
    `\nchain: ${rpc.url} (chain id ${await (await conn.viem.getPublicClient()).getChainId()}, hub ${open.hub}; its accounts are the Hardhat test mnemonic's, unlocked)`,
  );
  console.log(
    `epoch ${open.epoch}: its transition is in its challenge period and its report window is open until ${new Date(Number(open.reportCloses) * 1000).toISOString()} (chain time)`,
  );
  console.log(`app: ${appUrl(app.url, rpc.url, open.hub, "#/agreement/1")}`);
  console.log("Ctrl-C stops the chain and the app.");
}
