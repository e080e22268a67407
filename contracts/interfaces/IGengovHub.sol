// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {LossMath} from "../libraries/LossMath.sol";
import {IGengovExecution} from "./IGengovExecution.sol";
import {IGengovJury} from "./IGengovJury.sol";

/// @title IGengovHub
/// @notice One hub holding many language-model agreements: agreement texts and parameters, participant
/// inputs, bonded candidate models, commit–reveal forecasts scored against reported outcomes, and the
/// selection of the candidate that executes each epoch. Timeline and rules: docs/mechanism.md.
/// @dev The participants' surface. The hub also implements `IGengovHubHooks`, the calls only its
/// execution contract makes; the hub's ABI is the union of the two.
interface IGengovHub {
    // ─────────────────────────────────────────── types ───────────────────────────────────────────

    /// @notice How the executor of an epoch is chosen among eligible candidates.
    enum Selection {
        Leader,
        Weighted
    }

    /// @notice Fate of an epoch's outcome.
    enum OutcomeStatus {
        Pending,
        Final,
        Void
    }

    /// @notice Names of agreement parameters, used by `AgreementParameterInvalid`.
    enum Parameter {
        text,
        epochLength,
        genesis,
        horizon,
        reportWindow,
        revealWindow,
        executionWindow,
        challengePeriod,
        rulingPeriod,
        exitDelay,
        metrics,
        arbiter,
        bondToken,
        minBond,
        missPenalty,
        rejectPenalty,
        challengeBond,
        alpha,
        margin,
        eta,
        randomness,
        maxOutflowPerEpoch,
        maxInputBytes,
        maxInputsPerEpoch,
        inputAllowlist,
        reporters,
        quorum,
        capTokens,
        selection,
        maxScore,
        maxInputsPerSender,
        jurySize,
        juryQuorum,
        appealJurySize,
        voteCommitWindow,
        voteRevealWindow,
        juryFee,
        juryPenalty
    }

    /// @notice A metric reporters observe and candidates forecast.
    /// @dev `lossKind` is encoded as a uint8 (0 = Absolute, 1 = Squared); any other value does not
    /// decode and the call reverts.
    struct Metric {
        string name;
        uint8 decimals;
        LossMath.LossKind lossKind;
        /// @dev Must be below 2^127.
        uint128 scale;
    }

    /// @notice The model jury of an agreement: candidates other than the executor that validate each
    /// transition by commit–reveal vote (docs/mechanism.md, "Jury"). `jurySize` 0 turns it off, and
    /// then every other field must be 0.
    struct JuryParams {
        /// @dev Jurors seated per proposal, at most `MAX_JURY_SIZE`; 0 = no jury.
        uint8 jurySize;
        /// @dev Accept votes needed for the transition to stand, in [1, jurySize].
        uint8 juryQuorum;
        /// @dev Jurors seated for an appeal, at most `MAX_JURY_SIZE`; 0 = no appeal jury.
        uint8 appealJurySize;
        /// @dev Seconds from the proposal in which jurors commit their votes.
        uint32 voteCommitWindow;
        /// @dev Seconds after the commit window in which jurors reveal them.
        uint32 voteRevealWindow;
        /// @dev Bond-token amount the treasury pays each juror who votes with the final outcome.
        uint128 juryFee;
        /// @dev Bond-token amount taken from a juror who does not reveal, at most `minBond`.
        uint128 juryPenalty;
    }

