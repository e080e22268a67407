import { expect } from "chai";
import { network } from "hardhat";
import { parseEventLogs } from "viem";

import { deployJudgement, toWeights, WAD, type JudgementHarness } from "../fixtures/judgement.js";
import { listLoss } from "../../oracle/scoring/judgement.js";

/** ln(truth_b / truth_a) in WAD. */
const lnRatio = (truth: number[], p: { a: bigint; b: bigint }) =>
  BigInt(Math.round(Math.log(truth[Number(p.b)] / truth[Number(p.a)]) * 1e6)) * 10n ** 12n;

const TRUTH = [8, 4, 2, 1, 1, 2, 4, 8];

describe("judgement: a round end to end", function () {
  this.timeout(120_000);
  let h: JudgementHarness;

  before(async () => {
    h = await deployJudgement(await network.connect(), { sampleSize: 6 });
  });

  it("scores each revealed list on the jury's sample exactly as the TypeScript twin does, and pays out what it took", async () => {
    const treasuryBefore = await h.hub.read.treasuryBalance([h.agreementId, h.token.address]);
    await h.open();
    const [c1, c2, c3] = h.candidateIds;
    await h.commit(c1, toWeights(TRUTH));
    await h.commit(c2, toWeights(TRUTH.map((x, i) => (i === 0 ? x * 10 : x))));
    await h.commit(c3, toWeights(TRUTH.map(() => 1)));
    await h.draw();
    await h.answer((p) => lnRatio(TRUTH, p));
    const closed = await h.close();
    expect(closed.isVoid).to.equal(false);
    const ps = await h.pairs();
    for (const id of [c1, c2, c3]) {
      const { loss, weights } = await h.reveal(id);
      const wA = weights.filter((_, i) => i % 2 === 0);
      const wB = weights.filter((_, i) => i % 2 === 1);
      expect(loss).to.equal(listLoss(wA, wB, h.medians, h.terms.scale));
      expect(wA).to.deep.equal(ps.map((p) => h.held.get(id)!.weights[Number(p.a)]));
    }
    await h.finalize();
    const r = await h.info();
    expect(r.finalized).to.equal(true);
    expect(r.itemPool + r.submitterPool).to.equal(h.terms.budget);
    let paid = 0n;
    for (let i = 0; i < TRUTH.length; i++) {
      const receipt = await h.claim(i);
      const [ev] = parseEventLogs({ abi: h.judgement.abi, logs: receipt.logs, eventName: "ItemPaid" });
      paid += ev.args.amount;
    }
    expect(paid <= r.itemPool).to.equal(true);
    expect(r.itemPool - paid < BigInt(TRUTH.length)).to.equal(true);
    const treasuryAfter = await h.hub.read.treasuryBalance([h.agreementId, h.token.address]);
    expect(treasuryBefore - treasuryAfter).to.equal(h.terms.budget);
    void WAD;
  });
});
