/**
 * Conditional forecasts under attack: each test plays what a candidate, a proposer, the arbiter or an
 * outsider would gain by breaking a rule, and asserts the safe outcome.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, stringToHex } from "viem";

import { recommend } from "../../oracle/scoring/conditional.js";
import { defaultTerms, deployConditional, WAD } from "../fixtures/conditional.js";
import { commitmentOf as forecastCommitment } from "../fixtures/execution.js";
import type { Connection } from "../fixtures/hub.js";

const BOND = 10n * WAD;
/** Stock above the floor everywhere, so J = catch. */
const row = (catches: bigint[]) => catches.map((c) => [c, 6000n]);

const base = (conn: Connection) => deployConditional(conn);
/** 65 qualified seats of one bond unit each. */
const crowd = (conn: Connection) => deployConditional(conn, { units: Array.from({ length: 65 }, () => 1) });
/** Two seats of 3 and 1 bond units, a steep temperature. */
const timing = (conn: Connection) => deployConditional(conn, { units: [3, 1], terms: { eta: 20n * WAD } });

describe("conditional: attacks", function () {
  this.timeout(300_000);
  let conn: Connection;
  before(async () => {
    conn = await network.create();
  });
  const load = () => conn.networkHelpers.loadFixture(base);

  it("a candidate cannot commit, or re-commit, after seeing others' reveals", async () => {
    const h = await load();
    const [c1, c2, c3] = h.candidates;
    const honest = row([1200n, 1100n, 900n]);
    await h.warpTo(h.times(h.D).start);
    await h.commit(c1.id, honest);
    await h.commit(c3.id, row([0n, 0n, 5000n]));
    const { start, commitCloses, revealOpens } = h.times(h.D);
    await h.warpTo(revealOpens);
    await h.reveal(c1.id);
    // c2 copies c1's revealed forecasts; c3 wants to switch to them.
    for (const c of [c2, c3]) {
      const { commitment } = await h.commitmentOf(c.id, honest);
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.commit([h.agreementId, h.D, c.id, commitment], { account: c.op.account }),
        h.conditional,
        "ConditionalWindowClosed",
        [h.D, start, commitCloses],
      );
    }
    // c3's old commitment does not open to the copied forecasts.
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.revealTx(c3.id, h.D, { forecasts: honest }),
      h.conditional,
      "CommitmentMismatch",
      [c3.id],
    );
    expect([...(await h.conditional.read.committers([h.agreementId, h.D]))]).to.deep.equal([c1.id, c3.id]);
  });

  it("an ineligible (never scored) seat takes no forecaster place, and an exiting one carries no weight, however large its bond", async () => {
    const h = await load();
    const [c1, c2, c3] = h.candidates;
    // A fresh seat with 50 bond units, and the heaviest qualified seat, which asks to exit once committed.
    const fresh = await h.addCandidate(7, 50);
    const mild = row([1200n, 1100n, 1000n]);
    const pushy = row([0n, 0n, 1_000_000n]);
    await h.warpTo(h.times(h.D).start);
    await h.commit(c1.id, mild);
    await h.commit(c2.id, mild);
    await h.commit(c3.id, pushy);
    const { commitment } = await h.commitmentOf(fresh.id, pushy);
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.conditional.write.commit([h.agreementId, h.D, fresh.id, commitment], { account: fresh.op.account }),
      h.conditional,
      "NotEligible",
      [fresh.id],
    );
    await h.wait(await h.hub.write.requestExit([h.agreementId, c3.id], { account: c3.op.account }));
    await h.warpTo(h.times(h.D).revealOpens);
    for (const c of [c1, c2, c3]) await h.reveal(c.id);
    const decided = await h.decide();
    expect(decided.option).to.equal(0);
    const revealers = await h.revealers();
    expect(revealers.map((r) => [r.id, r.eligible])).to.deep.equal([
      [c1.id, true],
      [c2.id, true],
      [c3.id, false],
    ]);
    const args = { eta: h.terms.eta, objective: h.objective(), nOptions: 3, nMetrics: 2 };
    const twin = recommend({ revealers, ...args });
    const [best, objectives, totalWeight] = await h.conditional.read.recommendation([h.agreementId, h.D]);
    expect([best, [...objectives], totalWeight]).to.deep.equal([
      twin.option,
      twin.objectives,
      twin.totalWeight,
    ]);
    // Had their weight counted, the pushy seats would have taken option 2.
    const counted = recommend({ revealers: revealers.map((r) => ({ ...r, eligible: true })), ...args });
    expect(counted.option).to.equal(2);
  });

  it("a squatter filling every proposal seat with unsupported options loses its bonds to the treasury", async () => {
    const h = await load();
    const T = h.token.address;
    const squatter = h.wallets[16];
    const before = await h.balance(squatter.account.address);
    const treasuryBefore = await h.hub.read.treasuryBalance([h.agreementId, T]);
    await h.propose("junk 1", 16);
    await h.propose("junk 2", 16);
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.conditional.write.proposeOption([h.agreementId, h.D, "a real idea"], {
        account: h.wallets[17].account,
      }),
      h.conditional,
      "OptionRefused",
      [5n, 2n],
    );
    await h.warpTo(h.times(h.D).start);
    for (const c of h.candidates) await h.commit(c.id, row([1200n, 1100n, 1000n, 0n, 0n]));
    await h.warpTo(h.times(h.D).revealOpens);
    for (const c of h.candidates) await h.reveal(c.id);
    await h.decide();
    expect(await h.conditional.read.owed([squatter.account.address, T])).to.equal(0n);
    expect(before - (await h.balance(squatter.account.address))).to.equal(2n * BOND);
    expect((await h.hub.read.treasuryBalance([h.agreementId, T])) - treasuryBefore).to.equal(2n * BOND);
    expect(await h.balance(h.conditional.address)).to.equal(0n);
  });

  it("nobody changes an epoch's option set once commits are open: no late proposal, no terms for a started epoch", async () => {
    const h = await load();
    const [c1] = h.candidates;
    const { setHash } = await h.optionSet();
    await h.warpTo(h.times(h.D).start);
    await h.commit(c1.id, row([1200n, 1100n, 1000n]));
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.conditional.write.proposeOption([h.agreementId, h.D, "late"], { account: h.wallets[16].account }),
      h.conditional,
      "ConditionalWindowClosed",
      [h.D, h.times(h.D - 1n).start, h.times(h.D).start],
    );
    // The arbiter cannot put new terms on the current epoch; terms for the next leave it alone.
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.conditional.write.configure([h.agreementId, defaultTerms(h.D, { options: ["a", "b"] })], {
        account: h.arbiter.account,
      }),
      h.conditional,
      "TermsInvalid",
      [0],
    );
    await h.configure(defaultTerms(h.D + 1n, { options: ["a", "b"] }));
    expect((await h.optionSet()).setHash).to.equal(setHash);
    const [found, version] = await h.conditional.read.termsAt([h.agreementId, h.D]);
    expect([found, version]).to.deep.equal([true, 0n]);
    await h.warpTo(h.times(h.D).revealOpens);
    await h.reveal(c1.id);
  });

  it("terms never meet options proposed under other terms: more than 8 options or a duplicate", async () => {
    const h = await load();
    const e = h.D + 1n;
    await h.warpTo(h.times(h.D).start);
    await h.propose("g", 16, e);
    await h.propose("h", 17, e);
    const before = await h.optionSet(e);
    // Terms for e would combine their fixed options with the two proposals: 10 options, one twice.
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.conditional.write.configure(
        [
          h.agreementId,
          defaultTerms(e, { options: ["a", "b", "c", "d", "e", "f", "g", "x"], maxProposed: 0 }),
        ],
        { account: h.arbiter.account },
      ),
      h.conditional,
      "TermsInvalid",
      [0],
    );
    expect(await h.optionSet(e)).to.deep.equal(before);
    expect(before.hashes.length).to.be.at.most(8);
    expect(new Set(before.hashes).size).to.equal(before.hashes.length);
    // From the epoch after, which nobody could have proposed for yet, they apply.
    await h.configure(
      defaultTerms(e + 1n, { options: ["a", "b", "c", "d", "e", "f", "g", "x"], maxProposed: 0 }),
    );
  });

  // Regular reveals for target e (from end(e) + reportWindow) move the records after the selection of
  // e is fixed: a decide that weighed them then would let its caller choose the weights.
  it("a decide after the report window reads no moved record: it defaults instead of weighing", async () => {
    const h = await conn.networkHelpers.loadFixture(timing);
    const [c1, c2] = h.candidates;
    const chainId = await h.publicClient.getChainId();
    // Regular forecasts for target D: c1 far off, c2 exact.
    const truth = [1000n, 5000n];
    const regular = new Map([
      [c1.id, [9000n, 100n]],
      [c2.id, truth],
    ]);
    const salt = (id: bigint) => keccak256(stringToHex(`timing-${id}`));
    for (const c of [c1, c2]) {
      const commitment = forecastCommitment({
        chainId,
        hub: h.hub.address,
        agreementId: h.agreementId,
        candidateId: c.id,
        targetEpoch: h.D,
        values: regular.get(c.id)!,
        salt: salt(c.id),
      });
      await h.wait(
        await h.hub.write.commitForecast([h.agreementId, c.id, h.D, commitment], { account: c.op.account }),
      );
    }
    // c1 (3 bond units) prefers option 1, c2 (1 unit) option 0.
    await h.warpTo(h.times(h.D).start);
    await h.commit(c1.id, row([1000n, 1500n, 0n]));
    await h.commit(c2.id, row([1500n, 1000n, 0n]));
    await h.warpTo(h.times(h.D).revealOpens);
    await h.reveal(c1.id);
    await h.reveal(c2.id);
    const snap = await h.networkHelpers.takeSnapshot();
    const early = await h.decide();
    await snap.restore();
    // The same epoch, decided once the regular reveals for target D are in.
    await h.report(h.D, truth);
    await h.warpTo(h.times(h.D).end + BigInt(h.x.params.reportWindow));
    for (const c of [c1, c2]) {
      await h.wait(
        await h.hub.write.revealForecast([h.agreementId, c.id, h.D, regular.get(c.id)!, salt(c.id)], {
          account: c.op.account,
        }),
      );
    }
    const late = await h.decide();
    expect([early.option, early.defaulted]).to.deep.equal([1, false]);
    expect([late.option, late.defaulted, late.explored]).to.deep.equal([0, true, false]);
  });

  it("at most 64 seats forecast one decision: the 65th eligible seat is refused a place", async () => {
    const h = await conn.networkHelpers.loadFixture(crowd);
    const F = row([1200n, 1100n, 1000n]);
    await h.warpTo(h.times(h.D).start);
    for (const c of h.candidates.slice(0, 64)) await h.commit(c.id, F);
    const last = h.candidates[64];
    expect((await h.hub.read.candidate([h.agreementId, last.id])).eligible).to.equal(true);
    const { commitment } = await h.commitmentOf(last.id, F);
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.conditional.write.commit([h.agreementId, h.D, last.id, commitment], { account: last.op.account }),
      h.conditional,
      "ForecasterLimitReached",
      [64n],
    );
    // A seat already placed may still re-commit.
    await h.commit(h.candidates[0].id, F);
    expect((await h.decision()).committed).to.equal(64);
  });

  it("onExecuted is refused from anyone but the hub's execution contract", async () => {
    const h = await load();
    const [c1] = h.candidates;
    await h.warpTo(h.times(h.D).start);
    await h.commit(c1.id, row([1200n, 1100n, 1000n]));
    await h.warpTo(h.times(h.D).revealOpens);
    await h.reveal(c1.id);
    await h.decide();
    for (const who of [h.wallets[16], h.arbiter, c1.op]) {
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.onExecuted([h.agreementId, h.D], { account: who.account }),
        h.conditional,
        "CallerNotExecution",
        [who.account.address],
      );
    }
    expect((await h.decision()).executed).to.equal(false);
  });
});