    /// @notice Creation parameters of an agreement. Immutable once created, except the
    /// reporter set and quorum, which only the arbiter may change.
    struct AgreementParams {
        /// @dev 0 = now; otherwise not in the past and below 2^40.
        uint64 genesis;
        uint32 epochLength;
        uint8 horizon;
        uint32 reportWindow;
        uint32 revealWindow;
        uint32 executionWindow;
        uint32 challengePeriod;
        uint32 rulingPeriod;
        Metric[] metrics;
        address[] reporters;
        uint8 quorum;
        address arbiter;
        address bondToken;
        uint128 minBond;
        uint128 missPenalty;
        uint128 rejectPenalty;
        uint128 challengeBond;
        uint32 exitDelay;
        uint64 alpha;
        uint16 minScored;
        /// @dev A `Selection` value, range-checked (0 = Leader, 1 = Weighted).
        uint8 selection;
        uint64 margin;
        /// @dev Weighted temperature (WAD), in (0, 10,000e18].
        uint96 eta;
        /// @dev Weighted only: zero = the hub's beacon of revealed salts; otherwise an
        /// `IRandomnessSource` contract.
        address randomness;
        address[] capTokens;
        uint256[] maxOutflowPerEpoch;
        bool openInputs;
        address[] inputAllowlist;
        uint32 maxInputBytes;
        uint32 maxInputsPerEpoch;
        /// @dev Inputs one sender may submit per epoch, in [1, maxInputsPerEpoch]; with an allow-list,
        /// maxInputsPerSender × its length ≤ maxInputsPerEpoch.
        uint32 maxInputsPerSender;
        /// @dev Eligibility ceiling on score (WAD), in (0, 1e18): a model whose score is worse never
        /// executes.
        uint64 maxScore;
        /// @dev The model jury; all zero = no jury.
        JuryParams jury;
    }

    /// @notice What a candidate looks like now, with missed reveals whose deadline has passed applied.
    struct CandidateView {
        address owner;
        address operator;
        bytes32 specHash;
        uint256 bond;
        uint256 score;
        uint32 scoredCount;
        uint32 misses;
        uint32 executions;
        uint64 exitAt;
        bool exiting;
        bool withdrawn;
        bool eligible;
        /// @dev First target not yet accounted for (revealed, void or missed).
        uint64 cursor;
    }

    // ─────────────────────────────────────────── events ──────────────────────────────────────────

    /// @notice The deployer attached the jury contract.
    /// @param jury The jury contract.
    event JuryAttached(address indexed jury);

    /// @notice The hub was bound to its `GengovHubModule` (in its constructor): the code it runs
    /// agreement creation, the reporter-set change and its heavier views in, by DELEGATECALL.
    /// @param module The module.
    event ModuleBound(address indexed module);

    /// @notice The deployer attached the judgement contract.
    /// @param judgement The judgement contract.
    event JudgementAttached(address indexed judgement);

