// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {MAX_ETA, MAX_HORIZON, MAX_METRICS} from "../hub/Limits.sol";
import {IGengovConditional} from "../interfaces/IGengovConditional.sol";
import {IGengovDecisions} from "../interfaces/IGengovDecisions.sol";
import {IGengovExecution} from "../interfaces/IGengovExecution.sol";
import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {IGengovHubHooks} from "../interfaces/IGengovHubHooks.sol";
import {LossMath, WAD} from "../libraries/LossMath.sol";
import {ScoreRecord, ScoreRecordLibrary} from "../libraries/ScoreRecord.sol";

/// @title GengovConditional
/// @notice Conditional forecasts that decide (`IGengovConditional`), deployed next to the hub and
/// attached to it once by its deployer (`IGengovHub.attachConditional`). It reads agreements,
/// records and outcomes from the hub, writes scores only through `recordLosses`, and holds only
/// proposed options' bonds. The execution contract asks it, for every proposal, whether the epoch
/// has a decision (`decisionOf`), and tells it when a transition carrying the option is finalized.
contract GengovConditional is IGengovConditional, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using ScoreRecordLibrary for ScoreRecord;

    /// @notice Domain tag of conditional commitments.
    bytes32 public constant COMMIT_TAG = keccak256("gengov.conditional.commit");
    /// @notice Domain tag of the exploration draw.
    bytes32 public constant EXPLORE_TAG = keccak256("gengov.conditional.explore");
    /// @notice Most options in an epoch's option set.
    uint256 internal constant MAX_OPTIONS = 8;
    /// @notice Most candidates forecasting one decision: bounds the decision's gas (at 8 options of 8
    /// metrics, about 4.3M for the weighing and as much for the option bonds' support check).
    uint256 public constant MAX_FORECASTERS = 64;
    /// @notice Longest option label, in bytes.
    uint256 internal constant MAX_LABEL_BYTES = 256;

    /// @dev A version of an agreement's terms as stored (labels as hashes).
    struct Version {
        uint64 firstEpoch;
        uint8 horizon;
        uint32 revealWindow;
        uint8 maxProposed;
        bool advisory;
        uint64 epsilon;
        uint96 eta;
        uint128 optionBond;
        int64[] weights;
        int128[] floors;
        uint64[] penalties;
        bytes32[] options;
    }

    /// @dev What the contract keeps of an agreement's immutable parameters, read once at the first
    /// `configure`.
    struct Cached {
        uint64 genesis;
        uint32 epochLength;
        uint32 reportWindow;
        uint8 metricCount;
        uint16 minScored;
        uint64 maxScore;
        address arbiter;
        address bondToken;
        /// @dev Per metric: the loss kind (bit 127) and scale (low 127 bits).
        uint256[MAX_METRICS] lossConfigs;
    }

    /// @dev A participant's proposed option.
    struct Proposal {
        bytes32 hash;
        address proposer;
        uint128 bond;
    }

    /// @dev A candidate's conditional forecasts.
    struct Entry {
        bytes32 commitment;
        bool revealed;
        int128[] forecasts;
    }

    /// @dev Weighing of the revealers at a decision.
    struct Tally {
        uint256[] ids;
        uint256[] weights;
        uint256 total;
    }

    /// @inheritdoc IGengovDecisions
    IGengovHub public immutable hub;
    IGengovHubHooks private immutable _hooks;
    /// @dev The hub's execution contract (created with the hub, fixed for its life).
    address private immutable _execution;

    mapping(uint256 agreementId => Cached) private _cached;
    mapping(uint256 agreementId => Version[]) private _versions;
    mapping(uint256 agreementId => mapping(uint64 epoch => Decision)) private _decisions;
    mapping(uint256 agreementId => mapping(uint64 epoch => Proposal[])) private _proposals;
    mapping(uint256 agreementId => mapping(uint64 epoch => uint256[])) private _committers;
    mapping(uint256 agreementId => mapping(uint64 epoch => mapping(uint256 candidateId => Entry)))
        private _entries;
    mapping(address account => mapping(address token => uint256)) private _owed;

    /// @notice Binds the conditional contract to `hub_`.
    /// @param hub_ The hub.
    constructor(IGengovHub hub_) {
        hub = hub_;
        _hooks = IGengovHubHooks(address(hub_));
        _execution = address(hub_.execution());
    }

    // ─────────────────────────────────────────── terms ───────────────────────────────────────────

    /// @inheritdoc IGengovConditional
    function configure(uint256 agreementId, Terms calldata t) external returns (uint256 version) {
        Cached storage c = _cached[agreementId];
        if (c.epochLength == 0) _cache(agreementId, c);
        if (msg.sender != c.arbiter) revert IGengovHub.CallerNotArbiter(msg.sender);
        Version[] storage versions = _versions[agreementId];
        version = versions.length;
        // The next epoch is the only one that may already have proposed options (proposals for
        // epoch e open at start(e − 1)): new terms reach it only if it has none, so a proposal is
        // always made under the terms its epoch keeps.
        uint256 next = block.timestamp < c.genesis ? 0 : (block.timestamp - c.genesis) / c.epochLength + 1;
        if (
            t.firstEpoch < next ||
            (t.firstEpoch == next && _proposals[agreementId][t.firstEpoch].length != 0) ||
            (version != 0 && t.firstEpoch < versions[version - 1].firstEpoch)
        ) revert TermsInvalid(TermsField.FirstEpoch);
        if (t.horizon == 0 || t.horizon > MAX_HORIZON) revert TermsInvalid(TermsField.Horizon);
        if (t.revealWindow == 0 || t.revealWindow >= c.epochLength)
            revert TermsInvalid(TermsField.RevealWindow);
        if (t.epsilon > WAD) revert TermsInvalid(TermsField.Epsilon);
        if (t.eta == 0 || t.eta > MAX_ETA) revert TermsInvalid(TermsField.Eta);
        uint256 m = c.metricCount;
        if (t.weights.length != m || t.floors.length != m || t.penalties.length != m) {
            revert TermsInvalid(TermsField.Objective);
        }
        if (t.options.length > MAX_OPTIONS || t.options.length + t.maxProposed > MAX_OPTIONS) {
            revert TermsInvalid(TermsField.Options);
        }
        Version storage v = versions.push();
        v.firstEpoch = t.firstEpoch;
        v.horizon = t.horizon;
        v.revealWindow = t.revealWindow;
        v.maxProposed = t.maxProposed;
        v.advisory = t.advisory;
        v.epsilon = t.epsilon;
        v.eta = t.eta;
        v.optionBond = t.optionBond;
        v.weights = t.weights;
        v.floors = t.floors;
        v.penalties = t.penalties;
        for (uint256 i = 0; i < t.options.length; ++i) {
            bytes32 h = _labelHash(t.options[i]);
            for (uint256 j = 0; j < i; ++j) if (v.options[j] == h) revert TermsInvalid(TermsField.Options);
            v.options.push(h);
        }
        emit TermsSet(agreementId, version, msg.data[4:]);
    }

    /// @inheritdoc IGengovConditional
    function proposeOption(
        uint256 agreementId,
        uint64 epoch,
        string calldata label
    ) external nonReentrant returns (uint8 index) {
        (Cached storage c, Version storage v) = _termsOf(agreementId, epoch);
        uint256 closes = _epochStart(c, epoch);
        // Only during the epoch before, so `configure` sees every proposal its terms could meet.
        if (block.timestamp + c.epochLength < closes || block.timestamp >= closes) {
            revert ConditionalWindowClosed(epoch, uint64(closes - c.epochLength), uint64(closes));
        }
        Proposal[] storage proposals = _proposals[agreementId][epoch];
        uint256 fixedCount = v.options.length;
        if (proposals.length >= v.maxProposed || fixedCount + proposals.length >= MAX_OPTIONS) {
            revert OptionRefused(fixedCount + proposals.length, proposals.length);
        }
        bytes32 h = _labelHash(label);
        for (uint256 i = 0; i < fixedCount; ++i) if (v.options[i] == h) revert OptionLabelInvalid();
        for (uint256 i = 0; i < proposals.length; ++i)
            if (proposals[i].hash == h) revert OptionLabelInvalid();
        index = uint8(fixedCount + proposals.length);
        uint128 bond = v.optionBond;
        proposals.push(Proposal(h, msg.sender, bond));
        emit OptionProposed(agreementId, epoch, index, msg.sender, label);
        if (bond != 0) IERC20(c.bondToken).safeTransferFrom(msg.sender, address(this), bond);
    }

    // ──────────────────────────────────────── forecasts ──────────────────────────────────────────

    /// @inheritdoc IGengovConditional
    function commit(uint256 agreementId, uint64 epoch, uint256 candidateId, bytes32 commitment) external {
        (Cached storage c, Version storage v) = _termsOf(agreementId, epoch);
        if (_optionCount(agreementId, epoch, v) < 2) revert NoDecision(agreementId, epoch);
        uint256 opens = _epochStart(c, epoch);
        uint256 closes = opens + c.epochLength - v.revealWindow;
        if (block.timestamp < opens || block.timestamp >= closes) {
            revert ConditionalWindowClosed(epoch, uint64(opens), uint64(closes));
        }
        (address operator, ) = hub.candidateOperator(agreementId, candidateId);
        if (msg.sender != operator) revert CallerNotOperator(candidateId, msg.sender);
        if (commitment == bytes32(0)) revert CommitmentZero();
        Entry storage e = _entries[agreementId][epoch][candidateId];
        if (e.commitment == bytes32(0)) {
            // Only a candidate eligible to execute takes one of the bounded forecaster places, so
            // bonded seats without a record cannot crowd the decision out.
            if (!_eligible(agreementId, candidateId)) revert NotEligible(candidateId);
            uint256[] storage ids = _committers[agreementId][epoch];
            if (ids.length >= MAX_FORECASTERS) revert ForecasterLimitReached(MAX_FORECASTERS);
            ids.push(candidateId);
            ++_decisions[agreementId][epoch].committed;
        }
        e.commitment = commitment;
        emit ConditionalCommitted(agreementId, epoch, candidateId, commitment);
    }

    /// @inheritdoc IGengovConditional
    function reveal(
        uint256 agreementId,
        uint64 epoch,
        uint256 candidateId,
        int128[] calldata forecasts,
        bytes32 salt
    ) external {
        (Cached storage c, Version storage v) = _termsOf(agreementId, epoch);
        uint256 closes = _epochStart(c, epoch) + c.epochLength;
        uint256 opens = closes - v.revealWindow;
        if (block.timestamp < opens || block.timestamp >= closes) {
            revert ConditionalWindowClosed(epoch, uint64(opens), uint64(closes));
        }
        Entry storage e = _entries[agreementId][epoch][candidateId];
        if (e.commitment == bytes32(0)) revert NotCommitted(candidateId);
        if (e.revealed) revert AlreadyRevealed(candidateId);
        (bytes32[] memory hashes, bytes32 setHash) = _optionSet(agreementId, epoch, v);
        uint256 expected = hashes.length * c.metricCount;
        if (forecasts.length != expected) revert ForecastLengthInvalid(forecasts.length, expected);
        if (_commitment(agreementId, epoch, candidateId, setHash, forecasts, salt) != e.commitment) {
            revert CommitmentMismatch(candidateId);
        }
        e.revealed = true;
        e.forecasts = forecasts;
        ++_decisions[agreementId][epoch].revealed;
        emit ConditionalRevealed(agreementId, epoch, candidateId, forecasts);
    }

    // ───────────────────────────────────────── decision ──────────────────────────────────────────

    /// @inheritdoc IGengovConditional
    function decide(uint256 agreementId, uint64 epoch) external nonReentrant returns (uint8 option) {
        (Cached storage c, Version storage v, Decision storage d, uint256 n) = _decidable(agreementId, epoch);
        if (v.advisory) revert AdvisoryMismatch(true);
        // Weighed only in the report phase after the epoch, before the reveals for target e move
        // any record: a later call would let whoever calls choose the records. Later, it defaults.
        bool ok;
        uint256[] memory words;
        uint256 floor;
        uint256 randomWord;
        if (block.timestamp < _epochStart(c, epoch) + c.epochLength + c.reportWindow) {
            (ok, words, floor, randomWord) = _records(agreementId, epoch);
        }
        (int256[] memory objectives, uint256 best) = _recommend(
            agreementId,
            epoch,
            c,
            v,
            n,
            words,
            floor,
            ok
        );
        if (objectives.length == 0) {
            d.defaulted = true;
        } else {
            option = uint8(best);
            uint256 u = uint256(keccak256(abi.encode(EXPLORE_TAG, randomWord)));
            if ((u >> 128) % WAD < v.epsilon) {
                option = uint8((u & type(uint128).max) % n);
                d.explored = true;
            }
        }
        _settleDecision(agreementId, epoch, c, v, d, option, n);
        emit Decided(agreementId, epoch, option, d.explored, d.defaulted, objectives);
    }

    /// @inheritdoc IGengovConditional
    function choose(uint256 agreementId, uint64 epoch, uint8 option) external nonReentrant {
        (Cached storage c, Version storage v, Decision storage d, uint256 n) = _decidable(agreementId, epoch);
        if (!v.advisory) revert AdvisoryMismatch(false);
        if (msg.sender != c.arbiter) revert IGengovHub.CallerNotArbiter(msg.sender);
        if (option >= n) revert OptionOutOfRange(option, uint8(n));
        d.advisory = true;
        // The forecasts' recommendation is published beside the arbiter's choice.
        (bool ok, uint256[] memory words, uint256 floor, ) = _records(agreementId, epoch);
        (int256[] memory objectives, ) = _recommend(agreementId, epoch, c, v, n, words, floor, ok);
        _settleDecision(agreementId, epoch, c, v, d, option, n);
        emit Decided(agreementId, epoch, option, false, false, objectives);
    }

    /// @inheritdoc IGengovDecisions
    function onExecuted(uint256 agreementId, uint64 epoch) external {
        if (msg.sender != _execution) revert CallerNotExecution(msg.sender);
        Decision storage d = _decisions[agreementId][epoch];
        // Never reverts for the execution contract: a finalization that comes after the round was
        // voided (nobody finalized before end(e + 1)) must still go through.
        if (d.status != Status.Decided) return;
        d.executed = true;
        emit DecisionExecuted(agreementId, epoch);
    }

    // ───────────────────────────────────────── scoring ───────────────────────────────────────────

    /// @inheritdoc IGengovConditional
    function score(uint256 agreementId, uint64 epoch) external nonReentrant {
        (Cached storage c, Version storage v) = _termsOf(agreementId, epoch);
        Decision storage d = _decisions[agreementId][epoch];
        if (d.status != Status.Decided) revert NotDecided(epoch);
        if (!d.executed) {
            // Every transition of epoch e is proposed, and its challenge and ruling settle, before
            // end(e + 1); after that the option can no longer be carried out, and nothing is scored.
            // Finalizing has no deadline, though: while the epoch's transition can still be
            // finalized the round stays open (voiding it would make that finalization revert in
            // `onExecuted`, and block every later proposal of the agreement behind it).
            if (block.timestamp < _epochStart(c, epoch) + 2 * uint256(c.epochLength))
                revert ScoringNotReady(epoch);
            if (_transitionPending(agreementId, epoch)) revert ScoringNotReady(epoch);
            d.status = Status.Void;
            emit ConditionalVoided(agreementId, epoch);
            return;
        }
        uint64 target = epoch + v.horizon;
        hub.finalizeOutcome(agreementId, target);
        (IGengovHub.OutcomeStatus status, int128[] memory outcome, ) = hub.outcome(agreementId, target);
        if (status == IGengovHub.OutcomeStatus.Pending) revert ScoringNotReady(epoch);
        if (status == IGengovHub.OutcomeStatus.Void) {
            d.status = Status.Void;
            emit ConditionalVoided(agreementId, epoch);
            return;
        }
        d.status = Status.Scored;
        uint256[] memory ids = _committers[agreementId][epoch];
        uint256[] memory losses = new uint256[](ids.length);
        uint256 m = c.metricCount;
        uint256 base = uint256(d.option) * m;
        for (uint256 i = 0; i < ids.length; ++i) {
            Entry storage e = _entries[agreementId][epoch][ids[i]];
            if (!e.revealed) {
                losses[i] = WAD;
                continue;
            }
            uint256 sum = 0;
            for (uint256 k = 0; k < m; ++k) {
                uint256 config = c.lossConfigs[k];
                sum += LossMath.metricLoss(
                    e.forecasts[base + k],
                    outcome[k],
                    config & ((1 << 127) - 1),
                    LossMath.LossKind(config >> 127)
                );
            }
            losses[i] = sum / m;
        }
        if (ids.length != 0) _hooks.recordLosses(agreementId, ids, losses);
        emit ConditionalScored(agreementId, epoch, ids, losses);
    }

    /// @inheritdoc IGengovConditional
    function withdraw(address token) external nonReentrant returns (uint256 amount) {
        amount = _owed[msg.sender][token];
        if (amount == 0) revert NothingOwed(msg.sender, token);
        _owed[msg.sender][token] = 0;
        emit Withdrawn(msg.sender, token, amount);
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    // ─────────────────────────────────────────── views ───────────────────────────────────────────

    /// @inheritdoc IGengovDecisions
    function decisionOf(
        uint256 agreementId,
        uint64 epoch
    ) external view returns (bool required, bool decided, uint8 option) {
        // An agreement never configured (the common case) costs one storage read.
        if (_cached[agreementId].epochLength == 0) return (false, false, 0);
        Decision storage d = _decisions[agreementId][epoch];
        if (d.status != Status.Open) return (true, true, d.option);
        (bool found, uint256 index) = _versionIndex(agreementId, epoch);
        if (!found) return (false, false, 0);
        required = _optionCount(agreementId, epoch, _versions[agreementId][index]) >= 2;
    }

    /// @inheritdoc IGengovConditional
    function recommendation(
        uint256 agreementId,
        uint64 epoch
    ) external view returns (uint8 best, int256[] memory objectives, uint256 totalWeight) {
        (Cached storage c, Version storage v) = _termsOf(agreementId, epoch);
        uint256 n = _optionCount(agreementId, epoch, v);
        if (n < 2) revert NoDecision(agreementId, epoch);
        (uint256[] memory words, uint256 floor, ) = hub.drawRecords(agreementId, epoch);
        Tally memory t = _weigh(agreementId, epoch, c, v, words, floor, true);
        totalWeight = t.total;
        if (t.total == 0) return (0, objectives, 0);
        objectives = _objectives(agreementId, epoch, c, v, t, n);
        best = uint8(_argmax(objectives));
    }

    /// @inheritdoc IGengovConditional
    function decision(uint256 agreementId, uint64 epoch) external view returns (Decision memory) {
        return _decisions[agreementId][epoch];
    }

    /// @inheritdoc IGengovConditional
    function termsAt(
        uint256 agreementId,
        uint64 epoch
    ) external view returns (bool found, uint256 version, Terms memory terms) {
        (found, version) = _versionIndex(agreementId, epoch);
        if (!found) return (false, 0, terms);
        Version storage v = _versions[agreementId][version];
        terms.firstEpoch = v.firstEpoch;
        terms.horizon = v.horizon;
        terms.revealWindow = v.revealWindow;
        terms.maxProposed = v.maxProposed;
        terms.advisory = v.advisory;
        terms.epsilon = v.epsilon;
        terms.eta = v.eta;
        terms.optionBond = v.optionBond;
        terms.weights = v.weights;
        terms.floors = v.floors;
        terms.penalties = v.penalties;
        // Labels live in `TermsSet` and `OptionProposed`; `options` stays empty here.
    }

    /// @inheritdoc IGengovConditional
    function optionSet(
        uint256 agreementId,
        uint64 epoch
    ) external view returns (bytes32[] memory hashes, bytes32 setHash) {
        (, Version storage v) = _termsOf(agreementId, epoch);
        return _optionSet(agreementId, epoch, v);
    }

    /// @inheritdoc IGengovConditional
    function committers(uint256 agreementId, uint64 epoch) external view returns (uint256[] memory) {
        return _committers[agreementId][epoch];
    }

    /// @inheritdoc IGengovConditional
    function forecastOf(
        uint256 agreementId,
        uint64 epoch,
        uint256 candidateId
    ) external view returns (bytes32 commitment, bool revealed, int128[] memory forecasts) {
        Entry storage e = _entries[agreementId][epoch][candidateId];
        return (e.commitment, e.revealed, e.forecasts);
    }

    /// @inheritdoc IGengovConditional
    function conditionalCommitment(
        uint256 agreementId,
        uint64 epoch,
        uint256 candidateId,
        bytes32 optionSetHash,
        int128[] calldata forecasts,
        bytes32 salt
    ) external view returns (bytes32) {
        return _commitment(agreementId, epoch, candidateId, optionSetHash, forecasts, salt);
    }

    /// @inheritdoc IGengovConditional
    function owed(address account, address token) external view returns (uint256) {
        return _owed[account][token];
    }

    // ───────────────────────────────────────── internals ─────────────────────────────────────────

    /// @dev Reads the agreement's immutable parameters once.
    function _cache(uint256 agreementId, Cached storage c) private {
        (IGengovHub.AgreementParams memory a, , ) = hub.agreement(agreementId);
        c.genesis = a.genesis;
        c.epochLength = a.epochLength;
        c.reportWindow = a.reportWindow;
        c.metricCount = uint8(a.metrics.length);
        c.minScored = a.minScored;
        c.maxScore = a.maxScore;
        c.arbiter = a.arbiter;
        c.bondToken = a.bondToken;
        for (uint256 i = 0; i < a.metrics.length; ++i) {
            c.lossConfigs[i] = (uint256(uint8(a.metrics[i].lossKind)) << 127) | a.metrics[i].scale;
        }
    }

    /// @dev `hub.candidate(agreementId, candidateId).eligible`, read from the return data:
    /// `CandidateView` is a static tuple, so it is encoded as 13 words in declaration order and
    /// `eligible` is word 11. Reading the one word keeps the decoder of the whole view out of this
    /// contract's code.
    function _eligible(uint256 agreementId, uint256 candidateId) private view returns (bool eligible) {
        (bool ok, bytes memory ret) = address(hub).staticcall(
            abi.encodeCall(IGengovHub.candidate, (agreementId, candidateId))
        );
        if (!ok || ret.length != 13 * 32) return false;
        assembly ("memory-safe") {
            eligible := iszero(iszero(mload(add(ret, 384))))
        }
    }

    function _termsOf(
        uint256 agreementId,
        uint64 epoch
    ) private view returns (Cached storage c, Version storage v) {
        c = _cached[agreementId];
        (bool found, uint256 index) = _versionIndex(agreementId, epoch);
        if (!found) revert NoDecision(agreementId, epoch);
        v = _versions[agreementId][index];
    }

    /// @dev The latest version whose first epoch is at or before `epoch`.
    function _versionIndex(uint256 agreementId, uint64 epoch) private view returns (bool, uint256) {
        Version[] storage versions = _versions[agreementId];
        for (uint256 i = versions.length; i > 0; --i) {
            if (versions[i - 1].firstEpoch <= epoch) return (true, i - 1);
        }
        return (false, 0);
    }

    /// @dev The checks `decide` and `choose` share: a decision exists, is open, and the epoch ended.
    function _decidable(
        uint256 agreementId,
        uint64 epoch
    ) private view returns (Cached storage c, Version storage v, Decision storage d, uint256 n) {
        (c, v) = _termsOf(agreementId, epoch);
        d = _decisions[agreementId][epoch];
        if (d.status != Status.Open) revert AlreadyDecided(epoch);
        n = _optionCount(agreementId, epoch, v);
        if (n < 2) revert NoDecision(agreementId, epoch);
        uint256 ends = _epochStart(c, epoch) + c.epochLength;
        if (block.timestamp < ends) revert ConditionalWindowClosed(epoch, uint64(ends), type(uint64).max);
    }

    /// @dev The hub's records of the epoch's selection, fixing it first if it can; if it can no
    /// longer be fixed, no record carries weight.
    function _records(
        uint256 agreementId,
        uint64 epoch
    ) private returns (bool ok, uint256[] memory words, uint256 floor, uint256 randomWord) {
        try hub.selectExecutor(agreementId, epoch) {} catch {}
        try hub.drawRecords(agreementId, epoch) returns (uint256[] memory w, uint256 f, uint256 r) {
            return (true, w, f, r);
        } catch {
            return (false, words, 0, 0);
        }
    }

    /// @dev The objectives of the weighted forecasts and the best option; empty when no revealed
    /// forecast carries weight.
    function _recommend(
        uint256 agreementId,
        uint64 epoch,
        Cached storage c,
        Version storage v,
        uint256 n,
        uint256[] memory words,
        uint256 floor,
        bool ok
    ) private view returns (int256[] memory objectives, uint256 best) {
        Tally memory t = _weigh(agreementId, epoch, c, v, words, floor, ok);
        if (t.total == 0) return (objectives, 0);
        objectives = _objectives(agreementId, epoch, c, v, t, n);
        best = _argmax(objectives);
    }

    /// @dev Weights of the revealers: bond units × exp(−eta·(S − S_min)) over eligible records (the
    /// Weighted selection's weight), zero for the others.
    function _weigh(
        uint256 agreementId,
        uint64 epoch,
        Cached storage c,
        Version storage v,
        uint256[] memory words,
        uint256 floor,
        bool ok
    ) private view returns (Tally memory t) {
        uint256[] storage ids = _committers[agreementId][epoch];
        uint256 count = ids.length;
        t.ids = new uint256[](count);
        t.weights = new uint256[](count);
        if (!ok) return t;
        uint256[] memory scores = new uint256[](count);
        uint256 minScore = type(uint256).max;
        uint256 minScored = c.minScored;
        uint256 maxScore = c.maxScore;
        for (uint256 i = 0; i < count; ++i) {
            uint256 id = ids[i];
            t.ids[i] = id;
            if (!_entries[agreementId][epoch][id].revealed || id >> 1 >= words.length) continue;
            ScoreRecord r = ScoreRecordLibrary.half(words[id >> 1], id);
            if (!r.eligible(minScored, maxScore, floor)) continue;
            // Marks the eligible revealers; the weight is set below, once S_min is known.
            t.weights[i] = r.units();
            scores[i] = r.score();
            if (scores[i] < minScore) minScore = scores[i];
        }
        uint256 eta = v.eta;
        for (uint256 i = 0; i < count; ++i) {
            if (t.weights[i] == 0) continue;
            t.weights[i] *= LossMath.expNegWad((eta * (scores[i] - minScore)) / WAD);
            t.total += t.weights[i];
        }
    }

    /// @dev The objective of each option's weighted mean forecast.
    function _objectives(
        uint256 agreementId,
        uint64 epoch,
        Cached storage c,
        Version storage v,
        Tally memory t,
        uint256 n
    ) private view returns (int256[] memory objectives) {
        uint256 m = c.metricCount;
        int256[] memory sums = new int256[](n * m);
        for (uint256 i = 0; i < t.ids.length; ++i) {
            uint256 w = t.weights[i];
            if (w == 0) continue;
            int128[] storage f = _entries[agreementId][epoch][t.ids[i]].forecasts;
            for (uint256 k = 0; k < n * m; ++k) sums[k] += int256(w) * f[k];
        }
        objectives = new int256[](n);
        int256 total = int256(t.total);
        for (uint256 o = 0; o < n; ++o) {
            for (uint256 k = 0; k < m; ++k) sums[o * m + k] /= total;
            objectives[o] = _objective(v, sums, o * m, m);
        }
    }

    /// @dev J(x) = Σ weight·x − penalty·max(0, floor − x) over the metrics of x = values[from..from+m).
    /// Every x is an int128 or a weighted mean of int128s, so each term is below 2^193 in absolute
    /// value and the sum of at most 8 cannot overflow: the weights need no bound beyond their types.
    function _objective(
        Version storage v,
        int256[] memory values,
        uint256 from,
        uint256 m
    ) private view returns (int256 j) {
        for (uint256 k = 0; k < m; ++k) {
            int256 x = values[from + k];
            j += int256(v.weights[k]) * x;
            int256 shortfall = int256(v.floors[k]) - x;
            if (shortfall > 0) j -= int256(uint256(v.penalties[k])) * shortfall;
        }
    }

    /// @dev Index of the largest value; ties to the lowest index.
    function _argmax(int256[] memory values) private pure returns (uint256 best) {
        for (uint256 i = 1; i < values.length; ++i) if (values[i] > values[best]) best = i;
    }

    /// @dev Fixes the decision and settles proposed options' bonds: refunded if the option was taken
    /// or is some revealed forecast's own best option, otherwise paid into the agreement's treasury.
    function _settleDecision(
        uint256 agreementId,
        uint64 epoch,
        Cached storage c,
        Version storage v,
        Decision storage d,
        uint8 option,
        uint256 n
    ) private {
        d.status = Status.Decided;
        d.option = option;
        d.optionCount = uint8(n);
        (, d.optionSetHash) = _optionSet(agreementId, epoch, v);
        Proposal[] storage proposals = _proposals[agreementId][epoch];
        if (proposals.length == 0) return;
        bool[] memory supported = _supported(agreementId, epoch, c, v, n);
        uint256 fixedCount = v.options.length;
        uint256 forfeited = 0;
        for (uint256 i = 0; i < proposals.length; ++i) {
            uint256 index = fixedCount + i;
            bool refunded = index == option || supported[index];
            if (refunded) _owed[proposals[i].proposer][c.bondToken] += proposals[i].bond;
            else forfeited += proposals[i].bond;
            emit OptionBondSettled(agreementId, epoch, uint8(index), refunded);
        }
        if (forfeited != 0) {
            IERC20(c.bondToken).forceApprove(address(hub), forfeited);
            hub.deposit(agreementId, c.bondToken, forfeited);
        }
    }

    /// @dev Options that are some revealed forecast's own best (ties to the lowest index).
    function _supported(
        uint256 agreementId,
        uint64 epoch,
        Cached storage c,
        Version storage v,
        uint256 n
    ) private view returns (bool[] memory supported) {
        supported = new bool[](n);
        uint256 m = c.metricCount;
        uint256[] storage ids = _committers[agreementId][epoch];
        int256[] memory values = new int256[](n * m);
        int256[] memory objectives = new int256[](n);
        for (uint256 i = 0; i < ids.length; ++i) {
            Entry storage e = _entries[agreementId][epoch][ids[i]];
            if (!e.revealed) continue;
            for (uint256 k = 0; k < n * m; ++k) values[k] = e.forecasts[k];
            for (uint256 o = 0; o < n; ++o) objectives[o] = _objective(v, values, o * m, m);
            supported[_argmax(objectives)] = true;
        }
    }

    /// @dev The execution contract's current proposal is epoch `epoch`'s and may still be finalized.
    /// `proposal` returns a dynamic struct: only its head's epoch (word 1) and status (word 4) are read.
    function _transitionPending(uint256 agreementId, uint64 epoch) private view returns (bool) {
        (bool ok, bytes memory data) = _execution.staticcall(
            abi.encodeCall(IGengovExecution.proposal, (agreementId))
        );
        if (!ok || data.length < 5 * 32) return false;
        uint256 liveEpoch;
        uint256 status;
        assembly ("memory-safe") {
            liveEpoch := mload(add(data, 0x40))
            status := mload(add(data, 0xa0))
        }
        return
            liveEpoch == epoch &&
            status != uint256(IGengovExecution.Status.None) &&
            status != uint256(IGengovExecution.Status.Rejected) &&
            status != uint256(IGengovExecution.Status.Finalized);
    }

    function _optionCount(
        uint256 agreementId,
        uint64 epoch,
        Version storage v
    ) private view returns (uint256) {
        return v.options.length + _proposals[agreementId][epoch].length;
    }

    function _optionSet(
        uint256 agreementId,
        uint64 epoch,
        Version storage v
    ) private view returns (bytes32[] memory hashes, bytes32 setHash) {
        Proposal[] storage proposals = _proposals[agreementId][epoch];
        uint256 fixedCount = v.options.length;
        hashes = new bytes32[](fixedCount + proposals.length);
        for (uint256 i = 0; i < fixedCount; ++i) hashes[i] = v.options[i];
        for (uint256 i = 0; i < proposals.length; ++i) hashes[fixedCount + i] = proposals[i].hash;
        setHash = keccak256(abi.encode(hashes));
    }

    function _commitment(
        uint256 agreementId,
        uint64 epoch,
        uint256 candidateId,
        bytes32 optionSetHash,
        int128[] calldata forecasts,
        bytes32 salt
    ) private view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    COMMIT_TAG,
                    block.chainid,
                    address(this),
                    agreementId,
                    epoch,
                    candidateId,
                    optionSetHash,
                    forecasts,
                    salt
                )
            );
    }

    function _labelHash(string calldata label) private pure returns (bytes32) {
        uint256 len = bytes(label).length;
        if (len == 0 || len > MAX_LABEL_BYTES) revert OptionLabelInvalid();
        return keccak256(bytes(label));
    }

    function _epochStart(Cached storage c, uint64 epoch) private view returns (uint256) {
        return uint256(c.genesis) + uint256(epoch) * c.epochLength;
    }
}
