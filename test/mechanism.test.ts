/**
 * The mechanism benchmark on fewer seeds (scripts/mechanism/): the examples' parameters meet every
 * hard bound `bench:mechanism:check` enforces, and each bound catches the rule it guards when that
 * rule is broken on purpose — weights per seat instead of per bond unit, eligibility blind to a
 * candidate that stopped forecasting, targets never committed skipped instead of missed, jurors
 * that never reject, a judgement round that averages the lists instead of solving for the combination,
 * futarchy decisions that weigh forecasts blind to their scores or explore three times too often or never.
 */
import { expect } from "chai";

import { brokenBounds, ON_CHAIN_KEYS } from "../scripts/mechanism/compare.js";
import { futarchyScenario } from "../scripts/mechanism/futarchy.js";
import { judgementScenario } from "../scripts/mechanism/judgement.js";
import { JURY_RULES, juryScenario, seatJury } from "../scripts/mechanism/jury.js";
import { measureMechanism } from "../scripts/mechanism/measure.js";
import { cherryPick, dormant, standardPool, sybil } from "../scripts/mechanism/scenarios.js";
import { exampleParams } from "../scripts/mechanism/simulate.js";
import { WAD } from "../oracle/scoring/index.js";

const SEEDS = 30;
const leader = exampleParams("fisheries");
const weighted = exampleParams("vouching");