    /// @notice The deployer attached the conditional-forecast (futarchy) contract.
    /// @param conditional The conditional-forecast contract.
    event ConditionalAttached(address indexed conditional);
    /// @notice An agreement was created. `creation` is the ABI encoding of `(params, text)` exactly as
    /// passed to createAgreement (decode it with that function's inputs): the full text is emitted
    /// once here and only its hash is stored.
    /// @param agreementId The agreement.
    /// @param creator Who created it.
    /// @param textHash keccak256 of the text.
    /// @param creation abi.encode(params, text).
    event AgreementCreated(
        uint256 indexed agreementId,
        address indexed creator,
        bytes32 indexed textHash,
        bytes creation
    );
    /// @notice The arbiter replaced the reporter set and quorum.
    /// @param agreementId The agreement.
    /// @param reporters The new reporter set.
    /// @param quorum The new quorum.
    event ReportersChanged(uint256 indexed agreementId, address[] reporters, uint8 quorum);
    /// @notice A participant submitted an input; `inputsHash` is the agreement's chain head after it.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @param sender Who submitted it.
    /// @param index Position of the input in its epoch.
    /// @param data The input bytes.
    /// @param inputsHash The agreement's input chain head after this input.
    event InputSubmitted(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        address indexed sender,
        uint32 index,
        bytes data,
        bytes32 inputsHash
    );
    /// @notice A candidate was registered with a bond.
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @param owner Who owns the bond.
    /// @param operator The operator key.
    /// @param specHash keccak256 of the model spec.
    /// @param bond The bond after the change.
    event CandidateRegistered(
        uint256 indexed agreementId,
        uint256 indexed candidateId,
        address indexed owner,
        address operator,
        bytes32 specHash,
        uint256 bond
    );
    /// @notice A candidate's bond grew.
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @param amount The amount moved.
    /// @param bond The bond after the change.
    event BondToppedUp(
        uint256 indexed agreementId,
        uint256 indexed candidateId,
        uint256 amount,
        uint256 bond
    );
    /// @notice A candidate's operator key was rotated.
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @param operator The operator key.
    event OperatorChanged(uint256 indexed agreementId, uint256 indexed candidateId, address operator);
    /// @notice A candidate asked to leave; it is ineligible from now and may withdraw at `exitAt`.
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @param exitAt When the bond becomes withdrawable.
    event ExitRequested(uint256 indexed agreementId, uint256 indexed candidateId, uint64 exitAt);
    /// @notice A candidate's remaining bond was paid back to its owner.
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @param to The recipient.
    /// @param amount The amount moved.
    event BondWithdrawn(uint256 indexed agreementId, uint256 indexed candidateId, address to, uint256 amount);
    /// @notice A forecast commitment was stored (or replaced before the deadline).
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @param targetEpoch The forecast target epoch.
    /// @param commitment The commitment hash.
    event ForecastCommitted(
        uint256 indexed agreementId,
        uint256 indexed candidateId,
        uint64 indexed targetEpoch,
        bytes32 commitment
    );
    /// @notice A forecast was revealed and scored.
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @param targetEpoch The forecast target epoch.
    /// @param values One value per metric.
    /// @param loss The epoch loss (WAD).
    /// @param score The new score (WAD).
    event ForecastRevealed(
        uint256 indexed agreementId,
        uint256 indexed candidateId,
        uint64 indexed targetEpoch,
        int128[] values,
        uint256 loss,
        uint256 score
    );
    /// @notice Missed reveals were applied: worst loss each and `penalty` moved from bond to treasury.
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @param misses Number of misses applied.
    /// @param penalty Bond moved to the treasury.
    /// @param score The new score (WAD).
    event RevealsMissed(
        uint256 indexed agreementId,
        uint256 indexed candidateId,
        uint32 misses,
        uint256 penalty,
        uint256 score
    );
    /// @notice A reporter reported (or corrected) its observation of an epoch's metrics.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @param reporter The reporter.
    /// @param values One value per metric.
    event OutcomeReported(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        address indexed reporter,
        int128[] values
    );
    /// @notice An epoch's outcome was fixed as the per-metric median of the reports.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @param values One value per metric.
    event OutcomeFinalized(uint256 indexed agreementId, uint64 indexed epoch, int128[] values);
    /// @notice An epoch's outcome is void (quorum not reached); nothing is scored for it.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @param reports Number of reports received.
    event OutcomeVoided(uint256 indexed agreementId, uint64 indexed epoch, uint8 reports);
    /// @notice The executor of an epoch was fixed (0 = none); `fallbackCandidate` is next in the ranking.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @param executor The executor (0 = none).
    /// @param fallbackCandidate Next eligible in the ranking (0 = none).
    event ExecutorSelected(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint256 executor,
        uint256 fallbackCandidate
    );
    /// @notice Tokens were deposited into an agreement's treasury.
    /// @param agreementId The agreement.
    /// @param token The token.
    /// @param from The payer.
    /// @param amount The amount moved.
    event TreasuryDeposited(uint256 indexed agreementId, address indexed token, address from, uint256 amount);

    // ─────────────────────────────────────────── errors ──────────────────────────────────────────

