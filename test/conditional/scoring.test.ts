/**
 * Scoring of conditional forecasts: only the branch taken is scored (loss = the twin's
 * `conditionalLoss`, recorded as one EWMA step), an unrevealed commitment loses 1e18, a void outcome or
 * a decision never executed voids the round (not before end(e + 1)), a round is scored once; and in an
 * advisory agreement the arbiter chooses, the choice binds execution and is what gets scored.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { parseEventLogs } from "viem";

import { conditionalLoss, decide as twinDecide, MISS_LOSS } from "../../oracle/scoring/conditional.js";
import { ewma } from "../../oracle/scoring/lossMath.js";
import { DecisionStatus, deployConditional, type ConditionalHarness } from "../fixtures/conditional.js";
import { sendProposal, Status } from "../fixtures/execution.js";
import type { Connection } from "../fixtures/hub.js";

/** The outcome of D + 1 in the tests below. */
const OUTCOME = [1180n, 5150n];
/** Option 0's J is the best for everyone, so option 0 is taken. */
const ACCURATE_ON_TAKEN = [
  [1180n, 5150n],
  [1000n, 5000n],
  [900n, 6000n],
];
/** Accurate only on option 1, which is not taken. */
const ACCURATE_ON_UNTAKEN = [
  [1500n, 8000n],
  [1180n, 5150n],
  [700n, 4000n],
];

const base = (conn: Connection) => deployConditional(conn);
const advisory = (conn: Connection) => deployConditional(conn, { terms: { advisory: true } });

/** c1 accurate on the option taken, c2 only on another, c3 commits and never reveals. */
async function round(h: ConditionalHarness) {
  const [c1, c2, c3] = h.candidates;
  await h.warpTo(h.times(h.D).start);
  await h.commit(c1.id, ACCURATE_ON_TAKEN);
  await h.commit(c2.id, ACCURATE_ON_UNTAKEN);
  await h.commit(c3.id, ACCURATE_ON_TAKEN);
  await h.warpTo(h.times(h.D).revealOpens);
  await h.reveal(c1.id);
  await h.reveal(c2.id);
}

async function execute(h: ConditionalHarness, option: number) {
  const { executor } = await h.executor();
  const p = await h.proposeDecided(executor!, option);
  await h.finalize(p);
}

