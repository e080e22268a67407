/**
 * The futarchy demo end to end on an in-process chain (five epochs, three decisions): every decision
 * is made through the contract and has a regret in [0, 1]; every finalized transition of a decided
 * epoch carries the option decided, on chain (`TransitionOption`) and in its manifest (`decision`,
 * with the label), and verifies; the forecasts of an executed decision are scored; the participant's
 * option is settled; the report shows the decisions; `gengov conditional show` prints the options,
 * forecasts and decision, and bad input fails with one line.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import { hexToString, type EIP1193Provider } from "viem";

import { loadDecisions } from "../../app/src/lib/conditional.js";
import { gengovConditionalAbi, gengovExecutionAbi } from "../../oracle/chain/abis.js";
import { decisionLines, runFutarchy } from "../../oracle/demo/futarchy.js";
import { renderReport } from "../../oracle/demo/report.js";
import { demoChainOf } from "../../oracle/demo/runDemo.js";
import { hubConditional } from "../../oracle/node/context.js";
import { localAccount, runCli } from "../fixtures/cli.js";

describe("demo: fisheries in futarchy mode", function () {
  this.timeout(300_000);
  let result: Awaited<ReturnType<typeof runFutarchy>>;
  let conn: Awaited<ReturnType<typeof network.create>>;
  const lines: string[] = [];

  before(async () => {
    conn = await network.create();
    result = await runFutarchy(demoChainOf(conn), {
      example: "fisheries",
      epochs: 5,
      root: process.cwd(),
      proposeAt: 3,
      log: (l) => lines.push(l),
    });
  });

  it("test_run_decidesEveryEpochThroughTheContract_withRegretInUnitRange", () => {
    expect(result.nodeErrors).to.deep.equal([]);
    const f = result.futarchy;
    // Terms reach two epochs ahead: configured in epoch 0, the first decision epoch is 2.
    expect(f.decisions.map((d) => d.epoch)).to.deep.equal([2n, 3n, 4n]);
    for (const d of f.decisions) {
      expect(d.option).to.be.within(0, d.options.length - 1);
      if (d.regret !== null) expect(d.regret).to.be.within(0, 1);
      expect(decisionLines(d).join("\n")).to.match(/regret/);
    }
    expect(f.meanRegret).to.be.a("number");
    expect(lines.join("\n")).to.match(/decision 4: J of the combined forecast/);
    expect(result.verification.every((v) => v.pass)).to.equal(true);
  });

  it("test_executor_carriesTheDecidedOption_onChainAndInItsManifest", async () => {
    const client = await conn.viem.getPublicClient();
    const hub = await conn.viem.getContractAt("GengovHub", result.futarchy.hub);
    const execution = await hub.read.execution();
    const options = await client.getContractEvents({
      address: execution,
      abi: gengovExecutionAbi,
      eventName: "TransitionOption",
      fromBlock: 0n,
      strict: true,
    });
    const proposed = await client.getContractEvents({
      address: execution,
      abi: gengovExecutionAbi,
      eventName: "TransitionProposed",
      fromBlock: 0n,
      strict: true,
    });
    const decided = result.futarchy.decisions.filter((d) => proposed.some((p) => p.args.epoch === d.epoch));
    expect(decided.length).to.be.greaterThan(0);
    for (const d of decided) {
      const onChain = options.filter((o) => o.args.epoch === d.epoch).map((o) => o.args.option);
      expect(onChain, `epoch ${d.epoch}`).to.deep.equal(
        proposed.filter((p) => p.args.epoch === d.epoch).map(() => d.option),
      );
      // gengov verify checks the manifest's option against the chain's.
      const reports = result.verification.filter((v) => v.epoch === d.epoch);
      expect(reports.length).to.be.greaterThan(0);
      for (const v of reports) expect(v.checks.find((c) => c.name === "decision.option")?.ok).to.equal(true);
      for (const p of proposed.filter((x) => x.args.epoch === d.epoch)) {
        const manifest = JSON.parse(hexToString(p.args.manifest)) as { decision: { label: string } };
        expect(manifest.decision.label).to.equal(d.options[d.option]);
      }
    }
  });

  it("test_forecastsOfAnExecutedDecision_areScored_andTheProposedOptionsBondIsSettled", async () => {
    const client = await conn.viem.getPublicClient();
    const conditional = await hubConditional(client, result.futarchy.hub);
    const scored = await client.getContractEvents({
      address: conditional,
      abi: gengovConditionalAbi,
      eventName: "ConditionalScored",
      fromBlock: 0n,
      strict: true,
    });
    expect(scored.length).to.be.greaterThan(0);
    // Only candidates eligible to execute forecast: at least the executor.
    expect(scored[0].args.candidateIds.length).to.be.greaterThan(0);
    const p = result.futarchy.proposal!;
    expect(p.epoch).to.equal(3n);
    expect(p.refunded).to.be.a("boolean");
    expect(result.futarchy.decisions.find((d) => d.epoch === 3n)!.options).to.include(p.label);
  });

  it("test_report_showsEveryDecisionsForecastsOptionAndOutcome", () => {
    const html = renderReport(result);
    expect(html).to.contain("Decisions (futarchy mode)");
    const table = html.slice(html.indexOf('id="futarchy-decisions"'));
    expect(table.match(/<tr><td>\d+<\/td>/g)).to.have.length(3);
    expect(html).to.contain("cut the quota 20%");
    expect(html).to.contain("J of each option's combined forecast (dots: the option taken)");
  });

  it("test_app_readsEachDecisionsOptionsObjectivesAndOutcome", async () => {
    const client = await conn.viem.getPublicClient();
    const rows = await loadDecisions(client, result.futarchy.hub, 1n, 2);
    const f = result.futarchy.decisions;
    expect(rows.map((r) => r.epoch)).to.deep.equal(f.map((d) => d.epoch));
    for (const [i, r] of rows.entries()) {
      expect(r.options).to.deep.equal(f[i].options);
      expect(r.option).to.equal(f[i].option);
      expect(r.objectives).to.deep.equal(f[i].objectives);
      expect(r.meanForecasts).to.have.length(r.revealed ? r.options.length : 0);
    }
    // Epoch 2's scored epoch (3) was reported by the end of the run: the app shows its outcome.
    expect(rows[0].realised).to.not.equal(null);
  });

  it("test_cli_showPrintsOptionsForecastsAndDecision_andBadInputFailsWithOneLine", async () => {
    const provider = conn.provider as unknown as EIP1193Provider;
    const hub = result.futarchy.hub;
    const forecast = result.futarchy.decisions.find((d) => Object.values(d.forecasts).some(Boolean))!;
    const show = await runCli(
      provider,
      hub,
      ["conditional", "show", "--agreement", "1", "--epoch", String(forecast.epoch)],
      { json: false },
    );
    expect(show.code, show.err).to.equal(0);
    const text = show.out.join("\n");
    expect(text).to.contain("hold the quota");
    expect(text).to.match(/decision: (Decided|Scored|Void); took option \d/);
    expect(text).to.match(/\d+\.\d{2}\/\d+\.\d{2}/);
    const oneLine = async (args: string[], pattern: RegExp) => {
      const r = await runCli(provider, hub, args, { json: false, account: localAccount(0) });
      expect(r.code, args.join(" ")).to.not.equal(0);
      expect(r.err.trim().split("\n"), r.err).to.have.length(1);
      expect(r.err).to.match(pattern);
    };
    await oneLine(
      ["conditional", "propose-option", "--agreement", "1", "--epoch", "1", "--label", "x"],
      /--epoch: epoch 1 has started/,
    );
    await oneLine(
      ["conditional", "configure", "--agreement", "1", "--terms", "/nonexistent/terms.json"],
      /--terms: cannot read/,
    );
    const bad = join(mkdtempSync(join(tmpdir(), "gengov-futarchy-")), "terms.json");
    writeFileSync(
      bad,
      JSON.stringify({
        horizon: 0,
        revealWindow: 600,
        epsilon: "1",
        eta: "1",
        weights: [],
        floors: [],
        penalties: [],
        options: [],
      }),
    );
    await oneLine(
      ["conditional", "configure", "--agreement", "1", "--terms", bad],
      /invalid conditional terms: .*horizon/,
    );
    await oneLine(
      ["conditional", "choose", "--agreement", "1", "--epoch", "2", "--option", "9"],
      /--option: an index from 0 to 7/,
    );
    await oneLine(["conditional", "decide", "--agreement", "1", "--epoch", "2"], /AlreadyDecided/);
  });
});