    /// @notice The agreement's treasury holds `available` of `token`, less than the `needed` a
    /// payment (or a proposal's actions for that token together) asks for.
    error TreasuryInsufficient(address token, uint256 available, uint256 needed);
    /// @notice A creation parameter is invalid; `parameter` names it (the `Parameter` enum uses the
    /// the parameter names; clients decode it with the enum's member names).
    error AgreementParameterInvalid(Parameter parameter);
    /// @notice No agreement with this id.
    error AgreementUnknown(uint256 agreementId);
    /// @notice The agreement's first epoch has not started.
    error AgreementNotStarted(uint256 agreementId, uint64 genesis);
    /// @notice Only the agreement's arbiter may do this.
    error CallerNotArbiter(address caller);
    /// @notice Only the hub's deployer attaches the jury, once, and only a jury bound to this hub.
    error JuryAttachRefused(address caller, address jury);
    /// @notice Only the hub's deployer attaches the judgement contract, once, and only one bound to
    /// this hub.
    error JudgementAttachRefused(address caller, address judgement);
    /// @notice Only the hub's deployer attaches the conditional-forecast contract, once, and only one
    /// bound to this hub.
    error ConditionalAttachRefused(address caller, address conditional);
    /// @notice The input is empty or larger than `maxInputBytes`.
    error InputSizeInvalid(uint256 size, uint256 maxInputBytes);
    /// @notice The epoch already holds `maxInputsPerEpoch` inputs.
    error InputLimitReached(uint64 epoch, uint32 maxInputsPerEpoch);
    /// @notice The sender already submitted its per-epoch share of inputs.
    error InputSenderLimitReached(uint64 epoch, address sender, uint32 maxInputsPerSender);
    /// @notice A Weighted agreement's next draw is already determined: bonds, exits and settlements
    /// wait until `until`.
    error RosterFrozen(uint64 epoch, uint64 until);
    /// @notice A registration bond below the agreement's `minBond`.
    error BondBelowMinimum(uint256 bond, uint256 minBond);
    /// @notice A bond above the largest one that counts (262,143 × minBond) or above what a bond
    /// holds (2^96 − 1); `maxBond` is the smaller of the two.
    error BondAboveMaximum(uint256 bond, uint256 maxBond);
    /// @notice Too many targets to settle in one call: `poke` the candidate first.
    error CandidateNotSettled(uint256 candidateId, uint64 cursor);
    /// @notice The agreement's inputs are allow-listed and the sender is not on the list.
    error InputSenderNotAllowed(address sender);
    /// @notice No candidate with this id in the agreement.
    error CandidateUnknown(uint256 candidateId);
    /// @notice Only the candidate's operator may do this.
    error CallerNotOperator(uint256 candidateId, address caller);
    /// @notice Only the candidate's owner may do this.
    error CallerNotOwner(uint256 candidateId, address caller);
    /// @notice The candidate has requested exit (or withdrawn) and may not do this.
    error CandidateExiting(uint256 candidateId);
    /// @notice The candidate's exit delay has not passed (or exit was never requested).
    error CandidateExitNotReady(uint256 candidateId, uint64 exitAt);
    /// @notice Nothing arrived: `amount` is zero or the token's transfer delivered nothing (a bond at
    /// registration or top-up, or a treasury deposit).
    error BondAmountInvalid(uint256 amount);
    /// @notice The agreement already has the maximum number of candidates.
    error CandidateLimitReached(uint256 agreementId);
    /// @notice A zero address was given where an account is required.
    error ZeroAddress();
    /// @notice Zero commitments are rejected.
    error CommitmentZero();
    /// @notice The target epoch is not `currentEpoch + horizon`, so its commit window is not open.
    error CommitWindowClosed(uint64 targetEpoch, uint64 currentEpoch);
    /// @notice The reveal window of the target epoch is not open now.
    error RevealWindowClosed(uint64 targetEpoch, uint64 opensAt, uint64 closesAt);
    /// @notice There is no unrevealed commitment of this candidate for the target (never committed,
    /// already revealed, or already counted as missed).
    error ForecastNotPending(uint256 candidateId, uint64 targetEpoch);
    /// @notice The revealed values and salt do not hash to the stored commitment.
    error ForecastMismatch(uint256 candidateId, uint64 targetEpoch);
    /// @notice The number of values differs from the agreement's number of metrics.
    error ValuesLengthInvalid(uint256 length, uint256 metrics);
    /// @notice The caller is not in the agreement's reporter set.
    error ReporterUnknown(address caller);
    /// @notice The report window of the epoch is not open now.
    error ReportWindowClosed(uint64 epoch, uint64 opensAt, uint64 closesAt);
    /// @notice The outcome of the epoch cannot be fixed before its report window ends.
    error OutcomeNotReady(uint64 epoch, uint64 readyAt);
    /// @notice The epoch's outcome is void: nothing to reveal or score.
    error OutcomeIsVoid(uint64 epoch);
    /// @notice A jury is seated only for an epoch whose executor is fixed.
    error SelectionNotFixed(uint64 epoch);
    /// @notice The executor of the epoch can only be fixed in [end(e), end(e) + reportWindow + revealWindow).
    error SelectionWindowClosed(uint64 epoch, uint64 opensAt, uint64 closesAt);

