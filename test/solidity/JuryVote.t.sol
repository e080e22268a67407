// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovExecution} from "../../contracts/interfaces/IGengovExecution.sol";
import {IGengovHub} from "../../contracts/interfaces/IGengovHub.sol";
import {IGengovJury} from "../../contracts/interfaces/IGengovJury.sol";
import {HubBase} from "./HubBase.sol";

interface VmJury {
    function cool(address target) external;
    function snapshotGasLastCall(string calldata group, string calldata name) external returns (uint256);
    function snapshotValue(string calldata group, string calldata name, uint256 value) external;
}

/// @notice The jury: who sits (the best eligible candidates, never the proposer's side), the
/// commit–reveal vote (bound to the juror, not copyable, not changeable at reveal), what its close
/// does to the transition (accepted: the challenge period; rejected: penalty and the fallback), the
/// appeal jury and the arbiter above it, fees and penalties, conservation, and the gas of a vote.
contract JuryVoteTest is HubBase {
    VmJury internal constant vmj = VmJury(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint32 internal constant COMMIT = 300;
    uint32 internal constant REVEAL = 300;
    bytes internal constant MANIFEST = "juror: the new state follows the agreement and the inputs";

    IGengovExecution internal execution;
    // c1 executes; c6 shares c1's owner and c7 its operator, and both rank right behind it.
    uint256 internal c1;
    uint256 internal c2;
    uint256 internal c3;
    uint256 internal c4;
    uint256 internal c5;
    uint256 internal c6;
    uint256 internal c7;
    address internal o1 = address(0x0101);
    address internal op4 = address(0x1004);
    address internal op5 = address(0x1005);
    address internal op6 = address(0x1006);
    uint128 internal constant FEE = 5e18;
    uint128 internal constant PENALTY = 10e18;
    uint256 internal constant TREASURY = 100e18;

    function setUp() public override {
        super.setUp();
        execution = hub.execution();
        IGengovHub.AgreementParams memory p = _unitParams();
        p.minScored = 1;
        p.jury = IGengovHub.JuryParams({
            jurySize: 3,
            juryQuorum: 2,
            appealJurySize: 3,
            voteCommitWindow: COMMIT,
            voteRevealWindow: REVEAL,
            juryFee: FEE,
            juryPenalty: PENALTY
        });
        _use(p);
        address[7] memory owners = [
            o1,
            address(0x0102),
            address(0x0103),
            address(0x0104),
            address(0x0105),
            o1,
            address(0x0107)
        ];
        address[7] memory ops = [op1, op2, op3, op4, op5, op6, op1];
        // Losses: c1 best, then c6, c7, c2, c3, c4, c5.
        int128[7] memory f = [int128(0.05e18), 0.1e18, 0.2e18, 0.3e18, 0.4e18, 0.06e18, 0.07e18];
        uint256[] memory cids = new uint256[](7);
        address[] memory opsList = new address[](7);
        int128[] memory forecasts = new int128[](7);
        for (uint256 i = 0; i < 7; ++i) {
            _fund(owners[i]);
            cids[i] = _register(owners[i], ops[i], MIN_BOND);
            opsList[i] = ops[i];
            forecasts[i] = f[i];
        }
        (c1, c2, c3, c4, c5, c6, c7) = (cids[0], cids[1], cids[2], cids[3], cids[4], cids[5], cids[6]);
        _round(1, cids, opsList, forecasts, 0);
        token.approve(address(hub), TREASURY);
        hub.deposit(aid, address(token), TREASURY);
    }

    // ─────────────────────────────────────────── helpers ─────────────────────────────────────────

    function _propose(uint256 cid, address operator, address owner) internal {
        bytes32 inputsHash = hub.inputsHeadAt(aid, 2);
        vm.prank(operator);
        execution.proposeTransition(
            aid,
            2,
            bytes32(0),
            inputsHash,
            bytes("state 2"),
            new IGengovExecution.Action[](0),
            bytes("manifest"),
            abi.encode("spec", owner, operator)
        );
        assertEq(cid, execution.proposal(aid).candidateId, "proposer");
    }

    /// @dev The executor c1 proposes for epoch 2 at end(2); its jury is seated by the proposal.
    function _proposeAsExecutor() internal returns (uint256[] memory jurors) {
        _warp(_end(2));
        _propose(c1, op1, o1);
        jurors = jury.vote(aid, 2, c1, 0).jurors;
    }

    function _voteHash(
        uint256 proposer,
        uint8 round,
        uint256 jurorId,
        bool accept
    ) internal view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    keccak256("gengov.jury.vote.v1"),
                    chainId_,
                    address(jury),
                    aid,
                    uint64(2),
                    proposer,
                    round,
                    jurorId,
                    accept,
                    keccak256(MANIFEST),
                    bytes32(jurorId)
                )
            );
    }

    function _commitVote(
        uint256 proposer,
        uint8 round,
        address operator,
        uint256 index,
        uint256 jurorId,
        bool accept
    ) internal {
        vm.prank(operator);
        jury.commitVote(aid, 2, proposer, round, index, _voteHash(proposer, round, jurorId, accept));
    }

    function _revealVote(
        uint256 proposer,
        uint8 round,
        address operator,
        uint256 index,
        uint256 jurorId,
        bool accept
    ) internal {
        vm.prank(operator);
        jury.revealVote(aid, 2, proposer, round, index, accept, bytes32(jurorId), MANIFEST);
    }

    /// @dev c2, c3, c4 (the executor's jury) vote `votes` (1 accept, 2 reject, 0 silent); then the
    /// vote is closed. Returns the time the challenge period opens.
    function _vote(uint8[3] memory votes) internal returns (uint256 opens) {
        uint256 proposedAt = now_;
        address[3] memory ops = [op2, op3, op4];
        uint256[3] memory ids = [c2, c3, c4];
        for (uint256 i = 0; i < 3; ++i)
            if (votes[i] != 0) _commitVote(c1, 0, ops[i], i, ids[i], votes[i] == 1);
        _warp(proposedAt + COMMIT);
        for (uint256 i = 0; i < 3; ++i)
            if (votes[i] != 0) _revealVote(c1, 0, ops[i], i, ids[i], votes[i] == 1);
        opens = proposedAt + COMMIT + REVEAL;
        _warp(opens);
        vm.prank(stranger);
        jury.close(aid, 2, c1, 0);
    }

    function _challenge() internal {
        vm.startPrank(stranger);
        token.approve(address(execution), 20e18);
        execution.challenge(aid, 2);
        vm.stopPrank();
    }

    function _finalize() internal {
        execution.finalize(
            aid,
            2,
            keccak256("state 2"),
            keccak256("manifest"),
            new IGengovExecution.Action[](0)
        );
    }

    function _bond(uint256 cid) internal view returns (uint256) {
        return _view(cid).bond;
    }

    function _status() internal view returns (IGengovExecution.Status) {
        return execution.proposal(aid).status;
    }

    // ─────────────────────────────────────────── seating ─────────────────────────────────────────

    function test_propose_seatsTheBestSkippingTheProposersOwnerAndOperator() public {
        uint256[] memory jurors = _proposeAsExecutor();
        assertEq(jurors.length, 3, "three seats");
        assertEq(jurors[0], c2, "c6 (c1's owner) and c7 (c1's operator) are skipped");
        assertEq(jurors[1], c3, "second");
        assertEq(jurors[2], c4, "third");
        IGengovJury.VoteView memory v = jury.vote(aid, 2, c1, 0);
        assertEq(uint256(v.commitEndsAt), now_ + COMMIT, "commit window from the proposal");
        assertEq(v.quorum, 2, "quorum");
        IGengovExecution.ProposalView memory pv = execution.proposal(aid);
        assertTrue(pv.status == IGengovExecution.Status.Voting, "the transition waits for its jury");
        assertTrue(pv.juried, "juried");
        assertEq(uint256(pv.challengeOpensAt), now_ + COMMIT + REVEAL, "challenges open when the vote ends");
    }

    function test_juryOf_neverSeatsTheProposersSide() public {
        _warp(_end(2));
        hub.selectExecutor(aid, 2);
        for (uint256 proposer = 1; proposer <= 7; ++proposer) {
            uint256[] memory jurors = hub.juryOf(aid, 2, proposer, 8, new uint256[](0));
            (address pop, ) = hub.candidateOperator(aid, proposer);
            address powner = _view(proposer).owner;
            for (uint256 i = 0; i < jurors.length; ++i) {
                assertTrue(jurors[i] != proposer && jurors[i] != c1, "proposer or executor seated");
                (address jop, ) = hub.candidateOperator(aid, jurors[i]);
                assertTrue(jop != pop, "a juror shares the proposer's operator");
                assertTrue(_view(jurors[i]).owner != powner, "a juror shares the proposer's owner");
            }
        }
    }

    function test_juryOf_excludesAndRequiresAFixedSelection() public {
        _warp(_end(2));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.SelectionNotFixed.selector, uint64(2)));
        hub.juryOf(aid, 2, c1, 3, new uint256[](0));
        hub.selectExecutor(aid, 2);
        uint256[] memory jurors = hub.juryOf(aid, 2, c1, 3, _two(c2, c4));
        assertEq(jurors.length, 2, "only c3 and c5 are left");
        assertEq(jurors[0], c3, "c3");
        assertEq(jurors[1], c5, "c5");
    }

    function test_openAndSettle_onlyByTheExecutionContract() public {
        _proposeAsExecutor();
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.CallerNotExecution.selector, address(this)));
        jury.open(aid, 2, c1, 1);
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.CallerNotExecution.selector, address(this)));
        jury.settle(aid, 2, c1, true);
        vm.expectRevert(abi.encodeWithSelector(IGengovExecution.CallerNotJury.selector, address(this)));
        execution.onVoteClosed(aid, 2, c1, false);
    }

    // ────────────────────────────────────────── lifecycle ────────────────────────────────────────

    function test_accepted_challengePeriodFromTheVotesEnd_thenFinalizes_feesToTheMajority() public {
        _proposeAsExecutor();
        // While the jury votes, nobody challenges or finalizes.
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovExecution.TransitionStatusInvalid.selector,
                uint64(2),
                IGengovExecution.Status.Voting
            )
        );
        execution.challenge(aid, 2);
        uint256 opens = _vote([uint8(1), 1, 2]);
        assertTrue(_status() == IGengovExecution.Status.Proposed, "accepted: two of three");
        _warp(opens + 900 - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovExecution.ChallengePeriodActive.selector,
                uint64(2),
                uint64(opens + 900)
            )
        );
        _finalize();
        _warp(opens + 900);
        uint256 treasury = hub.treasuryBalance(aid, address(token));
        _finalize();
        assertEq(jury.owed(op2, address(token)), FEE, "c2 voted with the outcome");
        assertEq(jury.owed(op3, address(token)), FEE, "c3 voted with the outcome");
        assertEq(jury.owed(op4, address(token)), 0, "c4 did not");
        assertEq(_bond(c4), MIN_BOND, "a minority vote that was not overturned is not charged");
        assertEq(hub.treasuryBalance(aid, address(token)), treasury - 2 * FEE, "fees from the treasury");
        vm.prank(op2);
        assertEq(jury.withdrawFees(address(token)), FEE, "withdrawn");
        assertEq(token.balanceOf(op2), FEE, "paid");
        assertTrue(jury.vote(aid, 2, c1, 0).settled, "settled");
    }

    function test_rejected_statusQuo_penalties_thenTheFallbacksProposalGetsItsOwnJury() public {
        _proposeAsExecutor();
        uint256 treasury = hub.treasuryBalance(aid, address(token));
        _vote([uint8(1), 2, 0]);
        assertTrue(_status() == IGengovExecution.Status.Rejected, "one accept of quorum two");
        assertEq(execution.stateHash(aid), bytes32(0), "no state change");
        assertEq(_bond(c1), MIN_BOND - 50e18, "the executor pays rejectPenalty");
        assertEq(_bond(c4), MIN_BOND - PENALTY, "the silent juror pays juryPenalty");
        assertEq(_bond(c2), MIN_BOND, "an outvoted juror is not charged");
        assertEq(jury.owed(op3, address(token)), FEE, "the juror who voted with the outcome earns the fee");
        assertEq(
            hub.treasuryBalance(aid, address(token)),
            treasury + 50e18 + PENALTY - FEE,
            "penalties to the treasury, the fee from it"
        );
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovExecution.TransitionStatusInvalid.selector,
                uint64(2),
                IGengovExecution.Status.Rejected
            )
        );
        _finalize();
        // The fallback c6 proposes in the second window; its jury: c7 (not c6's operator), c2, c3.
        _warp(_end(2) + 600);
        _propose(c6, op6, o1);
        uint256[] memory jurors = jury.vote(aid, 2, c6, 0).jurors;
        assertEq(jurors.length, 3, "three seats");
        assertEq(jurors[0], c7, "first");
        assertEq(jurors[1], c2, "second");
        assertEq(jurors[2], c3, "third");
        assertTrue(_status() == IGengovExecution.Status.Voting, "the fallback's proposal waits for its jury");
    }

    function test_silentJury_rejects() public {
        _proposeAsExecutor();
        _vote([uint8(0), 0, 0]);
        assertTrue(_status() == IGengovExecution.Status.Rejected, "nobody accepted");
        assertEq(_bond(c2) + _bond(c3) + _bond(c4), 3 * (MIN_BOND - PENALTY), "every silent juror pays");
    }

    function test_appeal_overturnsWhenTheArbiterIsSilent() public {
        _proposeAsExecutor();
        uint256 opens = _vote([uint8(1), 1, 1]);
        _warp(opens + 10);
        _challenge();
        // The appeal jury: c5, the only eligible candidate outside the proposal's jury and c1's side.
        IGengovJury.VoteView memory appeal = jury.vote(aid, 2, c1, 1);
        assertEq(appeal.jurors.length, 1, "one appeal juror");
        assertEq(appeal.jurors[0], c5, "c5");
        _commitVote(c1, 1, op5, 0, c5, false);
        _warp(opens + 10 + COMMIT);
        _revealVote(c1, 1, op5, 0, c5, false);
        _warp(opens + 900 + 900 - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovExecution.RulingPeriodActive.selector,
                uint64(2),
                uint64(opens + 1800)
            )
        );
        execution.lapseChallenge(aid, 2);
        _warp(opens + 1800);
        uint256 strangerBefore = execution.owed(stranger, address(token));
        vm.expectEmit();
        emit IGengovExecution.TransitionOverturned(aid, 2, 50e18);
        execution.lapseChallenge(aid, 2);
        assertTrue(_status() == IGengovExecution.Status.Rejected, "the appeal jury's decision stands");
        assertEq(
            execution.owed(stranger, address(token)) - strangerBefore,
            20e18 + 25e18,
            "the challenger gets its bond and half the penalty"
        );
        assertEq(jury.owed(op5, address(token)), FEE, "the appeal juror voted with the outcome");
        assertEq(_bond(c2) + _bond(c3) + _bond(c4), 3 * (MIN_BOND - PENALTY), "the overturned jurors pay");
    }

    function test_appeal_silentAppealJuryKeepsTheTransition() public {
        _proposeAsExecutor();
        uint256 opens = _vote([uint8(1), 1, 2]);
        _warp(opens + 10);
        _challenge();
        _warp(opens + 1800);
        execution.lapseChallenge(aid, 2);
        assertTrue(_status() == IGengovExecution.Status.Lapsed, "a silent appeal jury overturns nothing");
        _finalize();
        assertEq(_bond(c5), MIN_BOND - PENALTY, "the silent appeal juror pays");
        assertEq(jury.owed(op2, address(token)), FEE, "c2 upheld");
        assertEq(_bond(c4), MIN_BOND, "c4's minority vote was not overturned");
    }

    function test_appeal_theArbiterOverrulesTheAppealJury() public {
        _proposeAsExecutor();
        uint256 opens = _vote([uint8(1), 1, 1]);
        _warp(opens + 10);
        _challenge();
        _commitVote(c1, 1, op5, 0, c5, false);
        _warp(opens + 10 + COMMIT);
        _revealVote(c1, 1, op5, 0, c5, false);
        _warp(opens + 10 + COMMIT + REVEAL);
        vm.prank(arbiter);
        execution.rule(aid, 2, true);
        _finalize();
        assertEq(execution.stateHash(aid), keccak256("state 2"), "the arbiter's ruling stands");
        assertEq(_bond(c5), MIN_BOND - PENALTY, "the overturned appeal juror pays");
        assertEq(jury.owed(op2, address(token)), FEE, "the proposal's jurors were right");
        assertEq(jury.owed(op5, address(token)), 0, "no fee for the overturned vote");
    }

    function test_arbiterRulingBeforeTheAppealVoteEnds_chargesNobodyForSilence() public {
        _proposeAsExecutor();
        uint256 opens = _vote([uint8(1), 1, 1]);
        _warp(opens + 10);
        _challenge();
        vm.prank(arbiter);
        execution.rule(aid, 2, false);
        assertEq(_bond(c5), MIN_BOND, "the appeal juror's window had not ended");
        assertEq(_bond(c2), MIN_BOND - PENALTY, "the proposal's jury was overturned by the arbiter");
    }

    function test_conservation_everyTokenAccountedFor() public {
        _proposeAsExecutor();
        uint256 opens = _vote([uint8(1), 1, 0]);
        _warp(opens + 10);
        _challenge();
        _commitVote(c1, 1, op5, 0, c5, false);
        _warp(opens + 10 + COMMIT);
        _revealVote(c1, 1, op5, 0, c5, false);
        _warp(opens + 1800);
        execution.lapseChallenge(aid, 2);
        // Everything the hub holds is treasury or bonds; the jury holds exactly the fees it owes; the
        // execution contract exactly what it owes.
        uint256 bonds = 0;
        for (uint256 id = 1; id <= 7; ++id) bonds += _bond(id);
        assertEq(token.balanceOf(address(hub)), hub.treasuryBalance(aid, address(token)) + bonds, "hub");
        uint256 fees = 0;
        address[5] memory ops = [op2, op3, op4, op5, op1];
        for (uint256 i = 0; i < 5; ++i) fees += jury.owed(ops[i], address(token));
        assertEq(token.balanceOf(address(jury)), fees, "jury");
        assertEq(token.balanceOf(address(execution)), execution.owed(stranger, address(token)), "execution");
    }

    // ─────────────────────────────────────────── votes ───────────────────────────────────────────

    function test_reveal_cannotChangeTheCommittedVote() public {
        _proposeAsExecutor();
        _commitVote(c1, 0, op2, 0, c2, true);
        _warp(now_ + COMMIT);
        vm.prank(op2);
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.VoteMismatch.selector, c2));
        jury.revealVote(aid, 2, c1, 0, 0, false, bytes32(c2), MANIFEST);
        vm.prank(op2);
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.VoteMismatch.selector, c2));
        jury.revealVote(aid, 2, c1, 0, 0, true, bytes32(c2), bytes("another manifest"));
        _revealVote(c1, 0, op2, 0, c2, true);
        vm.prank(op2);
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.VoteNotPending.selector, c2));
        jury.revealVote(aid, 2, c1, 0, 0, true, bytes32(c2), MANIFEST);
    }

    function test_commit_cannotBeCopied() public {
        _proposeAsExecutor();
        bytes32 c2Commitment = _voteHash(c1, 0, c2, true);
        vm.prank(op2);
        jury.commitVote(aid, 2, c1, 0, 0, c2Commitment);
        // c3 copies c2's commitment into its own seat: nothing it can reveal hashes to it.
        vm.prank(op3);
        jury.commitVote(aid, 2, c1, 0, 1, c2Commitment);
        // Nor can it write into c2's seat.
        vm.prank(op3);
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.CallerNotJuror.selector, c2, op3));
        jury.commitVote(aid, 2, c1, 0, 0, bytes32(uint256(1)));
        _warp(now_ + COMMIT);
        vm.prank(op3);
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.VoteMismatch.selector, c3));
        jury.revealVote(aid, 2, c1, 0, 1, true, bytes32(c2), MANIFEST);
    }

    function test_windows() public {
        _proposeAsExecutor();
        uint256 proposedAt = now_;
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.SeatUnknown.selector, 3, 3));
        jury.commitVote(aid, 2, c1, 0, 3, bytes32(uint256(1)));
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.RoundInvalid.selector, uint8(2)));
        jury.commitVote(aid, 2, c1, 2, 0, bytes32(uint256(1)));
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.VoteNotOpen.selector, uint64(2), c1, uint8(1)));
        jury.commitVote(aid, 2, c1, 1, 0, bytes32(uint256(1)));
        vm.prank(op2);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovJury.VoteRevealWindowClosed.selector,
                uint64(2),
                uint64(proposedAt + COMMIT),
                uint64(proposedAt + COMMIT + REVEAL)
            )
        );
        jury.revealVote(aid, 2, c1, 0, 0, true, bytes32(c2), MANIFEST);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovJury.VoteRevealWindowActive.selector,
                uint64(2),
                uint64(proposedAt + COMMIT + REVEAL)
            )
        );
        jury.close(aid, 2, c1, 0);
        _warp(proposedAt + COMMIT);
        vm.prank(op2);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovJury.VoteCommitWindowClosed.selector,
                uint64(2),
                uint64(proposedAt),
                uint64(proposedAt + COMMIT)
            )
        );
        jury.commitVote(aid, 2, c1, 0, 0, bytes32(uint256(1)));
        _warp(proposedAt + COMMIT + REVEAL);
        jury.close(aid, 2, c1, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IGengovJury.VoteClosedAlready.selector, uint64(2), c1, uint8(0))
        );
        jury.close(aid, 2, c1, 0);
    }

    function test_noJury_proposalsGoStraightToTheirChallengePeriod() public {
        IGengovHub.AgreementParams memory p = _unitParams();
        uint256 plain = hub.createAgreement(p, TEXT);
        assertEq(hub.juryOf(plain, 0, 1, 3, new uint256[](0)).length, 0, "no jury: nobody sits");
    }

    // ──────────────────────────────────────────── gas ────────────────────────────────────────────

    function test_gas_commitAndReveal() public {
        _proposeAsExecutor();
        bytes32 h = _voteHash(c1, 0, c2, true);
        vmj.cool(address(jury));
        vm.prank(op2);
        jury.commitVote(aid, 2, c1, 0, 0, h);
        uint256 commitGas = vmj.snapshotGasLastCall("hub", "jury.commit");
        assertLe(commitGas, 40_000, "a vote commit");
        _warp(now_ + COMMIT);
        vmj.cool(address(jury));
        vm.prank(op2);
        jury.revealVote(aid, 2, c1, 0, 0, true, bytes32(c2), MANIFEST);
        uint256 revealGas = vmj.snapshotGasLastCall("hub", "jury.reveal");
        assertLe(revealGas, 45_000, "a vote reveal with a small manifest");
    }
}
