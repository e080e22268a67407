// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../../contracts/interfaces/IGengovHub.sol";
import {IGengovHubHooks} from "../../contracts/interfaces/IGengovHubHooks.sol";
import {HubBase} from "./HubBase.sol";

/// @notice The hub side of the execution hooks: only the hub's own execution contract may slash a
/// bond, release treasury funds or count an execution; slashing takes from the stored bond (misses not
/// yet booked are charged from what is left), caps at the bond and splits challenger / treasury; plus
/// the views the execution contract reads.
contract HubExecutionHooksTest is HubBase {
    address internal exec;
    uint256 internal cid;

    function setUp() public override {
        super.setUp();
        exec = address(hub.execution());
        cid = _register(owner1, op1, 150e18);
    }

    function test_hooks_onlyTheExecutionContract() public {
        address[3] memory callers = [stranger, arbiter, address(this)];
        for (uint256 i = 0; i < callers.length; ++i) {
            bytes memory err = abi.encodeWithSelector(
                IGengovHubHooks.CallerNotExecution.selector,
                callers[i]
            );
            vm.startPrank(callers[i]);
            vm.expectRevert(err);
            hub.slashBond(aid, cid, 1);
            vm.expectRevert(err);
            hub.releaseTreasury(aid, address(token), 0);
            vm.expectRevert(err);
            hub.recordExecution(aid, cid);
            vm.stopPrank();
        }
    }

    /// @dev Clients find the execution contract through the participants' interface.
    function test_execution_isOnTheParticipantInterface() public view {
        assertEq(address(IGengovHub(address(hub)).execution()), address(hub.execution()), "execution");
        assertTrue(address(hub.execution()) != address(0), "no execution contract");
    }

    function test_slashBond_splitsBetweenChallengerAndTreasury() public {
        vm.expectEmit();
        emit IGengovHubHooks.BondSlashed(aid, cid, 51e18, 25.5e18);
        vm.prank(exec);
        (uint256 taken, uint256 toChallenger) = hub.slashBond(aid, cid, 51e18);
        assertEq(taken, 51e18, "taken");
        assertEq(toChallenger, 25.5e18, "half to the challenger");
        assertEq(token.balanceOf(exec), 25.5e18, "sent to the execution contract");
        assertEq(hub.treasuryBalance(aid, address(token)), 25.5e18, "rest to the treasury");
        assertEq(_view(cid).bond, 99e18, "bond");
        assertEq(token.balanceOf(address(hub)), 99e18 + 25.5e18, "held = bond + treasury");
    }

    function test_slashBond_oddAmountRoundsChallengerDown() public {
        vm.expectEmit();
        emit IGengovHubHooks.BondSlashed(aid, cid, 3, 2);
        vm.prank(exec);
        (, uint256 toChallenger) = hub.slashBond(aid, cid, 3);
        assertEq(toChallenger, 1, "floor(3 / 2)");
    }

    function test_slashBond_cappedAtBond() public {
        vm.prank(exec);
        (uint256 taken, uint256 toChallenger) = hub.slashBond(aid, cid, 1000e18);
        assertEq(taken, 150e18, "the whole bond, no more");
        assertEq(toChallenger, 75e18, "half");
        assertEq(_view(cid).bond, 0, "empty");
        vm.prank(exec);
        (taken, ) = hub.slashBond(aid, cid, 1);
        assertEq(taken, 0, "nothing left");
    }

    /// @dev A slash takes from the bond as stored; misses not yet booked are charged afterwards from
    /// what is left (capped at it), so bond + treasury + what left the hub is conserved either way.
    /// Due misses are charged before the penalty: a ruling never folds an unpaid miss penalty into
    /// the challengers' share, whether or not anyone poked the executor first.
    function test_slashBond_chargesDueMissesFirst() public {
        _commit(op1, cid, 1, _vals(1, 1));
        _warp(_end(1));
        _reportAll(1, _vals(1, 1));
        _warp(_revealCloses(1));
        assertEq(_view(cid).bond, 140e18, "the view shows the miss");
        vm.expectEmit();
        emit IGengovHub.RevealsMissed(aid, cid, 1, MISS_PENALTY, WAD);
        vm.expectEmit();
        emit IGengovHubHooks.BondSlashed(aid, cid, 100e18, 50e18);
        vm.prank(exec);
        (uint256 taken, ) = hub.slashBond(aid, cid, 100e18);
        assertEq(taken, 100e18, "taken from the 140e18 left after the miss");
        assertEq(_view(cid).bond, 40e18, "150 - 10 - 100");
        assertEq(hub.poke(aid, cid), 0, "nothing left to book");
        assertEq(hub.treasuryBalance(aid, address(token)), 50e18 + MISS_PENALTY, "half the slash + penalty");
        // Slashing all: capped at what is left.
        vm.prank(exec);
        (taken, ) = hub.slashBond(aid, cid, 1000e18);
        assertEq(taken, 40e18, "the rest");
        assertEq(
            token.balanceOf(address(hub)),
            hub.treasuryBalance(aid, address(token)) + _view(cid).bond,
            "held = treasury + bond"
        );
    }

    function test_slashBond_reverts() public {
        vm.startPrank(exec);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.AgreementUnknown.selector, 9));
        hub.slashBond(9, cid, 1);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateUnknown.selector, 2));
        hub.slashBond(aid, 2, 1);
        vm.stopPrank();
    }

    function test_releaseTreasury_movesFundsAndChecksBalance() public {
        vm.prank(stranger);
        hub.deposit(aid, address(token), 30e18);
        vm.expectEmit();
        emit IGengovHubHooks.TreasuryReleased(aid, address(token), 10e18);
        vm.prank(exec);
        hub.releaseTreasury(aid, address(token), 10e18);
        assertEq(token.balanceOf(exec), 10e18, "paid to the execution contract");
        assertEq(hub.treasuryBalance(aid, address(token)), 20e18, "treasury");

        vm.expectRevert(
            abi.encodeWithSelector(IGengovHub.TreasuryInsufficient.selector, address(token), 20e18, 20e18 + 1)
        );
        vm.prank(exec);
        hub.releaseTreasury(aid, address(token), 20e18 + 1);
        vm.prank(exec);
        hub.releaseTreasury(aid, address(token), 20e18); // exactly the balance
        assertEq(hub.treasuryBalance(aid, address(token)), 0, "emptied");
        // Bonds are not treasury: they cannot be released.
        vm.expectRevert(
            abi.encodeWithSelector(IGengovHub.TreasuryInsufficient.selector, address(token), 0, 1)
        );
        vm.prank(exec);
        hub.releaseTreasury(aid, address(token), 1);
    }

    function test_releaseTreasury_isPerAgreement() public {
        vm.prank(stranger);
        hub.deposit(aid, address(token), 5e18);
        uint256 other = _use(_defaultParams());
        vm.expectRevert(
            abi.encodeWithSelector(IGengovHub.TreasuryInsufficient.selector, address(token), 0, 1)
        );
        vm.prank(exec);
        hub.releaseTreasury(other, address(token), 1);
    }

    function test_recordExecution_counts() public {
        vm.startPrank(exec);
        hub.recordExecution(aid, cid);
        hub.recordExecution(aid, cid);
        vm.stopPrank();
        assertEq(uint256(_view(cid).executions), 2, "executions");
    }

    function test_views_forTheExecutionContract() public {
        vm.prank(owner1);
        hub.setOperator(aid, cid, op2);
        (address operator, bytes32 spec) = hub.candidateOperator(aid, cid);
        assertEq(operator, op2, "current operator");
        assertEq(spec, keccak256(abi.encode("spec", owner1, op1)), "spec");
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CandidateUnknown.selector, 2));
        hub.candidateOperator(aid, 2);

        IGengovHubHooks.ExecutionParams memory ep = hub.executionParams(aid);
        assertEq(uint256(ep.genesis), genesis, "genesis");
        assertEq(uint256(ep.epochLength), L, "epochLength");
        assertEq(uint256(ep.executionWindow), 600, "executionWindow");
        assertEq(uint256(ep.challengePeriod), 900, "challengePeriod");
        assertEq(uint256(ep.rulingPeriod), 900, "rulingPeriod");
        assertEq(ep.arbiter, arbiter, "arbiter");
        assertEq(ep.bondToken, address(token), "bondToken");
        assertEq(uint256(ep.rejectPenalty), 50e18, "rejectPenalty");
        assertEq(uint256(ep.challengeBond), 20e18, "challengeBond");

        IGengovHub.AgreementParams memory p = _defaultParams();
        p.capTokens = new address[](1);
        p.capTokens[0] = address(token);
        p.maxOutflowPerEpoch = new uint256[](1);
        p.maxOutflowPerEpoch[0] = 7e18;
        uint256 capped = _use(p);
        assertEq(hub.outflowCap(capped, address(token)), 7e18, "cap");
        assertEq(hub.outflowCap(capped, stranger), 0, "no cap: not payable");
    }
}