    // ───────────────────────────────────────── agreements ────────────────────────────────────────

    /// @notice Create an agreement; its text is emitted once and only its keccak256 stored.
    /// @param params The agreement's parameters; `genesis` 0 means "now".
    /// @param text The agreement in natural language.
    /// @return agreementId The new agreement's id (from 1).
    function createAgreement(
        AgreementParams calldata params,
        string calldata text
    ) external returns (uint256 agreementId);

    /// @notice Replace the reporter set and quorum (arbiter only). Applies to reports from now on.
    /// @param agreementId The agreement.
    /// @param reporters The new reporter set (1–32 distinct non-zero addresses).
    /// @param quorum Reports needed for a final outcome (1..reporters.length).
    function setReporters(uint256 agreementId, address[] calldata reporters, uint8 quorum) external;

    /// @notice Submit an input for the current epoch; extends the agreement's input hash chain.
    /// @param agreementId The agreement.
    /// @param data The input bytes (untrusted; models see them as data, never as instructions).
    /// @return epoch The epoch the input belongs to.
    /// @return inputsHash The chain head after this input.
    function submitInput(
        uint256 agreementId,
        bytes calldata data
    ) external returns (uint64 epoch, bytes32 inputsHash);

    /// @notice Fund an agreement's treasury (balance-difference accounting).
    /// @param agreementId The agreement.
    /// @param token The ERC-20 token.
    /// @param amount The amount to pull from the caller.
    /// @return received What the hub actually received.
    function deposit(uint256 agreementId, address token, uint256 amount) external returns (uint256 received);

    // ───────────────────────────────────────── candidates ────────────────────────────────────────

    /// @notice Register a candidate model with a bond pulled from the caller (who becomes its owner).
    /// @param agreementId The agreement.
    /// @param specHash keccak256 of the candidate's canonical JSON model spec.
    /// @param bond The bond amount to pull in the agreement's bond token.
    /// @param operator The key that commits, reveals and executes for the candidate.
    /// @return candidateId The candidate's id within the agreement (from 1).
    function registerCandidate(
        uint256 agreementId,
        bytes32 specHash,
        uint256 bond,
        address operator
    ) external returns (uint256 candidateId);

    /// @notice Same as registerCandidate, with an EIP-2612 permit so one transaction suffices.
    /// @param agreementId The agreement.
    /// @param specHash keccak256 of the model spec.
    /// @param bond The bond amount.
    /// @param operator The operator key.
    /// @param deadline Permit deadline.
    /// @param v Permit signature v.
    /// @param r Permit signature r.
    /// @param s Permit signature s.
    /// @return candidateId The new candidate's id.
    function registerCandidateWithPermit(
        uint256 agreementId,
        bytes32 specHash,
        uint256 bond,
        address operator,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 candidateId);

