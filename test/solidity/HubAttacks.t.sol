// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {GengovHub} from "../../contracts/GengovHub.sol";
import {GengovHubModule} from "../../contracts/hub/GengovHubModule.sol";
import {IGengovHub} from "../../contracts/interfaces/IGengovHub.sol";
import {HubBase} from "./HubBase.sol";

/// @notice Attacks as tests: copied and replayed commitments (other candidate, agreement, target, hub,
/// chain), late and double reveals, late re-commits, outside reporters, void epochs, exiting to dodge
/// a penalty, under-bonded candidates, selective non-reveal, and retroactive quorum changes.
contract HubAttacksTest is HubBase {
    uint256 internal c1;
    uint256 internal c2;
    int128[] internal f;

    function setUp() public override {
        super.setUp();
        c1 = _register(owner1, op1, 150e18);
        c2 = _register(owner2, op2, 150e18);
        f = _vals(1100, 4000);
    }

    function _reportTargetOne() internal {
        _warp(_end(1));
        _reportAll(1, _vals(1000, 5000));
        _warp(_revealOpens(1));
    }

    // ─────────────────────────────────────── replayed commitments ────────────────────────────────

    function test_attack_copiedCommitmentOfAnotherCandidateFailsAtReveal() public {
        _commit(op1, c1, 1, f);
        (bytes32 copied, ) = hub.forecastSlot(aid, c1, 1); // public: also in ForecastCommitted
        vm.prank(op2);
        hub.commitForecast(aid, c2, 1, copied);
        _reportTargetOne();
        _reveal(op1, c1, 1, f); // values and salt are now public
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ForecastMismatch.selector, c2, 1));
        vm.prank(op2);
        hub.revealForecast(aid, c2, 1, f, _salt(c1, 1));
        _warp(_revealCloses(1));
        assertEq(uint256(_view(c2).misses), 1, "the copier is charged a miss");
        assertEq(_view(c2).bond, 140e18, "and the penalty");
    }

    function test_attack_commitmentReplayedInAnotherAgreement() public {
        bytes32 original = _commitment(c1, 1, f);
        _commit(op1, c1, 1, f);
        uint256 first = aid;
        uint256 second = _use(_defaultParams()); // same clock, same candidate ids
        uint256 twin = _register(owner2, op2, 150e18);
        assertEq(twin, c1, "same candidate id in the other agreement");
        vm.prank(op2);
        hub.commitForecast(second, twin, 1, original);
        _warp(_end(1));
        _reportAll(1, _vals(1000, 5000));
        aid = first;
        _reportAll(1, _vals(1000, 5000));
        _warp(_revealOpens(1));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ForecastMismatch.selector, twin, 1));
        vm.prank(op2);
        hub.revealForecast(second, twin, 1, f, _salt(c1, 1));
        _reveal(op1, c1, 1, f); // the original still reveals where it was made
    }

    function test_attack_commitmentReplayedForAnotherTarget() public {
        bytes32 forOne = _commitment(c1, 1, f);
        _commit(op1, c1, 1, f);
        _warp(_end(0));
        vm.prank(op1);
        hub.commitForecast(aid, c1, 2, forOne);
        _reportTargetOne();
        _reveal(op1, c1, 1, f);
        _warp(_end(2));
        _reportAll(2, _vals(1000, 5000));
        _warp(_revealOpens(2));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ForecastMismatch.selector, c1, 2));
        vm.prank(op1);
        hub.revealForecast(aid, c1, 2, f, _salt(c1, 1));
    }

    function test_attack_commitmentReplayedOnAnotherHub() public {
        GengovHub hub2 = new GengovHub(new GengovHubModule());
        hub2.createAgreement(_defaultParams(), TEXT);
        vm.startPrank(owner1);
        token.approve(address(hub2), type(uint256).max);
        hub2.registerCandidate(1, bytes32(0), 150e18, op1);
        vm.stopPrank();
        bytes32 forHub1 = _commitment(c1, 1, f);
        assertEq(forHub1, hub.forecastCommitment(aid, c1, 1, f, _salt(c1, 1)), "hub 1 hash");
        vm.prank(op1);
        hub2.commitForecast(1, 1, 1, forHub1);
        _warp(_end(1));
        vm.prank(r1);
        hub2.reportOutcome(1, 1, _vals(1000, 5000));
        vm.prank(r2);
        hub2.reportOutcome(1, 1, _vals(1000, 5000));
        _warp(_revealOpens(1));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ForecastMismatch.selector, 1, 1));
        vm.prank(op1);
        hub2.revealForecast(1, 1, 1, f, _salt(c1, 1));
    }

    function test_attack_commitmentFromAnotherChainId() public {
        bytes32 mainnet = _commitmentOf(address(hub), 1, aid, c1, 1, f, _salt(c1, 1));
        vm.prank(op1);
        hub.commitForecast(aid, c1, 1, mainnet);
        _commit(op2, c2, 1, f);
        _reportTargetOne();
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ForecastMismatch.selector, c1, 1));
        _reveal(op1, c1, 1, f);
        // A commitment made on this chain does not reveal on a fork with another chain id.
        uint256 snap = vm.snapshotState();
        vm.chainId(chainId_ + 1);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ForecastMismatch.selector, c2, 1));
        _reveal(op2, c2, 1, f);
        vm.revertToState(snap);
        vm.chainId(chainId_);
        _reveal(op2, c2, 1, f);
    }

    // ─────────────────────────────────────── timing attacks ──────────────────────────────────────

    function test_attack_revealAfterDeadlineIsRejectedAndPenalised() public {
        _commit(op1, c1, 1, f);
        _reportTargetOne();
        _warp(_revealCloses(1));
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovHub.RevealWindowClosed.selector,
                1,
                uint64(_revealOpens(1)),
                uint64(_revealCloses(1))
            )
        );
        _reveal(op1, c1, 1, f);
        assertEq(hub.poke(aid, c1), 1, "missed");
        assertEq(_view(c1).score, WAD, "worst loss");
    }

    function test_attack_doubleRevealCannotRescore() public {
        _commit(op1, c1, 1, f);
        _reportTargetOne();
        uint256 loss = _reveal(op1, c1, 1, f);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ForecastNotPending.selector, c1, 1));
        _reveal(op1, c1, 1, f);
        assertEq(_view(c1).score, loss, "score unchanged");
        assertEq(uint256(_view(c1).scoredCount), 1, "counted once");
    }

    function test_attack_recommitAfterDeadlineRejected() public {
        bytes32 original = _commitment(c1, 1, f);
        _commit(op1, c1, 1, f);
        _warp(_end(0)); // epoch 0's inputs are closed; a better forecast is now easy
        bytes32 late = _commitment(c1, 1, _vals(1000, 5000));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CommitWindowClosed.selector, 1, 1));
        vm.prank(op1);
        hub.commitForecast(aid, c1, 1, late);
        (bytes32 stored, bool pending) = hub.forecastSlot(aid, c1, 1);
        assertEq(stored, original, "original kept");
        assertTrue(pending, "still pending");
    }

    function test_attack_reporterOutsideSetRejected() public {
        _warp(_end(0));
        address[4] memory outsiders = [stranger, op1, owner1, arbiter];
        for (uint256 i = 0; i < outsiders.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IGengovHub.ReporterUnknown.selector, outsiders[i]));
            _report(outsiders[i], 0, _vals(1, 1));
        }
        address[] memory set = new address[](1);
        set[0] = r2;
        vm.prank(arbiter);
        hub.setReporters(aid, set, 1);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ReporterUnknown.selector, r1));
        _report(r1, 0, _vals(1, 1));
    }

    function test_attack_quorumNotReachedVoidsAndSilenceIsFree() public {
        _commit(op1, c1, 1, f);
        _warp(_end(1));
        _report(r1, 1, _vals(1000, 5000)); // 1 < quorum 2
        _warp(_revealOpens(1));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.OutcomeIsVoid.selector, 1));
        _reveal(op1, c1, 1, f);
        _warp(_revealCloses(1));
        IGengovHub.CandidateView memory v = _view(c1);
        assertEq(uint256(v.misses), 0, "no miss for a void epoch");
        assertEq(v.bond, 150e18, "no penalty");
        assertEq(v.score, WAD, "nothing scored");
        assertEq(uint256(v.scoredCount), 0, "nothing counted");
        assertEq(hub.poke(aid, c1), 0, "poke applies nothing");
        assertEq(hub.treasuryBalance(aid, address(token)), 0, "treasury");
        (, bool pending) = hub.forecastSlot(aid, c1, 1);
        assertFalse(pending, "dropped");
        assertTrue(hub.finalizeOutcome(aid, 1) == IGengovHub.OutcomeStatus.Void, "void");
    }

    // ─────────────────────────────────────── exit and bonds ──────────────────────────────────────

    function test_attack_exitDoesNotDodgeMissPenalty() public {
        _commit(op1, c1, 1, f);
        // Target 1's commit window has closed: the forecast is locked in, and so is the obligation.
        _warp(_start(1));
        vm.prank(owner1);
        hub.requestExit(aid, c1);
        uint64 exitAt = uint64(now_ + 3 * L);
        _warp(_end(1));
        _reportAll(1, _vals(1000, 5000)); // a bad forecast: the candidate would rather not reveal
        _warp(exitAt);
        uint256 before = token.balanceOf(owner1);
        vm.expectEmit();
        emit IGengovHub.RevealsMissed(aid, c1, 1, MISS_PENALTY, WAD);
        vm.expectEmit();
        emit IGengovHub.BondWithdrawn(aid, c1, owner1, 140e18);
        vm.prank(owner1);
        assertEq(hub.withdraw(aid, c1), 140e18, "bond minus penalty");
        assertEq(token.balanceOf(owner1) - before, 140e18, "paid");
        assertEq(hub.treasuryBalance(aid, address(token)), MISS_PENALTY, "penalty kept");
        assertEq(token.balanceOf(address(hub)), 150e18 + MISS_PENALTY, "c2 bond + treasury");
    }

    /// @dev Worst case for the exit delay: the smallest valid exitDelay, and the exit asked at the
    /// first instant of the epoch right after the last owed target's commit window closed. exitAt is
    /// still after that target's reveal deadline, and the miss applies at withdrawal.
    function test_attack_exitWithMinimalDelayStillPenalised() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.exitDelay = 2 * L + RW + RV;
        _use(p);
        uint256 c = _register(owner1, op1, 150e18);
        _commit(op1, c, 1, f);
        _warp(_start(1));
        vm.prank(owner1);
        hub.requestExit(aid, c);
        uint64 exitAt = uint64(now_ + p.exitDelay);
        assertEq(uint256(exitAt), _revealCloses(1) + L, "exitAt one epoch after the last reveal deadline");
        _warp(_end(1));
        _reportAll(1, _vals(1000, 5000));
        _warp(exitAt - 1);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateExitNotReady.selector, c, exitAt));
        vm.prank(owner1);
        hub.withdraw(aid, c);
        _warp(exitAt);
        vm.prank(owner1);
        assertEq(hub.withdraw(aid, c), 140e18, "penalty applied at exitAt");
    }

    /// @dev Exiting while a target's commit window is still open gives that target up before its
    /// outcome can be known: it is neither owed nor revealable, so nothing is dodged.
    function test_attack_exitBeforeCommitWindowClosesForfeitsTheForecast() public {
        _commit(op1, c1, 1, f);
        vm.prank(owner1);
        hub.requestExit(aid, c1); // epoch 0: target 1's commit window is still open
        (, bool pending) = hub.forecastSlot(aid, c1, 1);
        assertFalse(pending, "not owed");
        _reportTargetOne(); // f is a good forecast: it would have scored well
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ForecastNotPending.selector, c1, 1));
        _reveal(op1, c1, 1, f);
        _warp(_start(3));
        vm.prank(owner1);
        assertEq(hub.withdraw(aid, c1), 150e18, "no penalty: nothing was owed");
        IGengovHub.CandidateView memory v = _view(c1);
        assertEq(uint256(v.scoredCount), 0, "never scored");
        assertEq(v.score, WAD, "worst score");
    }

    /// @dev Registration needs minBond, but a bond can fall under it afterwards (a slash, misses):
    /// such a candidate holds no bond unit and is not eligible, whatever its score, until topped up.
    function test_attack_bondBelowMinimumIsIneligible() public {
        IGengovHub.AgreementParams memory p = _unitParams();
        p.minScored = 1;
        p.margin = 0;
        _use(p);
        uint256 poor = _register(owner1, op1, MIN_BOND);
        uint256 rich = _register(owner2, op2, MIN_BOND);
        _round(1, _two(poor, rich), _ops2(op1, op2), _f2(0, 0.5e18), 0);
        assertTrue(_view(poor).eligible, "best score, bonded");
        vm.prank(address(hub.execution()));
        hub.slashBond(aid, poor, 1); // one wei under minBond
        assertFalse(_view(poor).eligible, "best score but under-bonded");
        assertTrue(_view(rich).eligible, "bonded");
        // Both commit target 3; rich will stay silent: its penalty takes it under minBond.
        _commit(op1, poor, 3, _vals(0));
        _commit(op2, rich, 3, _vals(0));
        _warp(_end(2));
        (uint256 e, uint256 fb) = hub.selectExecutor(aid, 2);
        assertEq(e, rich, "only the bonded one");
        assertEq(fb, 0, "no fallback");
        vm.prank(owner1);
        hub.topUp(aid, poor, 1);
        assertTrue(_view(poor).eligible, "topped up");
        _warp(_end(3));
        _reportAll(3, _vals(0));
        _warp(_revealOpens(3));
        _reveal(op1, poor, 3, _vals(0));
        _warp(_revealCloses(3));
        assertFalse(_view(rich).eligible, "behind on target 3");
        hub.poke(aid, rich);
        assertEq(uint256(_view(rich).cursor), 4, "up to date once poked");
        assertFalse(_view(rich).eligible, "and penalised under minBond");
        _warp(_end(4));
        (e, fb) = hub.selectExecutor(aid, 4);
        assertEq(e, poor, "the topped-up candidate");
        assertEq(fb, 0, "the penalised one is out");
    }

    /// @dev Two identical candidates; for the second target one reveals a forecast of any quality,
    /// the other stays silent. Silence never leaves a better score, bond or eligibility.
    function test_fuzz_attack_selectiveNonRevealNeverBetterThanRevealing(
        uint64 prior,
        int128 forecast,
        int128 outcomeValue
    ) public {
        prior = uint64(bound(prior, 0, WAD));
        forecast = int128(_boundInt(forecast, -3e18, 3e18));
        outcomeValue = int128(_boundInt(outcomeValue, -1e18, 1e18));
        IGengovHub.AgreementParams memory p = _unitParams();
        p.minScored = 1;
        _use(p);
        uint256 revealer = _register(owner1, op1, 150e18);
        uint256 silent = _register(owner2, op2, 150e18);
        _round(
            1,
            _two(revealer, silent),
            _ops2(op1, op2),
            _f2(int128(uint128(prior)), int128(uint128(prior))),
            0
        );
        _commitRound(3, _two(revealer, silent), _ops2(op1, op2), _f2(forecast, forecast));
        _warp(_end(3));
        _reportAll(3, _vals(outcomeValue));
        _warp(_revealOpens(3));
        _reveal(op1, revealer, 3, _vals(forecast));
        _warp(_revealCloses(3));
        IGengovHub.CandidateView memory r = _view(revealer);
        IGengovHub.CandidateView memory s = _view(silent);
        assertLe(r.score, s.score, "silence scored better");
        assertEq(s.bond + MISS_PENALTY, r.bond, "silence costs the penalty");
        assertEq(uint256(r.scoredCount), uint256(s.scoredCount), "both counted");
        // Until its miss is booked the silent record is behind: it sits out epoch 4 entirely.
        bool revealerQualifies = r.score <= p.maxScore;
        (uint256[] memory ids, ) = hub.ranking(aid, 4);
        assertEq(ids.length, revealerQualifies ? 1 : 0, "only the revealer can be ranked");
        if (revealerQualifies) assertEq(ids[0], revealer, "the revealer");
        // Once booked (anyone may poke), silence still never ranks ahead (ties go to the lower id).
        hub.poke(aid, silent);
        (ids, ) = hub.ranking(aid, 4);
        if (revealerQualifies) assertEq(ids[0], revealer, "the revealer ranks first");
        else assertEq(ids.length, 0, "the silent one cannot qualify where the revealer does not");
    }

    // ─────────────────────────────────── retroactive quorum changes ──────────────────────────────

    /// @dev setReporters "applies to reports from now on". An epoch whose report window closed below
    /// quorum is void: candidates cannot reveal it (OutcomeIsVoid) and owe nothing. Lowering the
    /// quorum afterwards must not turn their silence into a penalised miss.
    function test_attack_quorumLoweredLaterDoesNotPenaliseAVoidEpoch() public {
        _commit(op1, c1, 1, f);
        _warp(_end(1));
        _report(r1, 1, _vals(1000, 5000));
        _warp(_revealOpens(1));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.OutcomeIsVoid.selector, 1));
        _reveal(op1, c1, 1, f);
        _warp(_revealCloses(1));
        assertEq(uint256(_view(c1).misses), 0, "void: nothing owed");

        address[] memory set = new address[](3);
        (set[0], set[1], set[2]) = (r1, r2, r3);
        vm.prank(arbiter);
        hub.setReporters(aid, set, 1);

        assertEq(uint256(_view(c1).misses), 0, "still nothing owed after the quorum change");
        assertEq(hub.poke(aid, c1), 0, "no miss applied");
        assertEq(_view(c1).bond, 150e18, "bond intact");
    }

    /// @dev The mirror image: an epoch that closed with quorum is final; a candidate that skipped its
    /// reveal owes the penalty, and raising the quorum afterwards must not erase it.
    function test_attack_quorumRaisedLaterDoesNotEraseAMissedReveal() public {
        _commit(op1, c1, 1, f);
        _warp(_end(1));
        _report(r1, 1, _vals(1000, 5000));
        _report(r2, 1, _vals(1000, 5000)); // 2 = quorum
        _warp(_revealCloses(1));
        assertEq(uint256(_view(c1).misses), 1, "missed");

        address[] memory set = new address[](3);
        (set[0], set[1], set[2]) = (r1, r2, r3);
        vm.prank(arbiter);
        hub.setReporters(aid, set, 3);

        assertEq(uint256(_view(c1).misses), 1, "still missed after the quorum change");
        assertEq(hub.poke(aid, c1), 1, "miss applied");
        assertEq(_view(c1).bond, 140e18, "penalty charged");
    }
}
