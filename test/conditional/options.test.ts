/**
 * Proposed options: the bond is pulled at the proposal; at most `maxProposed` per epoch and 8 options
 * in all; no empty, oversized or duplicate label; at the decision a proposal's bond is owed back to
 * its proposer if its option was taken or is some revealed forecast's own best, and otherwise paid
 * into the agreement's treasury, every token accounted for; owed bonds are withdrawn once.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, parseEventLogs } from "viem";

import { bestOptionOf, recommend } from "../../oracle/scoring/conditional.js";
import { defaultTerms, deployConditional, WAD } from "../fixtures/conditional.js";
import type { Connection } from "../fixtures/hub.js";

const BOND = 10n * WAD;
const [P3, P4, P5] = [16, 17, 18];

const base = (conn: Connection) => deployConditional(conn);
/** Three proposal seats; candidates of 1 and 2 units. */
const three = (conn: Connection) => deployConditional(conn, { units: [1, 2], terms: { maxProposed: 3 } });

/** Stock above the floor everywhere, so J = catch: a forecaster's best is its largest catch. */
const row = (catches: bigint[]) => catches.map((c) => [c, 6000n]);

describe("conditional: proposed options", function () {
  this.timeout(300_000);
  let conn: Connection;
  before(async () => {
    conn = await network.create();
  });
  const load = () => conn.networkHelpers.loadFixture(base);

  it("pulls the bond, indexes after the fixed options, and refuses past maxProposed", async () => {
    const h = await load();
    const proposer = getAddress(h.wallets[P3].account.address);
    const before = await h.balance(proposer);
    const receipt = await h.propose("close the north bank", P3);
    const [ev] = parseEventLogs({ abi: h.conditional.abi, logs: receipt.logs, eventName: "OptionProposed" });
    expect(ev.args).to.deep.include({ epoch: h.D, index: 3, proposer, label: "close the north bank" });
    expect(before - (await h.balance(proposer))).to.equal(BOND);
    expect(await h.balance(h.conditional.address)).to.equal(BOND);
    await h.propose("open the south bank", P4);
    const { hashes, setHash } = await h.optionSet();
    expect(hashes.length).to.equal(5);
    expect(setHash).to.equal(
      h.setHashOf([...h.terms.options, "close the north bank", "open the south bank"]),
    );
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.conditional.write.proposeOption([h.agreementId, h.D, "a third"], { account: h.wallets[P5].account }),
      h.conditional,
      "OptionRefused",
      [5n, 2n],
    );
    // Another epoch has its own seats (proposed during the epoch before it).
    await h.warpTo(h.times(h.D).start);
    await h.propose("a third", P5, h.D + 1n);
  });

  it("refuses empty, oversized and duplicate labels; 256 bytes is fine", async () => {
    const h = await load();
    for (const label of ["", "x".repeat(257), h.terms.options[1]]) {
      await h.viem.assertions.revertWithCustomError(
        h.conditional.write.proposeOption([h.agreementId, h.D, label], { account: h.wallets[P3].account }),
        h.conditional,
        "OptionLabelInvalid",
      );
    }
    await h.propose("y".repeat(256), P3);
    await h.viem.assertions.revertWithCustomError(
      h.conditional.write.proposeOption([h.agreementId, h.D, "y".repeat(256)], {
        account: h.wallets[P4].account,
      }),
      h.conditional,
      "OptionLabelInvalid",
    );
    // Terms: duplicate fixed labels, more than 8 options in all.
    const e = h.D + 1n;
    for (const terms of [
      defaultTerms(e, { options: ["a", "b", "a"] }),
      defaultTerms(e, { options: ["a", "b", "c", "d", "e", "f", "g"], maxProposed: 2 }),
      defaultTerms(e, { options: ["1", "2", "3", "4", "5", "6", "7", "8", "9"], maxProposed: 0 }),
    ]) {
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.configure([h.agreementId, terms], { account: h.arbiter.account }),
        h.conditional,
        "TermsInvalid",
        [6],
      );
    }
    // Eight options in all is the cap: six fixed and two proposed.
    await h.configure(defaultTerms(e, { options: ["a", "b", "c", "d", "e", "f"], maxProposed: 2 }));
    await h.warpTo(h.times(h.D).start);
    await h.propose("g", P3, e);
    await h.propose("h", P4, e);
    expect((await h.optionSet(e)).hashes.length).to.equal(8);
    await h.viem.assertions.revertWithCustomErrorWithArgs(
      h.conditional.write.proposeOption([h.agreementId, e, "i"], { account: h.wallets[P5].account }),
      h.conditional,
      "OptionRefused",
      [8n, 2n],
    );
  });

  it("refunds a taken option and a supported one, pays an unsupported one to the treasury, conserving every token", async () => {
    const h = await conn.networkHelpers.loadFixture(three);
    const [c1, c2] = h.candidates;
    const T = h.token.address;
    const proposers = [P3, P4, P5].map((i) => h.wallets[i].account.address);
    const balancesBefore = await Promise.all(proposers.map((a) => h.balance(a)));
    const treasuryBefore = await h.hub.read.treasuryBalance([h.agreementId, T]);
    const hubBefore = await h.balance(h.hub.address);
    await h.propose("close the north bank", P3); // 3: c2's own best
    await h.propose("compromise", P4); // 4: the weighted mean's best
    await h.propose("nobody wants this", P5); // 5: nobody's best
    expect(await h.balance(h.conditional.address)).to.equal(3n * BOND);
    // c1 prefers 0, c2 prefers 3; the mean prefers 4 (900 against at most 2/3 of 1000).
    const f1 = row([1000n, 0n, 0n, 0n, 900n, 0n]);
    const f2 = row([0n, 0n, 0n, 1000n, 900n, 0n]);
    await h.warpTo(h.times(h.D).start);
    await h.commit(c1.id, f1);
    await h.commit(c2.id, f2);
    await h.warpTo(h.times(h.D).revealOpens);
    await h.reveal(c1.id);
    await h.reveal(c2.id);
    const objective = h.objective();
    expect([bestOptionOf(f1, objective), bestOptionOf(f2, objective)]).to.deep.equal([0, 3]);
    const decided = await h.decide();
    expect(decided.option).to.equal(4);
    const twin = recommend({
      revealers: await h.revealers(),
      eta: h.terms.eta,
      objective,
      nOptions: 6,
      nMetrics: 2,
    });
    expect(twin.option).to.equal(4);
    const settled = parseEventLogs({
      abi: h.conditional.abi,
      logs: decided.receipt.logs,
      eventName: "OptionBondSettled",
    }).map((e) => [e.args.index, e.args.refunded]);
    expect(settled).to.deep.equal([
      [3, true],
      [4, true],
      [5, false],
    ]);
    expect(await h.conditional.read.owed([proposers[0], T])).to.equal(BOND);
    expect(await h.conditional.read.owed([proposers[1], T])).to.equal(BOND);
    expect(await h.conditional.read.owed([proposers[2], T])).to.equal(0n);
    expect((await h.hub.read.treasuryBalance([h.agreementId, T])) - treasuryBefore).to.equal(BOND);
    expect((await h.balance(h.hub.address)) - hubBefore).to.equal(BOND);
    expect(await h.balance(h.conditional.address)).to.equal(2n * BOND);
    for (const i of [0, 1]) {
      await h.viem.assertions.emitWithArgs(
        h.conditional.write.withdraw([T], { account: h.wallets[[P3, P4][i]].account }),
        h.conditional,
        "Withdrawn",
        [proposers[i], T, BOND],
      );
    }
    for (const i of [P3, P5]) {
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.withdraw([T], { account: h.wallets[i].account }),
        h.conditional,
        "NothingOwed",
        [h.wallets[i].account.address, T],
      );
    }
    expect(await h.balance(h.conditional.address)).to.equal(0n);
    const balancesAfter = await Promise.all(proposers.map((a) => h.balance(a)));
    expect(balancesAfter.map((b, i) => balancesBefore[i] - b)).to.deep.equal([0n, 0n, BOND]);
  });
});