    /// @notice Add to a candidate's bond (anyone may pay).
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @param amount The amount to pull from the caller.
    function topUp(uint256 agreementId, uint256 candidateId, uint256 amount) external;

    /// @notice Rotate the operator key (owner only). Pending reveals stay valid: the operator is not
    /// part of the commitment.
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @param operator The new operator.
    function setOperator(uint256 agreementId, uint256 candidateId, address operator) external;

    /// @notice Start leaving (owner only): ineligible and no new commits from now; bond withdrawable
    /// after `exitDelay`, which outlasts every pending reveal so a skipped reveal is still penalised.
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    function requestExit(uint256 agreementId, uint256 candidateId) external;

    /// @notice Pay the remaining bond, after missed-reveal penalties, to the owner.
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @return amount The amount paid.
    function withdraw(uint256 agreementId, uint256 candidateId) external returns (uint256 amount);

    /// @notice Apply a candidate's missed reveals whose deadlines have passed (anyone may call).
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @return misses How many misses were applied now.
    function poke(uint256 agreementId, uint256 candidateId) external returns (uint256 misses);

    // ───────────────────────────────────────── forecasts ─────────────────────────────────────────

    /// @notice Commit (or, before the deadline, replace) a forecast for `targetEpoch`, which must be
    /// the current epoch plus the horizon. Operator only.
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @param targetEpoch The epoch whose outcome is forecast.
    /// @param commitment See `forecastCommitment`.
    function commitForecast(
        uint256 agreementId,
        uint256 candidateId,
        uint64 targetEpoch,
        bytes32 commitment
    ) external;

    /// @notice Reveal a committed forecast in the target's reveal window; scores it against the final
    /// outcome and updates the candidate's EWMA score. Operator only.
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @param targetEpoch The target epoch.
    /// @param values One value per metric.
    /// @param salt The 32-byte salt used in the commitment.
    /// @return loss The epoch loss (WAD).
    function revealForecast(
        uint256 agreementId,
        uint256 candidateId,
        uint64 targetEpoch,
        int128[] calldata values,
        bytes32 salt
    ) external returns (uint256 loss);

    /// @notice The normative commitment: keccak256(abi.encode(FORECAST_TAG, chainid, hub, agreementId,
    /// candidateId, targetEpoch, values, salt)).
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @param targetEpoch The target epoch.
    /// @param values One value per metric.
    /// @param salt A 32-byte random salt.
    /// @return The commitment hash.
    function forecastCommitment(
        uint256 agreementId,
        uint256 candidateId,
        uint64 targetEpoch,
        int128[] calldata values,
        bytes32 salt
    ) external view returns (bytes32);

    // ───────────────────────────────────────── outcomes ──────────────────────────────────────────

    /// @notice Report the observed metrics of `epoch` in its report window; a second report by the
    /// same reporter replaces the first.
    /// @param agreementId The agreement.
    /// @param epoch The observed epoch.
    /// @param values One value per metric.
    function reportOutcome(uint256 agreementId, uint64 epoch, int128[] calldata values) external;

    /// @notice Fix an epoch's outcome after its report window: median of the reports, or void below
    /// quorum. Anyone may call; the first reveal also does it.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @return status Final or Void.
    function finalizeOutcome(uint256 agreementId, uint64 epoch) external returns (OutcomeStatus status);

    // ───────────────────────────────────────── selection ─────────────────────────────────────────

    /// @notice Fix the executor of `epoch` from the effective scores at its end (anyone may call, in
    /// [end(e), end(e) + reportWindow + revealWindow); the execution contract's `proposeTransition`
    /// and the first reveal for target `epoch` do it too, so a separate transaction is rarely needed).
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @return executor The executor's candidate id (0 if none).
    /// @return fallbackCandidate The next eligible candidate in the ranking (0 if none).
    function selectExecutor(
        uint256 agreementId,
        uint64 epoch
    ) external returns (uint256 executor, uint256 fallbackCandidate);