describe("conditional: scoring", function () {
  this.timeout(300_000);
  let conn: Connection;
  before(async () => {
    conn = await network.create();
  });
  const load = () => conn.networkHelpers.loadFixture(base);

  it("scores only the branch taken, as the twin does: loss per revealer on the taken option, 1e18 for an unrevealed commitment", async () => {
    const h = await load();
    const [c1, c2, c3] = h.candidates;
    await round(h);
    const decided = await h.decide();
    const revealers = await h.revealers();
    const twin = twinDecide({
      revealers,
      eta: h.terms.eta,
      objective: h.objective(),
      nOptions: 3,
      nMetrics: 2,
      randomWord: (await h.records()).randomWord,
      epsilon: h.terms.epsilon,
    });
    expect(decided.option).to.equal(twin.option);
    expect(decided.option).to.equal(0);
    const before = await h.records();
    await execute(h, 0);
    await h.report(h.D + 1n, OUTCOME);
    // Not before the outcome is final: the hub says when.
    await h.viem.assertions.revertWithCustomError(
      h.conditional.write.score([h.agreementId, h.D]),
      h.hub,
      "OutcomeNotReady",
    );
    const receipt = await h.score();
    const [ev] = parseEventLogs({
      abi: h.conditional.abi,
      logs: receipt.logs,
      eventName: "ConditionalScored",
    });
    const metrics = h.x.params.metrics.map((m) => ({ scale: m.scale, lossKind: m.lossKind }));
    const expected = [
      conditionalLoss(ACCURATE_ON_TAKEN[0], OUTCOME, metrics),
      conditionalLoss(ACCURATE_ON_UNTAKEN[0], OUTCOME, metrics),
      MISS_LOSS,
    ];
    expect([...ev.args.candidateIds!]).to.deep.equal([c1.id, c2.id, c3.id]);
    expect([...ev.args.losses!]).to.deep.equal(expected);
    expect(expected[0]).to.equal(0n);
    // c2 was exact on option 1: that earns nothing, its option-0 forecast is what is scored.
    expect(expected[1] > 0n).to.equal(true);
    const after = await h.records();
    for (const [i, c] of [c1, c2, c3].entries()) {
      const b = before.of(c.id);
      const a = after.of(c.id);
      expect(a.score, `candidate ${c.id}`).to.equal(
        ewma(b.score, expected[i], h.x.params.alpha, b.scoredCount === 0n),
      );
      expect(a.scoredCount).to.equal(b.scoredCount + 1n);
    }
    const d = await h.decision();
    expect(d.status).to.equal(DecisionStatus.Scored);
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.conditional.write.score([h.agreementId, h.D]),
      h.conditional,
      "NotDecided",
      [h.D],
    );
  });

  it("a void outcome voids the round: nothing scored", async () => {
    const h = await load();
    await round(h);
    await h.decide();
    await execute(h, 0);
    // One report, quorum 2: the outcome of D + 1 is void.
    await h.report(h.D + 1n, OUTCOME, [1]);
    const before = await h.records();
    await h.warpTo(h.times(h.D + 1n).end + BigInt(h.x.params.reportWindow));
    await h.viem.assertions.emitWithArgs(
      h.conditional.write.score([h.agreementId, h.D]),
      h.conditional,
      "ConditionalVoided",
      [h.agreementId, h.D],
    );
    expect((await h.records()).words).to.deep.equal(before.words);
    expect((await h.decision()).status).to.equal(DecisionStatus.Void);
  });

  it("a decided option never executed voids only from end(e + 1); before the decision nothing is scored", async () => {
    const h = await load();
    await round(h);
    await h.warpTo(h.times(h.D).end);
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.conditional.write.score([h.agreementId, h.D]),
      h.conditional,
      "NotDecided",
      [h.D],
    );
    await h.decide();
    const voidsAt = h.times(h.D + 1n).end;
    await h.at(voidsAt - 1n);
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.conditional.write.score([h.agreementId, h.D]),
      h.conditional,
      "ScoringNotReady",
      [h.D],
    );
    const before = await h.records();
    await h.at(voidsAt);
    await h.viem.assertions.emitWithArgs(
      h.conditional.write.score([h.agreementId, h.D]),
      h.conditional,
      "ConditionalVoided",
      [h.agreementId, h.D],
    );
    expect((await h.records()).words).to.deep.equal(before.words);
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.conditional.write.score([h.agreementId, h.D]),
      h.conditional,
      "NotDecided",
      [h.D],
    );
  });

  it("a decided transition finalized after end(e + 1) keeps the round open: it still executes and is scored", async () => {
    const h = await load();
    await round(h);
    await h.decide();
    const { executor } = await h.executor();
    const p = await h.proposeDecided(executor!, 0);
    // Nobody finalizes before end(D + 1); the outcome of D + 1 is reported then.
    await h.report(h.D + 1n, OUTCOME);
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.conditional.write.score([h.agreementId, h.D]),
      h.conditional,
      "ScoringNotReady",
      [h.D],
    );
    await h.finalize(p);
    expect((await h.decision()).executed).to.equal(true);
    const receipt = await h.score();
    const [ev] = parseEventLogs({
      abi: h.conditional.abi,
      logs: receipt.logs,
      eventName: "ConditionalScored",
    });
    expect(ev.args.epoch).to.equal(h.D);
    expect((await h.decision()).status).to.equal(DecisionStatus.Scored);
    // Finalized: the next epoch's proposals are not blocked behind it.
    expect((await h.execution.read.proposal([h.agreementId])).status).to.equal(Status.Finalized);
    expect(await h.execution.read.stateHash([h.agreementId])).to.equal(p.newStateHash);
  });

  describe("advisory terms", () => {
    const loadAdvisory = () => conn.networkHelpers.loadFixture(advisory);

    it("decide is refused; only the arbiter chooses, once the epoch ended; the choice binds execution and is scored", async () => {
      const h = await loadAdvisory();
      const [c1, c2] = h.candidates;
      await round(h);
      const { end } = h.times(h.D);
      await h.at(end - 1n);
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.choose([h.agreementId, h.D, 1], { account: h.arbiter.account }),
        h.conditional,
        "ConditionalWindowClosed",
        [h.D, end, 2n ** 64n - 1n],
      );
      await h.warpTo(end);
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.decide([h.agreementId, h.D]),
        h.conditional,
        "AdvisoryMismatch",
        [true],
      );
      for (const who of [h.wallets[16], c1.op]) {
        await h.viem.assertions.revertWithCustomErrorWithArgs(
          h.conditional.write.choose([h.agreementId, h.D, 1], { account: who.account }),
          h.conditional,
          "CallerNotArbiter",
          [who.account.address],
        );
      }
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.choose([h.agreementId, h.D, 3], { account: h.arbiter.account }),
        h.conditional,
        "OptionOutOfRange",
        [3, 3],
      );
      // The forecasts recommend option 0; the arbiter takes option 1.
      const receipt = await h.choose(1);
      const [ev] = parseEventLogs({ abi: h.conditional.abi, logs: receipt.logs, eventName: "Decided" });
      expect(ev.args.option).to.equal(1);
      expect(ev.args.explored).to.equal(false);
      const [best, objectives] = await h.conditional.read.recommendation([h.agreementId, h.D]);
      expect(best).to.equal(0);
      expect([...ev.args.objectives]).to.deep.equal([...objectives]);
      const d = await h.decision();
      expect(d.advisory).to.equal(true);
      expect(d.option).to.equal(1);
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.choose([h.agreementId, h.D, 0], { account: h.arbiter.account }),
        h.conditional,
        "AlreadyDecided",
        [h.D],
      );
      const { executor } = await h.executor();
      const p = await h.prepare(executor!);
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.proposeDecidedTx(p, 0),
        h.execution,
        "OptionNotDecided",
        [0, 1],
      );
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        sendProposal(h.x, p),
        h.execution,
        "DecisionRequired",
        [h.D],
      );
      await h.wait(await h.proposeDecidedTx(p, 1));
      await h.finalize(p);
      await h.report(h.D + 1n, OUTCOME);
      const receiptScore = await h.score();
      const [scored] = parseEventLogs({
        abi: h.conditional.abi,
        logs: receiptScore.logs,
        eventName: "ConditionalScored",
      });
      const metrics = h.x.params.metrics.map((m) => ({ scale: m.scale, lossKind: m.lossKind }));
      // Option 1 is scored: now c2 is exact and c1 is not.
      expect([...scored.args.losses!]).to.deep.equal([
        conditionalLoss(ACCURATE_ON_TAKEN[1], OUTCOME, metrics),
        0n,
        MISS_LOSS,
      ]);
      void c2;
    });

    it("choose is refused under terms that are not advisory", async () => {
      const h = await load();
      await h.warpTo(h.times(h.D).end);
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.choose([h.agreementId, h.D, 1], { account: h.arbiter.account }),
        h.conditional,
        "AdvisoryMismatch",
        [false],
      );
    });
  });
});
