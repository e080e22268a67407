/**
 * The futarchy-mode math twin on its own (no chain), on hand-computed cases: the objective's hinge,
 * the decision weights (ineligible revealers weigh nothing and do not set S_min), the weighted mean's
 * truncation toward zero, ties to the lowest option, W = 0 taking option 0 without exploring, the
 * exploration draw's layout, frequency (20,000 words) and uniform option choice, the scoring loss, the
 * commitment's ABI layout against a hand-built encoding, and the range checks.
 */
import { expect } from "chai";
import { concat, keccak256, numberToHex, pad, stringToHex, toHex, type Hex } from "viem";

import {
  bestOptionOf,
  combineForecasts,
  conditionalCommitment,
  conditionalLoss,
  decide,
  decisionWeights,
  EvmPanicError,
  explorationDraw,
  expNegWad,
  LossKind,
  MISS_LOSS,
  objectiveValue,
  optionHash,
  optionSetHash,
  recommend,
  ScoringInputError,
  WAD,
  type Objective,
  type Revealer,
} from "../oracle/scoring/index.js";
import { prng } from "./fixtures/prng.js";

/** The fisheries example: catch per boat-day, each stock point (2 decimals) below 50.00 costs 10. */
const FISHERIES: Objective = { weights: [1n, 0n], floors: [0n, 5000n], penalties: [0n, 10n] };
const ETA = 10n * WAD;

const revealer = (
  id: bigint,
  score: bigint,
  forecasts: bigint[][],
  extra: Partial<Revealer> = {},
): Revealer => ({
  id,
  score,
  units: 1n,
  eligible: true,
  forecasts,
  ...extra,
});

