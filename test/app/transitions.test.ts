/** When the app offers to challenge or finalize a transition: the execution contract's conditions. */
import { expect } from "chai";

import { canChallenge, canFinalize, statusWord } from "../../app/src/lib/transitions.js";
import { transitionStatusNames } from "../../oracle/protocol/generated.js";

/** The execution contract's Status members, numbered as the compiler numbers them. */
const STATUS = Object.fromEntries(transitionStatusNames.map((name, i) => [name, i])) as Record<
  (typeof transitionStatusNames)[number],
  number
>;
const period = 600n;
const t = { epoch: 3n, candidateId: 2n };
const live = (
  status: number,
  over: Partial<{ epoch: bigint; candidateId: bigint; challengeOpensAt: bigint }> = {},
) => ({
  epoch: 3n,
  candidateId: 2n,
  proposedAt: 10_000n,
  challengeOpensAt: 10_000n,
  status,
  ...over,
});

describe("app: transition actions", () => {
  it("a proposal can be challenged until its challenge period ends, then finalized", () => {
    const p = live(STATUS.Proposed);
    expect(canChallenge(t, p, period, 10_599n)).to.equal(true);
    expect(canFinalize(t, p, period, 10_599n)).to.equal(false);
    expect(canChallenge(t, p, period, 10_600n)).to.equal(false);
    expect(canFinalize(t, p, period, 10_600n)).to.equal(true);
  });

  it("a challenged one can be joined by more challengers in the period, and is never finalized before a ruling", () => {
    const p = live(STATUS.Challenged);
    expect(canChallenge(t, p, period, 10_000n)).to.equal(true);
    expect(canFinalize(t, p, period, 10_000n)).to.equal(false);
    expect(canFinalize(t, p, period, 99_999n)).to.equal(false);
  });

  it("upheld and lapsed ones can be finalized at once; rejected and finalized ones neither", () => {
    expect(canFinalize(t, live(STATUS.Upheld), period, 10_001n)).to.equal(true);
    expect(canFinalize(t, live(STATUS.Lapsed), period, 10_001n)).to.equal(true);
    for (const s of [STATUS.Rejected, STATUS.Finalized]) {
      expect(canFinalize(t, live(s), period, 20_000n)).to.equal(false);
      expect(canChallenge(t, live(s), period, 10_001n)).to.equal(false);
    }
  });

  it("under a jury: nothing while it votes; the challenge period runs from the vote's end", () => {
    const voting = live(STATUS.Voting, { challengeOpensAt: 10_300n });
    expect(canChallenge(t, voting, period, 10_400n)).to.equal(false);
    expect(canFinalize(t, voting, period, 99_999n)).to.equal(false);
    const accepted = live(STATUS.Proposed, { challengeOpensAt: 10_300n });
    expect(canChallenge(t, accepted, period, 10_299n)).to.equal(false);
    expect(canChallenge(t, accepted, period, 10_899n)).to.equal(true);
    expect(canFinalize(t, accepted, period, 10_899n)).to.equal(false);
    expect(canFinalize(t, accepted, period, 10_900n)).to.equal(true);
  });

  it("only the live proposal: another epoch or another candidate's proposal offers nothing", () => {
    for (const other of [live(STATUS.Proposed, { epoch: 4n }), live(STATUS.Proposed, { candidateId: 1n })]) {
      expect(canChallenge(t, other, period, 10_001n)).to.equal(false);
      expect(canFinalize(t, other, period, 20_000n)).to.equal(false);
    }
  });

  it("status words as the CLI's, a pending one shown as proposed", () => {
    expect(statusWord("pending")).to.equal("proposed");
    expect(statusWord("lapsed")).to.equal("lapsed");
  });
});
