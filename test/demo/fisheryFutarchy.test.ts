/**
 * The fisheries futarchy world (oracle/demo/fisheryFutarchy.ts): the options' quotas and expected
 * metrics by hand at epoch 0, the quota's clamp, counterfactuals that never move the realised path,
 * and forecasters whose errors match their specs (noise, the raiser's bias on one option only, the
 * same draws whatever was decided before).
 */
import { expect } from "chai";

import { fisheryMetrics, fisheryStep } from "../../oracle/demo/fishery.js";
import {
  FUTARCHY_OBJECTIVE,
  FUTARCHY_OPTIONS,
  futarchyForecasters,
  futarchyWorld,
  MAX_QUOTA,
  MIN_QUOTA,
} from "../../oracle/demo/fisheryFutarchy.js";
import { objectiveValue } from "../../oracle/scoring/index.js";

describe("fisheries futarchy world", () => {
  it("offers hold, cut 20 % and raise 20 %, with the expected metrics of the next epoch by hand", () => {
    const w = futarchyWorld(7);
    expect(FUTARCHY_OPTIONS).to.deep.equal(["hold the quota", "cut the quota 20%", "raise the quota 20%"]);
    expect([0, 1, 2].map((o) => w.quotaUnder(o))).to.deep.equal([1500, 1200, 1800]);
    // Stock 6,000 grows 0.35 · 6,000 · 0.4 = 840; the catch is the quota (under 60 % of the stock);
    // catch per boat-day = quota / (5 boats · 20 days), stock index = stock / 100.
    expect(w.counterfactuals()).to.deep.equal([
      [1500n, 5340n],
      [1200n, 5640n],
      [1800n, 5040n],
    ]);
    // All three stay above 50.00, so J is the catch: raising is best now.
    expect(w.counterfactuals().map((x) => objectiveValue(FUTARCHY_OBJECTIVE, x))).to.deep.equal([
      1500n,
      1200n,
      1800n,
    ]);
    // Two epochs of raising: 1,800 twice from 6,000 (5,040 after the first) falls below the floor.
    const [c2, s2] = w.expected(2, 2);
    const first = fisheryStep(6000, 1800);
    const second = fisheryStep(first.next, 1800);
    expect([c2, s2]).to.deep.equal(fisheryMetrics(second.catchTotal, second.next));
    expect(s2 < 5000n).to.equal(true);
    expect(() => w.expected(3)).to.throw(RangeError, /option 3/);
    expect(() => w.expected(0, 0)).to.throw(RangeError, /horizon 0/);
  });

  it("clamps the quota to its range", () => {
    const w = futarchyWorld(1);
    for (let i = 0; i < 40; i++) w.take(1);
    expect(w.quota).to.equal(MIN_QUOTA);
    const r = futarchyWorld(1);
    for (let i = 0; i < 40; i++) r.take(2);
    expect(r.quota).to.equal(MAX_QUOTA);
  });

  it("looking at counterfactuals never changes the realised path; outcomeUnder is what take realises", () => {
    const plain = futarchyWorld(3);
    const peeking = futarchyWorld(3);
    const choices = [2, 0, 1, 1, 2, 0, 2, 2, 1, 0];
    for (const o of choices) {
      const peeked = [0, 1, 2].map((x) => peeking.outcomeUnder(x));
      peeking.counterfactuals(3);
      const realised = peeking.take(o);
      expect(realised).to.deep.equal(peeked[o]);
      expect(plain.take(o)).to.deep.equal(realised);
    }
    expect(peeking.stock).to.equal(plain.stock);
    expect(peeking.epoch).to.equal(choices.length);
    // The outcome is noisy: it differs from the expected metrics.
    const w = futarchyWorld(3);
    expect(w.outcomeUnder(0)).to.not.deep.equal(w.expected(0));
  });

  it("forecasters err as specified: noise grows with the spec, the raiser's bias sits on one option", () => {
    const specs = [
      { noise: 0.02 },
      { noise: 0.15 },
      { noise: 0, bias: [{ option: 2, metric: 0, amount: 0.25 }] },
    ];
    const meanErr = [0, 0];
    let n = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const w = futarchyWorld(seed);
      const fs = futarchyForecasters(seed, specs);
      for (let e = 0; e < 20; e++) {
        const expected = w.counterfactuals();
        for (let k = 0; k < 2; k++) {
          const f = fs[k].forecast(w);
          meanErr[k] += Number(f[0][0] - expected[0][0]) / 800; // share of the catch's scale
        }
        n++;
        const raiser = fs[2].forecast(w);
        expect(raiser[0]).to.deep.equal(expected[0]);
        expect(raiser[1]).to.deep.equal(expected[1]);
        expect(raiser[2]).to.deep.equal([expected[2][0] + 200n, expected[2][1]]);
        w.take(e % 3);
      }
    }
    // Mean signed error near 0 for both (no bias): within 4 standard errors.
    expect(Math.abs(meanErr[0] / n)).to.be.below((4 * 0.02) / Math.sqrt(n));
    expect(Math.abs(meanErr[1] / n)).to.be.below((4 * 0.15) / Math.sqrt(n));
    // Spread: the noisier forecaster's root-mean-square error is about 7.5 times the other's.
    const rms = (noise: number) => {
      const w = futarchyWorld(11);
      const [f] = futarchyForecasters(11, [{ noise }]);
      let s = 0;
      for (let e = 0; e < 200; e++) {
        const x = f.forecast(w);
        const ex = w.counterfactuals();
        for (let o = 0; o < 3; o++) s += (Number(x[o][1] - ex[o][1]) / 2000) ** 2;
        w.take(0);
      }
      return Math.sqrt(s / 600);
    };
    expect(rms(0.02)).to.be.within(0.015, 0.025);
    expect(rms(0.15)).to.be.within(0.12, 0.18);
  });

  it("a forecaster draws the same noise for an epoch whatever was decided before", () => {
    const a = futarchyWorld(5);
    const b = futarchyWorld(5);
    const [fa] = futarchyForecasters(5, [{ noise: 0.1 }]);
    const [fb] = futarchyForecasters(5, [{ noise: 0.1 }]);
    for (let e = 0; e < 4; e++) {
      a.take(2);
      b.take(1);
    }
    const errA = fa.forecast(a).map((row, o) => row.map((v, m) => v - a.counterfactuals()[o][m]));
    const errB = fb.forecast(b).map((row, o) => row.map((v, m) => v - b.counterfactuals()[o][m]));
    // The same draws (added to different expected values): the same errors.
    expect(errA).to.deep.equal(errB);
    expect(errA.flat().some((d) => d !== 0n)).to.equal(true);
    expect(() => futarchyForecasters(5, [{ noise: -1 }])).to.throw(RangeError, /noise -1/);
  });
});
