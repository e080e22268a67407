/**
 * Execution state machine (proposal, challenge, finalization): who may propose when, what a proposal must bind,
 * and the challenge → ruling → finalize/expire transitions, each time edge at t−1, t and t+1.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { encodePacked, getAddress, keccak256, stringToHex, toHex, zeroHash, type Hex } from "viem";

import {
  addAgreement,
  at,
  challengeTx,
  clock,
  deadlines,
  deployExecution,
  finalizeTx,
  fund,
  OUTSIDER,
  CHALLENGER,
  prepareTransition,
  propose,
  qualify,
  registerCandidates,
  ruleTx,
  sendProposal,
  Status,
  warpTo,
  windows,
  WAD,
  type Candidate,
  type ExecFixture,
} from "../fixtures/execution.js";
import type { Connection } from "../fixtures/hub.js";

/**
 * Two candidates with minScored 0, scored once (a never-scored candidate never executes): from
 * epoch E on, the executor is 1 and the fallback 2 (candidate 1 forecast better).
 */
async function twoCandidates(conn: Connection) {
  const x = await deployExecution(conn);
  const [c1, c2] = await registerCandidates(x, 2);
  await fund(x, x.treasuryToken.address, 5_000n * WAD);
  const E = await qualify(x, [c1, c2]);
  return { x, c1, c2, E };
}