    // ─────────────────────────────────────────── views ───────────────────────────────────────────

    /// @notice The epoch containing timestamp `t` (reverts before genesis).
    /// @param agreementId The agreement.
    /// @param t A timestamp.
    /// @return The epoch index.
    function epochAt(uint256 agreementId, uint256 t) external view returns (uint64);

    /// @notice The agreement's parameters and text hash.
    /// @param agreementId The agreement.
    /// @return params The parameters as created (reporters: current set).
    /// @return textHash keccak256 of the text.
    /// @return candidateCount Number of registered candidates.
    function agreement(
        uint256 agreementId
    ) external view returns (AgreementParams memory params, bytes32 textHash, uint256 candidateCount);

    /// @notice A candidate's state with missed reveals up to now applied (what `poke` would write).
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @return The candidate.
    function candidate(uint256 agreementId, uint256 candidateId) external view returns (CandidateView memory);

    /// @notice The stored commitment slot for a candidate's target (it may hold an older target's hash).
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @param targetEpoch The target epoch.
    /// @return commitment The slot's content.
    /// @return pending True if a commitment for exactly this target awaits its reveal.
    function forecastSlot(
        uint256 agreementId,
        uint256 candidateId,
        uint64 targetEpoch
    ) external view returns (bytes32 commitment, bool pending);

    /// @notice The agreement's input chain head at the end of `epoch` (zero before the first input):
    /// what a transition for `epoch` must bind as `inputsHash`.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @return The chain head after the last input submitted in or before `epoch`.
    function inputsHeadAt(uint256 agreementId, uint64 epoch) external view returns (bytes32);

    /// @notice An epoch's inputs: the chain head after its last input, and how many it had.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @return inputsHash The chain head after this epoch's last input (zero when it had none).
    /// @return count Number of inputs.
    function epochInputs(
        uint256 agreementId,
        uint64 epoch
    ) external view returns (bytes32 inputsHash, uint32 count);

    /// @notice An epoch's outcome.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @return status Pending, Final or Void (Pending until someone fixes it).
    /// @return values The medians when Final.
    /// @return reports Number of reporters who reported.
    function outcome(
        uint256 agreementId,
        uint64 epoch
    ) external view returns (OutcomeStatus status, int128[] memory values, uint8 reports);

    /// @notice The executor of an epoch: the fixed one if fixed, otherwise what fixing now would give.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @return executor Candidate id or 0.
    /// @return fallbackCandidate Next in the ranking or 0.
    /// @return isFixed Whether the choice is stored on-chain.
    function executorOf(
        uint256 agreementId,
        uint64 epoch
    ) external view returns (uint256 executor, uint256 fallbackCandidate, bool isFixed);

    /// @notice Eligible candidates ordered by effective score at the end of `epoch` (best first, ties
    /// by lower id), and their scores. Valid while the epoch's selection window is open.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @return ids Candidate ids.
    /// @return scores Their effective scores (WAD).
    function ranking(
        uint256 agreementId,
        uint64 epoch
    ) external view returns (uint256[] memory ids, uint256[] memory scores);

    /// @notice The jury of a transition proposed for `epoch` by `proposer`: the best eligible
    /// candidates of the epoch's Leader ranking (the first `MAX_JURY_CONSIDERED` of them), skipping the
    /// epoch's executor, the proposer, and any candidate with the proposer's operator or owner, up to
    /// `size` of them (fewer when fewer qualify; none when the agreement has no jury), and skipping
    /// the candidates in `exclude` (an appeal jury excludes the proposal's jurors). It reads the score
    /// records as they are at the call.
    /// @param agreementId The agreement.
    /// @param epoch The epoch, whose executor must be fixed (`SelectionNotFixed`).
    /// @param proposer The proposing candidate (the executor or the fallback).
    /// @param size Jurors wanted, at most `MAX_JURY_SIZE`.
    /// @param exclude Candidates that may not sit.
    /// @return jurors Candidate ids, best score first.
    function juryOf(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint256 size,
        uint256[] calldata exclude
    ) external view returns (uint256[] memory jurors);

