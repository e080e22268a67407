/**
 * Differential tests: the judgement twins (`oracle/scoring/judgement.ts`, `oracle/scoring/sumTree.ts`)
 * against `JudgementMath` and `SumTree` through `contracts/test/JudgementMathHarness.sol`.
 *
 * - lnWad on 4,000 x over the whole uint256 range (every bit length, 2^k − 1, 2^k, 2^k + 1, 1e18 ± 1,
 *   10^e, the maximum), in batches; 0 reverts with LnOfZero on both sides.
 * - pairLoss on 3,000 random cases (weights of 0, 1, WAD and random sizes; answers near the lists' own
 *   log-ratio and far from it; scale exactly at |d|, one above and one below, tiny and huge), in
 *   batches; then one by one the reverting edges: scale 0, an int256 overflow in d.
 * - combine on random lengths and values, its LengthMismatch and an overflowing sum.
 * - SumTree.root on random trees of 1, 2, 3, 1000 and 10,000 leaves: for sampled leaves the contract
 *   recomputes the twin's root and total; a wrong weight, index, sibling hash or sibling sum gives
 *   another root on both sides (the same one); bad lengths and indices revert alike.
 * Results must be equal, errors must have the same name.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { BaseError, ContractFunctionRevertedError, type Hex } from "viem";

import {
  buildSumTree,
  combine,
  EvmPanicError,
  JudgementMathError,
  lnWad,
  MAX_INT256,
  MAX_UINT256,
  MIN_INT256,
  pairLoss,
  sumTreeRoot,
  SumTreeError,
  toWadSimplex,
  WAD,
} from "../oracle/scoring/index.js";
import { prng, type Prng } from "./fixtures/prng.js";

type Outcome = { value: string } | { error: string };

function twinOutcome(fn: () => unknown): Outcome {
  try {
    return { value: String(fn()) };
  } catch (e) {
    if (e instanceof EvmPanicError) return { error: `Panic(${e.code})` };
    if (e instanceof JudgementMathError || e instanceof SumTreeError) return { error: e.errorName };
    return { error: `unexpected ${String(e)}` };
  }
}

async function chainOutcome(call: Promise<unknown>): Promise<Outcome> {
  try {
    return { value: String(await call) };
  } catch (e) {
    const reverted =
      e instanceof BaseError ? e.walk((x) => x instanceof ContractFunctionRevertedError) : null;
    if (reverted instanceof ContractFunctionRevertedError && reverted.data?.errorName) {
      const name = reverted.data.errorName;
      return { error: name === "Panic" ? `Panic(${Number(reverted.data.args?.[0])})` : name };
    }
    return { error: e instanceof BaseError ? e.shortMessage : String(e) };
  }
}

/** A uint256 > 0 of a random bit length, sometimes next to a power of two. */
function anyPositive(r: Prng): bigint {
  const bits = r.int(1, 256);
  const x = r.chance(0.2) ? (1n << BigInt(bits - 1)) + BigInt(r.int(-2, 2)) : r.bits(bits);
  return x < 1n ? 1n : x > MAX_UINT256 ? MAX_UINT256 : x;
}

function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

async function deployHarness() {
  const { viem } = await network.create();
  return viem.deployContract("JudgementMathHarness");
}

