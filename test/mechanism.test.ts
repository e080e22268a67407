/**
 * The mechanism benchmark on fewer seeds (scripts/mechanism/): the examples' parameters meet every
 * hard bound `bench:mechanism:check` enforces, and each bound catches the rule it guards when that
 * rule is broken on purpose — weights per seat instead of per bond unit, eligibility blind to a
 * candidate that stopped forecasting, targets never committed skipped instead of missed.
 */
import { expect } from "chai";

import { brokenBounds, ON_CHAIN_KEYS } from "../scripts/mechanism/compare.js";
import { measureMechanism } from "../scripts/mechanism/measure.js";
import { cherryPick, dormant, standardPool, sybil } from "../scripts/mechanism/scenarios.js";
import { exampleParams } from "../scripts/mechanism/simulate.js";

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
});
