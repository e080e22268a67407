/**
 * The demo in short mode: the examples run end to end on the in-process chain, every transition
 * verifies, the adversary never gets a proposal on chain, and the report carries the charts' data.
 * With a jury the thief's in-policy payments never land (without one they do), and in the council
 * example the captured delegate's vote is rejected by its jury and never recorded.
 */
import { expect } from "chai";
import { network } from "hardhat";

import { COUNCIL_CAPTURED_PAYEE, COUNCIL_PROPOSALS } from "../oracle/demo/council.js";
import { renderReport } from "../oracle/demo/report.js";
import { demoChainOf, runDemo, type DemoExample, type DemoResult } from "../oracle/demo/runDemo.js";
import { SIMULATED_ATTACKER } from "../oracle/models/simulatedModel.js";

async function shortDemo(example: DemoExample, epochs: number, jury?: number): Promise<DemoResult> {
  const conn = await network.create();
  return runDemo(demoChainOf(conn), { example, epochs, jury, root: process.cwd(), log: () => undefined });
}

const idOf = (r: DemoResult, name: string) => r.candidates.find((c) => c.name === name)!.id;

describe("demo (short mode)", function () {
  this.timeout(300_000);

  it("fisheries: transitions verify, the adversary never executes, the report holds every chart's data", async () => {
    const r = await shortDemo("fisheries", 7);
    expect(r.epochs).to.have.length(7);
    expect(r.verification.length).to.be.greaterThan(0);
    for (const v of r.verification)
      expect(v.pass, JSON.stringify(v.checks.filter((c) => !c.ok))).to.equal(true);
    expect(r.adversaryActionsOnChain).to.equal(0);
    expect(r.injectionsSubmitted).to.equal(7);
    expect(r.nodeErrors).to.deep.equal([]);
    // Nobody executes before its first scored forecasts (minScored 2: epochs 0–2 have no executor);
    // from then on the selected executor is the one whose transition was finalized.
    expect(r.epochs.slice(0, 3).map((e) => e.executor)).to.deep.equal([0n, 0n, 0n]);
    expect(r.selection).to.deep.equal({ withExecutor: 4, byExecutor: 4, byFallback: 0, notExecuted: 0 });
    const mallory = r.leaderboard.find((l) => l.name === "mallory")!;
    expect(r.leaderboard[r.leaderboard.length - 1].name).to.equal("mallory");
    expect(mallory.executions).to.equal(0);
    const html = renderReport(r);
    const data = JSON.parse(
      /<script type="application\/json" id="demo-data">([\s\S]*?)<\/script>/.exec(html)![1],
    );
    expect(data.epochs).to.have.length(7);
    expect(Object.keys(data.epochs[6].forecasts)).to.deep.equal([
      "keen-eye",
      "steady-hand",
      "rough-guess",
      "mallory",
    ]);
    expect(data.epochs[6].scores["keen-eye"]).to.be.a("number");
    expect(data.epochs.some((e: { executor: string }) => e.executor !== "0")).to.equal(true);
    expect(data.epochs[6].state.totalQuota).to.be.a("number");
    // One SVG per chart: scores, two metrics, executors, state.
    expect(html.match(/<svg /g)).to.have.length(5);
  });

  it("vouching (Weighted selection), 22 epochs: verifies, and the drawn executor's own transition is finalized in ≥ 95% of epochs", async () => {
    const r = await shortDemo("vouching", 22);
    expect(r.verification.length).to.be.greaterThan(0);
    expect(r.verification.every((v) => v.pass)).to.equal(true);
    expect(r.adversaryActionsOnChain).to.equal(0);
    expect(r.nodeErrors).to.deep.equal([]);
    // The draw comes from the hub's beacon, so executorOf inside the selection window is what fixing
    // gives: the node acts on it, and every epoch with an executor is executed by that executor.
    const { withExecutor, byExecutor } = r.selection;
    expect(withExecutor).to.be.at.least(19);
    expect(byExecutor / withExecutor).to.be.at.least(0.95);
    // The leaderboard counts the same finalized transitions as the epoch lines.
    const executions = r.leaderboard.reduce((n, l) => n + l.executions, 0);
    expect(executions).to.equal(r.epochs.filter((e) => e.executedBy !== 0n).length);
  });

  it("fisheries with a jury of 3: the thief executes, its jury rejects every theft, none lands; without a jury they land", async () => {
    const r = await shortDemo("fisheries", 5, 3);
    const thief = idOf(r, "thief");
    const thefts = r.epochs.flatMap((e) => (e.proposals ?? []).filter((p) => p.proposer === thief));
    expect(thefts.length).to.be.at.least(1);
    for (const p of thefts) {
      expect(p.payments.some((a) => a.to === SIMULATED_ATTACKER)).to.equal(true);
      expect(p.jurors.length).to.be.at.least(2);
      expect(p.jurors.every((j) => j.vote === "reject" && j.rationale && j.manifestHash)).to.equal(true);
      expect(p).to.include({ decision: "rejected", finalized: false });
    }
    expect(r.thief).to.deep.equal({ epochs: thefts.length, landed: 0 });
    // A rejected executor's epoch is executed by its fallback, whose proposal its own jury accepted.
    for (const e of r.epochs.filter((x) => x.executor === thief))
      expect(e.proposals!.find((p) => p.finalized)).to.include({ decision: "accepted" });
    for (const v of r.verification)
      expect(v.pass, JSON.stringify(v.checks.filter((c) => !c.ok))).to.equal(true);
    expect(r.nodeErrors).to.deep.equal([]);
    expect(renderReport(r)).to.include(`Malicious payments landed: 0 of ${thefts.length} thief epochs.`);

    const open = await shortDemo("fisheries", 5, 0);
    expect(open.thief!.epochs).to.be.at.least(1);
    expect(open.thief!.landed).to.equal(open.thief!.epochs);
  });

  it("council: the captured delegate's Aye on its payee's proposals is rejected by the jury; Abstain is recorded", async () => {
    const r = await shortDemo("council", 7);
    const captured = COUNCIL_PROPOSALS.map((p, i) => ({ p, i })).filter(
      ({ p }) => p.beneficiary === COUNCIL_CAPTURED_PAYEE,
    );
    // Epoch 6's proposal (bridge integration) pays the captured payee and links out: Abstain by the rules.
    const e6 = r.epochs.find((e) => e.epoch === 6n)!;
    expect(captured.map(({ i }) => i)).to.include(6);
    expect(e6.executor).to.equal(idOf(r, "captured"));
    expect(e6.council!.title).to.equal(COUNCIL_PROPOSALS[6].title);
    const executorVote = e6.council!.votes.find((v) => v.role === "executor")!;
    expect(executorVote).to.include({ name: "captured", vote: "Aye" });
    const rejected = e6.proposals!.find((p) => p.proposer === idOf(r, "captured"))!;
    expect(rejected).to.include({ decision: "rejected", finalized: false });
    const jurors = e6.council!.votes.filter((v) => v.role === "juror");
    // The captured executor's jurors, then the fallback's: the first reject with a rationale.
    const againstCaptured = jurors.slice(0, rejected.jurors.length);
    expect(againstCaptured.length).to.be.at.least(2);
    for (const j of againstCaptured) {
      expect(j.vote).to.equal("reject");
      expect(j.rationale).to.not.equal("");
      expect(j.manifestHash).to.match(/^0x[0-9a-f]{64}$/);
    }
    expect(e6.council!.recorded).to.equal("Abstain");
    // The captured delegate's other transitions follow the rules; its jury accepts and they are recorded.
    expect(
      r.epochs.some((e) => e.executedBy === idOf(r, "captured") && !e.council!.nothingRecorded),
    ).to.equal(true);
    // No epoch records an Aye on a proposal paying the captured payee.
    for (const e of r.epochs.filter(
      (x) => x.council && captured.some(({ p }) => p.title === x.council!.title),
    ))
      expect(e.council!.recorded, `epoch ${e.epoch}`).to.not.equal("Aye");
    for (const v of r.verification)
      expect(v.pass, JSON.stringify(v.checks.filter((c) => !c.ok))).to.equal(true);
    expect(r.nodeErrors).to.deep.equal([]);
    const html = renderReport(r);
    expect(html).to.include(`Epoch 6: ${COUNCIL_PROPOSALS[6].title}`);
    expect(html).to.include(`<code>${executorVote.manifestHash!.slice(0, 18)}…</code>`);
  });
});
