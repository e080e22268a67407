// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {MAX_JURY_SIZE, MAX_MANIFEST_BYTES} from "../hub/Limits.sol";
import {IGengovExecution} from "../interfaces/IGengovExecution.sol";
import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {IGengovJury} from "../interfaces/IGengovJury.sol";

/// @title GengovJury
/// @notice Commit–reveal votes of model juries on the transitions of one hub's agreements. A vote is
/// keyed by (agreement, epoch, proposer): the executor's proposal and the fallback's each get their
/// own jury. Seating copies each juror's operator, so the key that holds a seat at opening is the
/// key that commits and reveals for it; the commitment names the juror, so a commitment copied
/// into another seat can never be revealed there.
/// @dev The vote decides nothing in the execution contract yet: its result is read from `vote`.
contract GengovJury is IGengovJury {
    /// @notice Domain tag of vote commitments.
    bytes32 public constant JURY_TAG = keccak256("gengov.jury.vote.v1");

    /// @dev A juror's seat, in one slot: what a commit and a reveal check the caller against.
    struct Seat {
        address operator;
        uint32 jurorId;
    }

    /// @dev One vote; slot 0 holds everything a commit, a reveal and the close read and write.
    struct Vote {
        uint40 proposedAt;
        uint40 closedAt;
        uint32 commitWindow;
        uint32 revealWindow;
        uint8 quorum;
        uint8 seats;
        uint8 accepts;
        uint8 rejects;
        uint8 revealedMask;
        bool accepted;
        Seat[MAX_JURY_SIZE] jurors;
        bytes32[MAX_JURY_SIZE] commitments;
    }

    /// @inheritdoc IGengovJury
    IGengovHub public immutable hub;
    /// @inheritdoc IGengovJury
    IGengovExecution public immutable execution;

    mapping(uint256 agreementId => mapping(uint64 epoch => mapping(uint256 proposer => Vote))) private _votes;

    constructor(IGengovHub hub_) {
        hub = hub_;
        execution = hub_.execution();
    }

    /// @inheritdoc IGengovJury
    function open(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer
    ) external returns (uint256[] memory jurors) {
        Vote storage v = _votes[agreementId][epoch][proposer];
        if (v.proposedAt != 0) revert VoteAlreadyOpen(epoch, proposer);
        (IGengovHub.AgreementParams memory p, , ) = hub.agreement(agreementId);
        IGengovHub.JuryParams memory j = p.jury;
        if (j.jurySize == 0) revert JuryOff(agreementId);
        IGengovExecution.ProposalView memory live = execution.proposal(agreementId);
        if (
            live.epoch != epoch ||
            live.candidateId != proposer ||
            (live.status != IGengovExecution.Status.Proposed &&
                live.status != IGengovExecution.Status.Challenged)
        ) revert ProposalNotLive(epoch, proposer);
        uint256 commitEnds = uint256(live.proposedAt) + j.voteCommitWindow;
        if (block.timestamp >= commitEnds) {
            revert CommitWindowClosed(epoch, live.proposedAt, uint64(commitEnds));
        }
        jurors = hub.juryOf(agreementId, epoch, proposer);
        if (jurors.length == 0) revert JuryEmpty(epoch, proposer);
        for (uint256 i = 0; i < jurors.length; ++i) {
            (address operator, ) = hub.candidateOperator(agreementId, jurors[i]);
            v.jurors[i] = Seat(operator, uint32(jurors[i]));
        }
        v.proposedAt = uint40(live.proposedAt);
        v.commitWindow = j.voteCommitWindow;
        v.revealWindow = j.voteRevealWindow;
        v.quorum = j.juryQuorum;
        v.seats = uint8(jurors.length);
        emit VoteOpened(agreementId, epoch, proposer, jurors);
    }

    /// @inheritdoc IGengovJury
    function commitVote(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint256 index,
        bytes32 commitment
    ) external {
        Vote storage v = _opened(agreementId, epoch, proposer);
        uint256 opens = v.proposedAt;
        uint256 closes = opens + v.commitWindow;
        if (block.timestamp >= closes) revert CommitWindowClosed(epoch, uint64(opens), uint64(closes));
        uint256 jurorId = _checkJuror(v, index);
        v.commitments[index] = commitment;
        emit VoteCommitted(agreementId, epoch, proposer, jurorId, commitment);
    }

    /// @inheritdoc IGengovJury
    function revealVote(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint256 index,
        bool accept,
        bytes32 salt,
        bytes calldata manifest
    ) external {
        Vote storage v = _opened(agreementId, epoch, proposer);
        uint256 opens = uint256(v.proposedAt) + v.commitWindow;
        uint256 closes = opens + v.revealWindow;
        if (block.timestamp < opens || block.timestamp >= closes) {
            revert RevealWindowClosed(epoch, uint64(opens), uint64(closes));
        }
        uint256 jurorId = _checkJuror(v, index);
        if (manifest.length > MAX_MANIFEST_BYTES)
            revert ManifestTooLarge(manifest.length, MAX_MANIFEST_BYTES);
        bytes32 stored = v.commitments[index];
        if (stored == bytes32(0)) revert VoteNotPending(jurorId);
        bytes32 rationaleHash = keccak256(manifest);
        if (_commitment(agreementId, epoch, jurorId, accept, rationaleHash, salt) != stored) {
            revert VoteMismatch(jurorId);
        }
        delete v.commitments[index];
        v.revealedMask |= uint8(1 << index);
        if (accept) ++v.accepts;
        else ++v.rejects;
        emit VoteRevealed(agreementId, epoch, proposer, jurorId, accept, rationaleHash, manifest);
    }

    /// @inheritdoc IGengovJury
    function close(uint256 agreementId, uint64 epoch, uint256 proposer) external returns (bool accepted) {
        Vote storage v = _opened(agreementId, epoch, proposer);
        if (v.closedAt != 0) revert VoteClosedAlready(epoch, proposer);
        uint256 closes = uint256(v.proposedAt) + v.commitWindow + v.revealWindow;
        if (block.timestamp < closes) revert RevealWindowActive(epoch, uint64(closes));
        accepted = v.accepts >= v.quorum;
        v.closedAt = uint40(block.timestamp);
        v.accepted = accepted;
        uint256 n = v.seats;
        uint256 mask = v.revealedMask;
        uint256[] memory silent = new uint256[](n);
        uint256 count = 0;
        for (uint256 i = 0; i < n; ++i) {
            if (mask & (1 << i) == 0) silent[count++] = v.jurors[i].jurorId;
        }
        assembly ("memory-safe") {
            mstore(silent, count)
        }
        emit VoteClosed(agreementId, epoch, proposer, accepted, v.accepts, v.rejects, silent);
    }

    // ─────────────────────────────────────────── views ───────────────────────────────────────────

    /// @inheritdoc IGengovJury
    function voteCommitment(
        uint256 agreementId,
        uint64 epoch,
        uint256 jurorId,
        bool accept,
        bytes32 rationaleHash,
        bytes32 salt
    ) external view returns (bytes32) {
        return _commitment(agreementId, epoch, jurorId, accept, rationaleHash, salt);
    }

    /// @inheritdoc IGengovJury
    function vote(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer
    ) external view returns (VoteView memory r) {
        Vote storage v = _votes[agreementId][epoch][proposer];
        uint256 n = v.seats;
        r.proposedAt = v.proposedAt;
        if (n != 0) {
            r.commitEndsAt = uint64(uint256(v.proposedAt) + v.commitWindow);
            r.revealEndsAt = r.commitEndsAt + v.revealWindow;
        }
        r.closedAt = v.closedAt;
        r.quorum = v.quorum;
        r.accepts = v.accepts;
        r.rejects = v.rejects;
        r.accepted = v.accepted;
        r.jurors = new uint256[](n);
        r.commitments = new bytes32[](n);
        r.revealed = new bool[](n);
        for (uint256 i = 0; i < n; ++i) {
            r.jurors[i] = v.jurors[i].jurorId;
            r.commitments[i] = v.commitments[i];
            r.revealed[i] = v.revealedMask & (1 << i) != 0;
        }
    }

    // ───────────────────────────────────────── internals ─────────────────────────────────────────

    function _opened(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer
    ) private view returns (Vote storage v) {
        v = _votes[agreementId][epoch][proposer];
        if (v.proposedAt == 0) revert VoteNotOpen(epoch, proposer);
    }

    /// @dev The juror in seat `index`, if the caller is its operator.
    function _checkJuror(Vote storage v, uint256 index) private view returns (uint256 jurorId) {
        if (index >= v.seats) revert SeatUnknown(index, v.seats);
        Seat storage s = v.jurors[index];
        jurorId = s.jurorId;
        if (msg.sender != s.operator) revert CallerNotJuror(jurorId, msg.sender);
    }

    function _commitment(
        uint256 agreementId,
        uint64 epoch,
        uint256 jurorId,
        bool accept,
        bytes32 rationaleHash,
        bytes32 salt
    ) private view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    JURY_TAG,
                    block.chainid,
                    address(this),
                    agreementId,
                    epoch,
                    jurorId,
                    accept,
                    rationaleHash,
                    salt
                )
            );
    }
}
