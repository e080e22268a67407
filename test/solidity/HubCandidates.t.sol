// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../../contracts/interfaces/IGengovHub.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {HubBase} from "./HubBase.sol";

/// @notice Bonded candidates: registration (plain, EIP-2612 permit, fee-on-transfer, minBond and the
/// largest counted bond, reuse of withdrawn seats), top-ups, operator
/// rotation, exit and withdrawal with its time edges, and the permissionless poke.
contract HubCandidatesTest is HubBase {
    bytes32 private constant PERMIT_TYPEHASH = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    );

    // ───────────────────────────────────────── register ──────────────────────────────────────────

    function test_registerCandidate_pullsBondAndEmits() public {
        bytes32 spec = keccak256("spec-1");
        vm.expectEmit();
        emit IGengovHub.CandidateRegistered(aid, 1, owner1, op1, spec, 150e18);
        vm.prank(owner1);
        uint256 cid = hub.registerCandidate(aid, spec, 150e18, op1);
        assertEq(cid, 1, "first id");
        assertEq(token.balanceOf(address(hub)), 150e18, "pulled");

        IGengovHub.CandidateView memory v = _view(cid);
        assertEq(v.owner, owner1, "owner");
        assertEq(v.operator, op1, "operator");
        assertEq(v.specHash, spec, "spec");
        assertEq(v.bond, 150e18, "bond");
        assertEq(v.score, WAD, "starts at the worst score");
        assertEq(uint256(v.scoredCount), 0, "scored");
        assertEq(uint256(v.misses), 0, "misses");
        assertEq(uint256(v.executions), 0, "executions");
        assertEq(uint256(v.exitAt), 0, "exitAt");
        assertFalse(v.exiting, "exiting");
        assertFalse(v.withdrawn, "withdrawn");
        assertFalse(v.eligible, "burn-in not done");

        assertEq(_register(owner2, op2, MIN_BOND), 2, "second id");
        (, , uint256 count) = hub.agreement(aid);
        assertEq(count, 2, "count");
    }

    function test_registerCandidate_idsArePerAgreement() public {
        _register(owner1, op1, MIN_BOND);
        _use(_defaultParams());
        assertEq(_register(owner1, op1, MIN_BOND), 1, "ids restart per agreement");
    }

    function test_registerCandidate_revertsOnZeroOperator() public {
        vm.expectRevert(IGengovHub.ZeroAddress.selector);
        vm.prank(owner1);
        hub.registerCandidate(aid, bytes32(0), MIN_BOND, address(0));
    }

    function test_registerCandidate_revertsOnZeroBond() public {
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.BondAmountInvalid.selector, 0));
        vm.prank(owner1);
        hub.registerCandidate(aid, bytes32(0), 0, op1);
    }

    function test_registerCandidate_revertsOnBondBelowMinimum() public {
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.BondBelowMinimum.selector, MIN_BOND - 1, MIN_BOND));
        vm.prank(owner1);
        hub.registerCandidate(aid, bytes32(0), MIN_BOND - 1, op1);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.BondBelowMinimum.selector, 1, MIN_BOND));
        vm.prank(owner1);
        hub.registerCandidate(aid, bytes32(0), 1, op1);
        assertEq(token.balanceOf(address(hub)), 0, "nothing kept");
        assertEq(_register(owner1, op1, MIN_BOND), 1, "exactly minBond registers");
    }

    /// @dev A bond counts in at most 262,143 whole minBonds; one more unit is refused, not capped.
    function test_registerCandidate_revertsOnBondAboveMaximum() public {
        uint256 maxBond = ((uint256(1) << 18) - 1) * MIN_BOND;
        token.mint(owner1, 2 * maxBond);
        bytes memory err = abi.encodeWithSelector(
            IGengovHub.BondAboveMaximum.selector,
            maxBond + MIN_BOND,
            maxBond
        );
        vm.expectRevert(err);
        vm.prank(owner1);
        hub.registerCandidate(aid, bytes32(0), maxBond + MIN_BOND, op1);
        uint256 big = uint256(type(uint96).max) + 1;
        token.mint(owner1, big);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.BondAboveMaximum.selector, big, maxBond));
        vm.prank(owner1);
        hub.registerCandidate(aid, bytes32(0), big, op1);
        // The largest bond that still counts (a partial unit above it is kept, uncounted).
        uint256 cid = _register(owner1, op1, maxBond + MIN_BOND - 1);
        assertEq(_view(cid).bond, maxBond + MIN_BOND - 1, "largest bond");
    }

    function test_registerCandidate_revertsAtCandidateLimit() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.minBond = 1;
        p.missPenalty = 0;
        p.rejectPenalty = 0;
        _use(p);
        for (uint256 i = 0; i < 1024; ++i) hub.registerCandidate(aid, bytes32(0), 1, op1);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateLimitReached.selector, aid));
        hub.registerCandidate(aid, bytes32(0), 1, op1);
    }

    /// @dev Regression (b0e20bd): with a minBond large enough that 262,143 units pass 2^96, the unit
    /// check alone let a bond above 2^96 − 1 through and `uint96(bond)` booked less than was paid.
    function test_registerCandidate_bondAbove96BitsRefusedWithLargeMinBond() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.minBond = 1e24; // 262,143 × 1e24 > 2^96
        _use(p);
        uint256 big = uint256(type(uint96).max) + 1;
        token.mint(owner1, big);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.BondAboveMaximum.selector, big, type(uint96).max));
        vm.prank(owner1);
        hub.registerCandidate(aid, bytes32(0), big, op1);
        uint256 cid = _register(owner1, op1, type(uint96).max);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.BondAboveMaximum.selector, big, type(uint96).max));
        vm.prank(owner1);
        hub.topUp(aid, cid, 1);
        assertEq(_view(cid).bond, type(uint96).max, "booked = paid");
        assertEq(token.balanceOf(address(hub)), type(uint96).max, "held = booked");
    }

    function test_registerCandidate_feeOnTransferBooksReceived() public {
        token.setFeeBps(100);
        vm.expectEmit();
        emit IGengovHub.CandidateRegistered(aid, 1, owner1, op1, keccak256("s"), 198e18);
        vm.prank(owner1);
        uint256 cid = hub.registerCandidate(aid, keccak256("s"), 200e18, op1);
        assertEq(_view(cid).bond, 198e18, "bond = received");
        assertEq(token.balanceOf(address(hub)), 198e18, "held");
        // The minimum applies to what arrives: minBond sent, minBond − 1% received.
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.BondBelowMinimum.selector, 99e18, MIN_BOND));
        vm.prank(owner2);
        hub.registerCandidate(aid, keccak256("s"), MIN_BOND, op2);
    }

    function test_registerCandidate_revertsWhenNothingArrives() public {
        token.setFeeBps(10_000);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.BondAmountInvalid.selector, 100e18));
        vm.prank(owner1);
        hub.registerCandidate(aid, bytes32(0), 100e18, op1);
    }

    // ────────────────────────────────────────── permit ───────────────────────────────────────────

    function _permitSig(
        uint256 pk,
        uint256 value,
        uint256 deadline
    ) internal view returns (uint8 v, bytes32 r, bytes32 s) {
        address owner = vm.addr(pk);
        bytes32 structHash = keccak256(
            abi.encode(PERMIT_TYPEHASH, owner, address(hub), value, token.nonces(owner), deadline)
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        (v, r, s) = vm.sign(pk, digest);
    }

    function test_registerCandidateWithPermit_needsNoPriorApproval() public {
        uint256 pk = 0xA11CE;
        address signer = vm.addr(pk);
        token.mint(signer, 500e18);
        uint256 deadline = now_ + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permitSig(pk, 120e18, deadline);

        vm.expectEmit();
        emit IGengovHub.CandidateRegistered(aid, 1, signer, op1, keccak256("p"), 120e18);
        vm.prank(signer);
        uint256 cid = hub.registerCandidateWithPermit(aid, keccak256("p"), 120e18, op1, deadline, v, r, s);
        assertEq(cid, 1, "id");
        assertEq(_view(cid).owner, signer, "owner");
        assertEq(_view(cid).bond, 120e18, "bond");
        assertEq(token.balanceOf(signer), 380e18, "paid");
        assertEq(token.nonces(signer), 1, "permit used");
        assertEq(token.allowance(signer, address(hub)), 0, "allowance consumed");
    }

    function test_registerCandidateWithPermit_frontRunPermitStillRegisters() public {
        uint256 pk = 0xB0B;
        address signer = vm.addr(pk);
        token.mint(signer, 500e18);
        uint256 deadline = now_ + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permitSig(pk, 120e18, deadline);
        // Someone copies the permit from the mempool and submits it first.
        vm.prank(stranger);
        token.permit(signer, address(hub), 120e18, deadline, v, r, s);
        vm.prank(signer);
        uint256 cid = hub.registerCandidateWithPermit(aid, keccak256("p"), 120e18, op1, deadline, v, r, s);
        assertEq(_view(cid).bond, 120e18, "registered anyway");
    }

    function test_registerCandidateWithPermit_invalidPermitWithoutAllowanceReverts() public {
        uint256 pk = 0xC0FFEE;
        address signer = vm.addr(pk);
        token.mint(signer, 500e18);
        (uint8 v, bytes32 r, bytes32 s) = _permitSig(pk, 120e18, now_ + 1 hours);
        // Signed for 120e18 but used for 130e18: the permit fails and nothing is approved.
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(hub), 0, 130e18)
        );
        vm.prank(signer);
        hub.registerCandidateWithPermit(aid, keccak256("p"), 130e18, op1, now_ + 1 hours, v, r, s);
    }

    // ─────────────────────────────────────────── topUp ───────────────────────────────────────────

    function test_topUp_anyonePaysAndEmits() public {
        uint256 cid = _register(owner1, op1, 100e18);
        vm.expectEmit();
        emit IGengovHub.BondToppedUp(aid, cid, 60e18, 160e18);
        vm.prank(stranger);
        hub.topUp(aid, cid, 60e18);
        assertEq(_view(cid).bond, 160e18, "bond");
        assertEq(token.balanceOf(address(hub)), 160e18, "held");
    }

    function test_topUp_feeOnTransferBooksReceived() public {
        uint256 cid = _register(owner1, op1, 100e18);
        token.setFeeBps(1000);
        vm.expectEmit();
        emit IGengovHub.BondToppedUp(aid, cid, 9e18, 109e18);
        vm.prank(owner1);
        hub.topUp(aid, cid, 10e18);
        assertEq(token.balanceOf(address(hub)), 109e18, "held = booked");
    }

    function test_topUp_reverts() public {
        uint256 cid = _register(owner1, op1, 100e18);
        vm.startPrank(owner1);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateUnknown.selector, 0));
        hub.topUp(aid, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateUnknown.selector, 2));
        hub.topUp(aid, 2, 1);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.BondAmountInvalid.selector, 0));
        hub.topUp(aid, cid, 0);
        uint256 big = uint256(type(uint96).max);
        uint256 maxBond = ((uint256(1) << 18) - 1) * MIN_BOND;
        token.mint(owner1, big);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.BondAboveMaximum.selector, 100e18 + big, maxBond));
        hub.topUp(aid, cid, big);
        vm.expectRevert(
            abi.encodeWithSelector(IGengovHub.BondAboveMaximum.selector, maxBond + MIN_BOND, maxBond)
        );
        hub.topUp(aid, cid, maxBond);
        hub.requestExit(aid, cid);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateExiting.selector, cid));
        hub.topUp(aid, cid, 1);
        vm.stopPrank();
    }

    // ───────────────────────────────────────── operator ──────────────────────────────────────────

    function test_setOperator_ownerOnlyAndEmits() public {
        uint256 cid = _register(owner1, op1, MIN_BOND);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CallerNotOwner.selector, cid, op1));
        vm.prank(op1);
        hub.setOperator(aid, cid, op2);
        vm.expectRevert(IGengovHub.ZeroAddress.selector);
        vm.prank(owner1);
        hub.setOperator(aid, cid, address(0));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateUnknown.selector, 9));
        vm.prank(owner1);
        hub.setOperator(aid, 9, op2);

        vm.expectEmit();
        emit IGengovHub.OperatorChanged(aid, cid, op2);
        vm.prank(owner1);
        hub.setOperator(aid, cid, op2);
        assertEq(_view(cid).operator, op2, "operator");

        bytes32 c = _commitment(cid, 1, _vals(1, 2));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CallerNotOperator.selector, cid, op1));
        vm.prank(op1);
        hub.commitForecast(aid, cid, 1, c);
        vm.prank(op2);
        hub.commitForecast(aid, cid, 1, c);
    }

    // ─────────────────────────────────────────── exit ────────────────────────────────────────────

    /// @dev Candidates 2 and 3 share one storage slot of score records: whatever happens to one leaves
    /// the other exactly as it was.
    function test_slotNeighbours_neverTouchEachOther() public {
        _register(owner1, op1, MIN_BOND);
        uint256 two = _register(owner2, op2, MIN_BOND + 7);
        uint256 three = _register(owner3, op3, 2 * MIN_BOND);
        _warp(_start(1));
        _commit(op2, two, 2, _vals(11, 22));
        _commit(op3, three, 2, _vals(33, 44));
        IGengovHub.CandidateView memory before3 = _view(three);

        // Two: scored, topped up, rotated; its new operator commits again.
        _warp(_end(2));
        _reportAll(2, _vals(10, 20));
        _warp(_revealOpens(2));
        _reveal(op2, two, 2, _vals(11, 22));
        vm.prank(owner2);
        hub.topUp(aid, two, 5e18);
        vm.prank(owner2);
        hub.setOperator(aid, two, stranger);
        IGengovHub.CandidateView memory v2 = _view(two);
        assertEq(v2.scoredCount, 1, "two scored");
        assertEq(v2.bond, MIN_BOND + 7 + 5e18, "two bond");
        IGengovHub.CandidateView memory v3 = _view(three);
        assertEq(v3.score, before3.score, "three's score moved");
        assertEq(v3.scoredCount, 0, "three's count moved");
        assertEq(v3.bond, before3.bond, "three's bond moved");
        assertEq(v3.operator, op3, "three's operator moved");
        assertTrue(v3.eligible == before3.eligible && !v3.exiting, "three's status moved");
        (, bool pending3) = hub.forecastSlot(aid, three, 2);
        assertTrue(pending3, "three's pending forecast lost");

        // Three: reveals late (a miss), exits; two keeps its record.
        vm.prank(stranger);
        hub.commitForecast(aid, two, 4, _commitment(two, 4, _vals(1, 1)));
        _warp(_revealCloses(2));
        hub.poke(aid, three);
        vm.prank(owner3);
        hub.requestExit(aid, three);
        v3 = _view(three);
        assertEq(v3.misses, 1, "three's miss");
        assertEq(v3.bond, 2 * MIN_BOND - MISS_PENALTY, "three's penalty");
        assertTrue(v3.exiting, "three exiting");
        IGengovHub.CandidateView memory after2 = _view(two);
        assertEq(after2.score, v2.score, "two's score moved");
        assertEq(after2.scoredCount, 1, "two's count moved");
        assertEq(after2.bond, v2.bond, "two's bond moved");
        assertEq(after2.misses, 0, "two charged for three's miss");
        assertFalse(after2.exiting, "two's status moved");
        (, bool pending2) = hub.forecastSlot(aid, two, 4);
        assertTrue(pending2, "two's pending forecast lost");
    }

    function test_requestExit_ownerOnlyEmitsAndBlocksNewWork() public {
        uint256 cid = _register(owner1, op1, MIN_BOND);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CallerNotOwner.selector, cid, stranger));
        vm.prank(stranger);
        hub.requestExit(aid, cid);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateUnknown.selector, 2));
        vm.prank(owner1);
        hub.requestExit(aid, 2);

        _warp(now_ + 123);
        uint64 exitAt = uint64(now_ + 3 * L);
        vm.expectEmit();
        emit IGengovHub.ExitRequested(aid, cid, exitAt);
        vm.prank(owner1);
        hub.requestExit(aid, cid);

        IGengovHub.CandidateView memory v = _view(cid);
        assertTrue(v.exiting, "exiting");
        assertFalse(v.eligible, "ineligible");
        assertEq(uint256(v.exitAt), exitAt, "exitAt");

        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateExiting.selector, cid));
        vm.prank(owner1);
        hub.requestExit(aid, cid);

        // It answers only for targets whose commit window had closed (none: lastTarget 0 < cursor 1).
        // A commit reads only the seat, so a later commit is stored, but it is inert: never
        // pending, never revealable, never charged.
        _commit(op1, cid, 1, _vals(1, 2));
        (, bool pending) = hub.forecastSlot(aid, cid, 1);
        assertFalse(pending, "a commit after the exit is not owed");
        _warp(_end(1));
        _reportAll(1, _vals(1, 2));
        _warp(_revealOpens(1));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ForecastNotPending.selector, cid, 1));
        _reveal(op1, cid, 1, _vals(1, 2));
        _warp(exitAt);
        vm.prank(owner1);
        assertEq(hub.withdraw(aid, cid), MIN_BOND, "no miss charged for target 1");
        assertEq(uint256(_view(cid).misses), 0, "misses");
    }

    /// @dev An exiting candidate still answers for every target whose commit window had closed when
    /// it asked: [cursor, current + horizon). Leaving does not erase them, committed or not.
    function test_requestExit_stillAnswersForClosedCommitWindows() public {
        uint256 cid = _register(owner1, op1, 200e18);
        _warp(_start(1));
        _commit(op1, cid, 2, _vals(1, 2)); // target 1 was never committed
        _warp(_start(2));
        vm.prank(owner1);
        hub.requestExit(aid, cid); // epoch 2, horizon 1: targets up to 2 are owed, 3 is not
        uint64 exitAt = uint64(now_ + 3 * L);
        _commit(op1, cid, 3, _vals(1, 2));
        _reportAll(1, _vals(1, 2));
        _warp(_end(2));
        _reportAll(2, _vals(1, 2));
        _warp(_revealOpens(2));
        (, bool pending) = hub.forecastSlot(aid, cid, 2);
        assertTrue(pending, "target 2 is still owed");
        _reveal(op1, cid, 2, _vals(1, 2)); // charges target 1 (never committed) on the way
        IGengovHub.CandidateView memory v = _view(cid);
        assertEq(uint256(v.misses), 1, "target 1 missed");
        assertEq(uint256(v.scoredCount), 2, "miss + reveal");
        assertEq(uint256(v.cursor), 3, "cursor past the last owed target");
        _warp(_end(3));
        _reportAll(3, _vals(1, 2));
        _warp(_revealOpens(3));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ForecastNotPending.selector, cid, 3));
        _reveal(op1, cid, 3, _vals(1, 2));
        _warp(exitAt + 2 * L);
        assertEq(uint256(_view(cid).misses), 1, "target 3 is not owed");
        vm.prank(owner1);
        assertEq(hub.withdraw(aid, cid), 200e18 - MISS_PENALTY, "one penalty");
    }

    /// @dev A withdrawn candidate's seat is reused by the next registration (last freed first): the
    /// id comes back with a fresh record, owner, operator and bond; the count does not grow.
    function test_withdraw_freesTheSeatForTheNextRegistration() public {
        uint256 a = _register(owner1, op1, MIN_BOND);
        uint256 b = _register(owner2, op2, 2 * MIN_BOND);
        vm.prank(owner1);
        hub.requestExit(aid, a);
        vm.prank(owner2);
        hub.requestExit(aid, b);
        _warp(now_ + 3 * L);
        vm.prank(owner1);
        hub.withdraw(aid, a);
        vm.prank(owner2);
        hub.withdraw(aid, b);
        vm.expectEmit();
        emit IGengovHub.CandidateRegistered(
            aid,
            b,
            owner3,
            op3,
            keccak256(abi.encode("spec", owner3, op3)),
            3 * MIN_BOND
        );
        assertEq(_register(owner3, op3, 3 * MIN_BOND), b, "the last freed seat first");
        assertEq(_register(stranger, op1, MIN_BOND), a, "then the other");
        (, , uint256 count) = hub.agreement(aid);
        assertEq(count, 2, "no new seat");
        assertEq(_register(owner1, op2, MIN_BOND), 3, "a new seat once none is free");
        IGengovHub.CandidateView memory v = _view(b);
        assertEq(v.owner, owner3, "owner");
        assertEq(v.operator, op3, "operator");
        assertEq(v.bond, 3 * MIN_BOND, "bond");
        assertEq(v.score, WAD, "fresh score");
        assertEq(uint256(v.scoredCount), 0, "fresh count");
        assertFalse(v.exiting || v.withdrawn, "active");
        assertEq(uint256(v.cursor), hub.epochAt(aid, now_) + 1, "answers from its first committable target");
        // The old owner has no hold on the seat any more.
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CallerNotOwner.selector, b, owner2));
        vm.prank(owner2);
        hub.requestExit(aid, b);
    }

    function test_withdraw_timeEdges() public {
        uint256 cid = _register(owner1, op1, 130e18);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateExitNotReady.selector, cid, 0));
        vm.prank(owner1);
        hub.withdraw(aid, cid);

        vm.prank(owner1);
        hub.requestExit(aid, cid);
        uint64 exitAt = uint64(now_ + 3 * L);

        _warp(exitAt - 1);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateExitNotReady.selector, cid, exitAt));
        vm.prank(owner1);
        hub.withdraw(aid, cid);

        uint256 snap = vm.snapshotState();
        _warp(exitAt + 1);
        vm.prank(owner1);
        assertEq(hub.withdraw(aid, cid), 130e18, "withdraw at exitAt + 1");
        vm.revertToState(snap);

        _warp(exitAt);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CallerNotOwner.selector, cid, op1));
        vm.prank(op1);
        hub.withdraw(aid, cid);

        uint256 before = token.balanceOf(owner1);
        vm.expectEmit();
        emit IGengovHub.BondWithdrawn(aid, cid, owner1, 130e18);
        vm.prank(owner1);
        assertEq(hub.withdraw(aid, cid), 130e18, "withdraw at exitAt");
        assertEq(token.balanceOf(owner1) - before, 130e18, "paid to owner");
        assertEq(token.balanceOf(address(hub)), 0, "hub empty");

        IGengovHub.CandidateView memory v = _view(cid);
        assertTrue(v.withdrawn, "withdrawn");
        assertFalse(v.exiting, "no longer exiting");
        assertEq(v.bond, 0, "bond");

        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateExitNotReady.selector, cid, exitAt));
        vm.prank(owner1);
        hub.withdraw(aid, cid);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateExiting.selector, cid));
        vm.prank(owner1);
        hub.requestExit(aid, cid);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateExiting.selector, cid));
        vm.prank(owner1);
        hub.topUp(aid, cid, 1);
    }

    // ─────────────────────────────────────────── poke ────────────────────────────────────────────

    function test_poke_nothingPendingIsANoOp() public {
        uint256 cid = _register(owner1, op1, MIN_BOND);
        _warp(now_ + 10 * L);
        assertEq(hub.poke(aid, cid), 0, "no misses");
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateUnknown.selector, 2));
        hub.poke(aid, 2);
    }
}
