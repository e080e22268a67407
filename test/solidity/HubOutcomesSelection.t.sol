// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../../contracts/interfaces/IGengovHub.sol";
import {LossMath} from "../../contracts/libraries/LossMath.sol";
import {HubBase} from "./HubBase.sol";

/// @notice Outcomes (report window, corrections, median, quorum and void, finalization edges) and
/// executor selection (window edges, Leader with ties and hysteresis, Weighted draw, effective scores,
/// burn-in, ranking and the executorOf view).
contract HubOutcomesSelectionTest is HubBase {
    // ─────────────────────────────────────────── reports ─────────────────────────────────────────

    function test_report_windowEdges() public {
        uint64 opens = uint64(_end(0));
        uint64 closes = uint64(_end(0) + RW);
        bytes memory closed = abi.encodeWithSelector(
            IGengovHub.ReportWindowClosed.selector,
            0,
            opens,
            closes
        );
        _warp(opens - 1);
        vm.expectRevert(closed);
        _report(r1, 0, _vals(1, 1));
        _warp(opens);
        _report(r1, 0, _vals(1, 1));
        _warp(opens + 1);
        _report(r2, 0, _vals(1, 1));
        _warp(closes - 1);
        _report(r3, 0, _vals(1, 1));
        _warp(closes);
        vm.expectRevert(closed);
        _report(r1, 0, _vals(1, 1));
        _warp(closes + 1);
        vm.expectRevert(closed);
        _report(r1, 0, _vals(1, 1));
        (, , uint8 n) = hub.outcome(aid, 0);
        assertEq(uint256(n), 3, "three in-window reports");
    }

    function test_report_emitsAndCorrectionReplaces() public {
        _warp(_end(0));
        vm.expectEmit();
        emit IGengovHub.OutcomeReported(aid, 0, r1, _vals(10, 20));
        _report(r1, 0, _vals(10, 20));
        _report(r2, 0, _vals(30, 40));
        vm.expectEmit();
        emit IGengovHub.OutcomeReported(aid, 0, r1, _vals(50, 60));
        _report(r1, 0, _vals(50, 60)); // correction
        (, , uint8 n) = hub.outcome(aid, 0);
        assertEq(uint256(n), 2, "a correction is not a new report");
        _warp(_end(0) + RW);
        hub.finalizeOutcome(aid, 0);
        (, int128[] memory o, ) = hub.outcome(aid, 0);
        assertEq(int256(o[0]), 40, "(30 + 50) / 2");
        assertEq(int256(o[1]), 50, "(40 + 60) / 2");
    }

    function test_report_reverts() public {
        _warp(_end(0));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ReporterUnknown.selector, stranger));
        _report(stranger, 0, _vals(1, 1));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ValuesLengthInvalid.selector, 1, 2));
        _report(r1, 0, _vals(1));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ValuesLengthInvalid.selector, 0, 2));
        _report(r1, 0, new int128[](0));
    }

    // ───────────────────────────────────────── finalization ──────────────────────────────────────

    function test_finalize_readyEdgesAndIdempotence() public {
        _warp(_end(0));
        _reportAll(0, _vals(7, -7));
        uint64 readyAt = uint64(_end(0) + RW);
        _warp(readyAt - 1);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.OutcomeNotReady.selector, 0, readyAt));
        hub.finalizeOutcome(aid, 0);
        (IGengovHub.OutcomeStatus st, , ) = hub.outcome(aid, 0);
        assertTrue(st == IGengovHub.OutcomeStatus.Pending, "pending until fixed");

        _warp(readyAt);
        vm.expectEmit();
        emit IGengovHub.OutcomeFinalized(aid, 0, _vals(7, -7));
        assertTrue(hub.finalizeOutcome(aid, 0) == IGengovHub.OutcomeStatus.Final, "final");
        _warp(readyAt + 1);
        assertTrue(hub.finalizeOutcome(aid, 0) == IGengovHub.OutcomeStatus.Final, "idempotent");
    }

    function test_finalize_medianOddAndEvenTruncatesTowardZero() public {
        _warp(_end(0));
        _report(r1, 0, _vals(5, -3));
        _report(r2, 0, _vals(-9, -2));
        _report(r3, 0, _vals(100, 8));
        _warp(_end(1));
        _report(r2, 1, _vals(-3, 3));
        _report(r3, 1, _vals(-2, 4));
        _warp(_end(1) + RW);
        hub.finalizeOutcome(aid, 0);
        hub.finalizeOutcome(aid, 1);
        (, int128[] memory odd, ) = hub.outcome(aid, 0);
        assertEq(int256(odd[0]), 5, "median of -9, 5, 100");
        assertEq(int256(odd[1]), -2, "median of -3, -2, 8");
        (, int128[] memory even, ) = hub.outcome(aid, 1);
        assertEq(int256(even[0]), -2, "(-3 + -2) / 2 = -2.5 -> -2");
        assertEq(int256(even[1]), 3, "(3 + 4) / 2 = 3.5 -> 3");
    }

    function test_finalize_voidBelowQuorum() public {
        _warp(_end(0));
        _report(r1, 0, _vals(1, 1));
        _warp(_end(1) + RW);
        vm.expectEmit();
        emit IGengovHub.OutcomeVoided(aid, 0, 1);
        assertTrue(hub.finalizeOutcome(aid, 0) == IGengovHub.OutcomeStatus.Void, "void");
        vm.expectEmit();
        emit IGengovHub.OutcomeVoided(aid, 1, 0);
        assertTrue(hub.finalizeOutcome(aid, 1) == IGengovHub.OutcomeStatus.Void, "void without reports");
        (IGengovHub.OutcomeStatus st, int128[] memory o, uint8 n) = hub.outcome(aid, 0);
        assertTrue(st == IGengovHub.OutcomeStatus.Void, "stored void");
        assertEq(o.length, 0, "no values");
        assertEq(uint256(n), 1, "reports");
    }

    function _sorted(int256[] memory v) internal pure returns (int256[] memory) {
        for (uint256 i = 0; i < v.length; ++i) {
            for (uint256 j = i + 1; j < v.length; ++j) if (v[j] < v[i]) (v[i], v[j]) = (v[j], v[i]);
        }
        return v;
    }

    function test_fuzz_finalize_medianMatchesReference(int128 a, int128 b, int128 c, bool three) public {
        _warp(_end(0));
        _report(r1, 0, _vals(a, 0));
        _report(r2, 0, _vals(b, 0));
        if (three) _report(r3, 0, _vals(c, 0));
        _warp(_end(0) + RW);
        hub.finalizeOutcome(aid, 0);
        (, int128[] memory o, ) = hub.outcome(aid, 0);
        int256[] memory v = new int256[](three ? 3 : 2);
        v[0] = a;
        v[1] = b;
        if (three) v[2] = c;
        v = _sorted(v);
        int256 expected = three ? v[1] : (v[0] + v[1]) / 2;
        assertEq(int256(o[0]), expected, "median");
    }

    // ──────────────────────────────────────── selection ──────────────────────────────────────────

    function _selectionAgreement(IGengovHub.Selection selection) internal returns (uint256 c1, uint256 c2) {
        IGengovHub.AgreementParams memory p = _unitParams();
        p.minScored = 1;
        p.alpha = uint64(WAD); // the score is the latest loss
        p.margin = 0.1e18;
        p.selection = uint8(selection);
        _use(p);
        c1 = _register(owner1, op1, 200e18);
        c2 = _register(owner2, op2, 200e18);
    }

    function test_selectExecutor_windowEdges() public {
        uint64 opens = uint64(_end(1));
        uint64 closes = uint64(_end(1) + RW + RV);
        bytes memory closed = abi.encodeWithSelector(
            IGengovHub.SelectionWindowClosed.selector,
            1,
            opens,
            closes
        );
        _warp(opens - 1);
        vm.expectRevert(closed);
        hub.selectExecutor(aid, 1);
        (uint256 e, uint256 f, bool isFixed) = hub.executorOf(aid, 1);
        assertEq(e + f, 0, "view outside the window");
        assertFalse(isFixed, "not fixed");

        uint256[3] memory okTimes = [uint256(opens), opens + 1, closes - 1];
        for (uint256 i = 0; i < 3; ++i) {
            uint256 snap = vm.snapshotState();
            _warp(okTimes[i]);
            vm.expectEmit();
            emit IGengovHub.ExecutorSelected(aid, 1, 0, 0);
            hub.selectExecutor(aid, 1);
            vm.revertToState(snap);
        }
        _warp(closes);
        vm.expectRevert(closed);
        hub.selectExecutor(aid, 1);
        _warp(closes + 1);
        vm.expectRevert(closed);
        hub.selectExecutor(aid, 1);
    }

    function test_selectExecutor_fixedChoiceIsStable() public {
        (uint256 c1, uint256 c2) = _selectionAgreement(IGengovHub.Selection.Leader);
        _round(1, _two(c1, c2), _ops2(op1, op2), _f2(0.3e18, 0.1e18), 0);
        _warp(_end(2));
        hub.selectExecutor(aid, 2);
        // Later state changes (c2 exits) do not move a fixed choice, even after the window.
        vm.prank(owner2);
        hub.requestExit(aid, c2);
        (uint256 e, uint256 f) = hub.selectExecutor(aid, 2);
        assertEq(e, c2, "executor");
        assertEq(f, c1, "fallback");
        _warp(_end(2) + RW + RV + 1);
        (uint256 e2, , bool isFixed) = hub.executorOf(aid, 2);
        assertEq(e2, c2, "stored");
        assertTrue(isFixed, "fixed");
    }

    function test_selectExecutor_leaderLowestScoreTiesToLowerId() public {
        (uint256 c1, uint256 c2) = _selectionAgreement(IGengovHub.Selection.Leader);
        uint256 c3 = _register(owner3, op3, 200e18);
        uint256[] memory ids = new uint256[](3);
        (ids[0], ids[1], ids[2]) = (c1, c2, c3);
        address[] memory ops = new address[](3);
        (ops[0], ops[1], ops[2]) = (op1, op2, op3);
        int128[] memory fs = new int128[](3);
        (fs[0], fs[1], fs[2]) = (0.3e18, 0.1e18, 0.1e18);

        _commitRound(1, ids, ops, fs);
        _warp(_end(1));
        _reportAll(1, _vals(0));
        _warp(_revealOpens(1));
        vm.expectEmit();
        emit IGengovHub.ExecutorSelected(aid, 1, 0, 0); // nobody scored yet at end(1)
        for (uint256 i = 0; i < 3; ++i) _reveal(ops[i], ids[i], 1, _vals(fs[i]));

        (uint256[] memory rid, uint256[] memory rs) = hub.ranking(aid, 2);
        assertEq(rid.length, 3, "all eligible");
        assertEq(rid[0], c2, "best, lower id of the tie");
        assertEq(rid[1], c3, "tie");
        assertEq(rid[2], c1, "worst");
        assertEq(rs[0], 0.1e18, "score 0");
        assertEq(rs[2], 0.3e18, "score 2");

        _warp(_end(2));
        (uint256 e, uint256 f, bool isFixed) = hub.executorOf(aid, 2);
        assertEq(e, c2, "view executor");
        assertEq(f, c3, "view fallback");
        assertFalse(isFixed, "not yet fixed");
        vm.expectEmit();
        emit IGengovHub.ExecutorSelected(aid, 2, c2, c3);
        (e, f) = hub.selectExecutor(aid, 2);
        assertEq(e, c2, "executor");
        assertEq(f, c3, "fallback");
        (, , isFixed) = hub.executorOf(aid, 2);
        assertTrue(isFixed, "fixed");
    }

    /// @dev c1 becomes incumbent at epoch 2 (0.3 vs 0.5); then round 3 sets the scores to (x, y) and
    /// epoch 4's choice is returned.
    function _hysteresisRun(int128 x, int128 y) internal returns (uint256 e, uint256 f) {
        (uint256 c1, uint256 c2) = _selectionAgreement(IGengovHub.Selection.Leader);
        _round(1, _two(c1, c2), _ops2(op1, op2), _f2(0.3e18, 0.5e18), 0);
        _commitRound(3, _two(c1, c2), _ops2(op1, op2), _f2(x, y));
        _warp(_end(2));
        (e, ) = hub.selectExecutor(aid, 2);
        assertEq(e, c1, "incumbent");
        _settleRound(3, _two(c1, c2), _ops2(op1, op2), _f2(x, y), 0);
        _warp(_end(4));
        (e, f) = hub.selectExecutor(aid, 4);
    }

    function test_selectExecutor_hysteresisMarginEdges() public {
        uint256 snap = vm.snapshotState();
        (uint256 e, uint256 f) = _hysteresisRun(0.5e18, 0.4e18); // rival better by exactly the margin
        assertEq(e, 1, "incumbent keeps the seat");
        assertEq(f, 2, "best rival is the fallback");
        vm.revertToState(snap);
        (e, f) = _hysteresisRun(0.5e18, 0.4e18 - 1); // better by more than the margin
        assertEq(e, 2, "rival takes over");
        assertEq(f, 1, "incumbent is the fallback");
    }

    /// @dev Scores range over [0, 0.99]: above maxScore (0.9) a candidate is not eligible at all, so an
    /// incumbent over the ceiling loses the seat whatever the margin, and one alone has no fallback.
    function test_fuzz_selectExecutor_incumbentKeepsSeatUnlessBeatenByMoreThanMargin(
        uint64 x,
        uint64 y
    ) public {
        x = uint64(bound(x, 0, 0.99e18));
        y = uint64(bound(y, 0, 0.99e18));
        (uint256 e, uint256 f) = _hysteresisRun(int128(uint128(x)), int128(uint128(y)));
        bool ok1 = x <= 0.9e18;
        bool ok2 = y <= 0.9e18;
        uint256 expected;
        if (ok1 && ok2) expected = uint256(y) + 0.1e18 < x ? 2 : 1;
        else expected = ok1 ? 1 : (ok2 ? 2 : 0);
        assertEq(e, expected, "executor");
        assertEq(f, ok1 && ok2 ? 3 - expected : 0, "fallback");
    }

    /// @dev Eligibility is read from the record alone: a leader that skipped target 3 and was never
    /// poked has not accounted for it, so it is not up to date and sits out epoch 4. Poked, its miss
    /// is booked as the worst loss (alpha 1: score 1.0), which is over maxScore: out either way.
    function test_selectExecutor_recordBehindOnATargetIsNotEligible() public {
        (uint256 c1, uint256 c2) = _selectionAgreement(IGengovHub.Selection.Leader);
        _round(1, _two(c1, c2), _ops2(op1, op2), _f2(0.1e18, 0.3e18), 0);
        _commitRound(3, _two(c1, c2), _ops2(op1, op2), _f2(0.1e18, 0.3e18));
        _warp(_end(2));
        (uint256 e, ) = hub.selectExecutor(aid, 2);
        assertEq(e, c1, "c1 leads");
        _warp(_end(3));
        _reportAll(3, _vals(0));
        _warp(_revealOpens(3));
        _reveal(op2, c2, 3, _vals(0.3e18)); // c1 stays silent
        _warp(_end(4));
        (, bool pending) = hub.forecastSlot(aid, c1, 3);
        assertTrue(pending, "nobody poked c1");
        assertEq(uint256(_view(c1).cursor), 4, "the view accounts for the miss");
        assertFalse(_view(c1).eligible, "but the stored record is behind");
        (uint256[] memory ids, uint256[] memory scores) = hub.ranking(aid, 4);
        assertEq(ids.length, 1, "only c2");
        assertEq(ids[0], c2, "c2");
        assertEq(scores[0], 0.3e18, "c2's score");
        (uint256 ve, uint256 vf, ) = hub.executorOf(aid, 4);
        assertEq(ve, c2, "view executor");
        assertEq(vf, 0, "view fallback");

        uint256 snap = vm.snapshotState();
        assertEq(hub.poke(aid, c1), 1, "the miss booked");
        assertEq(_view(c1).score, WAD, "worst loss");
        (ids, ) = hub.ranking(aid, 4);
        assertEq(ids.length, 1, "still only c2: c1 is over maxScore");
        vm.revertToState(snap);

        vm.expectEmit();
        emit IGengovHub.ExecutorSelected(aid, 4, c2, 0);
        hub.selectExecutor(aid, 4);
    }

    /// @dev Nobody can account for a void target, so the up-to-date floor steps back over the void
    /// targets just before the epoch, at most 16 of them. A candidate that revealed target 1 and then
    /// saw targets 2.. voided stays eligible through epoch 18 (floor 2) and drops out at epoch 19
    /// (floor 3), until a poke walks its cursor over the void targets for free.
    function test_selection_upToDateFloorStepsBackOverAtMost16VoidTargets() public {
        (uint256 c1, ) = _selectionAgreement(IGengovHub.Selection.Leader);
        _round(1, _one(c1), _ops1(op1), _f1(0.2e18), 0);
        for (uint64 e = 2; e <= 19; ++e) {
            _warp(_end(e));
            (uint256 ex, , ) = hub.executorOf(aid, e);
            assertEq(ex, e <= 18 ? c1 : 0, "eligible while at most 16 void targets precede");
            assertEq(_view(c1).eligible, e <= 18, "the view agrees with the selection");
        }
        (uint256 ex19, ) = hub.selectExecutor(aid, 19);
        assertEq(ex19, 0, "17 void targets: behind");
        _warp(_end(20));
        assertEq(hub.poke(aid, c1), 0, "void targets cost nothing");
        assertEq(uint256(_view(c1).cursor), 20, "cursor walked over the void targets");
        assertEq(uint256(_view(c1).misses), 0, "no misses");
        (uint256 ex20, ) = hub.selectExecutor(aid, 20);
        assertEq(ex20, c1, "up to date again");
    }

    function test_selectExecutor_revealFixesSelectionFromPreRevealScores() public {
        (uint256 c1, uint256 c2) = _selectionAgreement(IGengovHub.Selection.Leader);
        _round(1, _two(c1, c2), _ops2(op1, op2), _f2(0.1e18, 0.3e18), 0);
        _commitRound(3, _two(c1, c2), _ops2(op1, op2), _f2(0.9e18, 0));
        _warp(_end(3));
        _reportAll(3, _vals(0));
        _warp(_revealOpens(3));
        // c2's reveal would make it the leader, but epoch 3's executor is fixed from scores at end(3).
        vm.expectEmit();
        emit IGengovHub.ExecutorSelected(aid, 3, c1, c2);
        _reveal(op2, c2, 3, _vals(0));
        _reveal(op1, c1, 3, _vals(0.9e18));
        (uint256 e, uint256 f, bool isFixed) = hub.executorOf(aid, 3);
        assertEq(e, c1, "executor from pre-reveal scores");
        assertEq(f, c2, "fallback");
        assertTrue(isFixed, "fixed");
        _warp(_end(4));
        (e, ) = hub.selectExecutor(aid, 4);
        assertEq(e, c2, "new scores apply to the next epoch");
    }

    function test_selectExecutor_burnInNeedsMinScored() public {
        uint256 c1 = _register(owner1, op1, 200e18); // default agreement: minScored 2
        _commit(op1, c1, 1, _vals(1000, 5000));
        _warp(_end(0) + 1);
        _commit(op1, c1, 2, _vals(1000, 5000));
        _warp(_end(1));
        _reportAll(1, _vals(1000, 5000));
        _warp(_revealOpens(1));
        _reveal(op1, c1, 1, _vals(1000, 5000));
        assertFalse(_view(c1).eligible, "one scored epoch");
        _warp(_end(2));
        (uint256 e, ) = hub.selectExecutor(aid, 2);
        assertEq(e, 0, "nobody eligible");
        _reportAll(2, _vals(1000, 5000));
        _warp(_revealOpens(2));
        _reveal(op1, c1, 2, _vals(1000, 5000));
        assertTrue(_view(c1).eligible, "two scored epochs");
        _warp(_end(3));
        (e, ) = hub.selectExecutor(aid, 3);
        assertEq(e, c1, "eligible after burn-in");
    }

    function test_ranking_excludesExitingUnderBondedAndUnscored() public {
        IGengovHub.AgreementParams memory p = _unitParams();
        p.minScored = 0; // even without a burn-in, a never-scored model (score 1.0) is over maxScore
        _use(p);
        uint256 c1 = _register(owner1, op1, MIN_BOND);
        uint256 c2 = _register(owner2, op2, MIN_BOND);
        uint256 c3 = _register(owner3, op3, MIN_BOND);
        (uint256[] memory ids, uint256[] memory scores) = hub.ranking(aid, 0);
        assertEq(ids.length, 0, "unscored candidates sit at the worst score, over maxScore");
        uint256[] memory all = new uint256[](3);
        (all[0], all[1], all[2]) = (c1, c2, c3);
        address[] memory ops = new address[](3);
        (ops[0], ops[1], ops[2]) = (op1, op2, op3);
        int128[] memory fs = new int128[](3);
        (fs[0], fs[1], fs[2]) = (0.2e18, 0.2e18, 0.1e18);
        _round(1, all, ops, fs, 0);
        uint256 unscored = _register(stranger, op1, MIN_BOND);
        vm.prank(owner3);
        hub.requestExit(aid, c3);
        vm.prank(address(hub.execution()));
        hub.slashBond(aid, c2, 1);
        (ids, scores) = hub.ranking(aid, 2);
        assertEq(ids.length, 1, "only c1: c3 exits, c2 is under minBond, the newcomer is unscored");
        assertEq(ids[0], c1, "c1");
        assertEq(scores[0], 0.2e18, "c1's score");
        vm.prank(owner2);
        hub.topUp(aid, c2, 1);
        (ids, ) = hub.ranking(aid, 2);
        assertEq(ids.length, 2, "c2 reaches minBond again");
        assertEq(ids[1], c2, "tie, by id");
        assertTrue(ids[0] != unscored && ids[1] != unscored, "the newcomer is not ranked");
    }

    /// @dev The packed scan against the candidates' own views: 9 candidates (pairs and a lone last id),
    /// a fuzzed subset skips its target-2 reveal, so at end(3) their records are behind (cursor 2)
    /// and neither the scan nor the views count them, whatever their scores; bonds of one unit and
    /// two alternate. The executor and fallback must be what the views say: lowest (score, id) among
    /// the eligible, with hysteresis.
    function test_fuzz_selection_scanAgreesWithViews(uint256 seed) public {
        IGengovHub.AgreementParams memory p = _unitParams();
        p.minScored = 1;
        p.margin = 0.05e18;
        p.missPenalty = 60e18; // two misses take a 100e18 bond below minBond
        _use(p);
        uint256 n = 9;
        uint256[] memory cids = new uint256[](n);
        address[] memory ops = new address[](n);
        int128[] memory f1 = new int128[](n);
        int128[] memory f2 = new int128[](n);
        for (uint256 i = 0; i < n; ++i) {
            ops[i] = address(uint160(0x6000 + i));
            cids[i] = _register(owner1, ops[i], i % 3 == 0 ? MIN_BOND : 2 * MIN_BOND);
            f1[i] = int128(int256((uint256(keccak256(abi.encode(seed, i, 1))) % 7) * 0.1e18));
            f2[i] = int128(int256((uint256(keccak256(abi.encode(seed, i, 2))) % 7) * 0.1e18));
        }
        _commitRound(1, cids, ops, f1);
        _warp(_start(1));
        for (uint256 i = 0; i < n; ++i) _commit(ops[i], cids[i], 2, _vals(f2[i]));
        _settleRound(1, cids, ops, f1, 0);
        _warp(_end(2));
        _reportAll(2, _vals(0));
        _warp(_revealOpens(2));
        uint256 skips = uint256(keccak256(abi.encode(seed, "skip")));
        for (uint256 i = 0; i < n; ++i) {
            if ((skips >> i) & 1 == 0) _reveal(ops[i], cids[i], 2, _vals(f2[i]));
        }
        _warp(_end(3));
        (uint256 incumbent, , bool fixed2) = hub.executorOf(aid, 2);
        assertTrue(fixed2 || incumbent == 0, "epoch 2 fixed by its reveals");
        // Reference from the views (misses applied as of now = end(3)).
        (uint256 best, uint256 bestScore, uint256 second) = (0, type(uint256).max, 0);
        uint256 secondScore = type(uint256).max;
        uint256 incumbentScore = type(uint256).max;
        for (uint256 i = 0; i < n; ++i) {
            IGengovHub.CandidateView memory v = _view(cids[i]);
            if ((skips >> i) & 1 == 1) assertFalse(v.eligible, "a skipper is behind on target 2");
            if (!v.eligible) continue;
            if (cids[i] == incumbent) incumbentScore = v.score;
            if (v.score < bestScore) {
                (second, secondScore) = (best, bestScore);
                (best, bestScore) = (cids[i], v.score);
            } else if (v.score < secondScore) {
                (second, secondScore) = (cids[i], v.score);
            }
        }
        uint256 executor = best;
        if (
            incumbentScore != type(uint256).max && incumbent != best && bestScore + p.margin >= incumbentScore
        ) {
            executor = incumbent;
        }
        (uint256 e3, uint256 fb3, ) = hub.executorOf(aid, 3);
        assertEq(e3, executor, "executor");
        assertEq(fb3, executor == best ? second : best, "fallback");
    }

    /// @dev 16 candidates with fuzzed forecasts from a narrow range (so scores tie often): ranking
    /// lists every eligible id once, ordered by (score, id), and agrees with each candidate's view.
    function test_fuzz_ranking_sortedByScoreThenId(uint256 seed) public {
        IGengovHub.AgreementParams memory p = _unitParams();
        p.minScored = 1;
        _use(p);
        uint256 n = 16;
        uint256[] memory cids = new uint256[](n);
        address[] memory ops = new address[](n);
        int128[] memory forecasts = new int128[](n);
        for (uint256 i = 0; i < n; ++i) {
            ops[i] = address(uint160(0x5000 + i));
            cids[i] = _register(owner1, ops[i], MIN_BOND);
            // Losses in {0, 0.1, …, 0.4} (unit scale): many exact ties.
            forecasts[i] = int128(int256((uint256(keccak256(abi.encode(seed, i))) % 5) * 0.1e18));
        }
        // The last candidate never reveals: not scored, so not eligible.
        _commitRound(1, cids, ops, forecasts);
        _warp(_end(1));
        _reportAll(1, _vals(0));
        _warp(_revealOpens(1));
        for (uint256 i = 0; i + 1 < n; ++i) _reveal(ops[i], cids[i], 1, _vals(forecasts[i]));
        _warp(_end(2));
        (uint256[] memory ids, uint256[] memory scores) = hub.ranking(aid, 2);
        assertEq(ids.length, n - 1, "every revealed candidate, and only those");
        bool[] memory seen = new bool[](n + 1);
        for (uint256 i = 0; i < ids.length; ++i) {
            assertFalse(seen[ids[i]], "id listed twice");
            seen[ids[i]] = true;
            assertEq(scores[i], _view(ids[i]).score, "score differs from the candidate's view");
            if (i > 0) {
                assertTrue(
                    scores[i - 1] < scores[i] || (scores[i - 1] == scores[i] && ids[i - 1] < ids[i]),
                    "not ordered by (score, id)"
                );
            }
        }
        assertFalse(seen[cids[n - 1]], "an unscored candidate is ranked");
    }

    // ───────────────────────────────────────── weighted ──────────────────────────────────────────

    function test_weighted_drawWalksIdOrderByWeight() public {
        (uint256 c1, uint256 c2) = _selectionAgreement(IGengovHub.Selection.Weighted);
        _round(1, _two(c1, c2), _ops2(op1, op2), _f2(0.3e18, 0.1e18), 0);
        // Two bond units each: w1 = 2·e^(−5 · (0.3 − 0.1)) = 2·e^−1, w2 = 2·e^0 = 2; the walk goes c1
        // then c2.
        uint256 w1 = 2 * LossMath.expNegWad(1e18);
        uint256 w2 = 2 * WAD;
        _warp(_end(2));
        uint256[5] memory words = [w1 - 1, w1, w1 + w2 - 1, w1 + w2, 7 * (w1 + w2) + w1 - 1];
        uint256[5] memory picks = [c1, c2, c2, c1, c1];
        for (uint256 i = 0; i < words.length; ++i) {
            rng.setWord(2, words[i]);
            (uint256 e, uint256 f, ) = hub.executorOf(aid, 2);
            assertEq(e, picks[i], "pick");
            assertEq(f, picks[i] == c2 ? c1 : c2, "fallback is the best other");
        }
        rng.setWord(2, w1 - 1);
        vm.expectEmit();
        emit IGengovHub.ExecutorSelected(aid, 2, c1, c2);
        hub.selectExecutor(aid, 2);
        rng.setWord(2, w1);
        (uint256 fixedPick, , ) = hub.executorOf(aid, 2);
        assertEq(fixedPick, c1, "a fixed draw does not change with the word");
    }

    /// @dev Reference draw: weight = bond units × e^(−eta·(S − S_min)) over the eligible (score at most
    /// maxScore 0.9); a candidate over the ceiling has no weight at all, and one alone has no fallback.
    function test_fuzz_weighted_pickFollowsTheWeights(
        uint256 word,
        uint64 s1,
        uint64 s2,
        bool threeUnits
    ) public {
        s1 = uint64(bound(s1, 0, 0.99e18));
        s2 = uint64(bound(s2, 0, 0.99e18));
        (uint256 c1, uint256 c2) = _selectionAgreement(IGengovHub.Selection.Weighted);
        // 2 units for c1; c2 has 2, or 3 after a top-up.
        if (threeUnits) {
            vm.prank(owner2);
            hub.topUp(aid, c2, 150e18); // 350e18: the half unit above 3 does not count
        }
        _round(1, _two(c1, c2), _ops2(op1, op2), _f2(int128(uint128(s1)), int128(uint128(s2))), 0);
        bool ok1 = s1 <= 0.9e18;
        bool ok2 = s2 <= 0.9e18;
        uint256 sMin = !ok2 || (ok1 && s1 < s2) ? s1 : s2;
        uint256 w1 = ok1 ? 2 * LossMath.expNegWad((5e18 * (s1 - sMin)) / WAD) : 0;
        uint256 w2 = ok2 ? (threeUnits ? 3 : 2) * LossMath.expNegWad((5e18 * (s2 - sMin)) / WAD) : 0;
        rng.setWord(2, word);
        _warp(_end(2));
        (uint256 e, uint256 f) = hub.selectExecutor(aid, 2);
        if (!ok1 && !ok2) {
            assertEq(e + f, 0, "nobody eligible");
            return;
        }
        uint256 expected = word % (w1 + w2) < w1 ? c1 : c2;
        assertEq(e, expected, "draw");
        if (!(ok1 && ok2)) {
            assertEq(f, 0, "alone: no fallback");
            return;
        }
        uint256 best = s2 < s1 ? c2 : c1;
        assertEq(f, e == best ? (best == c1 ? c2 : c1) : best, "fallback");
    }

    function test_weighted_noEligibleMeansNoExecutor() public {
        _selectionAgreement(IGengovHub.Selection.Weighted);
        _warp(_end(0));
        vm.expectEmit();
        emit IGengovHub.ExecutorSelected(aid, 0, 0, 0);
        (uint256 e, uint256 f) = hub.selectExecutor(aid, 0);
        assertEq(e + f, 0, "none");
    }
}
