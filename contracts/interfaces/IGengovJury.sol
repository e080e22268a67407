// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovExecution} from "./IGengovExecution.sol";
import {IGengovHub} from "./IGengovHub.sol";

/// @title IGengovJury
/// @notice A model jury's commit–reveal vote on one proposed transition. Anyone opens the vote while
/// the transition is proposed and inside its commit window; the hub's `juryOf` seats the jurors then.
/// Each juror's operator commits `voteCommitment(...)` in [proposedAt, proposedAt + voteCommitWindow)
/// and reveals in the following `voteRevealWindow`; after that anyone closes the vote: accepted with
/// at least `juryQuorum` accept votes, rejected otherwise.
interface IGengovJury {
    // ─────────────────────────────────────────── types ───────────────────────────────────────────

    /// @notice One vote on one proposal, as `vote` returns it.
    struct VoteView {
        /// @dev The proposal's time, from which the windows count; 0 = not opened.
        uint64 proposedAt;
        uint64 commitEndsAt;
        uint64 revealEndsAt;
        /// @dev When the vote was closed; 0 = open.
        uint64 closedAt;
        uint256 quorum;
        uint256 accepts;
        uint256 rejects;
        bool accepted;
        uint256[] jurors;
        /// @dev Per juror: its commitment, zero if it has none (never committed, or revealed).
        bytes32[] commitments;
        /// @dev Per juror: whether it revealed.
        bool[] revealed;
    }

    // ─────────────────────────────────────────── events ──────────────────────────────────────────

    /// @notice A vote was opened and its jury seated.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @param jurors The seated jurors, in seat order.
    event VoteOpened(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint256 indexed proposer,
        uint256[] jurors
    );
    /// @notice A juror committed (or replaced) its vote.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @param jurorId The juror.
    /// @param commitment The commitment.
    event VoteCommitted(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint256 indexed proposer,
        uint256 jurorId,
        bytes32 commitment
    );
    /// @notice A juror revealed its vote and the manifest of its reasoning.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @param jurorId The juror.
    /// @param accept The vote.
    /// @param rationaleHash keccak256 of `manifest`.
    /// @param manifest The vote's manifest (the juror model's reasoning).
    event VoteRevealed(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint256 indexed proposer,
        uint256 jurorId,
        bool accept,
        bytes32 rationaleHash,
        bytes manifest
    );
    /// @notice A vote was closed.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @param accepted Whether at least `juryQuorum` jurors accepted.
    /// @param accepts Accept votes revealed.
    /// @param rejects Reject votes revealed.
    /// @param silent Jurors seated that did not reveal.
    event VoteClosed(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint256 indexed proposer,
        bool accepted,
        uint256 accepts,
        uint256 rejects,
        uint256[] silent
    );

    // ─────────────────────────────────────────── errors ──────────────────────────────────────────

    /// @notice The agreement has no jury.
    error JuryOff(uint256 agreementId);
    /// @notice The agreement's live proposal is not `proposer`'s proposal for `epoch` in status Proposed.
    error ProposalNotLive(uint64 epoch, uint256 proposer);
    /// @notice The vote was already opened.
    error VoteAlreadyOpen(uint64 epoch, uint256 proposer);
    /// @notice The vote was never opened.
    error VoteNotOpen(uint64 epoch, uint256 proposer);
    /// @notice No juror could be seated (none eligible besides the proposer's side).
    error JuryEmpty(uint64 epoch, uint256 proposer);
    /// @notice The commit window is [opensAt, closesAt) and now is outside it.
    error CommitWindowClosed(uint64 epoch, uint64 opensAt, uint64 closesAt);
    /// @notice The reveal window is [opensAt, closesAt) and now is outside it.
    error RevealWindowClosed(uint64 epoch, uint64 opensAt, uint64 closesAt);
    /// @notice The vote can only be closed from `closesAt` on.
    error RevealWindowActive(uint64 epoch, uint64 closesAt);
    /// @notice The vote is already closed.
    error VoteClosedAlready(uint64 epoch, uint256 proposer);
    /// @notice `index` is not a seat of this vote's jury.
    error SeatUnknown(uint256 index, uint256 seats);
    /// @notice The caller is not the operator of the juror in the seat.
    error CallerNotJuror(uint256 jurorId, address caller);
    /// @notice The juror has no commitment awaiting its reveal.
    error VoteNotPending(uint256 jurorId);
    /// @notice The revealed vote does not hash to the juror's commitment.
    error VoteMismatch(uint256 jurorId);
    /// @notice The manifest is longer than `MAX_MANIFEST_BYTES`.
    error ManifestTooLarge(uint256 length, uint256 max);

    // ──────────────────────────────────────────── votes ──────────────────────────────────────────

    /// @notice Seat the jury of `proposer`'s live proposal for `epoch` (anyone may call, while the
    /// transition is proposed and within its commit window).
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate (the executor or the fallback).
    /// @return jurors The seated jurors.
    function open(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer
    ) external returns (uint256[] memory jurors);

    /// @notice Commit (or, in the commit window, replace) the vote of the juror in seat `index`.
    /// Its operator only.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @param index The juror's seat.
    /// @param commitment See `voteCommitment`.
    function commitVote(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint256 index,
        bytes32 commitment
    ) external;

    /// @notice Reveal the committed vote of the juror in seat `index` in the reveal window; the
    /// commitment's rationale hash is keccak256(manifest). Its operator only.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @param index The juror's seat.
    /// @param accept The vote.
    /// @param salt The 32-byte salt of the commitment.
    /// @param manifest The vote's manifest.
    function revealVote(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint256 index,
        bool accept,
        bytes32 salt,
        bytes calldata manifest
    ) external;

    /// @notice Close the vote after its reveal window (anyone may call).
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @return accepted Whether at least `juryQuorum` jurors accepted.
    function close(uint256 agreementId, uint64 epoch, uint256 proposer) external returns (bool accepted);

    // ─────────────────────────────────────────── views ───────────────────────────────────────────

    /// @notice The normative commitment: keccak256(abi.encode(JURY_TAG, chainid, this contract,
    /// agreementId, epoch, jurorId, accept, rationaleHash, salt)).
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param jurorId The juror.
    /// @param accept The vote.
    /// @param rationaleHash keccak256 of the vote's manifest.
    /// @param salt A 32-byte random salt.
    /// @return The commitment.
    function voteCommitment(
        uint256 agreementId,
        uint64 epoch,
        uint256 jurorId,
        bool accept,
        bytes32 rationaleHash,
        bytes32 salt
    ) external view returns (bytes32);

    /// @notice A vote's state.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @return The vote.
    function vote(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer
    ) external view returns (VoteView memory);

    /// @notice The hub whose candidates sit on the juries.
    /// @return The hub.
    function hub() external view returns (IGengovHub);

    /// @notice The hub's execution contract, whose proposals are voted on.
    /// @return The execution contract.
    function execution() external view returns (IGengovExecution);
}
