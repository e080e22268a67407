// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovDecisions} from "./IGengovDecisions.sol";

/// @title IGengovConditional
/// @notice Conditional forecasts that decide (futarchy mode). Per epoch an agreement may put one
/// decision between 2 to 8 options: fixed ones from its terms and ones participants propose with a
/// bond. Candidates commit, for each option, a forecast of the agreement's metrics at epoch
/// `e + horizon` if that option is taken; they reveal before the decision; the option whose
/// score-weighted combined forecast has the best objective is taken (or, with probability
/// `epsilon`, a uniformly random one, marked exploratory; or, in an advisory agreement, the one
/// the arbiter chooses). The executor's transition must carry it. Once the outcome is final and
/// the transition was finalized, only the forecasts for the option taken are scored; the others
/// void. Timeline and rules: docs/mechanism.md, "Conditional forecasts".
interface IGengovConditional is IGengovDecisions {
    // ─────────────────────────────────────────── types ───────────────────────────────────────────

    /// @notice An agreement's terms, set by its arbiter; they apply to decision epochs from
    /// `firstEpoch` on, until a later version's `firstEpoch`.
    struct Terms {
        /// @dev First decision epoch: after the current one (any before genesis), and not the next
        /// one once an option was proposed for it (so no option is proposed under other terms); not
        /// before the previous version's.
        uint64 firstEpoch;
        /// @dev The decision of epoch e is scored on the outcome of epoch e + horizon; in [1, 14].
        uint8 horizon;
        /// @dev Seconds before the decision epoch's end in which forecasts are revealed; in
        /// (0, epochLength).
        uint32 revealWindow;
        /// @dev Options participants may propose per epoch (with `optionBond`).
        uint8 maxProposed;
        /// @dev The arbiter chooses (`choose`); the forecasts are only published.
        bool advisory;
        /// @dev Exploration probability (WAD, at most 1e18).
        uint64 epsilon;
        /// @dev Weighting temperature (WAD, in (0, 10,000e18]): weight = bond units × exp(−eta·(S − S_min)).
        uint96 eta;
        /// @dev Bond (agreement's bond token) for a proposed option.
        uint128 optionBond;
        /// @dev Objective, one entry per metric: J(x) = Σ weight·x − penalty·max(0, floor − x).
        int64[] weights;
        int128[] floors;
        uint64[] penalties;
        /// @dev Fixed option labels, listed first in every epoch's option set.
        string[] options;
    }

    /// @notice Fate of an epoch's decision.
    enum Status {
        Open,
        Decided,
        Scored,
        Void
    }

    /// @notice An epoch's decision.
    struct Decision {
        Status status;
        /// @dev Index of the option taken (valid from Decided on).
        uint8 option;
        /// @dev The option was drawn at random (probability `epsilon`), not the best forecast.
        bool explored;
        /// @dev No eligible revealed forecast carried weight: option 0 was taken.
        bool defaulted;
        /// @dev The arbiter chose (advisory terms).
        bool advisory;
        /// @dev The epoch's transition, carrying the option, was finalized.
        bool executed;
        /// @dev Options in the set (from Decided on; `optionSet` lists them before).
        uint8 optionCount;
        uint16 committed;
        uint16 revealed;
        /// @dev keccak256(abi.encode(bytes32[] option hashes)) at decision time.
        bytes32 optionSetHash;
    }

    /// @notice Names of terms, used by `TermsInvalid`.
    enum TermsField {
        FirstEpoch,
        Horizon,
        RevealWindow,
        Objective,
        Epsilon,
        Eta,
        Options
    }

    // ─────────────────────────────────────────── events ──────────────────────────────────────────

