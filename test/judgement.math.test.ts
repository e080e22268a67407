/**
 * The judgement-round math twin on its own (no chain): `lnWad` against a 40-digit reference and
 * `Math.log`, its monotonicity across the normalisation's seams; the sum tree's layout against
 * `encodeAbiParameters`, its speed on 10,000 leaves and its tamper checks; `samplePairs`' ranges; the
 * quantiser; and the solver (never worse than the best single list on the exact loss, and 0.5 / 0.5
 * when two lists err in opposite directions).
 */
import { expect } from "chai";
import { encodeAbiParameters, keccak256, type Hex } from "viem";

import {
  buildSumTree,
  combinedLoss,
  EvmPanicError,
  JudgementMathError,
  LN_ERROR_BOUND,
  lnWad,
  MAX_UINT256,
  samplePairs,
  solveCoefficients,
  sumTreeDepth,
  sumTreeRoot,
  SumTreeError,
  toWadSimplex,
  WAD,
} from "../oracle/scoring/index.js";
import { simulateDeepFunding } from "../oracle/demo/deepFundingWorld.js";
import { prng, type Prng } from "./fixtures/prng.js";

// ──────────────────────────────────────────── lnWad ────────────────────────────────────────────

/** Precision of the reference logarithm: 40 decimal digits. */
const P = 10n ** 40n;

/** atanh(num/den) · P by its series, to full precision P (terms until they vanish). */
function atanhRef(num: bigint, den: bigint): bigint {
  const z = (num * P) / den;
  const z2 = (z * z) / P;
  let p = z;
  let s = 0n;
  for (let i = 0n; p > 0n; i++) {
    s += p / (2n * i + 1n);
    p = (p * z2) / P;
  }
  return s;
}

const LN2_REF = 2n * atanhRef(1n, 3n);
// ln 10 = 3 ln 2 + ln 1.25, ln 1.25 = 2 atanh(1/9).
const LN1E18_REF = 18n * (3n * LN2_REF + 2n * atanhRef(1n, 9n));

/** 1e40 · ln(x / 1e18), from constants of its own (not the twin's LN2 or normalisation). */
function lnRef(x: bigint): bigint {
  const b = BigInt(x.toString(2).length - 1);
  const m = (x * P) >> b; // x / 2^b in [1, 2), scaled by P
  return b * LN2_REF + 2n * atanhRef(m - P, m + P) - LN1E18_REF;
}

/** A uint256 > 0 of a random bit length (so every scale of x is drawn), sometimes next to a power of two. */
function anyPositive(r: Prng): bigint {
  const bits = r.int(1, 256);
  const x = r.chance(0.2) ? (1n << BigInt(bits - 1)) + BigInt(r.int(-2, 2)) : r.bits(bits);
  return x < 1n ? 1n : x > MAX_UINT256 ? MAX_UINT256 : x;
}

const EDGES = [
  1n,
  2n,
  3n,
  WAD - 1n,
  WAD,
  WAD + 1n,
  2n * WAD - 1n,
  2n * WAD,
  2n * WAD + 1n,
  1n << 59n,
  (1n << 60n) - 1n,
  1n << 60n,
  (1n << 61n) - 1n,
  1n << 61n,
  1n << 128n,
  (1n << 255n) - 1n,
  1n << 255n,
  (1n << 255n) + 1n,
  MAX_UINT256,
];