describe("execution: who may propose, and when", () => {
  let conn: Connection;
  before(async () => {
    conn = await network.create();
  });
  const load = () => conn.networkHelpers.loadFixture(twoCandidates);

  const closed = async (x: ExecFixture, c: Candidate, e: bigint, t: bigint) => {
    const w = windows(x, e);
    await at(x, t);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c, e)),
      x.execution,
      "ProposalWindowClosed",
      [e, w.opens, w.closes],
    );
  };

  it("rejects the executor's proposal at end(e) − 1 (the epoch's inputs are still open)", async () => {
    const { x, c1, E } = await load();
    await closed(x, c1, E, windows(x, E).opens - 1n);
  });

  for (const offset of [0n, 1n]) {
    it(`accepts the executor's proposal at end(e) + ${offset} and emits the full transition`, async () => {
      const { x, c1, E } = await load();
      const p = await prepareTransition(x, c1, E);
      await at(x, windows(x, E).opens + offset);
      await x.viem.assertions.emitWithArgs(sendProposal(x, p), x.execution, "TransitionProposed", [
        x.agreementId,
        E,
        c1.id,
        zeroHash,
        zeroHash,
        p.newStateHash,
        p.manifestHash,
        p.newState,
        [],
        p.manifest,
        c1.spec,
      ]);
      const live = await x.execution.read.proposal([x.agreementId]);
      expect(live.status).to.equal(Status.Proposed);
      expect(live.candidateId).to.equal(c1.id);
      expect(live.proposedAt).to.equal(windows(x, E).opens + offset);
    });
  }

  it("the executor may propose until end(e) + W − 1; from end(e) + W only the fallback may", async () => {
    const { x, c1, c2, E } = await load();
    const w = windows(x, E);
    const snap = await x.networkHelpers.takeSnapshot();
    await at(x, w.second - 1n);
    await sendProposal(x, await prepareTransition(x, c1, E));
    await snap.restore();
    await at(x, w.second);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c1, E)),
      x.execution,
      "CallerNotProposer",
      [c2.id, c1.op.account.address],
    );
  });

  it("the fallback may not propose in the first window", async () => {
    const { x, c1, c2, E } = await load();
    for (const t of [windows(x, E).opens, windows(x, E).second - 1n]) {
      await at(x, t);
      await x.viem.assertions.revertWithCustomErrorWithArgs(
        sendProposal(x, await prepareTransition(x, c2, E)),
        x.execution,
        "CallerNotProposer",
        [c1.id, c2.op.account.address],
      );
    }
  });

  for (const offset of [0n, 1n]) {
    it(`the fallback proposes at end(e) + W + ${offset} when the executor did not`, async () => {
      const { x, c2, E } = await load();
      await at(x, windows(x, E).second + offset);
      await propose(x, c2, E);
      expect((await x.execution.read.proposal([x.agreementId])).candidateId).to.equal(c2.id);
    });
  }

  it("the second window closes at end(e) + 2W: fallback accepted at −1, rejected at 0 and +1", async () => {
    const { x, c2, E } = await load();
    const w = windows(x, E);
    const snap = await x.networkHelpers.takeSnapshot();
    await at(x, w.closes - 1n);
    await propose(x, c2, E);
    await snap.restore();
    await closed(x, c2, E, w.closes);
    await snap.restore();
    await closed(x, c2, E, w.closes + 1n);
  });

  it("nobody but the proposer's operator may propose (CallerNotProposer)", async () => {
    const { x, c1, E } = await load();
    await at(x, windows(x, E).opens);
    const outsider = x.wallets[OUTSIDER];
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c1, E), outsider),
      x.execution,
      "CallerNotProposer",
      [c1.id, outsider.account.address],
    );
  });

  it("a rotated operator key proposes; the old key no longer can", async () => {
    const { x, c1, E } = await load();
    const newOp = x.wallets[OUTSIDER];
    await x.hub.write.setOperator([x.agreementId, c1.id, newOp.account.address], { account: c1.op.account });
    await at(x, windows(x, E).opens);
    const p = await prepareTransition(x, c1, E);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, p),
      x.execution,
      "CallerNotProposer",
      [c1.id, c1.op.account.address],
    );
    await sendProposal(x, p, newOp);
  });

  it("an epoch without an eligible candidate has no executor (NoExecutor)", async () => {
    const { x, c1 } = await load();
    const empty = await addAgreement(x);
    await warpTo(empty, windows(empty, 0n).opens);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(empty, await prepareTransition(empty, c1, 0n)),
      x.execution,
      "NoExecutor",
      [0n],
    );
  });

  // Regression: both proposal windows must close by the time the epoch's selection can no longer be
  // fixed, so creation rejects 2·executionWindow > reportWindow + revealWindow (otherwise a proposal
  // inside its own window could revert with SelectionWindowClosed).
  it("rejects an execution window longer than the selection window allows", async () => {
    const { x } = await load();
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      addAgreement(x, {
        reportWindow: 300,
        revealWindow: 300,
        executionWindow: 301,
        challengePeriod: 900,
        rulingPeriod: 600,
      }),
      x.hub,
      "AgreementParameterInvalid",
      [6],
    );
  });

  it("with one candidate there is no fallback: the second window has no proposer", async () => {
    const { x } = await load();
    const solo = await addAgreement(x);
    const [only] = await registerCandidates(solo, 1, { first: 9 });
    const Es = await qualify(solo, [only]);
    await warpTo(solo, windows(solo, Es).second);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(solo, await prepareTransition(solo, only, Es)),
      x.execution,
      "NoExecutor",
      [Es],
    );
  });
});