    /// @notice The arbiter set a version of an agreement's terms. `configuration` is the ABI encoding
    /// of `(agreementId, terms)` exactly as passed to `configure` (decode it with that function's
    /// inputs): the option labels are emitted in full here and only their hashes are stored.
    /// @param agreementId The agreement.
    /// @param version The version's index (from 0).
    /// @param configuration abi.encode(agreementId, terms).
    event TermsSet(uint256 indexed agreementId, uint256 indexed version, bytes configuration);
    /// @notice A participant proposed an option for an epoch, posting the option bond.
    /// @param agreementId The agreement.
    /// @param epoch The decision epoch.
    /// @param index The option's index in the epoch's option set.
    /// @param proposer Who proposed it.
    /// @param label The option's text (its keccak256 is the option hash).
    event OptionProposed(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint8 index,
        address indexed proposer,
        string label
    );
    /// @notice A candidate committed its conditional forecasts for an epoch.
    /// @param agreementId The agreement.
    /// @param epoch The decision epoch.
    /// @param candidateId The candidate.
    /// @param commitment The commitment.
    event ConditionalCommitted(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint256 indexed candidateId,
        bytes32 commitment
    );
    /// @notice A candidate's conditional forecasts were revealed.
    /// @param agreementId The agreement.
    /// @param epoch The decision epoch.
    /// @param candidateId The candidate.
    /// @param forecasts Option-major: option o's metric m is at o × metricCount + m.
    event ConditionalRevealed(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint256 indexed candidateId,
        int128[] forecasts
    );
    /// @notice An epoch's option was decided.
    /// @param agreementId The agreement.
    /// @param epoch The decision epoch.
    /// @param option The option taken.
    /// @param explored Drawn at random.
    /// @param defaulted No weighted forecast: option 0.
    /// @param objectives The objective of each option's combined forecast (empty when defaulted or
    /// advisory).
    event Decided(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint8 option,
        bool explored,
        bool defaulted,
        int256[] objectives
    );
    /// @notice A proposed option's bond was settled at the decision.
    /// @param agreementId The agreement.
    /// @param epoch The decision epoch.
    /// @param index The option.
    /// @param refunded Returned to its proposer (taken, or some forecast's best); otherwise it went
    /// to the agreement's treasury.
    event OptionBondSettled(uint256 indexed agreementId, uint64 indexed epoch, uint8 index, bool refunded);
    /// @notice The epoch's transition carrying the option was finalized.
    /// @param agreementId The agreement.
    /// @param epoch The decision epoch.
    event DecisionExecuted(uint256 indexed agreementId, uint64 indexed epoch);
    /// @notice The forecasts for the option taken were scored (unrevealed ones as a miss, loss 1e18).
    /// @param agreementId The agreement.
    /// @param epoch The decision epoch.
    /// @param candidateIds The committed candidates.
    /// @param losses Their losses (WAD).
    event ConditionalScored(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint256[] candidateIds,
        uint256[] losses
    );
    /// @notice The epoch's forecasts were voided: nothing scored (void outcome, or the option was
    /// never executed).
    /// @param agreementId The agreement.
    /// @param epoch The decision epoch.
    event ConditionalVoided(uint256 indexed agreementId, uint64 indexed epoch);
    /// @notice An account withdrew what it was owed.
    /// @param account The account.
    /// @param token The token.
    /// @param amount The amount.
    event Withdrawn(address indexed account, address indexed token, uint256 amount);

    // ─────────────────────────────────────────── errors ──────────────────────────────────────────