describe("judgement math twin: lnWad", () => {
  it(`is within ${LN_ERROR_BOUND} wei (1.5e-15) of a 40-digit reference on edges and 3,000 random x`, () => {
    const r = prng(0x1a1n);
    const xs = [...EDGES];
    for (let k = 1n; k < 256n; k++) xs.push((1n << k) - 1n, 1n << k, (1n << k) + 1n);
    for (let e = 0n; e <= 77n; e++) xs.push(10n ** e);
    while (xs.length < 3000 + EDGES.length) xs.push(anyPositive(r));
    let worst = 0n;
    for (const x of xs) {
      if (x > MAX_UINT256) continue;
      const err = lnWad(x) * (P / WAD) - lnRef(x);
      const abs = err < 0n ? -err : err;
      if (abs > worst) worst = abs;
      expect(abs <= LN_ERROR_BOUND * (P / WAD), `x = ${x}: error ${Number(err) / 1e40}`).to.equal(true);
    }
    // The bound is not slack by orders of magnitude: the worst case is over half of it.
    expect(worst > (LN_ERROR_BOUND * (P / WAD)) / 2n, `worst ${worst}`).to.equal(true);
  });

  it("agrees with Math.log within 1e-14 (plus the float's own rounding) on 2,000 points", () => {
    const r = prng(0x1a2n);
    const xs = [...EDGES];
    while (xs.length < 2000) xs.push(anyPositive(r));
    for (const x of xs) {
      const ref = Math.log(Number(x) / 1e18);
      const got = Number(lnWad(x)) / 1e18;
      const ulp = Math.abs(ref) * Number.EPSILON;
      expect(Math.abs(got - ref), `x = ${x}`).to.be.at.most(1e-14 + 4 * ulp);
    }
    expect(lnWad(WAD)).to.equal(0n);
    expect(lnWad(2n * WAD)).to.equal(693147180559945309n);
  });

  it("never decreases, also across every seam of the normalisation (x = 2^k·1e18, 2^k)", () => {
    const r = prng(0x1a3n);
    const points: bigint[] = [];
    for (let k = 0n; k < 196n; k++) {
      const seam = (1n << k) * WAD;
      if (seam + 2n <= MAX_UINT256) points.push(seam - 2n, seam - 1n, seam, seam + 1n, seam + 2n);
    }
    for (let k = 1n; k < 60n; k++) points.push(WAD >> k, (WAD >> k) + 1n);
    for (let k = 1n; k < 256n; k++) points.push((1n << k) - 1n, 1n << k);
    for (let i = 0; i < 500; i++) {
      const x = anyPositive(r);
      points.push(x, x < MAX_UINT256 ? x + 1n : x);
    }
    const sorted = [...new Set(points)].filter((x) => x > 0n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 1; i < sorted.length; i++) {
      expect(lnWad(sorted[i]) >= lnWad(sorted[i - 1]), `at ${sorted[i - 1]} → ${sorted[i]}`).to.equal(true);
    }
  });

  it("rejects 0 with LnOfZero", () => {
    expect(() => lnWad(0n))
      .to.throw(JudgementMathError)
      .with.property("errorName", "LnOfZero");
  });
});

// ─────────────────────────────────────────── sum tree ──────────────────────────────────────────

/** The root by the book: `encodeAbiParameters` for every leaf and node (slow, independent). */
function referenceRoot(weights: readonly bigint[]): { root: Hex; total: bigint } {
  const depth = sumTreeDepth(weights.length);
  let level: { h: Hex; s: bigint }[] = [];
  for (let i = 0; i < 2 ** depth; i++) {
    level.push(
      i < weights.length
        ? {
            h: keccak256(
              encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], [BigInt(i), weights[i]]),
            ),
            s: weights[i],
          }
        : { h: `0x${"00".repeat(32)}`, s: 0n },
    );
  }
  while (level.length > 1) {
    const next: { h: Hex; s: bigint }[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const [l, rr] = [level[i], level[i + 1]];
      next.push({
        h: keccak256(
          encodeAbiParameters(
            [{ type: "bytes32" }, { type: "uint256" }, { type: "bytes32" }, { type: "uint256" }],
            [l.h, l.s, rr.h, rr.s],
          ),
        ),
        s: l.s + rr.s,
      });
    }
    level = next;
  }
  return { root: level[0].h, total: level[0].s };
}

const randomList = (r: Prng, n: number) =>
  toWadSimplex(
    Array.from({ length: n }, () => Math.exp(2 * r.normal())),
    1n,
  );

