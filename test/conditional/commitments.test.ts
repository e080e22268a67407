/**
 * Conditional forecasts: what a commitment binds (chain, contract, agreement, epoch, candidate and
 * the epoch's option set), who may commit, and the exact edges of every window of a decision epoch
 * (proposals, commits, reveals, the decision), each at t − 1 and t.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { encodeAbiParameters, keccak256, stringToHex, zeroHash } from "viem";

import { CONDITIONAL_COMMIT_TAG } from "../../oracle/scoring/conditional.js";
import { deployConditional } from "../fixtures/conditional.js";
import type { Connection } from "../fixtures/hub.js";

/** Three fixed options × (catch, stock). */
const F1 = [
  [1200n, 5200n],
  [1100n, 5600n],
  [1300n, 4700n],
];
const F2 = [
  [1250n, 5100n],
  [1000n, 5900n],
  [1400n, 4500n],
];

const base = (conn: Connection) => deployConditional(conn);

describe("conditional: commitments and windows", function () {
  this.timeout(300_000);
  let conn: Connection;
  before(async () => {
    conn = await network.create();
  });
  const load = () => conn.networkHelpers.loadFixture(base);

  describe("a commitment binds", () => {
    it("the contract's commitment is the twin's, over every field", async () => {
      const h = await load();
      const [c1] = h.candidates;
      const { setHash } = await h.optionSet();
      expect(setHash).to.equal(h.setHashOf(h.terms.options));
      const salt = h.salt(c1.id, h.D);
      const mine = await h.commitmentOf(c1.id, F1);
      const onChain = await h.conditional.read.conditionalCommitment([
        h.agreementId,
        h.D,
        c1.id,
        setHash,
        F1.flat(),
        salt,
      ]);
      expect(onChain).to.equal(mine.commitment);
      const chainId = BigInt(await h.publicClient.getChainId());
      expect(onChain).to.equal(
        keccak256(
          encodeAbiParameters(
            [
              { type: "bytes32" },
              { type: "uint256" },
              { type: "address" },
              { type: "uint256" },
              { type: "uint256" },
              { type: "uint256" },
              { type: "bytes32" },
              { type: "int128[]" },
              { type: "bytes32" },
            ],
            [
              CONDITIONAL_COMMIT_TAG,
              chainId,
              h.conditional.address,
              h.agreementId,
              h.D,
              c1.id,
              setHash,
              F1.flat(),
              salt,
            ],
          ),
        ),
      );
      expect(CONDITIONAL_COMMIT_TAG).to.equal(keccak256(stringToHex("gengov.conditional.commit")));
      // Each field changes it.
      const variants = [
        [h.agreementId + 1n, h.D, c1.id, setHash],
        [h.agreementId, h.D + 1n, c1.id, setHash],
        [h.agreementId, h.D, c1.id + 1n, setHash],
        [h.agreementId, h.D, c1.id, zeroHash],
      ] as const;
      for (const [a, e, id, s] of variants) {
        expect(await h.conditional.read.conditionalCommitment([a, e, id, s, F1.flat(), salt])).to.not.equal(
          onChain,
        );
      }
    });

    it("a copied commitment revealed for another candidate fails; the owner's reveal stands", async () => {
      const h = await load();
      const [c1, c2] = h.candidates;
      await h.warpTo(h.times(h.D).start);
      const { commitment } = await h.commit(c1.id, F1);
      // c2's operator posts c1's commitment word for word, then replays c1's forecasts and salt.
      await h.wait(
        await h.conditional.write.commit([h.agreementId, h.D, c2.id, commitment], { account: c2.op.account }),
      );
      await h.warpTo(h.times(h.D).revealOpens);
      const copied = h.heldOf(c1.id)!;
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.reveal([h.agreementId, h.D, c2.id, copied.forecasts.flat(), copied.salt]),
        h.conditional,
        "CommitmentMismatch",
        [c2.id],
      );
      // Other forecasts under c1's commitment do not reveal either.
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.revealTx(c1.id, h.D, { forecasts: F2 }),
        h.conditional,
        "CommitmentMismatch",
        [c1.id],
      );
      await h.reveal(c1.id);
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.revealTx(c1.id),
        h.conditional,
        "AlreadyRevealed",
        [c1.id],
      );
      const [, revealed, forecasts] = await h.conditional.read.forecastOf([h.agreementId, h.D, c1.id]);
      expect(revealed).to.equal(true);
      expect([...forecasts]).to.deep.equal(F1.flat());
    });

    it("a commitment, forecasts and salt replayed in an epoch whose option set differs fail", async () => {
      const h = await load();
      const [c1, c2] = h.candidates;
      const next = h.D + 1n;
      // A proposal (made during D, the epoch before) makes epoch D + 1's option set differ from D's.
      await h.warpTo(h.times(h.D).start);
      await h.propose("close the north bank", 16, next);
      const F1x = [...F1, [900n, 6200n]];
      const old = await h.commit(c1.id, F1);
      await h.warpTo(h.times(h.D).revealOpens);
      await h.reveal(c1.id);
      await h.warpTo(h.times(next).start);
      // Word for word: the same commitment in D + 1.
      await h.wait(
        await h.conditional.write.commit([h.agreementId, next, c1.id, old.commitment], {
          account: c1.op.account,
        }),
      );
      // c2 commits for D + 1 over D's option set (as if the proposal did not exist).
      const stale = await h.commit(c2.id, F1x, { e: next, setHash: h.setHashOf(h.terms.options) });
      expect(stale.setHash).to.not.equal((await h.optionSet(next)).setHash);
      await h.warpTo(h.times(next).revealOpens);
      // The replayed forecasts are too short for four options; padded, they do not match.
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.reveal([h.agreementId, next, c1.id, F1.flat(), old.salt]),
        h.conditional,
        "ForecastLengthInvalid",
        [6n, 8n],
      );
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.reveal([h.agreementId, next, c1.id, F1x.flat(), old.salt]),
        h.conditional,
        "CommitmentMismatch",
        [c1.id],
      );
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.revealTx(c2.id, next),
        h.conditional,
        "CommitmentMismatch",
        [c2.id],
      );
    });

    it("a commitment over a stale option set never reveals, and one over the current set does", async () => {
      const h = await load();
      const [c1, c2] = h.candidates;
      await h.propose("close the north bank", 16, h.D);
      const F4 = [...F1, [900n, 6200n]];
      await h.warpTo(h.times(h.D).start);
      await h.commit(c1.id, F4, { setHash: h.setHashOf(h.terms.options) });
      await h.commit(c2.id, F4);
      await h.warpTo(h.times(h.D).revealOpens);
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.revealTx(c1.id),
        h.conditional,
        "CommitmentMismatch",
        [c1.id],
      );
      await h.reveal(c2.id);
    });

    it("a forecast of the wrong length, a zero commitment, a non-operator commit and a missing commitment are refused", async () => {
      const h = await load();
      const [c1, c2, c3] = h.candidates;
      await h.warpTo(h.times(h.D).start);
      await h.commit(c1.id, F1);
      const { commitment } = await h.commitmentOf(c2.id, F1);
      // c1's operator commits for c2; an outsider for c2.
      for (const who of [c1.op, h.wallets[16]]) {
        await h.viem.assertions.revertWithCustomErrorWithArgs(
          h.conditional.write.commit([h.agreementId, h.D, c2.id, commitment], { account: who.account }),
          h.conditional,
          "CallerNotOperator",
          [c2.id, who.account.address],
        );
      }
      await h.viem.assertions.revertWithCustomError(
        h.conditional.write.commit([h.agreementId, h.D, c2.id, zeroHash], { account: c2.op.account }),
        h.conditional,
        "CommitmentZero",
      );
      await h.warpTo(h.times(h.D).revealOpens);
      const held = h.heldOf(c1.id)!;
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.reveal([h.agreementId, h.D, c1.id, held.forecasts.flat().slice(0, 5), held.salt]),
        h.conditional,
        "ForecastLengthInvalid",
        [5n, 6n],
      );
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.reveal([h.agreementId, h.D, c1.id, [...held.forecasts.flat(), 1n], held.salt]),
        h.conditional,
        "ForecastLengthInvalid",
        [7n, 6n],
      );
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.reveal([h.agreementId, h.D, c3.id, F1.flat(), held.salt]),
        h.conditional,
        "NotCommitted",
        [c3.id],
      );
      await h.reveal(c1.id);
      expect((await h.decision()).revealed).to.equal(1);
    });

    it("a re-commit inside the window replaces the earlier commitment and counts the candidate once", async () => {
      const h = await load();
      const [c1] = h.candidates;
      await h.warpTo(h.times(h.D).start);
      const first = await h.commit(c1.id, F1);
      await h.commit(c1.id, F2);
      expect([...(await h.conditional.read.committers([h.agreementId, h.D]))]).to.deep.equal([c1.id]);
      expect((await h.decision()).committed).to.equal(1);
      await h.warpTo(h.times(h.D).revealOpens);
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.reveal([h.agreementId, h.D, c1.id, F1.flat(), first.salt]),
        h.conditional,
        "CommitmentMismatch",
        [c1.id],
      );
      await h.reveal(c1.id);
    });
  });

  describe("windows, at their exact edges", () => {
    it("proposals only in [start(e − 1), start(e))", async () => {
      const h = await load();
      const { start } = h.times(h.D);
      const prior = h.times(h.D - 1n).start;
      const snap = await h.networkHelpers.takeSnapshot();
      await h.at(start - 1n);
      await h.propose("close the north bank");
      await snap.restore();
      await h.at(start);
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.proposeOption([h.agreementId, h.D, "close the north bank"], {
          account: h.wallets[16].account,
        }),
        h.conditional,
        "ConditionalWindowClosed",
        [h.D, prior, start],
      );
      // The lower edge, on the next epoch: not before start(D), then from it.
      const next = h.D + 1n;
      await snap.restore();
      await h.at(start - 1n);
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.proposeOption([h.agreementId, next, "close the north bank"], {
          account: h.wallets[16].account,
        }),
        h.conditional,
        "ConditionalWindowClosed",
        [next, start, h.times(next).start],
      );
      await h.at(start);
      await h.propose("close the north bank", 16, next);
    });

    it("commits in [start(e), end(e) − revealWindow)", async () => {
      const h = await load();
      const [c1] = h.candidates;
      const { start, commitCloses } = h.times(h.D);
      const { commitment } = await h.commitmentOf(c1.id, F1);
      const tx = () =>
        h.conditional.write.commit([h.agreementId, h.D, c1.id, commitment], { account: c1.op.account });
      const closed = async (t: bigint) => {
        await h.at(t);
        await h.viem.assertions.revertWithCustomErrorWithArgs(
          tx(),
          h.conditional,
          "ConditionalWindowClosed",
          [h.D, start, commitCloses],
        );
      };
      const snap = await h.networkHelpers.takeSnapshot();
      await closed(start - 1n);
      await h.at(start);
      await h.wait(await tx());
      await snap.restore();
      await h.at(commitCloses - 1n);
      await h.wait(await tx());
      await closed(commitCloses);
    });

    it("reveals in [end(e) − revealWindow, end(e))", async () => {
      const h = await load();
      const [c1] = h.candidates;
      const { start, revealOpens, end } = h.times(h.D);
      await h.warpTo(start);
      await h.commit(c1.id, F1);
      const closed = async (t: bigint) => {
        await h.at(t);
        await h.viem.assertions.revertWithCustomErrorWithArgs(
          h.revealTx(c1.id),
          h.conditional,
          "ConditionalWindowClosed",
          [h.D, revealOpens, end],
        );
      };
      const snap = await h.networkHelpers.takeSnapshot();
      await closed(revealOpens - 1n);
      await h.at(revealOpens);
      await h.reveal(c1.id);
      await snap.restore();
      await h.at(end - 1n);
      await h.reveal(c1.id);
      await snap.restore();
      await closed(end);
    });

    it("decide only from end(e), once", async () => {
      const h = await load();
      const [c1] = h.candidates;
      const { start, revealOpens, end } = h.times(h.D);
      await h.warpTo(start);
      await h.commit(c1.id, F1);
      await h.warpTo(revealOpens);
      await h.reveal(c1.id);
      await h.at(end - 1n);
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.decide([h.agreementId, h.D]),
        h.conditional,
        "ConditionalWindowClosed",
        [h.D, end, 2n ** 64n - 1n],
      );
      await h.at(end);
      await h.wait(await h.conditional.write.decide([h.agreementId, h.D]));
      const d = await h.decision();
      expect(d.status).to.equal(1);
      // J of c1's forecasts: 1200, 1100 and 1300 − 10·300: option 0.
      expect(d.option).to.equal(0);
      await h.viem.assertions.revertWithCustomErrorWithArgs(
        h.conditional.write.decide([h.agreementId, h.D]),
        h.conditional,
        "AlreadyDecided",
        [h.D],
      );
    });
  });
});
