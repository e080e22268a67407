// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovExecution} from "./IGengovExecution.sol";
import {IGengovHub} from "./IGengovHub.sol";

/// @title IGengovJury
/// @notice Model juries' commit–reveal votes on proposed transitions (docs/mechanism.md, "Jury").
/// The execution contract opens a vote when a transition is proposed (round 0, the proposal's jury)
/// and when an accepted transition is first challenged (round 1, the appeal jury); the hub's
/// `juryOf` seats the jurors then. Each juror's operator commits `voteCommitment(...)` in
/// [openedAt, openedAt + voteCommitWindow) and reveals in the following `voteRevealWindow`. After
/// that anyone closes the vote. Round 0 accepts with at least `juryQuorum` accept votes (capped at
/// the seats filled), and rejects otherwise, so a silent jury rejects; round 1 overturns the accepted
/// transition only with a strict majority of its seats voting reject, so a silent appeal jury keeps it. Closing round 0
/// decides the transition in the execution contract. When the transition's fate is final the
/// execution contract settles the juries: every juror who voted with the final outcome earns
/// `juryFee` from the treasury; a juror who did not reveal, or who voted with a decision that was
/// overturned, pays `juryPenalty` from its bond into the treasury.
interface IGengovJury {
    // ─────────────────────────────────────────── types ───────────────────────────────────────────

    /// @notice One vote, as `vote` returns it.
    struct VoteView {
        /// @dev When the vote was opened, from which its windows count; 0 = never opened.
        uint64 openedAt;
        uint64 commitEndsAt;
        uint64 revealEndsAt;
        /// @dev When the vote was closed; 0 = open.
        uint64 closedAt;
        uint256 quorum;
        uint256 accepts;
        uint256 rejects;
        /// @dev The vote's decision (meaningful once closed).
        bool accepted;
        /// @dev Fees and penalties were settled.
        bool settled;
        uint256[] jurors;
        /// @dev Per juror: its commitment, zero if it has none (never committed, or revealed).
        bytes32[] commitments;
        /// @dev Per juror: whether it revealed.
        bool[] revealed;
        /// @dev Per juror: its revealed vote, true = accept (false when not revealed).
        bool[] votes;
    }

    // ─────────────────────────────────────────── events ──────────────────────────────────────────

    /// @notice A vote was opened and its jury seated.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @param round 0 = the proposal's jury, 1 = the appeal jury.
    /// @param jurors The seated jurors, in seat order.
    event VoteOpened(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint256 indexed proposer,
        uint8 round,
        uint256[] jurors
    );
    /// @notice A juror committed (or replaced) its vote.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @param round 0 = the proposal's jury, 1 = the appeal jury.
    /// @param jurorId The juror.
    /// @param commitment The commitment.
    event VoteCommitted(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint256 indexed proposer,
        uint8 round,
        uint256 jurorId,
        bytes32 commitment
    );
    /// @notice A juror revealed its vote and the manifest of its reasoning.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @param round 0 = the proposal's jury, 1 = the appeal jury.
    /// @param jurorId The juror.
    /// @param accept The vote: true = accept.
    /// @param rationaleHash keccak256 of `manifest`.
    /// @param manifest The vote's manifest (the juror model's reasoning, canonical JSON).
    event VoteRevealed(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint256 indexed proposer,
        uint8 round,
        uint256 jurorId,
        bool accept,
        bytes32 rationaleHash,
        bytes manifest
    );
    /// @notice A vote was closed.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @param round 0 = the proposal's jury, 1 = the appeal jury.
    /// @param accepted The vote's decision: true = the transition stands.
    /// @param accepts Accept votes revealed.
    /// @param rejects Reject votes revealed.
    event VoteClosed(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint256 indexed proposer,
        uint8 round,
        bool accepted,
        uint256 accepts,
        uint256 rejects
    );
    /// @notice The juries of a transition were settled against its final outcome.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @param accepted The final outcome: true = the transition finalized, false = it was rejected.
    /// @param fees Bond-token amount paid from the treasury to jurors.
    /// @param penalties Bond-token amount taken from jurors' bonds into the treasury.
    event JurySettled(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint256 indexed proposer,
        bool accepted,
        uint256 fees,
        uint256 penalties
    );
    /// @notice A juror earned `amount` (withdrawable by `operator`, its operator when seated).
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param jurorId The juror.
    /// @param operator Who may withdraw it (the juror's operator when seated).
    /// @param amount The amount.
    event JurorPaid(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint256 indexed jurorId,
        address operator,
        uint256 amount
    );
    /// @notice A juror's bond was charged `amount` for not revealing or for an overturned vote.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param jurorId The juror.
    /// @param amount The amount.
    event JurorCharged(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint256 indexed jurorId,
        uint256 amount
    );
    /// @notice Jury fees were withdrawn.
    /// @param account The account.
    /// @param token The token.
    /// @param amount The amount.
    event FeesWithdrawn(address indexed account, address indexed token, uint256 amount);

    // ─────────────────────────────────────────── errors ──────────────────────────────────────────