describe("judgement math twin: sum tree", () => {
  it("has depth ⌈log2 count⌉ (at least 1) and matches encodeAbiParameters for 1 to 40 leaves", () => {
    expect([1, 2, 3, 4, 5, 8, 9, 1000, 1024, 1025, 10_000].map(sumTreeDepth)).to.deep.equal([
      1, 1, 2, 2, 3, 3, 4, 10, 10, 11, 14,
    ]);
    const r = prng(0x2a1n);
    for (let n = 1; n <= 40; n++) {
      const weights = r.chance(0.3) ? Array.from({ length: n }, () => r.bits(256) >> 8n) : randomList(r, n);
      const tree = buildSumTree(weights);
      expect({ root: tree.root, total: tree.total }).to.deep.equal(referenceRoot(weights));
      expect(tree.depth).to.equal(sumTreeDepth(n));
      for (let i = 0; i < n; i++) {
        const proof = tree.proof(i);
        expect(proof).to.have.length(2 * tree.depth);
        expect(sumTreeRoot(BigInt(i), weights[i], proof)).to.deep.equal({ hash: tree.root, sum: tree.total });
      }
    }
  });

  it("builds 10,000 leaves in under 2 s; proofs verify, and a wrong weight, index or sibling does not", () => {
    const r = prng(0x2a2n);
    const weights = randomList(r, 10_000);
    const started = performance.now();
    const tree = buildSumTree(weights);
    const ms = performance.now() - started;
    expect(ms, `${ms.toFixed(0)} ms`).to.be.below(2000);
    expect(tree.total).to.equal(WAD);
    expect(tree.depth).to.equal(14);
    for (let t = 0; t < 200; t++) {
      const i = t === 0 ? 0 : t === 1 ? 9999 : r.int(0, 9999);
      const proof = tree.proof(i);
      expect(sumTreeRoot(BigInt(i), weights[i], proof).hash).to.equal(tree.root);
      expect(sumTreeRoot(BigInt(i), weights[i] + 1n, proof).hash).to.not.equal(tree.root);
      expect(sumTreeRoot(BigInt(i ^ 1), weights[i], proof).hash).to.not.equal(tree.root);
      expect(sumTreeRoot(BigInt(i), weights[i ^ 1], proof).hash).to.not.equal(tree.root);
      const level = r.int(0, 13);
      const bumped = [...proof];
      bumped[2 * level + 1] = `0x${(BigInt(proof[2 * level + 1]) + 1n).toString(16).padStart(64, "0")}`;
      const tampered = sumTreeRoot(BigInt(i), weights[i], bumped);
      expect(tampered.hash).to.not.equal(tree.root);
      expect(tampered.sum).to.equal(WAD + 1n);
    }
  });

  it("rejects a zero or odd proof length, an index beyond the depth, and an overflowing sum", () => {
    const tree = buildSumTree([WAD / 2n, WAD / 2n, 0n]);
    const proof = tree.proof(2);
    expect(() => sumTreeRoot(2n, 0n, [])).to.throw(SumTreeError, "ProofLengthInvalid");
    expect(() => sumTreeRoot(2n, 0n, proof.slice(1))).to.throw(SumTreeError, "ProofLengthInvalid");
    expect(() => sumTreeRoot(4n, 0n, proof)).to.throw(SumTreeError, "IndexOutOfTree");
    expect(sumTreeRoot(3n, 0n, proof).hash).to.not.equal(tree.root); // a padding position has no leaf
    const huge: Hex = `0x${"ff".repeat(32)}`;
    expect(() => sumTreeRoot(0n, 1n, [huge, huge])).to.throw(EvmPanicError);
    expect(() => buildSumTree([])).to.throw("empty");
    expect(() => tree.proof(3)).to.throw("not below the count");
  });
});

// ──────────────────────────────────────── pairs, quantiser ─────────────────────────────────────