    /// @notice A terms field is out of range.
    error TermsInvalid(TermsField field);
    /// @notice The epoch has no decision (no terms apply to it, or it has fewer than two options).
    error NoDecision(uint256 agreementId, uint64 epoch);
    /// @notice Outside the window of this step.
    error ConditionalWindowClosed(uint64 epoch, uint64 opensAt, uint64 closesAt);
    /// @notice The caller is not the candidate's operator.
    error CallerNotOperator(uint256 candidateId, address caller);
    /// @notice Only a candidate eligible to execute (as `IGengovHub.candidate` reports) takes a
    /// forecaster place.
    error NotEligible(uint256 candidateId);
    /// @notice The decision has its maximum number of forecasters.
    error ForecasterLimitReached(uint256 max);
    /// @notice The commitment is zero.
    error CommitmentZero();
    /// @notice No commitment to reveal.
    error NotCommitted(uint256 candidateId);
    /// @notice Already revealed.
    error AlreadyRevealed(uint256 candidateId);
    /// @notice The forecasts and salt do not match the commitment.
    error CommitmentMismatch(uint256 candidateId);
    /// @notice Forecast vector of the wrong length (options × metrics).
    error ForecastLengthInvalid(uint256 length, uint256 expected);
    /// @notice The option set is full, or this epoch's proposals are.
    error OptionRefused(uint256 optionCount, uint256 proposed);
    /// @notice The label is empty, longer than 256 bytes, or already an option.
    error OptionLabelInvalid();
    /// @notice The decision was already made.
    error AlreadyDecided(uint64 epoch);
    /// @notice `decide` in an advisory agreement, or `choose` in one that is not.
    error AdvisoryMismatch(bool advisory);
    /// @notice The option index is out of the option set.
    error OptionOutOfRange(uint8 option, uint8 optionCount);
    /// @notice The decision is not made yet.
    error NotDecided(uint64 epoch);
    /// @notice The outcome of the scored epoch is still pending, or the transition may still be
    /// finalized.
    error ScoringNotReady(uint64 epoch);
    /// @notice Only the hub's execution contract may call this.
    error CallerNotExecution(address caller);
    /// @notice Nothing owed to the caller in this token.
    error NothingOwed(address account, address token);

    // ───────────────────────────────────────── functions ─────────────────────────────────────────

    /// @notice Set a new version of an agreement's terms. Arbiter only.
    /// @param agreementId The agreement.
    /// @param terms The terms.
    /// @return version The version's index.
    function configure(uint256 agreementId, Terms calldata terms) external returns (uint256 version);

    /// @notice Propose an option for `epoch` during the epoch before it, posting the terms' option
    /// bond (approve it first). At most `maxProposed` per epoch and 8 options in all.
    /// @param agreementId The agreement.
    /// @param epoch The decision epoch.
    /// @param label The option's text (1 to 256 bytes, not already an option).
    /// @return index The option's index.
    function proposeOption(
        uint256 agreementId,
        uint64 epoch,
        string calldata label
    ) external returns (uint8 index);

    /// @notice Commit conditional forecasts for `epoch`, from its start until its reveal window
    /// opens; a later commit in the window replaces the earlier one. Candidate's operator only; the
    /// first commit needs the candidate eligible to execute and a free place (at most
    /// `MAX_FORECASTERS`).
    /// @param agreementId The agreement.
    /// @param epoch The decision epoch.
    /// @param candidateId The candidate.
    /// @param commitment `conditionalCommitment(...)`.
    function commit(uint256 agreementId, uint64 epoch, uint256 candidateId, bytes32 commitment) external;

    /// @notice Reveal committed forecasts in the epoch's reveal window (the last `revealWindow`
    /// seconds of the epoch). Anyone holding the salt may reveal.
    /// @param agreementId The agreement.
    /// @param epoch The decision epoch.
    /// @param candidateId The candidate.
    /// @param forecasts Option-major forecasts, options × metrics values.
    /// @param salt The commitment's salt.
    function reveal(
        uint256 agreementId,
        uint64 epoch,
        uint256 candidateId,
        int128[] calldata forecasts,
        bytes32 salt
    ) external;

    /// @notice Decide the epoch's option once the epoch has ended (not advisory): fixes the hub's
    /// executor selection of the epoch if nobody has, weighs the revealed forecasts with its
    /// records, takes the best objective or, with probability `epsilon`, a random option, and
    /// settles proposed options' bonds. Anyone may call. The forecasts are weighed only until the
    /// agreement's report window after the epoch closes (the reveals for target e then start to
    /// move records); a later call takes option 0, marked defaulted.
    /// @param agreementId The agreement.
    /// @param epoch The decision epoch.
    /// @return option The option taken.
    function decide(uint256 agreementId, uint64 epoch) external returns (uint8 option);

