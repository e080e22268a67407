// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {LossMath} from "../../contracts/libraries/LossMath.sol";
import {IGengovHub} from "../../contracts/interfaces/IGengovHub.sol";
import {HubBase} from "./HubBase.sol";

/// @notice Commit–reveal forecasts: commit window and overwrite, reveal window, exact loss and EWMA
/// scores, every reveal error, the commitment ring up to the maximum horizon, and the targets a
/// candidate owes from its cursor on: revealed, void, or charged as a miss (never committed alike) in
/// closed form with its penalty, booked only by reveal, poke and withdraw (never by commit, topUp or
/// requestExit).
contract HubForecastsTest is HubBase {
    uint256 internal cid;

    function setUp() public override {
        super.setUp();
        cid = _register(owner1, op1, 200e18);
    }

    // ─────────────────────────────────────────── commit ──────────────────────────────────────────

    function test_commit_storesAndEmits() public {
        bytes32 c = _commitment(cid, 1, _vals(1100, 4000));
        vm.expectEmit();
        emit IGengovHub.ForecastCommitted(aid, cid, 1, c);
        vm.prank(op1);
        hub.commitForecast(aid, cid, 1, c);
        (bytes32 stored, bool pending) = hub.forecastSlot(aid, cid, 1);
        assertEq(stored, c, "stored");
        assertTrue(pending, "pending");
        (, pending) = hub.forecastSlot(aid, cid, 2);
        assertFalse(pending, "other target not pending");
    }

    function test_commit_recommitOverwritesBeforeDeadline() public {
        bytes32 c1 = _commitment(cid, 1, _vals(1, 1));
        bytes32 c2 = _commitment(cid, 1, _vals(2, 2));
        vm.startPrank(op1);
        hub.commitForecast(aid, cid, 1, c1);
        _warp(_end(0) - 1);
        vm.expectEmit();
        emit IGengovHub.ForecastCommitted(aid, cid, 1, c2);
        hub.commitForecast(aid, cid, 1, c2);
        vm.stopPrank();
        (bytes32 stored, ) = hub.forecastSlot(aid, cid, 1);
        assertEq(stored, c2, "overwritten");

        _warp(_end(1));
        _reportAll(1, _vals(1, 1));
        _warp(_revealOpens(1));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ForecastMismatch.selector, cid, 1));
        _reveal(op1, cid, 1, _vals(1, 1));
        _reveal(op1, cid, 1, _vals(2, 2));
        assertEq(uint256(_view(cid).scoredCount), 1, "scored once");
    }

    function test_commit_deadlineEdges() public {
        bytes32 c = _commitment(cid, 1, _vals(1, 1));
        _warp(_end(0) - 1);
        vm.prank(op1);
        hub.commitForecast(aid, cid, 1, c);
        _warp(_end(0));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CommitWindowClosed.selector, 1, 1));
        vm.prank(op1);
        hub.commitForecast(aid, cid, 1, c);
        _warp(_end(0) + 1);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CommitWindowClosed.selector, 1, 1));
        vm.prank(op1);
        hub.commitForecast(aid, cid, 1, c);
        // The next target opened at end(0).
        vm.prank(op1);
        hub.commitForecast(aid, cid, 2, _commitment(cid, 2, _vals(1, 1)));
    }

    function test_commit_onlyCurrentPlusHorizon() public {
        vm.startPrank(op1);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CommitWindowClosed.selector, 0, 0));
        hub.commitForecast(aid, cid, 0, bytes32(uint256(1)));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CommitWindowClosed.selector, 2, 0));
        hub.commitForecast(aid, cid, 2, bytes32(uint256(1)));
        vm.stopPrank();

        IGengovHub.AgreementParams memory p = _defaultParams();
        p.horizon = 3;
        p.exitDelay = 4 * L + RW + RV;
        _use(p);
        uint256 c3 = _register(owner1, op1, MIN_BOND);
        vm.startPrank(op1);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CommitWindowClosed.selector, 1, 0));
        hub.commitForecast(aid, c3, 1, bytes32(uint256(1)));
        hub.commitForecast(aid, c3, 3, bytes32(uint256(1)));
        vm.stopPrank();
    }

    function test_commit_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CallerNotOperator.selector, cid, owner1));
        vm.prank(owner1);
        hub.commitForecast(aid, cid, 1, bytes32(uint256(1)));
        vm.expectRevert(IGengovHub.CommitmentZero.selector);
        vm.prank(op1);
        hub.commitForecast(aid, cid, 1, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateUnknown.selector, 0));
        vm.prank(op1);
        hub.commitForecast(aid, 0, 1, bytes32(uint256(1)));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateUnknown.selector, 2));
        vm.prank(op1);
        hub.commitForecast(aid, 2, 1, bytes32(uint256(1)));
    }

    function test_commit_revertsBeforeGenesis() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.genesis = uint64(now_ + 100);
        _use(p);
        uint256 c = _register(owner1, op1, MIN_BOND);
        vm.expectRevert(
            abi.encodeWithSelector(IGengovHub.AgreementNotStarted.selector, aid, uint64(now_ + 100))
        );
        vm.prank(op1);
        hub.commitForecast(aid, c, 1, bytes32(uint256(1)));
    }

    function test_fuzz_forecastCommitment_matchesNormativeHash(
        uint256 agreementId,
        uint256 candidateId,
        uint64 t,
        int128 a,
        int128 b,
        bytes32 salt
    ) public view {
        int128[] memory v = _vals(a, b);
        assertEq(
            hub.forecastCommitment(agreementId, candidateId, t, v, salt),
            _commitmentOf(address(hub), chainId_, agreementId, candidateId, t, v, salt),
            "commitment"
        );
    }

    // ─────────────────────────────────────────── reveal ──────────────────────────────────────────

    function _commitAndReport(int128[] memory forecast) internal {
        _commit(op1, cid, 1, forecast);
        _warp(_end(1));
        _report(r1, 1, _vals(1000, 5000));
        _report(r2, 1, _vals(1200, 5000));
        _report(r3, 1, _vals(1000, 4000));
    }

    function test_reveal_fixesSelectionFinalizesScoresAndEmits() public {
        int128[] memory f = _vals(1100, 4000);
        _commitAndReport(f);
        _warp(_revealOpens(1));
        // medians 1000 and 5000; metric 0: |100| / 1000 = 0.1; metric 1: (1000 / 5000)² = 0.04
        uint256 loss = (0.1e18 + 0.04e18) / 2;
        vm.expectEmit();
        emit IGengovHub.ExecutorSelected(aid, 1, 0, 0);
        vm.expectEmit();
        emit IGengovHub.OutcomeFinalized(aid, 1, _vals(1000, 5000));
        vm.expectEmit();
        emit IGengovHub.ForecastRevealed(aid, cid, 1, f, loss, loss);
        assertEq(_reveal(op1, cid, 1, f), loss, "returned loss");

        IGengovHub.CandidateView memory v = _view(cid);
        assertEq(v.score, loss, "first score is the loss");
        assertEq(uint256(v.scoredCount), 1, "scored");
        (, bool pending) = hub.forecastSlot(aid, cid, 1);
        assertFalse(pending, "no longer pending");
        (IGengovHub.OutcomeStatus st, int128[] memory o, uint8 n) = hub.outcome(aid, 1);
        assertTrue(st == IGengovHub.OutcomeStatus.Final, "final");
        assertEq(int256(o[0]), 1000, "median 0");
        assertEq(int256(o[1]), 5000, "median 1");
        assertEq(uint256(n), 3, "reports");
        (, , bool isFixed) = hub.executorOf(aid, 1);
        assertTrue(isFixed, "selection fixed by the reveal");
    }

    function test_reveal_windowEdges() public {
        int128[] memory f = _vals(1100, 4000);
        _commitAndReport(f);
        uint64 opens = uint64(_revealOpens(1));
        uint64 closes = uint64(_revealCloses(1));
        bytes memory closed = abi.encodeWithSelector(
            IGengovHub.RevealWindowClosed.selector,
            1,
            opens,
            closes
        );

        _warp(opens - 1);
        vm.expectRevert(closed);
        _reveal(op1, cid, 1, f);

        uint256[3] memory okTimes = [uint256(opens), opens + 1, closes - 1];
        for (uint256 i = 0; i < 3; ++i) {
            uint256 snap = vm.snapshotState();
            _warp(okTimes[i]);
            _reveal(op1, cid, 1, f);
            vm.revertToState(snap);
        }

        _warp(closes);
        vm.expectRevert(closed);
        _reveal(op1, cid, 1, f);
        _warp(closes + 1);
        vm.expectRevert(closed);
        _reveal(op1, cid, 1, f);
    }

    function test_reveal_reverts() public {
        int128[] memory f = _vals(1100, 4000);
        uint256 other = _register(owner2, op2, MIN_BOND);
        _commitAndReport(f);
        _warp(_revealOpens(1));

        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CallerNotOperator.selector, cid, op2));
        _reveal(op2, cid, 1, f);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ValuesLengthInvalid.selector, 1, 2));
        _reveal(op1, cid, 1, _vals(1100));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateUnknown.selector, 3));
        _reveal(op1, 3, 1, f);
        // `other` owes target 1 but never committed it: nothing it reveals can match.
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ForecastMismatch.selector, other, 1));
        _reveal(op2, other, 1, f);
        // A candidate registered after target 1's commit window does not owe it at all.
        uint256 late = _register(owner3, op3, MIN_BOND);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ForecastNotPending.selector, late, 1));
        _reveal(op3, late, 1, f);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ForecastMismatch.selector, cid, 1));
        _reveal(op1, cid, 1, _vals(1100, 4001));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ForecastMismatch.selector, cid, 1));
        vm.prank(op1);
        hub.revealForecast(aid, cid, 1, f, bytes32(uint256(_salt(cid, 1)) ^ 1));

        _reveal(op1, cid, 1, f);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ForecastNotPending.selector, cid, 1));
        _reveal(op1, cid, 1, f);
    }

    function test_reveal_voidOutcomeReverts() public {
        _commit(op1, cid, 1, _vals(1, 1));
        _warp(_end(1));
        _report(r1, 1, _vals(1, 1)); // 1 < quorum 2
        _warp(_revealOpens(1));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.OutcomeIsVoid.selector, 1));
        _reveal(op1, cid, 1, _vals(1, 1));
    }

    /// @dev Regression: a target below the pending window used to underflow (Panic 0x11). Now: a target
    /// below the cursor is accounted for and cannot be revealed again; a target at the cursor that was
    /// never committed is still owed, so revealing it fails on the commitment and it ends as a miss.
    function test_reveal_belowCursorRevertsForecastNotPending() public {
        uint256 late = _register(owner2, op2, MIN_BOND);
        _commit(op1, cid, 1, _vals(1, 1));
        _warp(_end(0));
        _commit(op1, cid, 2, _vals(2, 2));
        _commit(op2, late, 2, _vals(2, 2)); // `late` never committed target 1
        _warp(_end(1));
        _reportAll(1, _vals(1, 1));
        _warp(_revealOpens(1));
        _reveal(op1, cid, 1, _vals(1, 1));
        assertEq(uint256(_view(cid).cursor), 2, "cursor past target 1");
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ForecastNotPending.selector, cid, 1));
        _reveal(op1, cid, 1, _vals(1, 1));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ForecastMismatch.selector, late, 1));
        _reveal(op2, late, 1, _vals(1, 1));
        _warp(_end(2));
        _reportAll(2, _vals(2, 2));
        _warp(_revealOpens(2));
        vm.expectEmit();
        emit IGengovHub.RevealsMissed(aid, late, 1, MISS_PENALTY, WAD);
        _reveal(op2, late, 2, _vals(2, 2));
        assertEq(uint256(_view(late).cursor), 3, "target 1 charged, target 2 scored");
        assertEq(uint256(_view(late).scoredCount), 2, "both counted");
    }

    function test_reveal_clippedLossIsWorst() public {
        int128[] memory f = _vals(1000 + 1000, 5000 - 5000); // |Δ| = scale on both metrics
        _commit(op1, cid, 1, f);
        _warp(_end(1));
        _reportAll(1, _vals(1000, 5000));
        _warp(_revealOpens(1));
        assertEq(_reveal(op1, cid, 1, f), WAD, "clipped at the worst loss");
    }

    function _refMetric(int256 f, int256 o, uint256 scale, bool squared) internal pure returns (uint256) {
        uint256 diff = f > o ? uint256(f - o) : uint256(o - f);
        if (diff >= scale) return WAD;
        uint256 d = (diff * WAD) / scale;
        return squared ? (d * d) / WAD : d;
    }

    function test_fuzz_reveal_lossMatchesFormula(int128 f0, int128 f1, int128 o0, int128 o1) public {
        // Metric 0 over a wide range (mostly clipped), metric 1 near its scale (mostly unclipped).
        f0 = int128(_boundInt(f0, -1e30, 1e30));
        o0 = int128(_boundInt(o0, -1e30, 1e30));
        f1 = int128(_boundInt(f1, -1e4, 1e4));
        o1 = int128(_boundInt(o1, -1e4, 1e4));
        int128[] memory f = _vals(f0, f1);
        _commit(op1, cid, 1, f);
        _warp(_end(1));
        _reportAll(1, _vals(o0, o1));
        _warp(_revealOpens(1));
        uint256 expected = (_refMetric(f0, o0, 1000, false) + _refMetric(f1, o1, 5000, true)) / 2;
        assertEq(_reveal(op1, cid, 1, f), expected, "loss");
        assertEq(_view(cid).score, expected, "score");
    }

    /// @dev Loss configs are packed two per slot (scale | kind << 127): three metrics span two slots,
    /// kinds alternate, and the largest scale keeps its top bit clear of the kind.
    function test_fuzz_reveal_packedLossConfigsPerMetric(int128 f0, int128 f1, int128 f2, uint128 s2) public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        s2 = uint128(bound(s2, 1, (uint256(1) << 127) - 1));
        p.metrics = new IGengovHub.Metric[](3);
        p.metrics[0] = IGengovHub.Metric({
            name: "a",
            decimals: 0,
            lossKind: LossMath.LossKind.Squared,
            scale: 700
        });
        p.metrics[1] = IGengovHub.Metric({
            name: "b",
            decimals: 0,
            lossKind: LossMath.LossKind.Absolute,
            scale: (uint128(1) << 127) - 1
        });
        p.metrics[2] = IGengovHub.Metric({
            name: "c",
            decimals: 0,
            lossKind: LossMath.LossKind.Squared,
            scale: s2
        });
        _use(p);
        uint256 c = _register(owner2, op2, MIN_BOND);
        int128[] memory f = new int128[](3);
        f[0] = int128(_boundInt(f0, -2000, 2000));
        f[1] = f1;
        f[2] = f2;
        int128[] memory o = new int128[](3);
        (o[0], o[1], o[2]) = (100, -5, 9);
        _warp(_start(0));
        _commit(op2, c, 1, f);
        _warp(_end(1));
        _report(r1, 1, o);
        _report(r2, 1, o);
        _warp(_revealOpens(1));
        uint256 expected =
            (_refMetric(f[0], 100, 700, true) +
                _refMetric(f[1], -5, (uint256(1) << 127) - 1, false) +
                _refMetric(f[2], 9, s2, true)) / 3;
        assertEq(_reveal(op2, c, 1, f), expected, "loss");
    }

    function test_reveal_ewmaUpdatesAfterFirstScore() public {
        _use(_unitParams());
        uint256 c = _register(owner1, op1, MIN_BOND);
        _round(1, _one(c), _ops1(op1), _f1(0.2e18), 0);
        assertEq(_view(c).score, 0.2e18, "first score = loss");
        _round(3, _one(c), _ops1(op1), _f1(0.6e18), 0);
        assertEq(_view(c).score, 0.3e18, "0.2 + (0.6 - 0.2) / 4");
        _round(5, _one(c), _ops1(op1), _f1(-0.1e18), 0);
        assertEq(_view(c).score, 0.25e18, "0.3 - (0.3 - 0.1) / 4");
        assertEq(uint256(_view(c).scoredCount), 3, "scored");
    }

    /// @dev With horizon 14 the pending forecasts span 16 targets [c − 1, c + 14]: the whole ring.
    function test_reveal_ringHoldsMaximumHorizon() public {
        IGengovHub.AgreementParams memory p = _unitParams();
        p.horizon = 14;
        p.exitDelay = 15 * L + RW + RV;
        _use(p);
        uint256 c = _register(owner1, op1, MIN_BOND);
        for (uint64 e = 0; e <= 20; ++e) {
            _warp(_start(e));
            if (e > 0) _reportAll(e - 1, _vals(int128(uint128(e - 1))));
            _commit(op1, c, e + 14, _vals(int128(uint128(e + 14))));
            if (e >= 15) {
                (, bool pending) = hub.forecastSlot(aid, c, e - 1);
                assertTrue(pending, "oldest target still pending");
                _warp(_revealOpens(e - 1));
                assertEq(_reveal(op1, c, e - 1, _vals(int128(uint128(e - 1)))), 0, "exact forecast");
            }
        }
        assertEq(uint256(_view(c).scoredCount), 6, "targets 14..19 scored");
        assertEq(uint256(_view(c).misses), 0, "no misses");
        for (uint64 t = 20; t <= 34; ++t) {
            (, bool pending) = hub.forecastSlot(aid, c, t);
            assertTrue(pending, "later targets pending");
        }
    }

    // ─────────────────────────────────────── missed reveals ──────────────────────────────────────

    function test_poke_appliesMissOnlyFromTheDeadline() public {
        _commit(op1, cid, 1, _vals(1, 1));
        _warp(_end(1));
        _reportAll(1, _vals(1, 1));

        _warp(_revealCloses(1) - 1);
        assertEq(uint256(_view(cid).misses), 0, "not yet missed");
        assertEq(hub.poke(aid, cid), 0, "nothing to apply at deadline - 1");

        _warp(_revealCloses(1));
        IGengovHub.CandidateView memory v = _view(cid);
        assertEq(uint256(v.misses), 1, "view applies the miss");
        assertEq(v.score, WAD, "first scored epoch is the worst loss");
        assertEq(uint256(v.scoredCount), 1, "counts as scored");
        assertEq(v.bond, 190e18, "view bond after penalty");
        assertEq(hub.treasuryBalance(aid, address(token)), 0, "treasury not yet credited");

        vm.expectEmit();
        emit IGengovHub.RevealsMissed(aid, cid, 1, MISS_PENALTY, WAD);
        assertEq(hub.poke(aid, cid), 1, "one miss");
        assertEq(hub.treasuryBalance(aid, address(token)), MISS_PENALTY, "treasury credited");
        assertEq(_view(cid).bond, 190e18, "stored bond");
        assertEq(hub.poke(aid, cid), 0, "applied once");
        (, bool pending) = hub.forecastSlot(aid, cid, 1);
        assertFalse(pending, "slot cleared");

        _warp(_revealCloses(1) + 1);
        assertEq(hub.poke(aid, cid), 0, "deadline + 1");
    }

    function test_missedReveals_closedFormPenaltiesAndVoidTargets() public {
        _use(_unitParams());
        uint256 c = _register(owner1, op1, 200e18);
        _round(1, _one(c), _ops1(op1), _f1(0.2e18), 0); // S = 0.2; the clock is in epoch 2
        _commit(op1, c, 3, _vals(0));
        _warp(_start(3));
        _commit(op1, c, 4, _vals(0));
        _warp(_start(4));
        _reportAll(3, _vals(0));
        _commit(op1, c, 5, _vals(0));
        _warp(_start(5));
        _reportAll(4, _vals(0));
        // A commit writes only its commitment: target 3 (due since end(3) + RW + RV ≤ start(5)) is
        // charged by whoever pokes. Target 2 had no reports (void, free): 1 − 0.75 · 0.8 = 0.4.
        _commit(op1, c, 6, _vals(0));
        assertEq(hub.treasuryBalance(aid, address(token)), 0, "a commit charges nothing");
        vm.expectEmit();
        emit IGengovHub.RevealsMissed(aid, c, 1, MISS_PENALTY, 0.4e18);
        assertEq(hub.poke(aid, c), 1, "target 3");
        assertEq(uint256(_view(c).cursor), 4, "cursor at the first target not yet due");
        _warp(_start(6));
        _report(r1, 5, _vals(0)); // one report < quorum: target 5 is void
        _warp(_end(6));
        _reportAll(6, _vals(0));

        _warp(_revealCloses(6) - 1);
        assertEq(uint256(_view(c).misses), 2, "targets 3 and 4 missed, 5 void, 6 still open");
        _warp(_revealCloses(6));
        IGengovHub.CandidateView memory v = _view(c);
        assertEq(uint256(v.misses), 3, "targets 3, 4, 6 missed");
        // 1 − (1 − 0.25)³ · (1 − 0.2) = 1 − 0.421875 · 0.8 = 0.6625
        assertEq(v.score, 0.6625e18, "closed form");
        assertEq(v.bond, 170e18, "three penalties, none for the void target");
        assertEq(hub.treasuryBalance(aid, address(token)), 10e18, "only the settled miss is booked");
        // 1 − 0.75² · (1 − 0.4) = 0.6625: the closed form composes.
        vm.expectEmit();
        emit IGengovHub.RevealsMissed(aid, c, 2, 20e18, 0.6625e18);
        assertEq(hub.poke(aid, c), 2, "poke");
        assertEq(uint256(_view(c).scoredCount), 4, "scored count");
        assertEq(hub.treasuryBalance(aid, address(token)), 30e18, "treasury");
    }

    function test_missedReveal_penaltyCappedAtBond() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.missPenalty = MIN_BOND; // the largest valid penalty
        _use(p);
        uint256 small = _register(owner2, op2, MIN_BOND + 4e18);
        _warp(_end(1));
        _reportAll(1, _vals(1, 1));
        _warp(_end(2));
        _reportAll(2, _vals(1, 1));
        _warp(_revealCloses(2));
        // Two misses (never committed) would take 200e18; the bond holds 104e18.
        vm.expectEmit();
        emit IGengovHub.RevealsMissed(aid, small, 2, MIN_BOND + 4e18, WAD);
        assertEq(hub.poke(aid, small), 2, "two misses");
        assertEq(_view(small).bond, 0, "bond emptied");
        assertFalse(_view(small).eligible, "no bond unit left");
        assertEq(hub.treasuryBalance(aid, address(token)), MIN_BOND + 4e18, "capped penalty");
        assertEq(token.balanceOf(address(hub)), MIN_BOND + 4e18 + 200e18, "held = treasury + cid's bond");
    }

    /// @dev Shared start: `cid` committed target 1 and missed it (outcome final); now is epoch 3.
    function _missTargetOne() internal {
        _commit(op1, cid, 1, _vals(1, 1));
        _warp(_end(1));
        _reportAll(1, _vals(1, 1));
        _warp(_start(3));
    }

    /// @dev What the view shows and what one poke then books: the miss of target 1, exactly once.
    function _expectOneMissBookedByPoke(uint256 bondBefore) internal {
        IGengovHub.CandidateView memory v = _view(cid);
        assertEq(uint256(v.misses), 1, "the view applies the miss");
        assertEq(v.bond, bondBefore - MISS_PENALTY, "view bond");
        assertFalse(v.eligible, "not eligible until the record accounts for target 1");
        vm.expectEmit();
        emit IGengovHub.RevealsMissed(aid, cid, 1, MISS_PENALTY, WAD);
        assertEq(hub.poke(aid, cid), 1, "poke books it");
        assertEq(hub.treasuryBalance(aid, address(token)), MISS_PENALTY, "treasury");
        assertEq(_view(cid).bond, bondBefore - MISS_PENALTY, "stored bond");
        assertEq(hub.poke(aid, cid), 0, "once");
    }

    /// @dev A commit reads only the seat and writes only its commitment: it settles nothing.
    function test_missedReveal_notChargedByCommit() public {
        _missTargetOne();
        bytes32 c = _commitment(cid, 4, _vals(4, 4));
        vm.expectEmit();
        emit IGengovHub.ForecastCommitted(aid, cid, 4, c);
        vm.prank(op1);
        hub.commitForecast(aid, cid, 4, c);
        assertEq(hub.treasuryBalance(aid, address(token)), 0, "nothing booked by the commit");
        _expectOneMissBookedByPoke(200e18);
    }

    /// @dev A top-up adds to the stored bond and settles nothing; the miss is taken when booked.
    function test_missedReveal_notChargedByTopUp() public {
        _missTargetOne();
        vm.expectEmit();
        emit IGengovHub.BondToppedUp(aid, cid, 5e18, 205e18);
        vm.prank(owner1);
        hub.topUp(aid, cid, 5e18);
        assertEq(hub.treasuryBalance(aid, address(token)), 0, "nothing booked by the top-up");
        _expectOneMissBookedByPoke(205e18);
    }

    /// @dev Asking to exit settles nothing; withdrawing books every owed target before paying out.
    function test_missedReveal_chargedAtWithdrawNotAtRequestExit() public {
        _missTargetOne();
        vm.expectEmit();
        emit IGengovHub.ExitRequested(aid, cid, uint64(now_ + 3 * L));
        vm.prank(owner1);
        hub.requestExit(aid, cid);
        assertEq(hub.treasuryBalance(aid, address(token)), 0, "nothing booked by the request");
        assertEq(uint256(_view(cid).misses), 1, "the view applies the miss");
        _warp(now_ + 3 * L);
        vm.expectEmit();
        emit IGengovHub.RevealsMissed(aid, cid, 1, MISS_PENALTY, WAD);
        vm.expectEmit();
        emit IGengovHub.BondWithdrawn(aid, cid, owner1, 190e18);
        vm.prank(owner1);
        hub.withdraw(aid, cid);
        assertEq(hub.treasuryBalance(aid, address(token)), MISS_PENALTY, "treasury");
    }

    function test_missedReveal_appliedLazilyByRevealBeforeScoring() public {
        _commit(op1, cid, 1, _vals(1, 1));
        _warp(_end(0));
        _commit(op1, cid, 2, _vals(1000, 5000));
        _warp(_end(1));
        _reportAll(1, _vals(1, 1));
        _warp(_end(2));
        _reportAll(2, _vals(1100, 5000));
        _warp(_revealOpens(2));
        // Miss of target 1 first (worst loss, first score), then target 2: loss 0.05 on metric 0.
        uint256 loss = 0.05e18;
        uint256 score = WAD - ((WAD - loss) * (WAD / 4)) / WAD;
        vm.expectEmit();
        emit IGengovHub.RevealsMissed(aid, cid, 1, MISS_PENALTY, WAD);
        vm.expectEmit();
        emit IGengovHub.ForecastRevealed(aid, cid, 2, _vals(1000, 5000), loss, score);
        _reveal(op1, cid, 2, _vals(1000, 5000));
        assertEq(uint256(_view(cid).scoredCount), 2, "miss + reveal");
    }

    function test_setOperator_rotationKeepsPendingReveal() public {
        int128[] memory f = _vals(1100, 4000);
        _commitAndReport(f);
        vm.prank(owner1);
        hub.setOperator(aid, cid, op3);
        _warp(_revealOpens(1));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CallerNotOperator.selector, cid, op1));
        _reveal(op1, cid, 1, f);
        _reveal(op3, cid, 1, f);
        assertEq(uint256(_view(cid).scoredCount), 1, "revealed by the new key");
    }
}