describe("judgement math twin: pair sample and quantiser", () => {
  it("samplePairs: first items as flagged, every pair two distinct items below n", () => {
    const r = prng(0x3a1n);
    for (let t = 0; t < 50; t++) {
      const n = t < 5 ? 2 : r.int(2, 10_000);
      const flagged = Array.from({ length: r.int(0, 5) }, () => r.int(0, n - 1));
      const pairs = samplePairs(r.bits(256), n, 40, flagged);
      expect(pairs).to.have.length(40);
      pairs.forEach(({ a, b }, s) => {
        if (s < flagged.length) expect(a).to.equal(flagged[s]);
        expect(a).to.be.within(0, n - 1);
        expect(b).to.be.within(0, n - 1);
        expect(a).to.not.equal(b);
      });
    }
    expect(() => samplePairs(1n, 1, 3)).to.throw("n must be ≥ 2");
    expect(() => samplePairs(1n, 5, 3, [5])).to.throw("not below n = 5");
  });

  it("toWadSimplex: sums to exactly 1e18, keeps every entry ≥ min, follows the proportions", () => {
    const r = prng(0x3a2n);
    for (let t = 0; t < 200; t++) {
      const n = r.int(1, 60);
      const values = Array.from({ length: n }, (): number => (r.chance(0.2) ? 0 : Math.exp(4 * r.normal())));
      if (!values.some((v) => v > 0)) values[0] = 1;
      const min = r.pick([0n, 1n]);
      const q = toWadSimplex(values, min);
      expect(q.reduce((a, b) => a + b, 0n)).to.equal(WAD);
      expect(q.every((x) => x >= min)).to.equal(true);
      const total = values.reduce((a, b) => a + b, 0);
      q.forEach((x, i) => expect(Math.abs(Number(x) / 1e18 - values[i] / total)).to.be.below(1e-9));
    }
    expect(toWadSimplex([1, 1, 1])).to.deep.equal([
      333333333334000000n,
      333333333333000000n,
      333333333333000000n,
    ]);
    expect(() => toWadSimplex([0, 0])).to.throw("sum to zero");
    expect(() => toWadSimplex([1, -1])).to.throw("non-negative");
  });
});

// ──────────────────────────────────────────── solver ───────────────────────────────────────────

/** The solver's inputs for lists over items and a pair sample. */
function pairInputs(lists: readonly bigint[][], pairs: readonly { a: number; b: number }[]) {
  return {
    wA: lists.map((l) => pairs.map((p) => l[p.a])),
    wB: lists.map((l) => pairs.map((p) => l[p.b])),
  };
}

const vertex = (K: number, k: number) => Array.from({ length: K }, (_, i) => (i === k ? WAD : 0n));

