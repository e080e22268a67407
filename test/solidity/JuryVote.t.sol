// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovExecution} from "../../contracts/interfaces/IGengovExecution.sol";
import {IGengovHub} from "../../contracts/interfaces/IGengovHub.sol";
import {IGengovJury} from "../../contracts/interfaces/IGengovJury.sol";
import {GengovJury} from "../../contracts/jury/GengovJury.sol";
import {HubBase} from "./HubBase.sol";

interface VmJury {
    function cool(address target) external;
    function snapshotGasLastCall(string calldata group, string calldata name) external returns (uint256);
    function snapshotValue(string calldata group, string calldata name, uint256 value) external;
}

/// @notice The jury: who sits (the best eligible candidates, never the proposer's side), the
/// commit–reveal vote (bound to the juror, not copyable, not changeable at reveal), the close and its
/// outcome, and the gas of a commit, a reveal and a seating.
contract JuryVoteTest is HubBase {
    VmJury internal constant vmj = VmJury(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint32 internal constant COMMIT = 300;
    uint32 internal constant REVEAL = 300;
    bytes internal constant MANIFEST = "juror: the new state follows the agreement and the inputs";

    GengovJury internal jury;
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
    address internal op6 = address(0x1006);

    function setUp() public override {
        super.setUp();
        jury = new GengovJury(hub);
        execution = hub.execution();
        IGengovHub.AgreementParams memory p = _unitParams();
        p.minScored = 1;
        p.jury = IGengovHub.JuryParams({
            jurySize: 3,
            juryQuorum: 2,
            appealJurySize: 0,
            voteCommitWindow: COMMIT,
            voteRevealWindow: REVEAL,
            juryFee: 0,
            juryPenalty: 0
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
        address[7] memory ops = [op1, op2, op3, op4, address(0x1005), op6, op1];
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

    /// @dev The executor c1 proposes for epoch 2 at end(2) and the jury is opened.
    function _openExecutorsVote() internal returns (uint256[] memory jurors) {
        _warp(_end(2));
        _propose(c1, op1, o1);
        jurors = jury.open(aid, 2, c1);
    }

    function _voteHash(uint256 jurorId, bool accept, bytes32 salt) internal view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    keccak256("gengov.jury.vote.v1"),
                    chainId_,
                    address(jury),
                    aid,
                    uint64(2),
                    jurorId,
                    accept,
                    keccak256(MANIFEST),
                    salt
                )
            );
    }

    function _commitVote(address operator, uint256 index, uint256 jurorId, bool accept) internal {
        vm.prank(operator);
        jury.commitVote(aid, 2, c1, index, _voteHash(jurorId, accept, bytes32(jurorId)));
    }

    function _revealVote(address operator, uint256 index, uint256 jurorId, bool accept) internal {
        vm.prank(operator);
        jury.revealVote(aid, 2, c1, index, accept, bytes32(jurorId), MANIFEST);
    }

    // ─────────────────────────────────────────── seating ─────────────────────────────────────────

    function test_open_seatsTheBestSkippingTheProposersOwnerAndOperator() public {
        uint256[] memory jurors = _openExecutorsVote();
        assertEq(jurors.length, 3, "three seats");
        assertEq(jurors[0], c2, "c6 (c1's owner) and c7 (c1's operator) are skipped");
        assertEq(jurors[1], c3, "second");
        assertEq(jurors[2], c4, "third");
        IGengovJury.VoteView memory v = jury.vote(aid, 2, c1);
        assertEq(v.jurors.length, 3, "stored");
        assertEq(uint256(v.commitEndsAt), now_ + COMMIT, "commit window from the proposal");
    }

    function test_fallbackProposal_getsItsOwnJury() public {
        // The executor does not propose; the fallback c6 does in the second window.
        _warp(_end(2));
        (uint256 ex, uint256 fb) = hub.selectExecutor(aid, 2);
        assertEq(ex, c1, "executor");
        assertEq(fb, c6, "fallback");
        _warp(_end(2) + 600);
        _propose(c6, op6, o1);
        uint256[] memory jurors = jury.open(aid, 2, c6);
        // The executor c1 never sits; c7 has c1's operator but not c6's, and another owner.
        assertEq(jurors.length, 3, "three seats");
        assertEq(jurors[0], c7, "first");
        assertEq(jurors[1], c2, "second");
        assertEq(jurors[2], c3, "third");
    }

    function test_juryOf_neverSeatsTheProposersSide() public {
        _warp(_end(2));
        hub.selectExecutor(aid, 2);
        for (uint256 proposer = 1; proposer <= 7; ++proposer) {
            uint256[] memory jurors = hub.juryOf(aid, 2, proposer);
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

    function test_juryOf_requiresAFixedSelection() public {
        _warp(_end(2));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.SelectionNotFixed.selector, uint64(2)));
        hub.juryOf(aid, 2, c1);
    }

    function test_open_refusesWhatIsNotTheLiveProposal() public {
        _openExecutorsVote();
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.VoteAlreadyOpen.selector, uint64(2), c1));
        jury.open(aid, 2, c1);
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.ProposalNotLive.selector, uint64(2), c6));
        jury.open(aid, 2, c6);
    }

    // ─────────────────────────────────────────── votes ───────────────────────────────────────────

    function test_lifecycle_accepted() public {
        _openExecutorsVote();
        uint256 proposedAt = now_;
        _commitVote(op2, 0, c2, true);
        _commitVote(op3, 1, c3, true);
        _commitVote(op4, 2, c4, false);
        _warp(proposedAt + COMMIT);
        _revealVote(op2, 0, c2, true);
        _revealVote(op3, 1, c3, true);
        _revealVote(op4, 2, c4, false);
        _warp(proposedAt + COMMIT + REVEAL - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovJury.RevealWindowActive.selector,
                uint64(2),
                uint64(proposedAt + COMMIT + REVEAL)
            )
        );
        jury.close(aid, 2, c1);
        _warp(proposedAt + COMMIT + REVEAL);
        uint256[] memory silent = new uint256[](0);
        vm.expectEmit();
        emit IGengovJury.VoteClosed(aid, 2, c1, true, 2, 1, silent);
        assertTrue(jury.close(aid, 2, c1), "two accepts of three, quorum two");
        IGengovJury.VoteView memory v = jury.vote(aid, 2, c1);
        assertEq(uint256(v.closedAt), now_, "closedAt");
        assertTrue(v.accepted, "accepted");
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.VoteClosedAlready.selector, uint64(2), c1));
        jury.close(aid, 2, c1);
    }

    function test_lifecycle_rejectedWithASilentJuror() public {
        _openExecutorsVote();
        uint256 proposedAt = now_;
        _commitVote(op2, 0, c2, true);
        _commitVote(op3, 1, c3, false);
        _commitVote(op4, 2, c4, true);
        _warp(proposedAt + COMMIT);
        _revealVote(op2, 0, c2, true);
        _revealVote(op3, 1, c3, false);
        _warp(proposedAt + COMMIT + REVEAL);
        uint256[] memory silent = new uint256[](1);
        silent[0] = c4;
        vm.expectEmit();
        emit IGengovJury.VoteClosed(aid, 2, c1, false, 1, 1, silent);
        assertTrue(!jury.close(aid, 2, c1), "one accept, quorum two");
        IGengovJury.VoteView memory v = jury.vote(aid, 2, c1);
        assertTrue(!v.revealed[2] && v.revealed[0] && v.revealed[1], "c4 did not reveal");
        assertEq(v.commitments[2], _voteHash(c4, true, bytes32(c4)), "its commitment stays");
    }

    function test_reveal_cannotChangeTheCommittedVote() public {
        _openExecutorsVote();
        _commitVote(op2, 0, c2, true);
        _warp(now_ + COMMIT);
        vm.prank(op2);
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.VoteMismatch.selector, c2));
        jury.revealVote(aid, 2, c1, 0, false, bytes32(c2), MANIFEST);
        vm.prank(op2);
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.VoteMismatch.selector, c2));
        jury.revealVote(aid, 2, c1, 0, true, bytes32(c2), bytes("another manifest"));
        _revealVote(op2, 0, c2, true);
        vm.prank(op2);
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.VoteNotPending.selector, c2));
        jury.revealVote(aid, 2, c1, 0, true, bytes32(c2), MANIFEST);
    }

    function test_commit_cannotBeCopied() public {
        _openExecutorsVote();
        bytes32 c2Commitment = _voteHash(c2, true, bytes32(c2));
        vm.prank(op2);
        jury.commitVote(aid, 2, c1, 0, c2Commitment);
        // c3 copies c2's commitment into its own seat: nothing it can reveal hashes to it.
        vm.prank(op3);
        jury.commitVote(aid, 2, c1, 1, c2Commitment);
        // Nor can it write into c2's seat.
        vm.prank(op3);
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.CallerNotJuror.selector, c2, op3));
        jury.commitVote(aid, 2, c1, 0, bytes32(uint256(1)));
        _warp(now_ + COMMIT);
        vm.prank(op3);
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.VoteMismatch.selector, c3));
        jury.revealVote(aid, 2, c1, 1, true, bytes32(c2), MANIFEST);
    }

    function test_windows() public {
        _openExecutorsVote();
        uint256 proposedAt = now_;
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.SeatUnknown.selector, 3, 3));
        jury.commitVote(aid, 2, c1, 3, bytes32(uint256(1)));
        vm.prank(op2);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovJury.RevealWindowClosed.selector,
                uint64(2),
                uint64(proposedAt + COMMIT),
                uint64(proposedAt + COMMIT + REVEAL)
            )
        );
        jury.revealVote(aid, 2, c1, 0, true, bytes32(c2), MANIFEST);
        _warp(proposedAt + COMMIT);
        vm.prank(op2);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovJury.CommitWindowClosed.selector,
                uint64(2),
                uint64(proposedAt),
                uint64(proposedAt + COMMIT)
            )
        );
        jury.commitVote(aid, 2, c1, 0, bytes32(uint256(1)));
    }

    function test_open_refusedWhenTheAgreementHasNoJury() public {
        IGengovHub.AgreementParams memory p = _unitParams();
        uint256 plain = hub.createAgreement(p, TEXT);
        vm.expectRevert(abi.encodeWithSelector(IGengovJury.JuryOff.selector, plain));
        jury.open(plain, 0, 1);
        assertEq(hub.juryOf(plain, 0, 1).length, 0, "no jury: nobody sits");
    }

    // ──────────────────────────────────────────── gas ────────────────────────────────────────────

    function test_gas_commitAndReveal() public {
        _openExecutorsVote();
        bytes32 h = _voteHash(c2, true, bytes32(c2));
        vmj.cool(address(jury));
        vm.prank(op2);
        jury.commitVote(aid, 2, c1, 0, h);
        uint256 commitGas = vmj.snapshotGasLastCall("hub", "jury.commit");
        assertLe(commitGas, 40_000, "a vote commit");
        _warp(now_ + COMMIT);
        vmj.cool(address(jury));
        vm.prank(op2);
        jury.revealVote(aid, 2, c1, 0, true, bytes32(c2), MANIFEST);
        uint256 revealGas = vmj.snapshotGasLastCall("hub", "jury.reveal");
        assertLe(revealGas, 45_000, "a vote reveal with a small manifest");
    }
}
