// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {LossMath} from "../libraries/LossMath.sol";

/// @title HubStorage
/// @notice State shared by the hub's modules, the epoch clock, and the lazy application of missed
/// reveals. Layout is packed so the selection loop reads one slot per candidate and a steady-state
/// commit overwrites a reused slot.
abstract contract HubStorage is IGengovHub, ReentrancyGuardTransient {
    uint256 internal constant _WAD = 1e18;
    uint256 internal constant _MAX_METRICS = 8;
    uint256 internal constant _MAX_REPORTERS = 32;
    /// @dev Bounds the selection loop (one cold slot per candidate).
    uint256 internal constant _MAX_CANDIDATES = 1024;
    /// @dev Pending forecasts live in a 16-bit window [pendingBase, pendingBase + 16); at any time they
    /// span at most targets [c − 1, c + horizon], so horizon ≤ 14 always fits.
    uint256 internal constant _MAX_HORIZON = 14;
    uint256 internal constant _RING = 16;

    uint8 internal constant _ACTIVE = 0;
    uint8 internal constant _EXITING = 1;
    uint8 internal constant _WITHDRAWN = 2;

    struct Agreement {
        // slot 0: the clock (read by every timed call)
        uint64 genesis;
        uint32 epochLength;
        uint32 reportWindow;
        uint32 revealWindow;
        uint32 executionWindow;
        uint32 challengePeriod;
        uint8 horizon;
        uint8 metricCount;
        uint8 quorum;
        Selection selection;
        // slot 1
        address bondToken;
        uint64 alpha;
        uint16 minScored;
        bool openInputs;
        // slot 2
        address arbiter;
        uint64 margin;
        uint32 rulingPeriod;
        // slot 3
        uint128 minBond;
        uint128 missPenalty;
        // slot 4
        uint128 rejectPenalty;
        uint128 challengeBond;
        // slot 5
        address randomness;
        uint64 eta;
        uint32 exitDelay;
        // slot 6
        uint32 maxInputBytes;
        uint32 maxInputsPerEpoch;
        uint32 candidateCount;
        uint32 lastExecutor;
        uint32 lastInputEpoch;
        bool anyInput;
        // slot 7+
        bytes32 textHash;
        bytes32 inputsHead;
        address[] reporters;
        address[] capTokens;
    }

    struct MetricConfig {
        uint128 scale;
        uint8 lossKind;
        uint8 decimals;
        string name;
    }

    struct Candidate {
        address owner;
        uint64 exitAt;
        uint32 misses;
        address operator;
        uint32 executions;
        bytes32 specHash;
    }

    /// @dev The hot slot: everything selection, commit and reveal read and write.
    /// Bit i of `pendingMask` = an unrevealed commitment for target `pendingBase + i`.
    struct Score {
        uint64 score;
        uint32 scoredCount;
        uint32 pendingBase;
        uint16 pendingMask;
        uint96 bond;
        uint8 status;
    }

    struct Epoch {
        bytes32 inputsHash;
        uint32 inputCount;
        uint8 reportCount;
        OutcomeStatus outcomeStatus;
        bool selected;
        uint32 executor;
        uint32 fallbackExecutor;
        // Link to the previous epoch that had inputs, so the chain head at any epoch end is O(1) to find.
        uint32 prevInputEpoch;
        bool hasPrevInput;
        // The quorum in force at the epoch's last report: a later reporter-set change never
        // re-decides whether an epoch is void.
        uint8 quorum;
    }

    uint256 internal _agreementCount;
    mapping(uint256 agreementId => Agreement) internal _agreements;
    mapping(uint256 agreementId => mapping(uint256 index => MetricConfig)) internal _metrics;
    mapping(uint256 agreementId => mapping(address account => bool)) internal _isReporter;
    mapping(uint256 agreementId => mapping(address account => bool)) internal _inputAllowed;
    mapping(uint256 agreementId => mapping(address token => uint256)) internal _outflowCap;
    mapping(uint256 agreementId => mapping(address token => uint256)) internal _treasury;

    mapping(uint256 agreementId => mapping(uint256 candidateId => Candidate)) internal _candidates;
    mapping(uint256 agreementId => mapping(uint256 candidateId => Score)) internal _scores;
    mapping(uint256 agreementId => mapping(uint256 candidateId => bytes32[16])) internal _commitments;

    mapping(uint256 agreementId => mapping(uint64 epoch => Epoch)) internal _epochs;
    mapping(uint256 agreementId => mapping(uint64 epoch => mapping(uint256 index => int128[8])))
        internal _reports;
    mapping(uint256 agreementId => mapping(uint64 epoch => mapping(address reporter => uint256 indexPlusOne)))
        internal _reportIndex;
    mapping(uint256 agreementId => mapping(uint64 epoch => int128[8])) internal _outcomes;

    // ───────────────────────────────────────── lookups ─────────────────────────────────────────

    function _agreement(uint256 agreementId) internal view returns (Agreement storage a) {
        a = _agreements[agreementId];
        if (a.epochLength == 0) revert AgreementUnknown(agreementId);
    }

    function _candidateOf(
        uint256 agreementId,
        uint256 candidateId,
        Agreement storage a
    ) internal view returns (Candidate storage c) {
        if (candidateId == 0 || candidateId > a.candidateCount) revert CandidateUnknown(candidateId);
        c = _candidates[agreementId][candidateId];
    }

    // ─────────────────────────────────────────── clock ───────────────────────────────────────────

    function _epochAt(uint256 agreementId, Agreement storage a, uint256 t) internal view returns (uint64) {
        if (t < a.genesis) revert AgreementNotStarted(agreementId, a.genesis);
        return uint64((t - a.genesis) / a.epochLength);
    }

    /// @dev end(e) = genesis + (e + 1)·L.
    function _epochEnd(Agreement storage a, uint64 epoch) internal view returns (uint256) {
        return uint256(a.genesis) + (uint256(epoch) + 1) * a.epochLength;
    }

    /// @dev Reveal deadline of target t: end(t) + reportWindow + revealWindow.
    function _revealDeadline(Agreement storage a, uint64 target) internal view returns (uint256) {
        return _epochEnd(a, target) + a.reportWindow + a.revealWindow;
    }

    // ───────────────────────────────────── missed reveals ─────────────────────────────────────

    /// @dev Whether target t's outcome is void. Only called once t's report window has ended.
    function _isVoid(uint256 agreementId, uint64 target) internal view returns (bool) {
        Epoch storage ep = _epochs[agreementId][target];
        if (ep.outcomeStatus != OutcomeStatus.Pending) return ep.outcomeStatus == OutcomeStatus.Void;
        return ep.reportCount == 0 || ep.reportCount < ep.quorum;
    }

    /// @dev Applies, in memory, every pending forecast whose reveal deadline is at or before `asOf`:
    /// void targets are dropped, the others count as worst-loss misses (closed form) and cost
    /// `missPenalty` each from the bond. Returns the number of misses and the bond penalty.
    function _applyMissed(
        uint256 agreementId,
        Agreement storage a,
        Score memory s,
        uint256 asOf
    ) internal view returns (uint32 misses, uint256 penalty) {
        uint256 mask = s.pendingMask;
        if (mask == 0) return (0, 0);
        for (uint256 i = 0; i < _RING; ++i) {
            if (mask & (1 << i) == 0) continue;
            uint64 target = uint64(s.pendingBase + i);
            if (_revealDeadline(a, target) > asOf) break; // later targets have later deadlines
            mask &= ~(1 << i);
            if (!_isVoid(agreementId, target)) ++misses;
        }
        _rebase(s, mask);
        if (misses == 0) return (0, 0);
        s.score = uint64(LossMath.applyMisses(s.score, a.alpha, misses, s.scoredCount == 0));
        s.scoredCount += misses;
        penalty = _takeFromBond(s, uint256(a.missPenalty) * misses);
    }

    /// @dev The one place a penalty leaves a bond (missed reveals, rejected transitions): at most the
    /// whole bond is taken. Returns what was taken.
    function _takeFromBond(Score memory s, uint256 amount) internal pure returns (uint256 taken) {
        taken = amount < s.bond ? amount : s.bond;
        // taken ≤ bond, so the subtraction cannot underflow.
        unchecked {
            s.bond -= uint96(taken);
        }
    }

    /// @dev Shifts the pending window so bit 0 is the lowest pending target (keeps room for new ones).
    function _rebase(Score memory s, uint256 mask) internal pure {
        if (mask == 0) {
            s.pendingMask = 0;
            return;
        }
        uint256 shift = 0;
        while (mask & (1 << shift) == 0) ++shift;
        s.pendingBase += uint32(shift);
        s.pendingMask = uint16(mask >> shift);
    }

    /// @dev Loads a candidate's hot slot, applies missed reveals up to now, books the penalty into
    /// the treasury and records the misses. The caller writes the returned slot back.
    function _loadSettled(
        uint256 agreementId,
        uint256 candidateId,
        Agreement storage a
    ) internal returns (Score memory s) {
        s = _scores[agreementId][candidateId];
        (uint32 misses, uint256 penalty) = _applyMissed(agreementId, a, s, block.timestamp);
        if (misses != 0) {
            _treasury[agreementId][a.bondToken] += penalty;
            _candidates[agreementId][candidateId].misses += misses;
            emit RevealsMissed(agreementId, candidateId, misses, penalty, s.score);
        }
    }

    /// @dev Eligibility (DESIGN §5) of an effective score record.
    function _isEligible(Agreement storage a, Score memory s) internal view returns (bool) {
        return s.status == _ACTIVE && s.bond >= a.minBond && s.scoredCount >= a.minScored;
    }
}