describe("judgement solver", () => {
  it("is never worse than the best single list on the exact loss (300 random rounds, clipped and not)", () => {
    const r = prng(0x4a1n);
    let beatVertices = 0;
    for (let t = 0; t < 300; t++) {
      const n = r.int(2, 30);
      const K = r.int(1, 6);
      const truth = Array.from({ length: n }, () => Math.exp(1.5 * r.normal()));
      const lists = Array.from({ length: K }, () => {
        const sigma = r.pick([0.1, 0.5, 1, 3]);
        const raw = truth.map((x): number => (r.chance(0.05) ? 0 : x * Math.exp(sigma * r.normal())));
        if (!raw.some((x) => x > 0)) raw[0] = 1;
        return toWadSimplex(raw, r.pick([0n, 1n]));
      });
      const pairs = samplePairs(r.bits(256), n, r.int(1, 40));
      const lnR = pairs.map(({ a, b }) =>
        BigInt(Math.round((Math.log(truth[b] / truth[a]) + 0.5 * r.normal()) * 1e18)),
      );
      const scale = r.pick([WAD / 4n, WAD, 2n * WAD, 10n * WAD]);
      const input = { ...pairInputs(lists, pairs), lnR, scale };
      const { coefficients, loss } = solveCoefficients(input, { iterations: r.pick([0, 5, 200]) });
      expect(coefficients.reduce((a, b) => a + b, 0n)).to.equal(WAD);
      expect(coefficients.every((c) => c >= 0n)).to.equal(true);
      expect(combinedLoss(input.wA, input.wB, coefficients, lnR, scale)).to.equal(loss);
      const vertexLosses = lists.map((_, k) => combinedLoss(input.wA, input.wB, vertex(K, k), lnR, scale));
      const best = vertexLosses.reduce((a, b) => (b < a ? b : a));
      expect(loss <= best, `round ${t}: ${loss} > best list ${best}`).to.equal(true);
      if (loss < best) beatVertices++;
    }
    // The search matters: it beats every single list in over a third of the rounds (a sixth have one list, a third no steps).
    expect(beatVertices).to.be.above(100);
  });

  it("ties go to the earliest list", () => {
    const l = [WAD / 2n, WAD / 2n];
    const input = { ...pairInputs([l, l, l], [{ a: 0, b: 1 }]), lnR: [0n], scale: WAD };
    expect(solveCoefficients(input)).to.deep.equal({ coefficients: vertex(3, 0), loss: 0n });
  });

  it("finds 0.5 / 0.5 when two lists err in opposite directions", () => {
    // Two items: the truth is even, one list says 0.6 / 0.4, the other 0.4 / 0.6.
    const small = solveCoefficients({
      wA: [[(6n * WAD) / 10n], [(4n * WAD) / 10n]],
      wB: [[(4n * WAD) / 10n], [(6n * WAD) / 10n]],
      lnR: [0n],
      scale: 2n * WAD,
    });
    expect(small).to.deep.equal({ coefficients: [WAD / 2n, WAD / 2n], loss: 0n });

    // Thirty items: list A = t·(1 + e), list B = t·(1 − e) with Σ t·e = 0, so only their mean is t.
    const r = prng(0x4a2n);
    const n = 30;
    const t = Array.from({ length: n }, () => Math.exp(r.normal()));
    const e = t.map(() => 0.6 * (r.float() - 0.5));
    const te = t.reduce((a, ti, i) => a + ti * e[i], 0) / t.reduce((a, b) => a + b, 0);
    const e0 = e.map((x) => x - te); // now Σ t·e0 = 0
    const A = toWadSimplex(
      t.map((ti, i) => ti * (1 + e0[i])),
      1n,
    );
    const B = toWadSimplex(
      t.map((ti, i) => ti * (1 - e0[i])),
      1n,
    );
    const pairs = samplePairs(7n, n, 60);
    const lnR = pairs.map(({ a, b }) => BigInt(Math.round(Math.log(t[b] / t[a]) * 1e18)));
    const input = { ...pairInputs([A, B], pairs), lnR, scale: 2n * WAD };
    const { coefficients, loss } = solveCoefficients(input);
    expect(Math.abs(Number(coefficients[0]) / 1e18 - 0.5)).to.be.below(1e-3);
    const vertexA = combinedLoss(input.wA, input.wB, vertex(2, 0), lnR, input.scale);
    expect(Number(loss)).to.be.below(Number(vertexA) / 1000);
  });

  it("rejects empty or ragged inputs with one line naming the problem", () => {
    expect(() => solveCoefficients({ wA: [], wB: [], lnR: [1n], scale: WAD })).to.throw("no lists");
    expect(() => solveCoefficients({ wA: [[1n]], wB: [[1n]], lnR: [], scale: WAD })).to.throw("no pairs");
    expect(() => solveCoefficients({ wA: [[1n, 2n]], wB: [[1n]], lnR: [1n], scale: WAD })).to.throw("K × J");
    expect(() => solveCoefficients({ wA: [[1n]], wB: [[1n]], lnR: [1n], scale: 0n })).to.throw(
      "scale must be positive",
    );
  });
});

describe("deep-funding world", () => {
  it("is deterministic; every list sums to exactly 1e18 with weights ≥ 1; the gamer inflates its item", () => {
    const a = simulateDeepFunding(3);
    expect(simulateDeepFunding(3)).to.deep.equal(a);
    expect(simulateDeepFunding(4).lnR).to.not.deep.equal(a.lnR);
    expect(a.truth).to.have.length(40);
    expect(Math.abs(a.truth.reduce((x, y) => x + y, 0) - 1)).to.be.below(1e-12);
    expect(a.lists).to.have.length(5);
    for (const l of a.lists) {
      expect(l.reduce((x, y) => x + y, 0n)).to.equal(WAD);
      expect(l.every((w) => w >= 1n)).to.equal(true);
    }
    expect(a.pairs).to.have.length(50);
    expect(a.lnR).to.have.length(50);
    // Over many seeds the gamer's item weighs about 10× the truth (others about 1×).
    let inflated = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const w = simulateDeepFunding(seed);
      const { model, item } = w.gamer;
      if (Number(w.lists[model][item]) / 1e18 / w.truth[item] > 3) inflated++;
    }
    expect(inflated).to.be.above(30);
  });
});