describe("execution: what a proposal must bind", () => {
  let conn: Connection;
  before(async () => {
    conn = await network.create();
  });
  const load = () => conn.networkHelpers.loadFixture(twoCandidates);

  it("rejects a prevStateHash that is not the current state (StateHashStale)", async () => {
    const { x, c1, E } = await load();
    await warpTo(x, windows(x, E).opens);
    const bogus = keccak256(stringToHex("not the state"));
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c1, E, { prevStateHash: bogus })),
      x.execution,
      "StateHashStale",
      [bogus, zeroHash],
    );
  });

  it("after a finalized transition, a proposal built on the old state is stale", async () => {
    const { x, c1, E } = await load();
    await warpTo(x, windows(x, E).opens);
    const p0 = await propose(x, c1, E);
    await warpTo(x, deadlines(x, BigInt(await x.networkHelpers.time.latest())).challengeEnds);
    await finalizeTx(x, p0);
    expect(await x.execution.read.stateHash([x.agreementId])).to.equal(p0.newStateHash);
    await warpTo(x, windows(x, E + 1n).opens);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c1, E + 1n, { prevStateHash: zeroHash })),
      x.execution,
      "StateHashStale",
      [zeroHash, p0.newStateHash],
    );
    // Built on the new state it goes through.
    const p1 = await propose(x, c1, E + 1n);
    expect(p1.prevStateHash).to.equal(p0.newStateHash);
  });

  it("rejects an inputsHash read before a later input of the epoch (InputsHashMismatch)", async () => {
    const { x, c1, E } = await load();
    const alice = x.wallets[CHALLENGER];
    const dataA = stringToHex("report: 12 boats out");
    await x.hub.write.submitInput([x.agreementId, dataA], { account: alice.account });
    const headA = keccak256(
      encodePacked(["bytes32", "address", "bytes"], [zeroHash, alice.account.address, dataA]),
    );
    expect(await x.hub.read.inputsHeadAt([x.agreementId, E])).to.equal(headA);
    // The node read headA; another input lands before the epoch closes, at end(0) − 1.
    const dataB = stringToHex("proposal: close the bay");
    await at(x, clock(x).end(E) - 1n);
    await x.hub.write.submitInput([x.agreementId, dataB], { account: alice.account });
    const headB = keccak256(
      encodePacked(["bytes32", "address", "bytes"], [headA, alice.account.address, dataB]),
    );
    await warpTo(x, windows(x, E).opens);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c1, E, { inputsHash: headA })),
      x.execution,
      "InputsHashMismatch",
      [headA, headB],
    );
    const p = await propose(x, c1, E);
    expect(p.inputsHash).to.equal(headB);
  });

  it("an input at end(e) belongs to e + 1: binding it in e's transition is rejected", async () => {
    const { x, c1, E } = await load();
    const alice = x.wallets[CHALLENGER];
    const data = stringToHex("late input");
    await at(x, clock(x).end(E));
    await x.hub.write.submitInput([x.agreementId, data], { account: alice.account });
    const late = keccak256(
      encodePacked(["bytes32", "address", "bytes"], [zeroHash, alice.account.address, data]),
    );
    expect((await x.hub.read.epochInputs([x.agreementId, E + 1n]))[1]).to.equal(1);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c1, E, { inputsHash: late })),
      x.execution,
      "InputsHashMismatch",
      [late, zeroHash],
    );
  });

  it("inputs roll over: epoch E + 1's transition must bind epoch E's unexecuted inputs too", async () => {
    const { x, c1, E } = await load();
    const alice = x.wallets[CHALLENGER];
    const data0 = stringToHex("epoch-0 input");
    await x.hub.write.submitInput([x.agreementId, data0], { account: alice.account });
    const head0 = keccak256(
      encodePacked(["bytes32", "address", "bytes"], [zeroHash, alice.account.address, data0]),
    );
    // Nobody executes epoch E; epoch E + 1 has its own input.
    await warpTo(x, clock(x).start(E + 1n) + 5n);
    const data1 = stringToHex("epoch-1 input");
    await x.hub.write.submitInput([x.agreementId, data1], { account: alice.account });
    const head1 = keccak256(
      encodePacked(["bytes32", "address", "bytes"], [head0, alice.account.address, data1]),
    );
    // Omitting epoch E's input: a chain that starts from zero at epoch E + 1.
    const omitted = keccak256(
      encodePacked(["bytes32", "address", "bytes"], [zeroHash, alice.account.address, data1]),
    );
    await warpTo(x, windows(x, E + 1n).opens);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c1, E + 1n, { inputsHash: omitted })),
      x.execution,
      "InputsHashMismatch",
      [omitted, head1],
    );
    expect((await propose(x, c1, E + 1n)).inputsHash).to.equal(head1);
  });

  it("rejects a spec whose hash is not the candidate's specHash (SpecHashMismatch)", async () => {
    const { x, c1, c2, E } = await load();
    await warpTo(x, windows(x, E).opens);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c1, E, { spec: c2.spec })),
      x.execution,
      "SpecHashMismatch",
      [c2.specHash, c1.specHash],
    );
  });

  it("state and manifest: empty and one byte over the cap rejected, exactly at the cap accepted", async () => {
    const { x, c1, E } = await load();
    await warpTo(x, windows(x, E).opens);
    const bytes = (n: number): Hex => toHex(new Uint8Array(n).fill(0x7b));
    const cases: [string, { newState?: Hex; manifest?: Hex }, number, number][] = [
      ["newState", { newState: "0x" }, 0, 24_576],
      ["newState", { newState: bytes(24_577) }, 24_577, 24_576],
      ["manifest", { manifest: "0x" }, 0, 49_152],
      ["manifest", { manifest: bytes(49_153) }, 49_153, 49_152],
    ];
    for (const [what, opts, size, max] of cases) {
      await x.viem.assertions.revertWithCustomErrorWithArgs(
        sendProposal(x, await prepareTransition(x, c1, E, opts)),
        x.execution,
        "TransitionDataInvalid",
        [what, BigInt(size), BigInt(max)],
      );
    }
    await propose(x, c1, E, { newState: bytes(24_576), manifest: bytes(49_152) });
  });

  it("spec: empty or over 8192 bytes is rejected even when it matches the specHash", async () => {
    const { x } = await load();
    const a = await addAgreement(x);
    const big = toHex(new Uint8Array(8_193).fill(0x20));
    const ops = [x.wallets[9], x.wallets[10]];
    const cands: Candidate[] = [];
    for (const [i, spec] of [big, "0x" as Hex].entries()) {
      const specHash = keccak256(spec);
      await a.hub.write.registerCandidate(
        [a.agreementId, specHash, a.params.minBond, ops[i].account.address],
        {
          account: ops[i].account,
        },
      );
      cands.push({ id: BigInt(i + 1), op: ops[i], spec, specHash });
    }
    const Ea = await qualify(a, cands);
    await warpTo(a, windows(a, Ea).opens);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(a, await prepareTransition(a, cands[0], Ea)),
      x.execution,
      "TransitionDataInvalid",
      ["spec", 8_193n, 8_192n],
    );
    await warpTo(a, windows(a, Ea).second);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(a, await prepareTransition(a, cands[1], Ea)),
      x.execution,
      "TransitionDataInvalid",
      ["spec", 0n, 8_192n],
    );
  });

  it("one proposal per proposer and epoch (TransitionAlreadyProposed)", async () => {
    const { x, c1, c2, E } = await load();
    await warpTo(x, windows(x, E).opens);
    await propose(x, c1, E);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c1, E, { state: { again: true } })),
      x.execution,
      "TransitionAlreadyProposed",
      [E, Status.Proposed],
    );
    // The fallback cannot replace a live proposal in the second window either.
    await warpTo(x, windows(x, E).second);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c2, E)),
      x.execution,
      "TransitionAlreadyProposed",
      [E, Status.Proposed],
    );
  });

  it("an unsettled transition blocks the next epoch's proposal (TransitionPending)", async () => {
    const { x, c1, E } = await load();
    await warpTo(x, windows(x, E).opens);
    const p0 = await propose(x, c1, E);
    await challengeTx(x, E);
    await ruleTx(x, E, true);
    await warpTo(x, windows(x, E + 1n).opens);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c1, E + 1n)),
      x.execution,
      "TransitionPending",
      [E, Status.Upheld],
    );
    await finalizeTx(x, p0);
    await propose(x, c1, E + 1n);
  });
});

