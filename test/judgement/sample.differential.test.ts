import { expect } from "chai";
import { network } from "hardhat";

import { samplePairs } from "../../oracle/scoring/judgement.js";
import { deployJudgement, type JudgementHarness } from "../fixtures/judgement.js";
import { prng } from "../fixtures/prng.js";

const MAX_UINT256 = 2n ** 256n - 1n;

/** Item counts, pair counts and flag limits, from the smallest set to the largest with the largest sample. */
const SHAPES = [
  { itemCount: 2, sampleSize: 1, maxFlags: 0, rounds: 4 },
  { itemCount: 2, sampleSize: 9, maxFlags: 2, rounds: 4 },
  { itemCount: 3, sampleSize: 17, maxFlags: 3, rounds: 5 },
  { itemCount: 257, sampleSize: 64, maxFlags: 8, rounds: 5 },
  { itemCount: 10_000, sampleSize: 256, maxFlags: 32, rounds: 4 },
];

describe("judgement: the contract's pairs equal the TypeScript twin's samplePairs", function () {
  this.timeout(300_000);

  for (const shape of SHAPES) {
    it(`${shape.itemCount} items, a sample of ${shape.sampleSize}, up to ${shape.maxFlags} flags`, async () => {
      const h: JudgementHarness = await deployJudgement(await network.create(), {
        itemCount: shape.itemCount,
        sampleSize: shape.sampleSize,
        maxFlags: shape.maxFlags,
        candidates: 0,
        budget: 0n,
      });
      const rng = prng(BigInt(shape.itemCount * 1000 + shape.sampleSize));
      // The source words: the edges, then random ones; each round hashes its own from them.
      const sources = [1n, MAX_UINT256, ...Array.from({ length: shape.rounds }, () => rng.bits(256))];
      for (let i = 0; i < shape.rounds; i++) {
        await h.open();
        // Flags from none (first round) up to the limit (last round), on distinct items.
        const nf = Math.min(
          shape.itemCount,
          Math.round((shape.maxFlags * i) / Math.max(1, shape.rounds - 1)),
        );
        const flagged: number[] = [];
        while (flagged.length < nf) {
          const item = rng.int(0, shape.itemCount - 1);
          if (flagged.includes(item)) continue;
          await h.flag(BigInt(item), rng.chance(0.5));
          flagged.push(item);
        }
        await h.draw(sources[i]);
        const { word } = await h.info();
        expect(word).to.not.equal(0n);
        const ps = await h.pairs();
        const twin = samplePairs(word, shape.itemCount, shape.sampleSize, flagged);
        expect(ps.map((p) => ({ a: Number(p.a), b: Number(p.b) }))).to.deep.equal(twin);
        for (const p of ps) {
          expect(p.a).to.not.equal(p.b);
          expect(p.a < BigInt(shape.itemCount) && p.b < BigInt(shape.itemCount)).to.equal(true);
        }
        for (const [s, item] of flagged.entries()) expect(ps[s].a).to.equal(BigInt(item));
        // Nobody answers: the round closes void and is finalized so the next can open.
        expect((await h.close()).isVoid).to.equal(true);
        await h.finalize();
      }
    });
  }
});
