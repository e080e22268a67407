// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../../contracts/interfaces/IGengovHub.sol";
import {LossMath} from "../../contracts/libraries/LossMath.sol";
import {ReentrantERC20} from "../../contracts/test/ReentrantERC20.sol";
import {HubBase} from "./HubBase.sol";

/// @notice Cheatcodes beyond `Vm` that these tests use (Hardhat's EDR implements them).
interface VmExtra {
    /// @notice Marks an account and all its storage slots cold, as at the start of a transaction.
    function cool(address target) external;
    function snapshotValue(string calldata group, string calldata name, uint256 value) external;
}

/// @notice Attacks on the participation, eligibility, seat, selection, randomness and input rules of
/// docs/mechanism.md, each run the way an attacker would run it and asserting the safe outcome. Each
/// test says how it failed against the contracts before b0e20bd (6ded8c8), where a port of it to
/// the old interface was run.
contract HubHardeningTest is HubBase {
    VmExtra internal constant vmx = VmExtra(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 internal constant LN2 = 693147180559945309;
    bytes4 internal constant REENTRANT_CALL = bytes4(keccak256("ReentrancyGuardReentrantCall()"));

    // ───────────────────────────────────────────── helpers ─────────────────────────────────────────

    /// @dev One Absolute metric with scale 1e18 (loss = |forecast − outcome|), burn-in of one target,
    /// no hysteresis.
    function _plain(uint8 selection) internal view returns (IGengovHub.AgreementParams memory p) {
        p = _unitParams();
        p.minScored = 1;
        p.margin = 0;
        p.selection = selection;
    }

    function _i(uint256 x) internal pure returns (int128) {
        return int128(int256(x));
    }

    function _selected(uint64 e) internal returns (uint256 executor) {
        (executor, ) = hub.selectExecutor(aid, e);
    }

    // ───────────────────────────────────────── 1. dormant leader ───────────────────────────────────

    /// @dev A leader (loss 0.10) and an honest rival (loss 0.12), horizon 2, no margin. The leader
    /// forecasts and executes, then stops committing in epoch `c` (its first missing target is c + 2)
    /// and never reveals or pokes again; the honest one keeps forecasting for 14 epochs. The leader
    /// must lose the seat by epoch c + horizon + 1 and never get it back.
    /// Before b0e20bd a target never committed was never owed: the dormant leader kept its 0.10 and
    /// was still the executor at epoch c + horizon + 1.
    function test_attack_dormantLeaderLosesTheSeatWithinHorizonPlusOne() public {
        IGengovHub.AgreementParams memory p = _plain(uint8(IGengovHub.Selection.Leader));
        p.horizon = 2;
        p.exitDelay = 4 * L;
        _use(p);
        uint256 leader = _register(owner1, op1, MIN_BOND);
        uint256 honest = _register(owner2, op2, MIN_BOND);
        uint64 h = 2;
        uint64 c = 6; // the leader's last commit is in epoch 5
        uint64 last = 16;
        uint256 leaderSeats = 0;
        for (uint64 e = 0; e <= last; ++e) {
            _warp(_start(e));
            if (e >= 1) _reportAll(e - 1, _vals(0));
            _commit(op2, honest, e + h, _vals(0.12e18));
            if (e < c) _commit(op1, leader, e + h, _vals(0.1e18));
            if (e >= 1 && e - 1 >= h) {
                uint64 t = e - 1;
                _warp(_revealOpens(t));
                uint256 ex = _selected(t);
                if (t >= c + h + 1) assertTrue(ex != leader, "the dormant leader kept the seat");
                if (ex == leader) ++leaderSeats;
                if (t > h) assertTrue(ex != 0, "somebody executes");
                _reveal(op2, honest, t, _vals(0.12e18));
                if (t < c + h) _reveal(op1, leader, t, _vals(0.1e18));
            }
        }
        assertEq(leaderSeats, c, "the leader executed while it forecast (epochs h + 1 .. c + h)");
        IGengovHub.CandidateView memory v = _view(leader);
        assertEq(uint256(v.misses), (last - 1) - (c + h), "every silent target due so far is a miss");
        assertFalse(v.eligible, "and it is out");
    }

    // ───────────────────────────────────────── 2. cherry-picking ───────────────────────────────────

    /// @dev Three candidates for 24 targets; every third target is hard. The cherry-picker and its
    /// twin forecast identically (loss 0.05 easy, 0.6 hard); the cherry-picker commits only in easy
    /// epochs, the twin every epoch. The honest one always has loss 0.2, below the twins' true mean
    /// (0.233). Skipping must be charged (the picker's score is never better than its twin's), and the
    /// picker must not out-execute the honest candidate.
    /// Before b0e20bd an uncommitted target was free: after skipping the first hard target the
    /// picker's score was still 0.05 against its twin's 0.1875.
    function test_attack_cherryPickingNeverBeatsRevealingEveryTarget() public {
        _use(_plain(uint8(IGengovHub.Selection.Leader)));
        uint256 picker = _register(owner1, op1, 200e18);
        uint256 twin = _register(owner2, op2, 200e18);
        uint256 honest = _register(owner3, op3, 200e18);
        uint64 last = 24;
        uint256[4] memory seats;
        for (uint64 e = 0; e <= last + 1; ++e) {
            _warp(_start(e));
            if (e >= 1) _reportAll(e - 1, _vals(0));
            uint64 next = e + 1;
            if (next <= last) {
                int128 f = next % 3 == 0 ? int128(0.6e18) : int128(0.05e18);
                if (next % 3 != 0) _commit(op1, picker, next, _vals(f));
                _commit(op2, twin, next, _vals(f));
                _commit(op3, honest, next, _vals(0.2e18));
            }
            if (e >= 2) {
                uint64 t = e - 1;
                _warp(_revealOpens(t));
                uint256 ex = _selected(t);
                seats[ex] += 1;
                int128 g = t % 3 == 0 ? int128(0.6e18) : int128(0.05e18);
                if (t % 3 != 0) _reveal(op1, picker, t, _vals(g));
                _reveal(op2, twin, t, _vals(g));
                _reveal(op3, honest, t, _vals(0.2e18));
                _warp(_revealCloses(t));
                assertGe(_view(picker).score, _view(twin).score, "skipping scored better than forecasting");
            }
        }
        IGengovHub.CandidateView memory pv = _view(picker);
        assertEq(uint256(pv.misses), last / 3, "every skipped target is a miss");
        assertEq(uint256(pv.scoredCount), last, "and counts like a forecast");
        assertEq(pv.bond, 200e18 - (last / 3) * MISS_PENALTY, "and costs the penalty");
        assertLe(seats[picker], seats[honest], "the cherry-picker out-executed the better forecaster");
    }

    // ───────────────────────────────────────── 3. seat squatting ───────────────────────────────────

    /// @dev The squatter needs minBond per seat: 1024 seats lock 1024 × minBond for as long as they are
    /// held, and an exit frees a seat for a newcomer.
    /// Before b0e20bd a 1-wei bond registered (1024 seats for 1024 wei), and a withdrawn seat stayed
    /// taken forever: the newcomer got CandidateLimitReached.
    function test_attack_seatSquattingCostsMinBondPerSeatAndExitsFreeSeats() public {
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.BondBelowMinimum.selector, 1, MIN_BOND));
        vm.prank(stranger);
        hub.registerCandidate(aid, bytes32(0), 1, stranger);

        IGengovHub.AgreementParams memory p = _defaultParams();
        uint128 minBond = 1e18;
        p.minBond = minBond;
        p.missPenalty = minBond / 10;
        p.rejectPenalty = minBond / 2;
        _use(p);
        uint256 lockedBefore = token.balanceOf(address(hub));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.BondBelowMinimum.selector, minBond - 1, minBond));
        hub.registerCandidate(aid, bytes32(0), minBond - 1, op1);
        for (uint256 i = 0; i < 1024; ++i) hub.registerCandidate(aid, bytes32(i), minBond, op1);
        assertGe(token.balanceOf(address(hub)) - lockedBefore, 1024 * uint256(minBond), "locked while full");
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateLimitReached.selector, aid));
        vm.prank(stranger);
        hub.registerCandidate(aid, bytes32(0), minBond, stranger);

        // One squatter leaves; its seat goes to the newcomer.
        hub.requestExit(aid, 700);
        _warp(now_ + p.exitDelay);
        hub.withdraw(aid, 700);
        vm.prank(stranger);
        uint256 id = hub.registerCandidate(aid, keccak256("newcomer"), minBond, stranger);
        assertEq(id, 700, "the freed seat");
        assertEq(_view(id).owner, stranger, "owned by the newcomer");
        (, , uint256 count) = hub.agreement(aid);
        assertEq(count, 1024, "still 1024 seats");
        assertGe(
            token.balanceOf(address(hub)) - lockedBefore,
            1024 * uint256(minBond),
            "locked while full again"
        );
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateLimitReached.selector, aid));
        hub.registerCandidate(aid, bytes32(0), minBond, op1);
    }

    // ───────────────────────────── 4. selection cost, adversarial state ────────────────────────────

    /// @dev The most expensive state I could build: 1024 seats (the cap), all eligible (a record
    /// behind the floor is cheaper: it is skipped before any weight is computed), with distinct scores
    /// placed so that every Weighted weight (eta = 10,000) is non-zero (eta·ΔS = k·ln2 + 0.68, k < 60,
    /// below the exp's 42 cut-off, where it returns early); half the cursors poked ahead of the floor, half exactly
    /// at it; the 16 targets before the epoch void, so the floor's look-back reads all 16 (its
    /// maximum); the draw picks the last seat. Returns the epoch to select; target `e` is
    /// committed by seat 2 and reported. Gas is then measured cold (`_coldGas`).
    function _worstSelectionState(uint8 selection) internal returns (uint64 e) {
        IGengovHub.AgreementParams memory p = _plain(selection);
        p.eta = 10_000e18;
        p.randomness = address(rng);
        _use(p);
        uint256 n = 1024;
        for (uint256 i = 0; i < n; ++i) hub.registerCandidate(aid, bytes32(i), MIN_BOND, address(this));
        for (uint256 i = 1; i <= n; ++i) {
            hub.commitForecast(aid, i, 1, _commitment(i, 1, _vals(_hardScore(i))));
        }
        _warp(_end(1));
        _reportAll(1, _vals(0));
        _warp(_revealOpens(1));
        for (uint256 i = 1; i <= n; ++i) hub.revealForecast(aid, i, 1, _vals(_hardScore(i)), _salt(i, 1));
        // Targets 2..17 get no reports (void).
        e = 18;
        _warp(_start(e - 1));
        hub.commitForecast(aid, 2, e, _commitment(2, e, _vals(_hardScore(2))));
        // Every other seat is poked in epoch 18's report phase: its cursor walks over the void targets
        // to 17, ahead of the floor (2); the others stay at 2, exactly at it.
        _warp(_start(e));
        for (uint256 i = 1; i <= n; i += 2) hub.poke(aid, i);
        _warp(_end(e));
        _reportAll(e, _vals(0));
        // The draw picks the last seat (word = total − 1, the far end of the bisection).
        uint256 total = 0;
        for (uint256 i = 1; i <= n; ++i) {
            total += LossMath.expNegWad((10_000e18 * uint256(uint128(_hardScore(i) - _hardScore(1)))) / WAD);
        }
        rng.setWord(e, total - 1);
    }

    function _hardScore(uint256 i) internal pure returns (int128) {
        if (i == 1) return int128(0.1e18);
        uint256 x = (i % 60) * LN2 + 0.68e18 + i * 1e9;
        return _i(0.1e18 + x / 10_000);
    }

    /// @dev Gas of one call as the first call of a transaction would pay it: the hub and all its slots
    /// cold (a Solidity test runs in one transaction, where setup leaves them warm).
    function _coldGas(bytes memory call) internal returns (uint256 used) {
        vmx.cool(address(hub));
        uint256 g = gasleft();
        (bool ok, ) = address(hub).call(call);
        used = g - gasleft();
        assertTrue(ok, "the call reverted");
    }

    /// @dev Target for the selection (the standalone call, or the first reveal that pays it).
    uint256 internal constant SELECTION_GAS_TARGET = 2_000_000;

    function _measureWorstSelectionAfter(uint64 e, string memory key) internal returns (uint256, uint256) {
        (uint256[] memory ids, uint256[] memory scores) = hub.ranking(aid, e);
        assertEq(ids.length, 1024, "all 1024 eligible");
        for (uint256 i = 1; i < ids.length; ++i) {
            assertTrue(
                scores[i - 1] < scores[i] || (scores[i - 1] == scores[i] && ids[i - 1] < ids[i]),
                "ranking out of order"
            );
        }
        // The ranking is a view, read by eth_call: its cost over the largest roster.
        vmx.snapshotValue(
            "hub",
            string.concat("ranking.n1024.", key, ".cold"),
            _coldGas(abi.encodeCall(hub.ranking, (aid, e)))
        );
        uint256 snap = vm.snapshotState();
        uint256 selectGas = _coldGas(abi.encodeCall(hub.selectExecutor, (aid, e)));
        vmx.snapshotValue("hub", string.concat("selectExecutor.n1024.", key, ".worst.cold"), selectGas);
        vm.revertToState(snap);
        // An honest reveal after that state still succeeds, paying for the selection itself.
        _warp(_revealOpens(e));
        uint256 revealGas = _coldGas(
            abi.encodeCall(hub.revealForecast, (aid, 2, e, _vals(_hardScore(2)), _salt(2, e)))
        );
        vmx.snapshotValue(
            "hub",
            string.concat("revealForecast.fixingSelection.n1024.", key, ".worst.cold"),
            revealGas
        );
        (, , bool isFixed) = hub.executorOf(aid, e);
        assertTrue(isFixed, "the reveal fixed the selection");
        assertEq(uint256(_view(2).cursor), e + 1, "and scored");
        return (selectGas, revealGas);
    }

    function test_attack_selectionGasWith1024AdversarialSeats_weighted() public {
        uint64 e = _worstSelectionState(uint8(IGengovHub.Selection.Weighted));
        (uint256 ex, , ) = hub.executorOf(aid, e);
        assertEq(ex, 1024, "the draw picks the last seat");
        (uint256 selectGas, uint256 revealGas) = _measureWorstSelectionAfter(e, "weighted");
        assertLe(selectGas, SELECTION_GAS_TARGET, "selectExecutor gas, Weighted, 1024 adversarial seats");
        assertLe(revealGas, SELECTION_GAS_TARGET + 100_000, "the first reveal, which fixes it");
    }

    function test_attack_selectionGasWith1024AdversarialSeats_leader() public {
        uint64 e = _worstSelectionState(uint8(IGengovHub.Selection.Leader));
        (uint256 selectGas, uint256 revealGas) = _measureWorstSelectionAfter(e, "leader");
        assertLe(selectGas, SELECTION_GAS_TARGET, "selectExecutor gas, Leader, 1024 adversarial seats");
        assertLe(revealGas, SELECTION_GAS_TARGET + 100_000, "the first reveal, which fixes it");
    }

    // ─────────────────────────────────────── 5. weighted grinding ──────────────────────────────────

    /// @dev Four scored candidates in a Weighted agreement without an external randomness source; the
    /// attacker owns candidate 1. The selection window of epoch 2 is open for RW + RV seconds; the
    /// attacker tries every second of it, each with another block number and prevrandao, and would
    /// fix the selection only where its candidate is drawn. The draw must be the same everywhere, so
    /// choosing the block gains nothing (amplification exactly 1).
    /// Before b0e20bd a Weighted agreement needed an external source and the shipped one,
    /// PrevRandaoRandomness, hashes block.prevrandao: the draw changed with the block.
    function test_attack_weightedDrawCannotBeGroundByChoosingTheBlock() public {
        IGengovHub.AgreementParams memory p = _plain(uint8(IGengovHub.Selection.Weighted));
        p.randomness = address(0);
        p.eta = 2e18;
        _use(p);
        uint256[] memory cids = new uint256[](4);
        address[] memory ops = new address[](4);
        int128[] memory fs = new int128[](4);
        for (uint256 i = 0; i < 4; ++i) {
            ops[i] = address(uint160(0x8000 + i));
            cids[i] = _register(owner1, ops[i], MIN_BOND);
            fs[i] = _i(0.1e18 + i * 0.05e18);
        }
        _round(1, cids, ops, fs, 0);
        uint256 opens = _end(2);
        uint256 closes = opens + RW + RV;
        _warp(opens);
        (uint256 first, , ) = hub.executorOf(aid, 2);
        assertTrue(first != 0, "somebody is drawn");
        uint256 attackerDraws = 0;
        uint256 tries = 0;
        for (uint256 t = opens; t < closes; ++t) {
            _warp(t);
            vm.roll(1_000_000 + t);
            vm.prevrandao(uint256(keccak256(abi.encode("randao", t))));
            (uint256 ex, , ) = hub.executorOf(aid, 2);
            assertEq(ex, first, "the draw depends on the block");
            if (ex == cids[0]) ++attackerDraws;
            ++tries;
        }
        assertTrue(attackerDraws == 0 || attackerDraws == tries, "amplification above 1");
        // Fixing it for real at a few of those blocks gives the same draw.
        for (uint256 k = 0; k < 8; ++k) {
            uint256 snap = vm.snapshotState();
            uint256 t = opens + (uint256(keccak256(abi.encode(k))) % (closes - opens));
            _warp(t);
            vm.roll(2_000_000 + t);
            vm.prevrandao(uint256(keccak256(abi.encode("fix", k))));
            assertEq(_selected(2), first, "the fixed draw depends on the block");
            vm.revertToState(snap);
        }
    }

    /// @dev Once target c − 1's first salt can be revealed (start(c) + RW), the next draw is on its way
    /// to being known: top-ups, exits and pokes (which move bond units, status and cursors) are
    /// refused until end(c). In the report phase before that they are allowed, and first fix the
    /// previous epoch's selection from the records as they were.
    /// Before b0e20bd none of them was ever refused.
    function test_attack_rosterChangesFrozenWhileTheDrawIsKnown() public {
        IGengovHub.AgreementParams memory p = _plain(uint8(IGengovHub.Selection.Weighted));
        p.randomness = address(0);
        _use(p);
        uint256 c1 = _register(owner1, op1, MIN_BOND);
        uint256 c2 = _register(owner2, op2, MIN_BOND);
        _round(1, _two(c1, c2), _ops2(op1, op2), _f2(0.1e18, 0.2e18), 0);
        uint64 c = 3;
        bytes memory frozen = abi.encodeWithSelector(IGengovHub.RosterFrozen.selector, c, uint64(_end(c)));
        uint256[3] memory times = [_start(c) + RW, _start(c) + RW + RV, _end(c) - 1];
        for (uint256 i = 0; i < times.length; ++i) {
            _warp(times[i]);
            vm.expectRevert(frozen);
            vm.prank(owner1);
            hub.topUp(aid, c1, MIN_BOND);
            vm.expectRevert(frozen);
            vm.prank(owner2);
            hub.requestExit(aid, c2);
            vm.expectRevert(frozen);
            hub.poke(aid, c2);
        }
        // Report phase of epoch c + 1: allowed, and epoch c's selection is fixed first.
        _warp(_end(c));
        (, , bool isFixed) = hub.executorOf(aid, c);
        assertFalse(isFixed, "nobody fixed epoch c yet");
        (uint256 before, , ) = hub.executorOf(aid, c);
        vm.prank(owner1);
        hub.topUp(aid, c1, 50 * MIN_BOND);
        (uint256 after_, , bool fixedNow) = hub.executorOf(aid, c);
        assertTrue(fixedNow, "the top-up fixed epoch c's selection first");
        assertEq(after_, before, "from the records before the top-up");
        vm.prank(owner2);
        hub.requestExit(aid, c2);
        hub.poke(aid, c1);
        _warp(_start(c + 1) + RW - 1);
        hub.poke(aid, c1);
        _warp(_start(c + 1) + RW);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.RosterFrozen.selector, c + 1, uint64(_end(c + 1))));
        hub.poke(aid, c1);
    }

    // ───────────────────────────────────────── 6. sybil weights ────────────────────────────────────

    /// @dev The weight of everything drawn after candidate 1 (id order), measured through the draw
    /// itself: with a fixed word w, candidate 1 is drawn iff w mod total < w1. Needs w1 known and
    /// larger than the rest; then the smallest w ≥ w1 that draws candidate 1 again is the total.
    function _weightAfterFirst(uint64 e, uint256 w1) internal returns (uint256) {
        uint256 lo = w1;
        uint256 hi = 2 * w1;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            rng.setWord(e, mid);
            (uint256 ex, , ) = hub.executorOf(aid, e);
            if (ex == 1) hi = mid;
            else lo = mid + 1;
        }
        return lo - w1;
    }

    /// @dev A Weighted agreement: candidate 1 (honest, loss 0.1, `anchorUnits` units), then the group's
    /// seats with the given bonds, all of the same model (loss 0.2). Returns the epoch to draw.
    function _sybilAgreement(uint256[] memory bonds, uint256 anchorUnits) internal returns (uint64) {
        IGengovHub.AgreementParams memory p = _plain(uint8(IGengovHub.Selection.Weighted));
        p.randomness = address(rng);
        _use(p);
        uint256 n = bonds.length + 1;
        uint256[] memory cids = new uint256[](n);
        address[] memory ops = new address[](n);
        int128[] memory fs = new int128[](n);
        ops[0] = op1;
        cids[0] = _register(owner1, op1, anchorUnits * MIN_BOND);
        fs[0] = 0.1e18;
        for (uint256 i = 1; i < n; ++i) {
            ops[i] = address(uint160(0x9000 + i));
            cids[i] = _register(owner2, ops[i], bonds[i - 1]);
            fs[i] = 0.2e18;
        }
        _round(1, cids, ops, fs, 0);
        _warp(_end(2));
        return 2;
    }

    /// @dev Same model, same money: one seat with 5·minBond, or five seats with minBond each. Over 256
    /// words the group is drawn equally often (ratio ≤ 1.05; in fact identical word by word), and its
    /// weight measured through the draw is the same.
    /// Before b0e20bd every seat weighed exp(−eta·ΔS) whatever its bond: five seats weighed five
    /// times one seat, and the group was drawn for 206 of the 256 words instead of 98.
    function test_attack_sybilSplitGainsNoWeight() public {
        uint256[] memory one = new uint256[](1);
        one[0] = 5 * MIN_BOND;
        uint256[] memory five = new uint256[](5);
        for (uint256 i = 0; i < 5; ++i) five[i] = MIN_BOND;
        uint64 e = _sybilAgreement(one, 20);
        uint256 wOne = _weightAfterFirst(e, 20 * WAD);
        bool[] memory groupOne = _groupDraws(e);
        _sybilAgreement(five, 20);
        uint256 wFive = _weightAfterFirst(e, 20 * WAD);
        bool[] memory groupFive = _groupDraws(e);
        assertEq(wFive, wOne, "splitting changed the group's weight");
        assertEq(wOne, 5 * LossMath.expNegWad(0.5e18), "5 units x e^(-5 x 0.1)");
        uint256 drawsOne = 0;
        uint256 drawsFive = 0;
        for (uint256 k = 0; k < groupOne.length; ++k) {
            if (groupOne[k]) ++drawsOne;
            if (groupFive[k]) ++drawsFive;
            assertEq(groupOne[k], groupFive[k], "the group's draw differs for the same word");
        }
        assertTrue(drawsOne > 0, "the group is drawn sometimes");
        assertLe(drawsFive * 100, drawsOne * 105, "splitting raised the draw share by more than 5%");
    }

    /// @dev For 256 words: whether the group (anyone but candidate 1) is drawn.
    function _groupDraws(uint64 e) internal returns (bool[] memory group) {
        group = new bool[](256);
        for (uint256 k = 0; k < 256; ++k) {
            rng.setWord(e, uint256(keccak256(abi.encode("seed", k))));
            (uint256 ex, , ) = hub.executorOf(aid, e);
            assertTrue(ex != 0, "somebody is drawn");
            group[k] = ex != 1;
        }
    }

    /// @dev Any bond just under k·minBond, split across any number of seats (each at least minBond,
    /// or it is refused), never weighs more than the same money in one seat.
    function test_fuzz_attack_splittingABondNeverGainsWeight(uint256 k, uint256 seed) public {
        k = bound(k, 2, 9);
        uint256 total = k * MIN_BOND - 1;
        uint256[] memory single = new uint256[](1);
        single[0] = total;
        uint64 e = _sybilAgreement(single, 40);
        uint256 wSingle = _weightAfterFirst(e, 40 * WAD);
        assertEq(wSingle, (k - 1) * LossMath.expNegWad(0.5e18), "k - 1 units in one seat");
        // A random split into n ≤ k − 1 parts of at least minBond each.
        uint256 n = 1 + (seed % (k - 1));
        uint256[] memory parts = new uint256[](n);
        uint256 left = total - n * MIN_BOND;
        for (uint256 i = 0; i + 1 < n; ++i) {
            uint256 extra = left == 0 ? 0 : uint256(keccak256(abi.encode(seed, i))) % (left + 1);
            parts[i] = MIN_BOND + extra;
            left -= extra;
        }
        parts[n - 1] = MIN_BOND + left;
        _sybilAgreement(parts, 40);
        uint256 wSplit = _weightAfterFirst(e, 40 * WAD);
        assertLe(wSplit, wSingle, "a split bond weighed more");
    }

    // ───────────────────────────────────────── 7. input flood ──────────────────────────────────────

    /// @dev A flooder sends inputs until refused; it gets maxInputsPerSender of them, and an honest
    /// participant can still submit.
    /// Before b0e20bd there was no per-sender cap: only the epoch cap (InputLimitReached, after all 20
    /// inputs were the flooder's) stopped it, and the honest input was refused too.
    function test_attack_inputFloodIsCappedPerSender() public {
        address flooder = address(0xF100D);
        uint256 sent = 0;
        for (uint256 i = 0; i < 30; ++i) {
            vm.prank(flooder);
            try hub.submitInput(aid, "spam") {
                ++sent;
            } catch (bytes memory err) {
                assertEq(
                    keccak256(err),
                    keccak256(
                        abi.encodeWithSelector(IGengovHub.InputSenderLimitReached.selector, 0, flooder, 5)
                    ),
                    "refused by the per-sender cap"
                );
                break;
            }
        }
        assertEq(sent, 5, "maxInputsPerSender");
        vm.prank(stranger);
        hub.submitInput(aid, "honest proposal");
        (, uint32 count) = hub.epochInputs(aid, 0);
        assertEq(uint256(count), 6, "the honest input is in");
    }

    /// @dev With an allow-list, every listed sender can always submit its whole share, whatever the
    /// others did; creation refuses a list whose shares overflow the epoch cap.
    function test_attack_allowListedFlooderCannotCrowdOutTheOthers() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.openInputs = false;
        p.inputAllowlist = new address[](4);
        for (uint256 i = 0; i < 4; ++i) p.inputAllowlist[i] = address(uint160(0x7000 + i));
        p.maxInputsPerSender = 6; // 4 × 6 = 24 > 20
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovHub.AgreementParameterInvalid.selector,
                IGengovHub.Parameter.maxInputsPerSender
            )
        );
        hub.createAgreement(p, TEXT);
        p.maxInputsPerSender = 5; // 4 × 5 = 20
        _use(p);
        address flooder = p.inputAllowlist[0];
        for (uint256 i = 0; i < 5; ++i) {
            vm.prank(flooder);
            hub.submitInput(aid, "spam");
        }
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.InputSenderLimitReached.selector, 0, flooder, 5));
        vm.prank(flooder);
        hub.submitInput(aid, "spam");
        for (uint256 s = 1; s < 4; ++s) {
            for (uint256 i = 0; i < 5; ++i) {
                vm.prank(p.inputAllowlist[s]);
                hub.submitInput(aid, "proposal");
            }
        }
        (, uint32 count) = hub.epochInputs(aid, 0);
        assertEq(uint256(count), 20, "every listed sender got its share");
    }

    // ──────────────────────────────── 8. truncation and unnamed reverts ────────────────────────────

    function _expectInvalid(IGengovHub.AgreementParams memory p, IGengovHub.Parameter name) internal {
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.AgreementParameterInvalid.selector, name));
        hub.createAgreement(p, TEXT);
    }

    /// @dev Every out-of-range creation parameter names itself; none is truncated into storage.
    /// Before b0e20bd: challengeBond = 2^96 was accepted (the execution contract books it in 96 bits),
    /// selection = 2 reverted with empty data (enum decoding), and eta, maxScore and
    /// maxInputsPerSender had no range to check.
    function test_attack_outOfRangeParametersRevertWithTheirName() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.challengeBond = uint128(1) << 96;
        _expectInvalid(p, IGengovHub.Parameter.challengeBond);
        p = _defaultParams();
        p.selection = 2;
        _expectInvalid(p, IGengovHub.Parameter.selection);
        // The same through raw calldata, as a client with a stale ABI would send it: still named.
        p.selection = 0;
        bytes memory data = abi.encodeCall(hub.createAgreement, (p, TEXT));
        p.selection = 1;
        bytes memory weighted = abi.encodeCall(hub.createAgreement, (p, TEXT));
        for (uint256 i = 4; i < data.length; i += 32) {
            if (data[i + 31] != weighted[i + 31]) data[i + 31] = bytes1(uint8(2));
        }
        (bool ok, bytes memory err) = address(hub).call(data);
        assertFalse(ok, "selection 2 accepted");
        assertEq(
            keccak256(err),
            keccak256(
                abi.encodeWithSelector(
                    IGengovHub.AgreementParameterInvalid.selector,
                    IGengovHub.Parameter.selection
                )
            ),
            "selection 2: a named error, not empty revert data"
        );
        p = _defaultParams();
        p.selection = uint8(IGengovHub.Selection.Weighted);
        p.eta = 10_000e18 + 1;
        _expectInvalid(p, IGengovHub.Parameter.eta);
        p = _defaultParams();
        p.maxScore = 0;
        _expectInvalid(p, IGengovHub.Parameter.maxScore);
        p.maxScore = uint64(WAD);
        _expectInvalid(p, IGengovHub.Parameter.maxScore);
        p = _defaultParams();
        p.maxInputsPerSender = 0;
        _expectInvalid(p, IGengovHub.Parameter.maxInputsPerSender);
        p.maxInputsPerSender = p.maxInputsPerEpoch + 1;
        _expectInvalid(p, IGengovHub.Parameter.maxInputsPerSender);
    }

    /// @dev A bond is booked in 96 bits. With a large minBond (here 10^6 tokens, so 262,143 units reach
    /// past 2^96) a bond above 2^96 − 1 must be refused, not truncated: truncation would book less
    /// than was paid (the rest stuck in the hub) while the units counted the whole amount.
    /// Before b0e20bd registration refused it (BondAmountInvalid); b0e20bd dropped that check and
    /// booked uint96(bond).
    function test_attack_bondAbove96BitsIsRefusedNotTruncated() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.minBond = 1e24;
        _use(p);
        uint256 big = uint256(type(uint96).max) + 1e24;
        token.mint(owner1, 2 * big);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.BondAboveMaximum.selector, big, type(uint96).max));
        vm.prank(owner1);
        hub.registerCandidate(aid, bytes32(0), big, op1);
        uint256 cid = _register(owner1, op1, uint256(type(uint96).max) - 1e24);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovHub.BondAboveMaximum.selector,
                uint256(type(uint96).max) + 1,
                type(uint96).max
            )
        );
        vm.prank(owner1);
        hub.topUp(aid, cid, 1e24 + 1);
        vm.prank(owner1);
        hub.topUp(aid, cid, 1e24);
        assertEq(_view(cid).bond, type(uint96).max, "the largest bond that fits");
        assertEq(token.balanceOf(address(hub)), _view(cid).bond, "held = booked");
    }

    /// @dev A token whose transfer hook re-enters the hub: during slashBond and releaseTreasury the
    /// hub's guard is held, so the re-entrant deposit reverts ReentrancyGuardReentrantCall, and the
    /// outer call completes with its books whole.
    /// Before b0e20bd neither hook was guarded: the re-entrant deposit went through mid-transfer.
    function test_attack_tokenHookReentersDuringSlashAndRelease() public {
        ReentrantERC20 evil = new ReentrantERC20();
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.bondToken = address(evil);
        _use(p);
        evil.mint(owner1, 1000e18);
        evil.mint(address(evil), 1000e18);
        vm.prank(owner1);
        evil.approve(address(hub), type(uint256).max);
        evil.exec(address(evil), abi.encodeCall(evil.approve, (address(hub), type(uint256).max)));
        vm.prank(owner1);
        uint256 cid = hub.registerCandidate(aid, bytes32(0), 200e18, op1);
        address exec = address(hub.execution());
        bytes memory reenter = abi.encodeCall(hub.deposit, (aid, address(evil), 1e18));

        evil.arm(address(hub), reenter, false);
        vm.prank(exec);
        hub.slashBond(aid, cid, 100e18);
        assertEq(evil.callbacks(), 1, "the hook ran");
        assertFalse(evil.lastCallOk(), "re-entered deposit during slashBond");
        assertEq(bytes4(evil.lastReturn()), REENTRANT_CALL, "ReentrancyGuardReentrantCall");

        evil.arm(address(hub), reenter, false);
        vm.prank(exec);
        hub.releaseTreasury(aid, address(evil), 10e18);
        assertEq(evil.callbacks(), 2, "the hook ran");
        assertFalse(evil.lastCallOk(), "re-entered deposit during releaseTreasury");
        assertEq(bytes4(evil.lastReturn()), REENTRANT_CALL, "ReentrancyGuardReentrantCall");

        assertEq(hub.treasuryBalance(aid, address(evil)), 40e18, "half the slash, minus the release");
        assertEq(
            evil.balanceOf(address(hub)),
            hub.treasuryBalance(aid, address(evil)) + _view(cid).bond,
            "held = treasury + bond"
        );
    }

    // ─────────────────────────────────────── 9. no seat for the hopeless ───────────────────────────

    /// @dev The only candidate left forecasts at the worst loss (or never was scored, or sits one wei
    /// over maxScore): it is never selected, in Leader or Weighted; at exactly maxScore it is.
    /// Before b0e20bd there was no ceiling: the last candidate standing executed whatever its score.
    function test_attack_hopelessCandidateNeverExecutesEvenAlone() public {
        for (uint8 sel = 0; sel < 2; ++sel) {
            IGengovHub.AgreementParams memory p = _plain(sel);
            p.minScored = 0;
            _use(p);
            uint256 lone = _register(owner1, op1, MIN_BOND);
            _warp(_end(0));
            assertEq(_selected(0), 0, "never scored (1.0): not selected");
            _round(2, _one(lone), _ops1(op1), _f1(5e18), 0); // clipped: loss 1.0
            assertEq(_view(lone).score, WAD, "worst score");
            _warp(_end(3));
            (uint256 e, uint256 f) = hub.selectExecutor(aid, 3);
            assertEq(e + f, 0, "the worst score executes nothing, even alone");
        }
        int128 ceiling = int128(uint128(_defaultParams().maxScore));
        for (uint256 k = 0; k < 2; ++k) {
            IGengovHub.AgreementParams memory p = _plain(uint8(IGengovHub.Selection.Leader));
            p.alpha = uint64(WAD);
            _use(p);
            uint256 lone = _register(owner1, op1, MIN_BOND);
            _round(1, _one(lone), _ops1(op1), _f1(ceiling + int128(int256(k))), 0);
            _warp(_end(2));
            assertEq(_selected(2), k == 0 ? lone : 0, "maxScore is the last score that executes");
        }
    }

    // ─────────────────────────────────── 10. participation accounting ──────────────────────────────

    /// @dev Random sequences over 16 targets for two candidates: commit and reveal, commit and stay
    /// silent, or never commit; outcomes final, void by missed quorum, or void without reports; random
    /// pokes. Afterwards: scoredCount = revealed + missed (every non-void unrevealed target since
    /// registration), misses and penalties match, and bonds + treasury = what the hub holds.
    /// Before b0e20bd a never-committed target was not charged (first counterexample: scoredCount 6,
    /// revealed + missed 7).
    function test_fuzz_participationAccounting(uint256 seed) public {
        _use(_plain(uint8(IGengovHub.Selection.Leader)));
        uint256[2] memory cids = [_register(owner1, op1, 200e18), _register(owner2, op2, 130e18)];
        address[2] memory ops = [op1, op2];
        uint256[2] memory revealed;
        uint256[2] memory missed;
        uint64 last = 16;
        for (uint64 e = 0; e <= last + 1; ++e) {
            uint256 re = uint256(keccak256(abi.encode(seed, "epoch", e)));
            _warp(_start(e) + (re % 100));
            // Target e − 1's outcome: void without reports, void below quorum, or final.
            if (e >= 2) {
                uint256 kind = _kind(seed, e - 1);
                if (kind == 1) _report(r1, e - 1, _vals(0));
                if (kind >= 2) _reportAll(e - 1, _vals(0));
            }
            // Commits for target e + 1: reveal later, stay silent, or never commit.
            if (e + 1 <= last) {
                for (uint256 i = 0; i < 2; ++i) {
                    if (_action(seed, e + 1, i) != 2)
                        _commit(ops[i], cids[i], e + 1, _vals(_forecast(seed, e + 1, i)));
                }
            }
            if ((re >> 8) % 3 == 0) hub.poke(aid, cids[(re >> 16) % 2]);
            if (e >= 2) {
                uint64 t = e - 1;
                _warp(_revealOpens(t));
                bool isFinal = _kind(seed, t) >= 2;
                for (uint256 i = 0; i < 2; ++i) {
                    if (!isFinal) continue;
                    if (_action(seed, t, i) == 0) {
                        _reveal(ops[i], cids[i], t, _vals(_forecast(seed, t, i)));
                        ++revealed[i];
                    } else {
                        ++missed[i];
                    }
                }
                if ((re >> 24) % 3 == 0) hub.poke(aid, cids[(re >> 32) % 2]);
            }
        }
        _warp(_revealCloses(last));
        uint256 bonds = 0;
        for (uint256 i = 0; i < 2; ++i) {
            IGengovHub.CandidateView memory v = _view(cids[i]);
            assertEq(uint256(v.scoredCount), revealed[i] + missed[i], "scoredCount != revealed + missed");
            assertEq(uint256(v.misses), missed[i], "misses");
            assertEq(uint256(v.cursor), last + 1, "every target accounted for");
            uint256 start = i == 0 ? 200e18 : 130e18;
            uint256 penalty = missed[i] * MISS_PENALTY;
            assertEq(v.bond, penalty > start ? 0 : start - penalty, "bond after penalties");
            hub.poke(aid, cids[i]);
            assertEq(_view(cids[i]).bond, v.bond, "poke books what the view shows");
            bonds += v.bond;
        }
        assertEq(
            hub.treasuryBalance(aid, address(token)) + bonds,
            token.balanceOf(address(hub)),
            "bonds + treasury != held"
        );
        assertEq(
            hub.treasuryBalance(aid, address(token)),
            330e18 - bonds,
            "the treasury holds the penalties"
        );
    }

    /// @dev 0 void (no reports), 1 void (one report, below quorum 2), 2–3 final.
    function _kind(uint256 seed, uint64 t) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, "outcome", t))) % 4;
    }

    /// @dev 0 commit and reveal, 1 commit and stay silent, 2 never commit.
    function _action(uint256 seed, uint64 t, uint256 i) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, "action", t, i))) % 3;
    }

    function _forecast(uint256 seed, uint64 t, uint256 i) internal pure returns (int128) {
        return _i(uint256(keccak256(abi.encode(seed, "forecast", t, i))) % 1e18);
    }
}