    /// @notice A candidate's owner and operator as stored (no settlement): what seating a jury
    /// compares with the proposer's. Zero addresses for an unknown candidate.
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @return owner The owner.
    /// @return operator The operator key.
    function candidateSide(
        uint256 agreementId,
        uint256 candidateId
    ) external view returns (address owner, address operator);

    /// @notice What a Weighted agreement's jury is drawn from, for the jury contract: the score
    /// records as stored (slot p holds candidates 2p in its low and 2p + 1 in its high 128 bits), the
    /// first target a record must have accounted for to be eligible for `epoch`, and the random word
    /// `epoch`'s executor was drawn with.
    /// @param agreementId The agreement.
    /// @param epoch The epoch, whose executor must be fixed (`SelectionNotFixed`).
    /// @return words The record slots 0 … candidateCount / 2.
    /// @return floor The eligibility floor.
    /// @return randomWord The epoch's random word.
    function drawRecords(
        uint256 agreementId,
        uint64 epoch
    ) external view returns (uint256[] memory words, uint256 floor, uint256 randomWord);

    /// @notice A candidate's operator key and spec hash (a transition's `spec` must hash to it).
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @return operator The operator key.
    /// @return specHash keccak256 of the model spec.
    function candidateOperator(
        uint256 agreementId,
        uint256 candidateId
    ) external view returns (address operator, bytes32 specHash);

    /// @notice An agreement's treasury balance of a token.
    /// @param agreementId The agreement.
    /// @param token The token.
    /// @return The balance held for the agreement.
    function treasuryBalance(uint256 agreementId, address token) external view returns (uint256);

    /// @notice The per-epoch outflow cap of a treasury token (0: the token may not be paid out).
    /// @param agreementId The agreement.
    /// @param token The token.
    /// @return The cap per epoch.
    function outflowCap(uint256 agreementId, address token) external view returns (uint256);

    /// @notice The execution contract the hub created and is bound to: proposals, challenges,
    /// rulings and payments of every agreement.
    /// @return The execution contract.
    function execution() external view returns (IGengovExecution);

    /// @notice The jury contract whose votes decide the proposals of agreements with a jury; zero
    /// until the deployer attaches it.
    /// @return The jury contract.
    function jury() external view returns (IGengovJury);

    /// @notice Attach the jury contract, once, by the hub's deployer. The jury must name this hub
    /// and its execution contract. A contract cannot create both within the initcode size limit, so
    /// the jury is deployed next to the hub and linked here; everyone can check the link and the
    /// jury's code.
    /// @param jury_ The jury contract.
    function attachJury(IGengovJury jury_) external;

    /// @notice The judgement contract whose rounds feed list losses into score records and draw
    /// their budgets from treasuries; zero until the deployer attaches it.
    /// @return The judgement contract.
    function judgement() external view returns (address);

    /// @notice Attach the judgement contract, once, by the hub's deployer. It must name this hub.
    /// @param judgement_ The judgement contract.
    function attachJudgement(address judgement_) external;

    /// @notice The conditional-forecast (futarchy) contract: its decisions bind the option a
    /// transition carries, and its scored branches feed losses into score records.
    /// @return The conditional-forecast contract, or zero.
    function conditional() external view returns (address);

    /// @notice Attach the conditional-forecast contract, once, by the hub's deployer. It must name
    /// this hub.
    /// @param conditional_ The conditional-forecast contract.
    function attachConditional(address conditional_) external;
}