describe("mechanism benchmark (reduced)", function () {
  this.timeout(60_000);

  it("the examples' parameters meet every hard bound", () => {
    const { metrics } = measureMechanism({ seeds: SEEDS, recommendedOnly: true });
    // The on-chain key's bound is held by the demo test (test/demo.test.ts) instead.
    expect(brokenBounds(metrics, leader.horizon, ON_CHAIN_KEYS)).to.deep.equal([]);
    expect(metrics["dormant.epochsKept"]).to.equal(leader.horizon + 1);
    expect(metrics["sybil.k5.groupShareRatio"]).to.equal(1);
    expect(metrics["newcomer.medianEpochsToLead"]).to.be.at.most(5);
  });

  it("is deterministic: the same seeds give the same numbers", () => {
    const a = standardPool({ params: weighted, seeds: 5 });
    const b = standardPool({ params: weighted, seeds: 5 });
    expect(a).to.deep.equal(b);
  });

  it("one weight per seat (no bond units) lets a model gain draws by splitting its bond", () => {
    const broken = sybil({ params: weighted, seeds: SEEDS, k: 5, variant: { perSeatWeights: true } });
    expect(broken.groupShareRatio).to.be.above(1.5);
    expect(brokenBounds({ "sybil.k5.groupShareRatio": broken.groupShareRatio }, 1)).to.have.length.above(0);
  });

  it("eligibility blind to dormancy lets a leader that stopped forecasting keep the seat", () => {
    const broken = dormant({ params: leader, seeds: SEEDS, variant: { dormancyBlind: true } });
    expect(broken.epochsKept).to.be.above(10 * (leader.horizon + 1));
  });

  it("skipping a target never committed (instead of missing it) makes cherry-picking pay", () => {
    const broken = cherryPick({ params: leader, seeds: SEEDS, variant: { uncommittedSkipped: true } });
    expect(broken.scoreGain.value).to.be.above(0);
    expect(broken.maxGain).to.be.above(0);
  });

  it("the old vouching eta (8) leaves the best model a minority of the draws", () => {
    const r = standardPool({ params: { ...weighted, eta: 8n * 10n ** 18n }, seeds: SEEDS });
    expect(r.bestShare.value).to.be.below(0.6);
  });

  it("a jury of 3 (quorum 2) stops nearly every malicious transition and almost no honest one", () => {
    const r = juryScenario({ params: leader, seeds: SEEDS });
    expect(r.thiefEpochs).to.be.above(100 * SEEDS * 0.2); // the thief executes often
    expect(r.maliciousLanded.value).to.be.at.most(0.05);
    expect(r.honestRejected.value).to.be.below(0.01);
    expect(r.fallbackLanded.value).to.be.above(0.95); // the fallback's honest proposal lands instead
    const none = juryScenario({ params: leader, seeds: SEEDS, rules: { ...JURY_RULES, size: 0 } });
    expect(none.maliciousLanded.value).to.equal(1);
  });

  it("jurors that never reject let every malicious transition land, and the bound catches it", () => {
    const broken = juryScenario({ params: leader, seeds: SEEDS, rules: { ...JURY_RULES, pDetect: 0 } });
    expect(broken.maliciousLanded.value).to.equal(1);
    expect(brokenBounds({ "jury.maliciousLanded": broken.maliciousLanded.value }, 1)).to.have.length.above(0);
  });

  it("seats jurors in ranking order, never the executor or the proposer", () => {
    const ranking = [5n, 2n, 8n, 1n, 3n];
    expect(seatJury(ranking, 5n, 5n, 3)).to.deep.equal([2n, 8n, 1n]); // the executor proposes
    expect(seatJury(ranking, 5n, 2n, 3)).to.deep.equal([8n, 1n, 3n]); // its fallback proposes
    expect(seatJury([5n, 2n], 5n, 5n, 3)).to.deep.equal([2n]); // fewer qualify, fewer sit
  });

  it("a judgement round's solved combination beats the best single list; the plain average does not", () => {
    const solved = judgementScenario({ seeds: SEEDS });
    expect(solved.combinedVsBest.value).to.be.below(1);
    expect(solved.combinedVsMean.value).to.be.below(1);
    const equal = (k: number) => {
      const c = Array.from({ length: k }, () => WAD / BigInt(k));
      c[0] += WAD - c.reduce((a, b) => a + b, 0n);
      return c;
    };
    const averaged = judgementScenario({ seeds: SEEDS, coefficientsOverride: equal });
    expect(averaged.combinedVsBest.value).to.be.above(1);
    expect(
      brokenBounds({ "judgement.combinedVsBest": averaged.combinedVsBest.value }, 1),
    ).to.have.length.above(0);
  });
  it("futarchy: the score-weighted forecast decides better than the Leader's alone and than chance", () => {
    const weighted = futarchyScenario({ seeds: SEEDS });
    const leaderOnly = futarchyScenario({ seeds: SEEDS, policy: "leader" });
    const random = futarchyScenario({ seeds: SEEDS, policy: "random" });
    expect(weighted.decisionRegret.value).to.be.at.most(0.1);
    expect(weighted.decisionRegret.value).to.be.below(leaderOnly.decisionRegret.value);
    expect(random.decisionRegret.value).to.be.above(0.4);
    expect(weighted.explorationRate.value).to.be.within(0.07, 0.13); // epsilon 0.1
  });

  it("futarchy: weights blind to the scores, or exploring three times as often or never, break a bound", () => {
    const futarchyBounds = (r: ReturnType<typeof futarchyScenario>) =>
      brokenBounds(
        {
          "futarchy.decisionRegret": r.decisionRegret.value,
          "futarchy.explorationRate": r.explorationRate.value,
        },
        1,
      ).filter((b) => b.startsWith("futarchy."));
    expect(futarchyBounds(futarchyScenario({ seeds: SEEDS }))).to.deep.equal([]);
    const blind = futarchyBounds(futarchyScenario({ seeds: SEEDS, eta: WAD / 100n }));
    expect(blind).to.have.length(1);
    expect(blind[0]).to.match(/^futarchy\.decisionRegret = /);
    const restless = futarchyBounds(futarchyScenario({ seeds: SEEDS, epsilon: (3n * WAD) / 10n }));
    expect(restless).to.have.length(2); // the regret and the exploration rate
    const never = futarchyBounds(futarchyScenario({ seeds: SEEDS, epsilon: 0n }));
    expect(never).to.have.length(1);
    expect(never[0]).to.match(/^futarchy\.explorationRate = 0 breaks ≥ 0.08/);
  });
});
