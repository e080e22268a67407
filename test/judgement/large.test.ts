import { expect } from "chai";
import { network } from "hardhat";
import { parseEventLogs } from "viem";

import { listLoss } from "../../oracle/scoring/judgement.js";
import { deployJudgement, toWeights, WAD, type JudgementHarness } from "../fixtures/judgement.js";
import { prng } from "../fixtures/prng.js";

const ITEMS = 10_000;
const SAMPLE = 50;

describe("judgement: a round over 10,000 items", function () {
  this.timeout(60_000);
  let h: JudgementHarness;
  const rng = prng(0x10000n);
  const truth = Array.from({ length: ITEMS }, () => Math.exp(rng.normal()));

  before(async () => {
    h = await deployJudgement(await network.create(), { itemCount: ITEMS, sampleSize: SAMPLE });
  });

  it("commits, draws, answers, reveals with depth-14 proofs, proposes, finalizes and pays a claim", async () => {
    expect(h.terms.itemCount).to.equal(ITEMS);
    await h.open();
    const ids = h.candidateIds;
    for (const id of ids) {
      const { tree } = await h.commit(id, toWeights(truth.map((t) => t * Math.exp(0.5 * rng.normal()))));
      expect(tree.depth).to.equal(14);
    }
    expect((await h.info()).depth).to.equal(14);
    await h.draw();
    await h.answer(
      (p) => BigInt(Math.round(Math.log(truth[Number(p.b)] / truth[Number(p.a)]) * 1e6)) * 10n ** 12n,
    );
    expect((await h.close()).isVoid).to.equal(false);

    const ps = await h.pairs();
    expect(ps.length).to.equal(SAMPLE);
    const losses: bigint[] = [];
    for (const id of ids) {
      const list = h.held.get(id)!;
      const { proofs } = await h.revealArgs(list);
      for (const proof of proofs) expect(proof.length).to.equal(28);
      const { loss, weights } = await h.reveal(id);
      const wA = ps.map((p) => list.weights[Number(p.a)]);
      const wB = ps.map((p) => list.weights[Number(p.b)]);
      expect(weights).to.deep.equal(wA.flatMap((w, s) => [w, wB[s]]));
      expect(loss).to.equal(listLoss(wA, wB, h.medians, h.terms.scale));
      losses.push(loss);
    }

    const third = WAD / 3n;
    const coefficients = [third, third, WAD - 2n * third];
    const receipt = await h.propose([...ids], coefficients);
    const [proposed] = parseEventLogs({
      abi: h.judgement.abi,
      logs: receipt.logs,
      eventName: "CombinationProposed",
    });
    expect(proposed.args.loss < losses.reduce((m, l) => (l < m ? l : m))).to.equal(true);

    await h.finalize();
    const r = await h.info();
    expect(r.finalized).to.equal(true);
    expect(r.itemPool + r.submitterPool).to.equal(h.terms.budget);

    const item = ITEMS - 1;
    const combined =
      ids.reduce((acc, id, k) => acc + h.held.get(id)!.weights[item] * coefficients[k], 0n) / WAD;
    const balanceBefore = await h.token.read.balanceOf([h.payouts[item]]);
    const claim = await h.claim(item);
    const [paid] = parseEventLogs({ abi: h.judgement.abi, logs: claim.logs, eventName: "ItemPaid" });
    expect(paid.args.amount).to.equal((r.itemPool * combined) / WAD);
    expect((await h.token.read.balanceOf([h.payouts[item]])) - balanceBefore).to.equal(paid.args.amount);
  });
});