    /// @notice Only the hub's execution contract opens and settles votes.
    error CallerNotExecution(address caller);
    /// @notice `round` is neither 0 (the proposal's jury) nor 1 (the appeal jury).
    error RoundInvalid(uint8 round);
    /// @notice The vote was never opened.
    error VoteNotOpen(uint64 epoch, uint256 proposer, uint8 round);
    /// @notice The commit window is [opensAt, closesAt) and now is outside it.
    error VoteCommitWindowClosed(uint64 epoch, uint64 opensAt, uint64 closesAt);
    /// @notice The reveal window is [opensAt, closesAt) and now is outside it.
    error VoteRevealWindowClosed(uint64 epoch, uint64 opensAt, uint64 closesAt);
    /// @notice The vote can only be closed from `closesAt` on.
    error VoteRevealWindowActive(uint64 epoch, uint64 closesAt);
    /// @notice The vote is already closed.
    error VoteClosedAlready(uint64 epoch, uint256 proposer, uint8 round);
    /// @notice `index` is not a seat of this vote's jury.
    error SeatUnknown(uint256 index, uint256 seats);
    /// @notice The caller is not the operator of the juror in the seat.
    error CallerNotJuror(uint256 jurorId, address caller);
    /// @notice The juror has no commitment awaiting its reveal.
    error VoteNotPending(uint256 jurorId);
    /// @notice The revealed vote does not hash to the juror's commitment.
    error VoteMismatch(uint256 jurorId);
    /// @notice The manifest is empty or longer than `MAX_MANIFEST_BYTES`.
    error ManifestSizeInvalid(uint256 length, uint256 max);
    /// @notice `account` has no fees of `token` to withdraw.
    error NothingOwed(address account, address token);

    // ──────────────────────────────────────────── votes ──────────────────────────────────────────

    /// @notice Seat a jury and open its vote. The execution contract only: round 0 when a
    /// transition is proposed, round 1 when an accepted one is first challenged.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @param round 0 = the proposal's jury, 1 = the appeal jury.
    /// @return jurors The seated jurors (empty: nobody eligible; then no vote is opened).
    function open(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint8 round
    ) external returns (uint256[] memory jurors);

    /// @notice Commit (or, in the commit window, replace) the vote of the juror in seat `index`.
    /// Its operator only.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @param round 0 = the proposal's jury, 1 = the appeal jury.
    /// @param index The juror's seat.
    /// @param commitment See `voteCommitment`.
    function commitVote(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint8 round,
        uint256 index,
        bytes32 commitment
    ) external;

    /// @notice Reveal the committed vote of the juror in seat `index` in the reveal window; the
    /// commitment's rationale hash is keccak256(manifest). Its operator only.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @param round 0 = the proposal's jury, 1 = the appeal jury.
    /// @param index The juror's seat.
    /// @param accept The vote.
    /// @param salt The 32-byte salt of the commitment.
    /// @param manifest The vote's manifest.
    function revealVote(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint8 round,
        uint256 index,
        bool accept,
        bytes32 salt,
        bytes calldata manifest
    ) external;

    /// @notice Close the vote after its reveal window (anyone may call). Closing round 0 decides
    /// the transition in the execution contract: accepted, its challenge period runs; rejected, the
    /// executor pays `rejectPenalty` and the fallback may propose.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @param round 0 = the proposal's jury, 1 = the appeal jury.
    /// @return accepted The vote's decision: true = the transition stands.
    function close(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint8 round
    ) external returns (bool accepted);

    /// @notice Settle both rounds' fees and penalties against the transition's final outcome. The
    /// execution contract only, when the transition finalizes or is rejected.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @param accepted The final outcome.
    function settle(uint256 agreementId, uint64 epoch, uint256 proposer, bool accepted) external;

    /// @notice Withdraw the caller's jury fees in `token`.
    /// @param token The token.
    /// @return amount What was sent.
    function withdrawFees(address token) external returns (uint256 amount);

    // ─────────────────────────────────────────── views ───────────────────────────────────────────

    /// @notice The normative commitment: keccak256(abi.encode(JURY_TAG, chainid, this contract,
    /// agreementId, epoch, proposer, round, jurorId, accept, rationaleHash, salt)).
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @param round 0 = the proposal's jury, 1 = the appeal jury.
    /// @param jurorId The juror.
    /// @param accept The vote: true = accept.
    /// @param rationaleHash keccak256 of the vote's manifest.
    /// @param salt A 32-byte random salt.
    function voteCommitment(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint8 round,
        uint256 jurorId,
        bool accept,
        bytes32 rationaleHash,
        bytes32 salt
    ) external view returns (bytes32);

    /// @notice A vote's state.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @param round 0 = the proposal's jury, 1 = the appeal jury.
    function vote(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint8 round
    ) external view returns (VoteView memory);

    /// @notice Fees `account` may withdraw in `token`.
    /// @param account The account.
    /// @param token The token.
    function owed(address account, address token) external view returns (uint256);

    /// @notice The hub whose candidates sit on the juries.
    function hub() external view returns (IGengovHub);

    /// @notice The hub's execution contract, whose proposals are voted on.
    function execution() external view returns (IGengovExecution);
}