describe("execution: challenge, ruling, expiry and finalization", () => {
  let conn: Connection;
  before(async () => {
    conn = await network.create();
  });

  /** Executor 1 proposed epoch E (its first executable epoch) at end(E) + 10. */
  async function proposed(c: Connection) {
    const base = await twoCandidates(c);
    const proposedAt = windows(base.x, base.E).opens + 10n;
    await at(base.x, proposedAt);
    const p = await propose(base.x, base.c1, base.E);
    return { ...base, p, proposedAt, ...deadlines(base.x, proposedAt) };
  }
  const load = () => conn.networkHelpers.loadFixture(proposed);

  it("finalize: ChallengePeriodActive at endsAt − 1; succeeds at endsAt", async () => {
    const { x, p, c1, challengeEnds, E } = await load();
    await at(x, challengeEnds - 1n);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      finalizeTx(x, p),
      x.execution,
      "ChallengePeriodActive",
      [E, challengeEnds],
    );
    await at(x, challengeEnds);
    await x.viem.assertions.emitWithArgs(finalizeTx(x, p), x.execution, "TransitionFinalized", [
      x.agreementId,
      E,
      c1.id,
      p.newStateHash,
    ]);
    expect(await x.execution.read.stateHash([x.agreementId])).to.equal(p.newStateHash);
    expect((await x.execution.read.proposal([x.agreementId])).status).to.equal(Status.Finalized);
  });

  it("finalize at endsAt + 1 succeeds, and never twice (TransitionStatusInvalid)", async () => {
    const { x, p, challengeEnds, E } = await load();
    await at(x, challengeEnds + 1n);
    await finalizeTx(x, p);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      finalizeTx(x, p),
      x.execution,
      "TransitionStatusInvalid",
      [E, Status.Finalized],
    );
  });

  it("finalize must repeat the proposal's state, manifest and actions (ProposalDataMismatch)", async () => {
    const { x, p, challengeEnds, E } = await load();
    await warpTo(x, challengeEnds);
    const other = keccak256(stringToHex("other"));
    for (const bad of [
      { ...p, newStateHash: other },
      { ...p, manifestHash: other },
      { ...p, actions: [{ token: x.treasuryToken.address, to: x.wallets[13].account.address, amount: 1n }] },
    ]) {
      await x.viem.assertions.revertWithCustomErrorWithArgs(
        finalizeTx(x, bad),
        x.execution,
        "ProposalDataMismatch",
        [E],
      );
    }
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      finalizeTx(x, { ...p, epoch: E + 1n }),
      x.execution,
      "TransitionStatusInvalid",
      [E + 1n, Status.Proposed],
    );
  });

  it("challenge: accepted until endsAt − 1, also from a second challenger; ChallengePeriodOver at endsAt and + 1", async () => {
    const { x, challengeEnds, E } = await load();
    const first = x.wallets[CHALLENGER];
    const second = x.wallets[OUTSIDER];
    const snap = await x.networkHelpers.takeSnapshot();
    for (const t of [challengeEnds, challengeEnds + 1n]) {
      await at(x, t);
      await x.viem.assertions.revertWithCustomErrorWithArgs(
        challengeTx(x, E),
        x.execution,
        "ChallengePeriodOver",
        [E, challengeEnds],
      );
    }
    await snap.restore();
    await at(x, challengeEnds - 2n);
    await challengeTx(x, E, first);
    await at(x, challengeEnds - 1n);
    await x.viem.assertions.emitWithArgs(challengeTx(x, E, second), x.execution, "TransitionChallenged", [
      x.agreementId,
      E,
      second.account.address,
      x.params.challengeBond,
    ]);
    const live = await x.execution.read.proposal([x.agreementId]);
    expect(live.status).to.equal(Status.Challenged);
    expect(live.challenges).to.deep.equal([
      { challenger: getAddress(first.account.address), bond: x.params.challengeBond },
      { challenger: getAddress(second.account.address), bond: x.params.challengeBond },
    ]);
    expect(await x.token.read.balanceOf([x.execution.address])).to.equal(2n * x.params.challengeBond);
    await at(x, challengeEnds);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      challengeTx(x, E, x.wallets[15]),
      x.execution,
      "ChallengePeriodOver",
      [E, challengeEnds],
    );
  });

  it("each address challenges once (AlreadyChallenged); the ninth challenger is ChallengerLimitReached", async () => {
    const { x, c2, E } = await load();
    await challengeTx(x, E);
    const again = x.wallets[CHALLENGER];
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      challengeTx(x, E, again),
      x.execution,
      "AlreadyChallenged",
      [E, getAddress(again.account.address)],
    );
    // The fallback's operator may challenge the executor's transition; so may reporters and payees.
    for (const w of [c2.op, x.wallets[1], x.wallets[2], x.wallets[13], x.wallets[14], x.wallets[15]]) {
      await challengeTx(x, E, w);
    }
    await challengeTx(x, E, x.wallets[OUTSIDER]);
    expect((await x.execution.read.proposal([x.agreementId])).challenges).to.have.length(8);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      challengeTx(x, E, x.wallets[17]),
      x.execution,
      "ChallengerLimitReached",
      [E, 8n],
    );
  });

  it("nobody may join a challenge once it is ruled (TransitionStatusInvalid)", async () => {
    const { x, E } = await load();
    await challengeTx(x, E);
    await ruleTx(x, E, true);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      challengeTx(x, E, x.wallets[OUTSIDER]),
      x.execution,
      "TransitionStatusInvalid",
      [E, Status.Upheld],
    );
  });

  it("challenge of another epoch or of nothing is TransitionStatusInvalid", async () => {
    const { x, E } = await load();
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      challengeTx(x, E + 1n),
      x.execution,
      "TransitionStatusInvalid",
      [E + 1n, Status.Proposed],
    );
    const fresh = await addAgreement(x);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      challengeTx(fresh, 0n),
      x.execution,
      "TransitionStatusInvalid",
      [0n, Status.None],
    );
  });

  it("a challenged transition cannot be finalized", async () => {
    const { x, p, challengeEnds, E } = await load();
    await challengeTx(x, E);
    await warpTo(x, challengeEnds);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      finalizeTx(x, p),
      x.execution,
      "TransitionStatusInvalid",
      [E, Status.Challenged],
    );
  });

  it("only the arbiter rules (CallerNotArbiter), and only on a challenged proposal", async () => {
    const { x, E } = await load();
    const outsider = x.wallets[OUTSIDER];
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      ruleTx(x, E, true),
      x.execution,
      "TransitionStatusInvalid",
      [E, Status.Proposed],
    );
    await challengeTx(x, E);
    for (const upheld of [true, false]) {
      await x.viem.assertions.revertWithCustomErrorWithArgs(
        ruleTx(x, E, upheld, outsider),
        x.execution,
        "CallerNotArbiter",
        [outsider.account.address],
      );
    }
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      ruleTx(x, E, true, x.wallets[CHALLENGER]),
      x.execution,
      "CallerNotArbiter",
      [x.wallets[CHALLENGER].account.address],
    );
  });

  for (const upheld of [true, false]) {
    it(`ruling (${upheld ? "uphold" : "reject"}): accepted at deadline − 1, RulingPeriodOver at deadline and + 1`, async () => {
      const { x, rulingDeadline, E } = await load();
      await challengeTx(x, E);
      const snap = await x.networkHelpers.takeSnapshot();
      for (const t of [rulingDeadline, rulingDeadline + 1n]) {
        await at(x, t);
        await x.viem.assertions.revertWithCustomErrorWithArgs(
          ruleTx(x, E, upheld),
          x.execution,
          "RulingPeriodOver",
          [E, rulingDeadline],
        );
      }
      await snap.restore();
      await at(x, rulingDeadline - 1n);
      await x.viem.assertions.emitWithArgs(ruleTx(x, E, upheld), x.execution, "TransitionRuled", [
        x.agreementId,
        E,
        upheld,
        upheld ? 0n : x.params.rejectPenalty,
      ]);
      expect((await x.execution.read.proposal([x.agreementId])).status).to.equal(
        upheld ? Status.Upheld : Status.Rejected,
      );
      // A second ruling is impossible.
      await x.viem.assertions.revertWithCustomErrorWithArgs(
        ruleTx(x, E, !upheld),
        x.execution,
        "TransitionStatusInvalid",
        [E, upheld ? Status.Upheld : Status.Rejected],
      );
    });
  }

  it("an upheld transition is finalized at once, without waiting for the challenge period", async () => {
    const { x, p, c1, E } = await load();
    await challengeTx(x, E);
    await ruleTx(x, E, true);
    await finalizeTx(x, p);
    expect(await x.execution.read.stateHash([x.agreementId])).to.equal(p.newStateHash);
    expect((await x.hub.read.candidate([x.agreementId, c1.id])).executions).to.equal(1);
  });

  it("a rejected transition leaves the state unchanged and cannot be finalized", async () => {
    const { x, p, E } = await load();
    await challengeTx(x, E);
    await ruleTx(x, E, false);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      finalizeTx(x, p),
      x.execution,
      "TransitionStatusInvalid",
      [E, Status.Rejected],
    );
    expect(await x.execution.read.stateHash([x.agreementId])).to.equal(zeroHash);
  });

  it("lapseChallenge: RulingPeriodActive at deadline − 1; at the deadline the challenge lapses and half the bond is owed back", async () => {
    const { x, rulingDeadline, E } = await load();
    const challenger = x.wallets[CHALLENGER].account.address;
    const lapse = () =>
      x.execution.write.lapseChallenge([x.agreementId, E], { account: x.wallets[OUTSIDER].account });
    await x.viem.assertions.revertWithCustomErrorWithArgs(lapse(), x.execution, "TransitionStatusInvalid", [
      E,
      Status.Proposed,
    ]);
    await challengeTx(x, E);
    await at(x, rulingDeadline - 1n);
    await x.viem.assertions.revertWithCustomErrorWithArgs(lapse(), x.execution, "RulingPeriodActive", [
      E,
      rulingDeadline,
    ]);
    await at(x, rulingDeadline);
    const half = x.params.challengeBond / 2n;
    await x.viem.assertions.emitWithArgs(lapse(), x.execution, "ChallengeLapsed", [
      x.agreementId,
      E,
      x.params.challengeBond - half,
    ]);
    expect((await x.execution.read.proposal([x.agreementId])).status).to.equal(Status.Lapsed);
    expect(await x.execution.read.owed([challenger, x.token.address])).to.equal(half);
    await x.viem.assertions.revertWithCustomErrorWithArgs(lapse(), x.execution, "TransitionStatusInvalid", [
      E,
      Status.Lapsed,
    ]);
    // The arbiter can no longer rule on it either.
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      ruleTx(x, E, false),
      x.execution,
      "TransitionStatusInvalid",
      [E, Status.Lapsed],
    );
  });

  it("a lapsed transition stands: it is finalized like an upheld one, and no penalty is taken", async () => {
    const { x, p, c1, rulingDeadline, E } = await load();
    await challengeTx(x, E);
    await at(x, rulingDeadline + 1n);
    await x.execution.write.lapseChallenge([x.agreementId, E]);
    expect((await x.hub.read.candidate([x.agreementId, c1.id])).bond).to.equal(x.params.minBond);
    await x.viem.assertions.emitWithArgs(finalizeTx(x, p), x.execution, "TransitionFinalized", [
      x.agreementId,
      E,
      c1.id,
      p.newStateHash,
    ]);
    expect(await x.execution.read.stateHash([x.agreementId])).to.equal(p.newStateHash);
    expect((await x.hub.read.candidate([x.agreementId, c1.id])).executions).to.equal(1);
  });

  it("while challenged the fallback waits; once lapsed the transition blocks the next epoch until finalized", async () => {
    const { x, p, c1, c2, rulingDeadline, E } = await load();
    await challengeTx(x, E);
    await at(x, windows(x, E).second);
    // Still challenged in the fallback window: the fallback may not propose.
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c2, E)),
      x.execution,
      "TransitionAlreadyProposed",
      [E, Status.Challenged],
    );
    await warpTo(x, rulingDeadline);
    await x.execution.write.lapseChallenge([x.agreementId, E]);
    await warpTo(x, windows(x, E + 1n).opens);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c1, E + 1n)),
      x.execution,
      "TransitionPending",
      [E, Status.Lapsed],
    );
    await finalizeTx(x, p);
    await propose(x, c1, E + 1n);
  });

  it("after a rejection past end(e) + 2W the fallback may propose until end(e) + L − C − R, and settles before end(e + 1)", async () => {
    const { x, c1, c2, E } = await load();
    const w = windows(x, E);
    const late = w.opens + BigInt(x.params.epochLength - x.params.challengePeriod - x.params.rulingPeriod);
    expect(late > w.closes).to.equal(true);
    await challengeTx(x, E);
    await at(x, w.closes);
    await ruleTx(x, E, false);
    const snap = await x.networkHelpers.takeSnapshot();
    // The executor gets no second try in the late window.
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c1, E, { state: { retry: true } })),
      x.execution,
      "CallerNotProposer",
      [c2.id, c1.op.account.address],
    );
    await at(x, late - 1n);
    const p2 = await propose(x, c2, E, { state: { by: "fallback" } });
    const { rulingDeadline, challengeEnds } = deadlines(x, late - 1n);
    expect(rulingDeadline < windows(x, E + 1n).opens).to.equal(true);
    await warpTo(x, challengeEnds);
    await finalizeTx(x, p2);
    await snap.restore();
    await at(x, late);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c2, E)),
      x.execution,
      "ProposalWindowClosed",
      [E, w.opens, late],
    );
  });

  it("without a rejected executor's transition the fallback's window still closes at end(e) + 2W", async () => {
    const { x, c2, E } = await load();
    const w = windows(x, E);
    // The executor's transition is challenged but not yet ruled on when the window closes.
    await challengeTx(x, E);
    await at(x, w.closes);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c2, E)),
      x.execution,
      "ProposalWindowClosed",
      [E, w.opens, w.closes],
    );
  });

  it("after a rejection in the first window: the executor may not retry; the fallback waits for the second", async () => {
    const { x, c1, c2, E } = await load();
    await challengeTx(x, E);
    await ruleTx(x, E, false);
    const w = windows(x, E);
    for (const c of [c1, c2]) {
      await x.viem.assertions.revertWithCustomErrorWithArgs(
        sendProposal(x, await prepareTransition(x, c, E, { state: { retry: true } })),
        x.execution,
        "TransitionAlreadyProposed",
        [E, Status.Rejected],
      );
    }
    await at(x, w.second);
    const p2 = await propose(x, c2, E, { state: { by: "fallback" } });
    // The fallback's proposal rejected too: nobody else may propose this epoch.
    await challengeTx(x, E);
    await ruleTx(x, E, false);
    await x.viem.assertions.revertWithCustomErrorWithArgs(
      sendProposal(x, await prepareTransition(x, c2, E, { state: { third: true } })),
      x.execution,
      "TransitionAlreadyProposed",
      [E, Status.Rejected],
    );
    expect(p2.prevStateHash).to.equal(zeroHash);
  });
});