    /// @notice Advisory terms: the arbiter chooses the epoch's option once the epoch has ended.
    /// @param agreementId The agreement.
    /// @param epoch The decision epoch.
    /// @param option The option.
    function choose(uint256 agreementId, uint64 epoch, uint8 option) external;

    /// @notice Score the epoch's forecasts for the option taken against the outcome of epoch
    /// e + horizon, through the hub's `recordLosses`; or void them (void outcome, or, from end(e + 1)
    /// on, no transition carrying the option was finalized and none can still be: while the epoch's
    /// transition awaits its finalization, `ScoringNotReady`). Anyone may call, once.
    /// @param agreementId The agreement.
    /// @param epoch The decision epoch.
    function score(uint256 agreementId, uint64 epoch) external;

    /// @notice Withdraw option bonds owed to the caller in `token`.
    /// @param token The token.
    /// @return amount The amount paid.
    function withdraw(address token) external returns (uint256 amount);

    // ─────────────────────────────────────────── views ───────────────────────────────────────────

    /// @notice What the revealed forecasts recommend, weighed with the records of the epoch's fixed
    /// executor selection (reverts `SelectionNotFixed` before): the decision rule without
    /// exploration.
    /// @param agreementId The agreement.
    /// @param epoch The decision epoch.
    /// @return best The option with the best objective (0 when no forecast carries weight).
    /// @return objectives Each option's objective (empty when no forecast carries weight).
    /// @return totalWeight The revealers' total weight.
    function recommendation(
        uint256 agreementId,
        uint64 epoch
    ) external view returns (uint8 best, int256[] memory objectives, uint256 totalWeight);

    /// @notice An epoch's decision record.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @return The decision.
    function decision(uint256 agreementId, uint64 epoch) external view returns (Decision memory);

    /// @notice The terms that apply to `epoch`.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @return found Some version applies.
    /// @return version Its index.
    /// @return terms The terms (fixed labels in full).
    function termsAt(
        uint256 agreementId,
        uint64 epoch
    ) external view returns (bool found, uint256 version, Terms memory terms);

    /// @notice The epoch's option set so far: option hashes (keccak256 of the labels) in order,
    /// and their set hash, which commitments bind.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @return hashes The option hashes.
    /// @return setHash keccak256(abi.encode(hashes)).
    function optionSet(
        uint256 agreementId,
        uint64 epoch
    ) external view returns (bytes32[] memory hashes, bytes32 setHash);

    /// @notice The candidates that committed for `epoch`, in commit order.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @return The candidate ids.
    function committers(uint256 agreementId, uint64 epoch) external view returns (uint256[] memory);

    /// @notice A candidate's commitment and, once revealed, its forecasts.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @param candidateId The candidate.
    /// @return commitment The commitment (zero if none).
    /// @return revealed Whether it was revealed.
    /// @return forecasts The revealed forecasts (option-major), empty before.
    function forecastOf(
        uint256 agreementId,
        uint64 epoch,
        uint256 candidateId
    ) external view returns (bytes32 commitment, bool revealed, int128[] memory forecasts);

    /// @notice The commitment a candidate posts for forecasts under an option set.
    /// @param agreementId The agreement.
    /// @param epoch The decision epoch.
    /// @param candidateId The candidate.
    /// @param optionSetHash The option set's hash (`optionSet`).
    /// @param forecasts Option-major forecasts.
    /// @param salt A fresh random salt.
    /// @return The commitment.
    function conditionalCommitment(
        uint256 agreementId,
        uint64 epoch,
        uint256 candidateId,
        bytes32 optionSetHash,
        int128[] calldata forecasts,
        bytes32 salt
    ) external view returns (bytes32);

    /// @notice What the 'owed' balance of an account is.
    /// @param account The account.
    /// @param token The token.
    /// @return The amount owed.
    function owed(address account, address token) external view returns (uint256);
}