describe("judgement twins ≡ JudgementMath and SumTree (randomised differential)", function () {
  this.timeout(120_000);
  let harness: Awaited<ReturnType<typeof deployHarness>>;

  before(async () => {
    harness = await deployHarness();
  });

  it("lnWad: equal on 4,000 x over the whole uint256 range; 0 reverts LnOfZero on both sides", async () => {
    const r = prng(0x5a1n);
    const xs: bigint[] = [1n, 2n, 3n, WAD - 1n, WAD, WAD + 1n, 2n * WAD - 1n, 2n * WAD, MAX_UINT256];
    for (let k = 1n; k < 256n; k++) xs.push((1n << k) - 1n, 1n << k, (1n << k) + 1n);
    for (let e = 0n; e <= 77n; e++) xs.push(10n ** e);
    while (xs.length < 4000) xs.push(anyPositive(r));
    const batches = chunks(
      xs.filter((x) => x <= MAX_UINT256),
      500,
    );
    for (const batch of batches) {
      const onChain = await harness.read.lnWadMany([batch]);
      const mismatches = batch.filter((x, i) => onChain[i] !== lnWad(x)).slice(0, 5);
      expect(mismatches.map(String)).to.deep.equal([]);
    }
    expect(await chainOutcome(harness.read.lnWad([0n]))).to.deep.equal({ error: "LnOfZero" });
    expect(twinOutcome(() => lnWad(0n))).to.deep.equal({ error: "LnOfZero" });
  });

  it("pairLoss: equal on 3,000 random cases including the clip's edges; the same reverts", async () => {
    const r = prng(0x5a2n);
    const weight = () =>
      r.chance(0.15)
        ? r.pick([0n, 1n, 2n, WAD, WAD - 1n])
        : r.chance(0.1)
          ? anyPositive(r)
          : r.between(1n, WAD);
    const cases: [bigint, bigint, bigint, bigint][] = [];
    let atClip = 0;
    while (cases.length < 3000) {
      const wA = weight();
      const wB = weight();
      const own = lnWad(wB === 0n ? 1n : wB) - lnWad(wA === 0n ? 1n : wA);
      const lnR = r.chance(0.1)
        ? own
        : r.chance(0.5)
          ? own + r.between(-(3n * WAD), 3n * WAD)
          : r.between(-(200n * WAD), 200n * WAD);
      const d = own - lnR;
      const ad = d < 0n ? -d : d;
      let scale: bigint;
      if (r.chance(0.3) && ad > 1n) {
        scale = ad + BigInt(r.int(-1, 1)); // at the clip: |d| − 1, |d|, |d| + 1
        atClip++;
      } else {
        scale = r.pick([
          1n,
          WAD / 10n,
          WAD,
          2n * WAD,
          5n * WAD,
          r.between(1n, 300n * WAD),
          r.between(1n, MAX_UINT256),
        ]);
      }
      cases.push([wA, wB, lnR, scale]);
    }
    let clipped = 0;
    let inside = 0;
    for (const batch of chunks(cases, 500)) {
      const onChain = await harness.read.pairLossMany([
        batch.map((c) => c[0]),
        batch.map((c) => c[1]),
        batch.map((c) => c[2]),
        batch.map((c) => c[3]),
      ]);
      const twin = batch.map((c) => pairLoss(...c));
      const mismatches = batch.filter((_, i) => onChain[i] !== twin[i]).slice(0, 5);
      expect(mismatches.map((c) => c.map(String))).to.deep.equal([]);
      clipped += twin.filter((x) => x === WAD).length;
      inside += twin.filter((x) => x > 0n && x < WAD).length;
    }
    expect(atClip).to.be.above(500);
    expect(clipped).to.be.above(300);
    expect(inside).to.be.above(300);

    const edges: [bigint, bigint, bigint, bigint][] = [
      [WAD, WAD, 0n, 0n],
      [WAD, WAD / 2n, MIN_INT256, WAD],
      [WAD / 2n, WAD, MIN_INT256, WAD],
      [WAD, WAD, MIN_INT256, WAD],
      [WAD, WAD, MIN_INT256 + 1n, MAX_UINT256],
      [WAD / 2n, WAD, MAX_INT256, WAD],
      [WAD, WAD / 2n, MAX_INT256, MAX_UINT256],
      [0n, 0n, 0n, 1n],
      [0n, MAX_UINT256, 0n, MAX_UINT256],
    ];
    for (const c of edges) {
      const chain = await chainOutcome(harness.read.pairLoss(c));
      expect(
        twinOutcome(() => pairLoss(...c)),
        c.map(String).join(", "),
      ).to.deep.equal(chain);
    }
    expect(twinOutcome(() => pairLoss(WAD, WAD, 0n, 0n))).to.deep.equal({ error: "ScaleZero" });
    expect(twinOutcome(() => pairLoss(WAD / 2n, WAD, MIN_INT256, WAD))).to.deep.equal({ error: "Panic(17)" });
  });

  it("combine: equal on random lengths and values; LengthMismatch and overflow alike", async () => {
    const r = prng(0x5a3n);
    const cases: [bigint[], bigint[]][] = [
      [[], []],
      [[WAD], [WAD]],
      [[1n, 2n], [1n]],
      [[MAX_UINT256], [2n]],
      [
        [MAX_UINT256 / 2n, MAX_UINT256 / 2n + 2n],
        [1n, 1n],
      ],
    ];
    while (cases.length < 300) {
      const k = r.int(1, 8);
      const coefficients = toWadSimplex(Array.from({ length: k }, () => r.float()));
      const weights = Array.from({ length: k }, () =>
        r.chance(0.1) ? r.pick([0n, 1n, WAD]) : r.between(0n, WAD),
      );
      cases.push([weights, coefficients]);
    }
    const chain = await Promise.all(cases.map((c) => chainOutcome(harness.read.combine(c))));
    const mismatches = cases
      .map((c, i) => ({ c, chain: chain[i], twin: twinOutcome(() => combine(...c)) }))
      .filter((m) => JSON.stringify(m.chain) !== JSON.stringify(m.twin));
    expect(mismatches.map((m) => ({ ...m, c: m.c.map((l) => l.map(String)) }))).to.deep.equal([]);
    expect(chain[2]).to.deep.equal({ error: "LengthMismatch" });
    expect(chain[3]).to.deep.equal({ error: "Panic(17)" });
    expect(chain[4]).to.deep.equal({ error: "Panic(17)" });
  });

  for (const size of [1, 2, 3, 1000, 10_000]) {
    it(`SumTree.root: ${size} ${size === 1 ? "leaf" : "leaves"} — the contract recomputes the twin's root; tampering moves both alike`, async () => {
      const r = prng(0x5a4n + BigInt(size));
      const weights = toWadSimplex(
        Array.from({ length: size }, () => Math.exp(2 * r.normal())),
        1n,
      );
      const tree = buildSumTree(weights);
      expect(tree.total).to.equal(WAD);
      const sampled = new Set<number>([0, size - 1]);
      while (sampled.size < Math.min(size, 25)) sampled.add(r.int(0, size - 1));
      for (const i of sampled) {
        const proof = tree.proof(i);
        const [hash, sum] = await harness.read.sumTreeRoot([BigInt(i), weights[i], proof]);
        expect({ hash, sum }).to.deep.equal({ hash: tree.root, sum: WAD });
        expect(sumTreeRoot(BigInt(i), weights[i], proof)).to.deep.equal({ hash: tree.root, sum: WAD });

        const level = r.int(0, tree.depth - 1);
        const flip = (h: Hex): Hex => `0x${(BigInt(h) ^ 1n).toString(16).padStart(64, "0")}`;
        const wrongHash = proof.map((w, j) => (j === 2 * level ? flip(w) : w));
        const wrongSum = proof.map((w, j) => (j === 2 * level + 1 ? flip(w) : w));
        const tampered: [bigint, bigint, Hex[]][] = [
          [BigInt(i), weights[i] + 1n, proof],
          [BigInt(i), 0n, proof],
          [BigInt(i ^ 1), weights[i], proof],
          [BigInt(i), weights[i], wrongHash],
          [BigInt(i), weights[i], wrongSum],
        ];
        for (const [index, weight, p] of tampered) {
          const [h, s] = await harness.read.sumTreeRoot([index, weight, p]);
          expect(h).to.not.equal(tree.root);
          expect({ hash: h, sum: s }).to.deep.equal(sumTreeRoot(index, weight, p));
        }
      }
      const proof = tree.proof(0);
      const bad: [bigint, Hex[]][] = [
        [0n, []],
        [0n, proof.slice(1)],
        [1n << BigInt(tree.depth), proof],
        [MAX_UINT256, proof],
      ];
      for (const [index, p] of bad) {
        const chain = await chainOutcome(harness.read.sumTreeRoot([index, 1n, p]));
        expect(chain).to.have.property("error");
        expect(twinOutcome(() => sumTreeRoot(index, 1n, p))).to.deep.equal(chain);
      }
    });
  }

  it("SumTree.root: an overflowing sum panics on both sides", async () => {
    const huge: Hex = `0x${"ff".repeat(32)}`;
    const chain = await chainOutcome(harness.read.sumTreeRoot([0n, 1n, [huge, huge]]));
    expect(chain).to.deep.equal({ error: "Panic(17)" });
    expect(twinOutcome(() => sumTreeRoot(0n, 1n, [huge, huge]))).to.deep.equal(chain);
  });

  it("gas: lnWad and pairLoss stay small (measured, for the record)", async () => {
    const r = prng(0x5a5n);
    let lnMax = 0n;
    let pairMax = 0n;
    for (let t = 0; t < 50; t++) {
      const x = anyPositive(r);
      const g = await harness.read.lnWadGas([x]);
      if (g > lnMax) lnMax = g;
      const p = await harness.read.pairLossGas([
        r.between(1n, WAD),
        r.between(1n, WAD),
        r.between(-WAD, WAD),
        2n * WAD,
      ]);
      if (p > pairMax) pairMax = p;
    }
    console.log(`      lnWad ≤ ${lnMax} gas, pairLoss ≤ ${pairMax} gas`);
    expect(Number(lnMax)).to.be.below(1500);
    expect(Number(pairMax)).to.be.below(4000);
  });
});
