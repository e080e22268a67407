/**
 * Judgement rounds under attack: each test plays what a candidate, a juror, a flagger or a proposer
 * would gain by breaking a rule, and asserts the safe outcome.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { parseEventLogs, type Address } from "viem";

import { deployJudgement, toWeights, WAD, type JudgementHarness } from "../fixtures/judgement.js";
import { buildSumTree } from "../../oracle/scoring/sumTree.js";
import { ewma } from "../../oracle/scoring/lossMath.js";

const TRUTH = [8, 4, 2, 1, 1, 2, 4, 8];
const lnRatio = (truth: readonly number[], p: { a: bigint; b: bigint }) =>
  BigInt(Math.round(Math.log(truth[Number(p.b)] / truth[Number(p.a)]) * 1e6)) * 10n ** 12n;
const truthful = (p: { a: bigint; b: bigint }) => lnRatio(TRUTH, p);

async function rejects(p: Promise<unknown>, error: string) {
  try {
    await p;
  } catch (e) {
    expect(String((e as Error).message)).to.contain(error);
    return;
  }
  expect.fail(`expected a revert with ${error}`);
}

describe("judgement: attacks", function () {
  this.timeout(300_000);
  let h: JudgementHarness;

  beforeEach(async () => {
    h = await deployJudgement(await network.connect(), { sampleSize: 6, candidates: 3 });
  });

  it("a commitment binds candidate, round and list: a copied or replayed commitment never reveals", async () => {
    await h.open();
    const [c1, c2] = h.candidateIds;
    const list = await h.commit(c1, toWeights(TRUTH));
    // c2 copies c1's commitment word for word.
    const copied = await h.judgement.read.listCommitment([
      h.agreementId,
      h.round,
      c1,
      list.tree.root,
      list.salt,
    ]);
    await h.wait(
      await h.judgement.write.commitList([h.agreementId, h.round, c2, copied], { account: h.operator(c2) }),
    );
    h.held.set(c2, { ...list, candidateId: c2 });
    await rejects(h.commit(c1, toWeights(TRUTH)), "ListAlreadyCommitted");
    await h.draw();
    await h.answer(truthful);
    await h.close();
    await rejects(h.reveal(c2), "ListMismatch");
    // Another list under c1's commitment does not reveal either.
    const other = toWeights(TRUTH.map((x, i) => (i === 3 ? x * 5 : x)));
    h.held.set(c1, { ...list, weights: other, tree: buildSumTree(other) });
    await rejects(h.reveal(c1), "ListMismatch");
    h.held.set(c1, list);
    await h.reveal(c1);
    await rejects(h.reveal(c1), "ListAlreadyRevealed");
    await h.finalize();
    // Replayed in the next round, the same root and salt make a different commitment.
    await h.open();
    const next = await h.judgement.read.listCommitment([
      h.agreementId,
      h.round,
      c1,
      list.tree.root,
      list.salt,
    ]);
    expect(next).to.not.equal(copied);
  });

  it("the sample is drawn only after commits close, and nothing is committed or flagged once it is", async () => {
    await h.open();
    const [c1, c2] = h.candidateIds;
    await h.commit(c1, toWeights(TRUTH));
    await rejects(h.judgement.write.drawSample([h.agreementId, h.round]), "RoundWindowClosed");
    await rejects(
      h.judgement.write.answerPairs([h.agreementId, h.round, Array(6).fill(0n)], {
        account: h.jurors[0].account,
      }),
      "RoundWindowClosed",
    );
    await rejects(h.judgement.read.pairs([h.agreementId, h.round]), "SampleNotDrawn");
    await h.draw();
    await rejects(h.commit(c2, toWeights(TRUTH)), "RoundWindowClosed");
    await rejects(h.flag(0n, true), "RoundWindowClosed");
    const word = (await h.info()).word;
    // Drawing again changes nothing, whatever the randomness source says now.
    await h.rng.write.setDefault([12345n]);
    await h.wait(await h.judgement.write.drawSample([h.agreementId, h.round]));
    expect((await h.info()).word).to.equal(word);
  });

  it("a proof for another item's leaf, or a list that does not sum to 1, is refused", async () => {
    await h.open();
    const [c1, c2] = h.candidateIds;
    const list = await h.commit(c1, toWeights(TRUTH));
    // c2's tree claims 1e18 on every item: its total is 8e18.
    const inflated = TRUTH.map(() => WAD);
    const tree = buildSumTree(inflated);
    const salt = h.salt(c2);
    const c = await h.judgement.read.listCommitment([h.agreementId, h.round, c2, tree.root, salt]);
    await h.wait(
      await h.judgement.write.commitList([h.agreementId, h.round, c2, c], { account: h.operator(c2) }),
    );
    h.held.set(c2, { candidateId: c2, weights: inflated, tree, salt });
    await h.draw();
    await h.answer(truthful);
    await h.close();
    await rejects(h.reveal(c2), "ListProofInvalid");
    // c1 swaps in the leaf and proof of another item for slot 0's first item.
    const args = await h.revealArgs(list);
    const ps = await h.pairs();
    const wrong = (Number(ps[0].a) + 1) % TRUTH.length;
    args.weights[0] = list.weights[wrong];
    args.proofs[0] = list.tree.proof(wrong);
    await h.warpTo((await h.ends()).answerEnds);
    await rejects(
      h.judgement.write.revealList(
        [h.agreementId, h.round, c1, list.tree.root, list.salt, h.medians, args.weights, args.proofs, ""],
        { account: h.operator(c1) },
      ),
      "ListProofInvalid",
    );
  });

  it("a worse or equal combination never replaces a better one; a better one does", async () => {
    await h.open();
    const [c1, c2, c3] = h.candidateIds;
    // c1 over-credits the first half, c2 the second: their mix beats both.
    await h.commit(c1, toWeights(TRUTH.map((x, i) => (i < 4 ? x * 3 : x))));
    await h.commit(c2, toWeights(TRUTH.map((x, i) => (i >= 4 ? x * 3 : x))));
    await h.commit(c3, toWeights(TRUTH.map(() => 1)));
    await h.draw();
    await h.answer(truthful);
    await h.close();
    const losses = [];
    for (const id of [c1, c2, c3]) losses.push((await h.reveal(id)).loss);
    const bestSingle = losses.reduce((m, x) => (x < m ? x : m));
    expect((await h.info()).bestLoss).to.equal(bestSingle);
    // A single list proposed again is no better than itself.
    const single = losses.indexOf(bestSingle);
    await rejects(h.propose([[c1, c2, c3][single]], [WAD]), "CombinationNotBetter");
    await h.propose([c1, c2], [WAD / 2n, WAD / 2n]);
    const mixed = (await h.info()).bestLoss;
    expect(mixed < bestSingle).to.equal(true);
    // Worse: mostly the worst list.
    await rejects(h.propose([c1, c2, c3], [WAD / 10n, WAD / 10n, (8n * WAD) / 10n]), "CombinationNotBetter");
    // The same combination again ties: the earlier stands.
    await rejects(h.propose([c1, c2], [WAD / 2n, WAD / 2n]), "CombinationNotBetter");
    // Malformed: unsorted, unrevealed, coefficients not summing to one.
    await rejects(h.propose([c2, c1], [WAD / 2n, WAD / 2n]), "CombinationInvalid");
    await rejects(h.propose([c1, c2], [WAD / 2n, WAD / 3n]), "CoefficientsSumInvalid");
    expect((await h.info()).bestLoss).to.equal(mixed);
  });

  it("copying a list earns nothing: copies split what the original earns, and no split of a combination is 'better'", async () => {
    await h.open();
    const [c1, c2, c3] = h.candidateIds;
    const a = toWeights(TRUTH.map((x, i) => (i < 4 ? x * 3 : x)));
    const b = toWeights(TRUTH.map((x, i) => (i >= 4 ? x * 3 : x)));
    await h.commit(c1, a);
    await h.commit(c2, a); // the copy
    await h.commit(c3, b);
    await h.draw();
    await h.answer(truthful);
    await h.close();
    for (const id of [c1, c2, c3]) await h.reveal(id);
    const [l1, l2] = [
      (await h.judgement.read.listOf([h.agreementId, h.round, c1]))[2],
      (await h.judgement.read.listOf([h.agreementId, h.round, c2]))[2],
    ];
    expect(l2).to.equal(l1);
    await h.propose([c1, c3], [WAD / 2n, WAD / 2n]);
    // Giving half of the original's share to its copy makes the same combined list: not better.
    await rejects(h.propose([c1, c2, c3], [WAD / 4n, WAD / 4n, WAD / 2n]), "CombinationNotBetter");
    await h.finalize();
    const best = await h.best();
    await h.wait(
      await h.judgement.write.paySubmitters([h.agreementId, h.round, best.ids, best.coefficients]),
    );
    const pool = (await h.info()).submitterPool;
    const owner = (id: bigint) => h.wallets[4 + h.candidateIds.indexOf(id)].account.address as Address;
    expect(await h.judgement.read.owed([owner(c2), h.token.address])).to.equal(0n);
    expect(await h.judgement.read.owed([owner(c1), h.token.address])).to.equal(pool / 2n);
    await rejects(
      h.judgement.write.paySubmitters([h.agreementId, h.round, best.ids, best.coefficients]),
      "AlreadyClaimed",
    );
  });

  it("flags: upheld when the jury agrees (bond back plus reward), lost otherwise (bond to the items)", async () => {
    await h.open();
    const [c1] = h.candidateIds;
    // Every list over-credits item 0 ten times and under-credits item 5 four times.
    const skewed = TRUTH.map((x, i) => (i === 0 ? x * 10 : i === 5 ? x / 4 : x));
    await h.flag(0n, true, 9); // right: item 0 is over-credited
    await h.flag(5n, true, 10); // wrong: item 5 is under-credited
    const bond = h.terms.flagBond;
    await h.commit(c1, toWeights(skewed));
    await h.draw();
    const ps = await h.pairs();
    expect(ps[0].a).to.equal(0n);
    expect(ps[1].a).to.equal(5n);
    await h.answer(truthful);
    await h.close();
    await h.reveal(c1);
    const receipt = await h.finalize();
    const settled = parseEventLogs({ abi: h.judgement.abi, logs: receipt.logs, eventName: "FlagSettled" });
    expect(settled.map((e) => [e.args.item, e.args.upheld])).to.deep.equal([
      [0n, true],
      [5n, false],
    ]);
    const r = await h.info();
    expect(await h.judgement.read.owed([h.wallets[9].account.address, h.token.address])).to.equal(
      bond + h.terms.flagReward,
    );
    expect(await h.judgement.read.owed([h.wallets[10].account.address, h.token.address])).to.equal(0n);
    // The lost bond joined the pot, the reward left it.
    expect(r.itemPool + r.submitterPool).to.equal(h.terms.budget - h.terms.flagReward + bond);
    await rejects(h.flag(1n, true), "RoundWindowClosed");
  });

  it("only the agreement's reporters answer, each once; closing needs every answer, untampered, each juror once", async () => {
    await h.open();
    await h.commit(h.candidateIds[0], toWeights(TRUTH));
    await h.draw();
    await rejects(
      h.judgement.write.answerPairs([h.agreementId, h.round, Array(6).fill(0n)], {
        account: h.wallets[9].account,
      }),
      "CallerNotJuror",
    );
    await rejects(
      h.judgement.write.answerPairs([h.agreementId, h.round, Array(6).fill(65n * WAD)], {
        account: h.jurors[0].account,
      }),
      "AnswerOutOfRange",
    );
    await h.answer(truthful, 2);
    await rejects(
      h.judgement.write.answerPairs([h.agreementId, h.round, Array(6).fill(0n)], {
        account: h.jurors[0].account,
      }),
      "JurorAlreadyAnswered",
    );
    await h.warpTo((await h.ends()).answerEnds);
    const ps = await h.pairs();
    const honest = ps.map(truthful);
    const [j0, j1] = [h.jurors[0].account.address, h.jurors[1].account.address].sort((x, y) =>
      BigInt(x) < BigInt(y) ? -1 : 1,
    );
    // One juror twice (to drag the median), a tampered answer, the wrong order: all refused.
    await rejects(
      h.judgement.write.closeAnswers([h.agreementId, h.round, [j0, j0], [honest, honest]]),
      "AnswersMismatch",
    );
    await rejects(
      h.judgement.write.closeAnswers([h.agreementId, h.round, [j0, j1], [honest, honest.map((x) => x + 1n)]]),
      "AnswersMismatch",
    );
    await rejects(
      h.judgement.write.closeAnswers([h.agreementId, h.round, [j1, j0], [honest, honest]]),
      "AnswersMismatch",
    );
    await h.wait(await h.judgement.write.closeAnswers([h.agreementId, h.round, [j0, j1], [honest, honest]]));
    await rejects(
      h.judgement.write.closeAnswers([h.agreementId, h.round, [j0, j1], [honest, honest]]),
      "AnswersAlreadyClosed",
    );
  });

  it("a candidate that commits and does not reveal takes the worst loss in its score; one that reveals takes its loss", async () => {
    await h.open();
    const [c1, c2] = h.candidateIds;
    await h.commit(c1, toWeights(TRUTH));
    await h.commit(c2, toWeights(TRUTH.map(() => 1)));
    await h.draw();
    await h.answer(truthful);
    await h.close();
    const { loss } = await h.reveal(c1);
    const before = await Promise.all([c1, c2].map((id) => h.hub.read.candidate([h.agreementId, id])));
    await h.finalize();
    const after = await Promise.all([c1, c2].map((id) => h.hub.read.candidate([h.agreementId, id])));
    const alpha = h.f.params.alpha;
    expect(after[0].score).to.equal(ewma(before[0].score, loss, alpha, before[0].scoredCount === 0));
    expect(after[1].score).to.equal(ewma(before[1].score, WAD, alpha, before[1].scoredCount === 0));
    expect(after[0].scoredCount).to.equal(before[0].scoredCount + 1);
    expect(after[1].scoredCount).to.equal(before[1].scoredCount + 1);
    // The hub takes losses from the judgement contract only.
    await rejects(h.hub.write.recordLosses([h.agreementId, [c1], [0n]]), "CallerNotExecution");
  });

  it("a round whose jury misses its quorum is void: no score moves, flags and budget go back", async () => {
    const treasury = () => h.hub.read.treasuryBalance([h.agreementId, h.token.address]);
    const before = await treasury();
    await h.open();
    const [c1] = h.candidateIds;
    await h.flag(2n, true, 9);
    await h.commit(c1, toWeights(TRUTH));
    await h.draw();
    await h.answer(truthful, 1); // quorum is 2
    const closed = await h.close();
    expect(closed.isVoid).to.equal(true);
    await rejects(h.reveal(c1), "RoundIsVoid");
    const score = (await h.hub.read.candidate([h.agreementId, c1])).score;
    await h.wait(await h.judgement.write.finalizeRound([h.agreementId, h.round, [], [], [], []]));
    expect(await treasury()).to.equal(before);
    expect((await h.hub.read.candidate([h.agreementId, c1])).score).to.equal(score);
    expect(await h.judgement.read.owed([h.wallets[9].account.address, h.token.address])).to.equal(
      h.terms.flagBond,
    );
    await rejects(h.claim(0), "RoundIsVoid");
    // The next round opens once this one is final, not before.
    await h.open();
    await rejects(h.judgement.write.openRound([h.agreementId]), "RoundLive");
  });

  it("conservation: what the round took is exactly what leaves it, less rounding dust", async () => {
    const bal = () => h.token.read.balanceOf([h.judgement.address]);
    await h.open();
    const [c1, c2, c3] = h.candidateIds;
    await h.flag(0n, true, 9);
    await h.commit(c1, toWeights(TRUTH.map((x, i) => (i < 4 ? x * 3 : x))));
    await h.commit(c2, toWeights(TRUTH.map((x, i) => (i >= 4 ? x * 3 : x))));
    await h.commit(c3, toWeights(TRUTH.map((x, i) => (i === 0 ? x * 9 : x))));
    expect(await bal()).to.equal(h.terms.budget + h.terms.flagBond);
    await h.draw();
    await h.answer((p, j) => truthful(p) + BigInt(j - 1) * 10n ** 17n);
    await h.close();
    for (const id of [c1, c2, c3]) await h.reveal(id);
    await h.propose([c1, c2, c3], [(WAD * 45n) / 100n, (WAD * 45n) / 100n, WAD / 10n]).catch(() => undefined);
    await h.finalize();
    const best = await h.best();
    await h.wait(
      await h.judgement.write.paySubmitters([h.agreementId, h.round, best.ids, best.coefficients]),
    );
    for (let i = 0; i < TRUTH.length; i++) await h.claim(i);
    await rejects(h.claim(0), "AlreadyClaimed");
    for (const w of h.wallets) {
      await h.wait(await h.judgement.write.withdraw([h.token.address], { account: w.account }));
      expect(await h.judgement.read.owed([w.account.address, h.token.address])).to.equal(0n);
    }
    // Each item's combined weight is floored once (< 1 wei of 1e18) and its payout once more: at
    // most itemPool / 1e18 + 1 wei per item stays, and a wei per submitter share.
    const r = await h.info();
    const dust = await bal();
    const bound = BigInt(TRUTH.length) * (r.itemPool / WAD + 1n) + BigInt(best.ids.length);
    expect(dust <= bound, `dust ${dust} above ${bound}`).to.equal(true);
  });
});