describe("conditional math twin", () => {
  describe("objectiveValue", () => {
    it("is weight·x minus the hinge penalty below each floor", () => {
      expect(objectiveValue(FISHERIES, [1234n, 4800n])).to.equal(1234n - 10n * 200n);
      expect(objectiveValue(FISHERIES, [1234n, 5000n])).to.equal(1234n); // at the floor: no penalty
      expect(objectiveValue(FISHERIES, [1234n, 9000n])).to.equal(1234n); // above: weight 0, no bonus
      // Lower is better (weight −2) with a floor at −100: x = −150 is 50 below it.
      expect(objectiveValue({ weights: [-2n], floors: [-100n], penalties: [3n] }, [-150n])).to.equal(
        300n - 150n,
      );
    });

    it("rejects terms outside their ABI types and panics on int256 overflow", () => {
      const bad = (o: Partial<Objective>) => ({ ...FISHERIES, ...o });
      expect(() => objectiveValue(bad({ weights: [1n << 63n, 0n] }), [0n, 0n])).to.throw(
        ScoringInputError,
        /int64/,
      );
      expect(() => objectiveValue(bad({ floors: [0n, 1n << 127n] }), [0n, 0n])).to.throw(
        ScoringInputError,
        /int128/,
      );
      expect(() => objectiveValue(bad({ penalties: [0n, -1n] }), [0n, 0n])).to.throw(
        ScoringInputError,
        /uint64/,
      );
      expect(() => objectiveValue(FISHERIES, [0n])).to.throw(ScoringInputError, /per metric/);
      expect(() => objectiveValue({ weights: [4n], floors: [0n], penalties: [0n] }, [1n << 254n])).to.throw(
        EvmPanicError,
        /overflows/,
      );
      // The largest int64 weight times the largest int128 value still fits.
      const big = objectiveValue({ weights: [(1n << 63n) - 1n], floors: [0n], penalties: [0n] }, [
        (1n << 127n) - 1n,
      ]);
      expect(big).to.equal(((1n << 63n) - 1n) * ((1n << 127n) - 1n));
    });
  });

  describe("decision weights and the combined forecast", () => {
    it("weighs eligible revealers units · exp(−eta·(S − S_min)); the ineligible weigh 0 and set no S_min", () => {
      const f = [[0n], [0n]];
      const rs = [
        revealer(1n, WAD / 10n, f),
        revealer(2n, WAD / 5n, f, { units: 2n }),
        revealer(3n, 0n, f, { eligible: false }), // score 0 would be S_min if it counted
      ];
      const w = decisionWeights(rs, ETA);
      expect(w[0]).to.equal(WAD); // S = S_min
      expect(w[1]).to.equal(2n * expNegWad(WAD)); // eta·0.1 = 1
      expect(Math.abs(Number(w[1]) / 2e18 - Math.exp(-1))).to.be.below(1e-6);
      expect(w[2]).to.equal(0n);
      expect(decisionWeights([revealer(1n, 0n, f, { eligible: false })], ETA)).to.deep.equal([0n]);
      expect(() => decisionWeights(rs, 0n)).to.throw(ScoringInputError, /eta/);
    });

    it("divides the weighted sum once, truncating toward zero (−1.5 → −1, 1.5 → 1)", () => {
      const rs = [
        revealer(1n, 0n, [
          [-3n, 3n],
          [7n, -7n],
        ]),
        revealer(2n, 0n, [
          [0n, 0n],
          [0n, 0n],
        ]),
      ];
      const { combined, totalWeight } = combineForecasts(rs, [WAD, WAD], 2, 2);
      expect(totalWeight).to.equal(2n * WAD);
      expect(combined).to.deep.equal([
        [-1n, 1n],
        [3n, -3n],
      ]);
      // Weights 1 : 3 on 10 and 20: (10 + 60) / 4 = 17.5 → 17.
      const r2 = [revealer(1n, 0n, [[10n], [0n]]), revealer(2n, 0n, [[20n], [0n]])];
      expect(combineForecasts(r2, [1n, 3n], 2, 1).combined[0][0]).to.equal(17n);
    });

    it("rejects forecasts of the wrong shape or outside int128", () => {
      const ok = revealer(1n, 0n, [[1n], [2n]]);
      expect(() => combineForecasts([revealer(1n, 0n, [[1n]])], [WAD], 2, 1)).to.throw(
        ScoringInputError,
        /2 options/,
      );
      expect(() => combineForecasts([revealer(1n, 0n, [[1n << 127n], [0n]])], [WAD], 2, 1)).to.throw(
        ScoringInputError,
        /int128/,
      );
      expect(() => combineForecasts([ok], [], 2, 1)).to.throw(ScoringInputError, /one weight per revealer/);
    });
  });

  describe("recommend and decide", () => {
    const params = (revealers: Revealer[], nOptions = 2) => ({
      revealers,
      eta: ETA,
      objective: FISHERIES,
      nOptions,
      nMetrics: 2,
      randomWord: 0n,
      epsilon: 0n,
    });

    it("the hinge overrides a higher catch that leaves the stock below its floor", () => {
      // Option 0: catch 10.00, stock 49.00 → 1000 − 10·100 = 0. Option 1: catch 9.00, stock 51.00 → 900.
      const r = recommend(
        params([
          revealer(1n, 0n, [
            [1000n, 4900n],
            [900n, 5100n],
          ]),
        ]),
      );
      expect(r.objectives).to.deep.equal([0n, 900n]);
      expect(r.option).to.equal(1);
    });

    it("ties go to the lowest index", () => {
      const same = [500n, 6000n];
      expect(recommend(params([revealer(1n, 0n, [same, same, same])], 3)).option).to.equal(0);
      const r = recommend(params([revealer(1n, 0n, [[100n, 6000n], same, same])], 3));
      expect(r.objectives).to.deep.equal([100n, 500n, 500n]);
      expect(r.option).to.equal(1);
      expect(bestOptionOf([[100n, 6000n], same, same], FISHERIES)).to.equal(1);
      expect(bestOptionOf([same, [501n, 6000n]], FISHERIES)).to.equal(1);
    });

    it("weights decide: the better-scored revealer's view wins when the two disagree", () => {
      const good = revealer(1n, WAD / 20n, [
        [1000n, 6000n],
        [800n, 6000n],
      ]); // prefers 0
      const poor = revealer(2n, WAD / 5n, [
        [600n, 6000n],
        [1200n, 6000n],
      ]); // prefers 1
      const r = recommend(params([good, poor]));
      // w_poor = e^{−1.5} ≈ 0.223: x̄ = (1000 + 0.223·600)/1.223 ≈ 927 vs (800 + 0.223·1200)/1.223 ≈ 873.
      expect(r.option).to.equal(0);
      expect(recommend({ ...params([good, poor]), eta: WAD / 100n }).option).to.equal(1); // nearly equal weights
    });

    it("W = 0 takes option 0 without exploring, and reports no combined forecast", () => {
      const none = [
        revealer(
          1n,
          0n,
          [
            [0n, 0n],
            [9000n, 9000n],
          ],
          { eligible: false },
        ),
      ];
      const d = decide({ ...params(none), epsilon: WAD, randomWord: 12345n });
      expect(d).to.deep.equal({ option: 0, explored: false, defaulted: true, objectives: [], combined: [] });
      expect(decide({ ...params([]), epsilon: WAD }).defaulted).to.equal(true);
    });

    it("explores with epsilon = 1e18, never with 0, and takes the arbiter's option under advisory terms", () => {
      const rs = [
        revealer(1n, 0n, [
          [0n, 6000n],
          [100n, 6000n],
          [0n, 6000n],
        ]),
      ];
      for (let word = 0n; word < 50n; word++) {
        const draw = explorationDraw(word, WAD, 3);
        const always = decide({ ...params(rs, 3), epsilon: WAD, randomWord: word });
        expect(always).to.include({ explored: true, option: draw.option, defaulted: false });
        expect(decide({ ...params(rs, 3), randomWord: word })).to.include({ explored: false, option: 1 });
        const advisory = decide({
          ...params(rs, 3),
          epsilon: WAD,
          randomWord: word,
          advisory: true,
          chosen: 2,
        });
        expect(advisory).to.include({ explored: false, option: 2 });
      }
      expect(() => decide({ ...params(rs, 3), advisory: true })).to.throw(ScoringInputError, /arbiter/);
    });

    it("rejects option counts outside 2..8", () => {
      const rs = [revealer(1n, 0n, [[0n, 0n]])];
      expect(() => recommend({ ...params(rs), nOptions: 1 })).to.throw(ScoringInputError, /2 to 8/);
      expect(() => explorationDraw(0n, 0n, 9)).to.throw(ScoringInputError, /2 to 8/);
      expect(() => explorationDraw(0n, WAD + 1n, 3)).to.throw(ScoringInputError, /epsilon/);
      expect(() => explorationDraw(-1n, 0n, 3)).to.throw(ScoringInputError, /uint256/);
    });
  });

  describe("exploration draw", () => {
    it("hashes abi.encode(tag, randomWord) and splits the word into its high and low 128 bits", () => {
      const tag = keccak256(stringToHex("gengov.conditional.explore"));
      for (const word of [0n, 1n, 2n ** 255n + 7n]) {
        const u = BigInt(keccak256(concat([tag, pad(numberToHex(word), { size: 32 })])));
        const hi = u >> 128n;
        const lo = u % 2n ** 128n;
        for (const n of [2, 3, 8]) {
          const threshold = hi % WAD;
          expect(explorationDraw(word, threshold, n)).to.deep.equal({
            explore: false,
            option: Number(lo % BigInt(n)),
          });
          expect(explorationDraw(word, threshold + 1n, n).explore).to.equal(true);
        }
      }
    });

    it("explores with probability epsilon and picks options uniformly (20,000 words)", () => {
      const r = prng(20260411n);
      const N = 20_000;
      const eps = 0.1;
      const nOptions = 3;
      let explored = 0;
      const counts = Array<number>(nOptions).fill(0);
      for (let i = 0; i < N; i++) {
        const d = explorationDraw(r.bits(256), WAD / 10n, nOptions);
        if (d.explore) {
          explored++;
          counts[d.option]++;
        }
      }
      const se = Math.sqrt((eps * (1 - eps)) / N);
      expect(Math.abs(explored / N - eps)).to.be.below(4 * se);
      // Chi-square with 2 degrees of freedom: P(χ² > 13.8) = 0.001.
      const expected = explored / nOptions;
      const chi2 = counts.reduce((a, c) => a + (c - expected) ** 2 / expected, 0);
      expect(chi2).to.be.below(13.8);
    });
  });

  describe("scoring", () => {
    const metrics = [
      { scale: 800n, lossKind: LossKind.Absolute },
      { scale: 2000n, lossKind: LossKind.Squared },
    ];

    it("is the mean of the metric losses of the taken option's vector, one integer division", () => {
      // |1000 − 1200| / 800 = 0.25; (|5000 − 6000| / 2000)² = 0.25; mean 0.25.
      expect(conditionalLoss([1000n, 5000n], [1200n, 6000n], metrics)).to.equal(WAD / 4n);
      // (1/3 truncated + 0) / 2 = 166666666666666666 (the sum is odd: one more truncation).
      const thirds = [
        { scale: 3n, lossKind: LossKind.Absolute },
        { scale: 3n, lossKind: LossKind.Absolute },
      ];
      expect(conditionalLoss([1n, 0n], [0n, 0n], thirds)).to.equal(166666666666666666n);
      expect(conditionalLoss([0n, 0n], [9999n, 0n], metrics)).to.equal(WAD / 2n); // a full miss on one metric
      expect(conditionalLoss(undefined, [0n, 0n], metrics)).to.equal(MISS_LOSS);
      expect(MISS_LOSS).to.equal(WAD);
      expect(() => conditionalLoss([0n], [0n, 0n], metrics)).to.throw(ScoringInputError, /per metric/);
    });
  });

  describe("commitment", () => {
    const labels = ["hold the quota", "cut the quota 20%", "raise the quota 20%"];
    const word = (x: bigint) => pad(numberToHex(BigInt.asUintN(256, x)), { size: 32 });
    const base = {
      chainId: 31337,
      conditional: "0x00000000000000000000000000000000000000c0" as Hex,
      agreementId: 3n,
      epoch: 17n,
      candidateId: 5n,
      optionSetHash: optionSetHash(labels),
      forecasts: [
        [1200n, 6000n],
        [1000n, -6100n],
        [1400n, 5800n],
      ],
      salt: toHex(0xabcdefn, { size: 32 }),
    };

    it("hashes the option labels in order", () => {
      expect(optionHash("hold the quota")).to.equal(keccak256(stringToHex("hold the quota")));
      const hashes = labels.map((l) => keccak256(stringToHex(l)));
      expect(optionSetHash(labels)).to.equal(keccak256(concat([word(32n), word(3n), ...hashes])));
      expect(optionSetHash([labels[1], labels[0], labels[2]])).to.not.equal(optionSetHash(labels));
    });

    it("is keccak256 of the hand-built ABI encoding, forecasts flattened option-major", () => {
      const flat = [1200n, 6000n, 1000n, -6100n, 1400n, 5800n];
      const encoded = concat([
        keccak256(stringToHex("gengov.conditional.commit")),
        word(31337n),
        pad(base.conditional, { size: 32 }),
        word(3n),
        word(17n),
        word(5n),
        base.optionSetHash,
        word(9n * 32n), // offset of the int128[] tail
        base.salt,
        word(6n),
        ...flat.map(word),
      ]);
      expect(conditionalCommitment(base)).to.equal(keccak256(encoded));
    });

    it("changes with every field and rejects values outside int128", () => {
      const c = conditionalCommitment(base);
      const variants = [
        { chainId: 1 },
        { conditional: "0x00000000000000000000000000000000000000c1" as Hex },
        { agreementId: 4n },
        { epoch: 18n },
        { candidateId: 6n },
        { optionSetHash: optionSetHash(labels.slice(0, 2)) },
        { forecasts: [base.forecasts[1], base.forecasts[0], base.forecasts[2]] },
        { salt: toHex(1n, { size: 32 }) },
      ];
      for (const v of variants) expect(conditionalCommitment({ ...base, ...v })).to.not.equal(c);
      expect(() => conditionalCommitment({ ...base, forecasts: [[1n << 127n]] })).to.throw(
        ScoringInputError,
        /int128/,
      );
    });
  });
});
