// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {LossMath} from "../libraries/LossMath.sol";
import {ScoreRecord} from "../libraries/ScoreRecord.sol";

/// @title HubStorage
/// @notice State shared by the hub's modules, the epoch clock, and the lazy application of missed
/// reveals. Layout is packed for the hot paths: a commit reads one seat slot and overwrites a reused
/// commitment slot; the selection scan reads one slot per two candidates.
abstract contract HubStorage is IGengovHub, ReentrancyGuardTransient {
    uint256 internal constant _MAX_REPORTERS = 32;
    /// @dev Bounds the selection scan (one cold slot per two candidates).
    uint256 internal constant _MAX_CANDIDATES = 1024;
    uint256 internal constant _RING = 16;

    uint8 internal constant _ACTIVE = 0;
    uint8 internal constant _EXITING = 1;
    uint8 internal constant _WITHDRAWN = 2;

    struct Agreement {
        // slot 0: what commit, reveal and report read (the clock, the windows, the EWMA weight)
        uint40 genesis;
        uint32 epochLength;
        uint32 reportWindow;
        uint32 revealWindow;
        uint32 executionWindow;
        uint8 horizon;
        uint8 metricCount;
        uint8 quorum;
        uint64 alpha;
        // slot 1
        address bondToken;
        Selection selection;
        uint16 minScored;
        bool openInputs;
        uint32 challengePeriod;
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

    /// @dev A candidate's cold fields (read by owner actions, penalties and views).
    struct Candidate {
        address owner;
        uint64 exitAt;
        uint32 misses;
        bytes32 specHash;
        uint96 bond;
        uint32 executions;
    }

    /// @dev What a commit reads, in one slot: who may commit and reveal, and a copy of the
    /// agreement's clock (immutable, so the copy never goes stale).
    struct Seat {
        address operator;
        uint40 genesis;
        uint32 epochLength;
        uint8 horizon;
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
    /// @dev What scoring reads per metric, two metrics per slot: `scale | lossKind << 127` per half.
    mapping(uint256 agreementId => mapping(uint256 pair => uint256)) internal _lossConfigs;
    mapping(uint256 agreementId => mapping(address account => bool)) internal _isReporter;
    mapping(uint256 agreementId => mapping(address account => bool)) internal _inputAllowed;
    mapping(uint256 agreementId => mapping(address token => uint256)) internal _outflowCap;
    mapping(uint256 agreementId => mapping(address token => uint256)) internal _treasury;

    mapping(uint256 agreementId => mapping(uint256 candidateId => Candidate)) internal _candidates;
    mapping(uint256 agreementId => mapping(uint256 candidateId => Seat)) internal _seats;
    /// @dev Score records (ScoreRecord layout), two per slot: candidate `id` is in slot `id >> 1`.
    mapping(uint256 agreementId => mapping(uint256 pair => uint256)) internal _records;
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

    // ───────────────────────────────────── score records ─────────────────────────────────────

    /// @dev Candidate `candidateId`'s packed 128-bit score record.
    function _recordOf(uint256 agreementId, uint256 candidateId) internal view returns (uint256) {
        return ScoreRecord.half(_records[agreementId][candidateId >> 1], candidateId);
    }

    /// @dev Candidate `candidateId`'s score record, unpacked.
    function _loadScore(
        uint256 agreementId,
        uint256 candidateId
    ) internal view returns (ScoreRecord.Score memory) {
        return ScoreRecord.decode(_recordOf(agreementId, candidateId));
    }

    function _storeScore(uint256 agreementId, uint256 candidateId, ScoreRecord.Score memory s) internal {
        mapping(uint256 => uint256) storage records = _records[agreementId];
        uint256 pair = candidateId >> 1;
        records[pair] = ScoreRecord.replace(records[pair], candidateId, ScoreRecord.encode(s));
    }

    // ───────────────────────────────────── missed reveals ─────────────────────────────────────

    /// @dev Whether target t's outcome is void. Only called once t's report window has ended.
    function _isVoid(uint256 agreementId, uint64 target) internal view returns (bool) {
        Epoch storage ep = _epochs[agreementId][target];
        if (ep.outcomeStatus != OutcomeStatus.Pending) return ep.outcomeStatus == OutcomeStatus.Void;
        return ep.reportCount == 0 || ep.reportCount < ep.quorum;
    }

    /// @dev Applies, in memory, every pending forecast whose reveal deadline is at or before `asOf`:
    /// void targets are dropped, the others count as worst-loss misses (closed form). Returns the
    /// number of misses; each costs `missPenalty` from the bond (`_settle` books it, `_bondAfterMisses`
    /// shows it in views).
    function _applyMissed(
        uint256 agreementId,
        Agreement storage a,
        ScoreRecord.Score memory s,
        uint256 asOf
    ) internal view returns (uint32 misses) {
        uint256 mask = s.pendingMask;
        if (mask == 0) return 0;
        for (uint256 i = 0; i < _RING; ++i) {
            if (mask & (1 << i) == 0) continue;
            uint64 target = uint64(s.pendingBase + i);
            if (_revealDeadline(a, target) > asOf) break; // later targets have later deadlines
            mask &= ~(1 << i);
            if (!_isVoid(agreementId, target)) ++misses;
        }
        _rebase(s, mask);
        if (misses == 0) return 0;
        s.score = uint64(LossMath.applyMisses(s.score, a.alpha, misses, s.scoredCount == 0));
        s.scoredCount += misses;
    }

    /// @dev What taking `amount` from `bond` leaves and takes: at most the whole bond.
    function _capped(uint256 bond, uint256 amount) internal pure returns (uint256 left, uint256 taken) {
        taken = amount < bond ? amount : bond;
        // taken ≤ bond, so the subtraction cannot underflow.
        unchecked {
            left = bond - taken;
        }
    }

    /// @dev Writes a candidate's bond; the record's cached `bonded` flag follows it.
    function _setBond(
        Agreement storage a,
        Candidate storage c,
        ScoreRecord.Score memory s,
        uint256 bond
    ) internal {
        c.bond = uint96(bond);
        s.bonded = bond >= a.minBond;
    }

    /// @dev The one place a penalty leaves a bond (missed reveals, rejected transitions): at most the
    /// whole bond is taken. Returns what was taken.
    function _takeFromBond(
        Agreement storage a,
        Candidate storage c,
        ScoreRecord.Score memory s,
        uint256 amount
    ) internal returns (uint256 taken) {
        uint256 left;
        (left, taken) = _capped(c.bond, amount);
        _setBond(a, c, s, left);
    }

    /// @dev For views: the bond after `misses` missed reveals not yet booked, with the record's
    /// `bonded` flag updated to match (what `_settle` would leave).
    function _bondAfterMisses(
        uint256 agreementId,
        uint256 candidateId,
        Agreement storage a,
        ScoreRecord.Score memory s,
        uint256 misses
    ) internal view returns (uint256 bond) {
        bond = _candidates[agreementId][candidateId].bond;
        if (misses == 0) return bond;
        (bond, ) = _capped(bond, uint256(a.missPenalty) * misses);
        s.bonded = bond >= a.minBond;
    }

    /// @dev Shifts the pending window so bit 0 is the lowest pending target (keeps room for new ones).
    function _rebase(ScoreRecord.Score memory s, uint256 mask) internal pure {
        if (mask == 0) {
            s.pendingMask = 0;
            return;
        }
        uint256 shift = 0;
        while (mask & (1 << shift) == 0) ++shift;
        s.pendingBase += uint32(shift);
        s.pendingMask = uint16(mask >> shift);
    }

    /// @dev Loads a candidate's score record, applies missed reveals up to now, books the penalty into
    /// the treasury and records the misses. The caller writes the returned record back.
    function _loadSettled(
        uint256 agreementId,
        uint256 candidateId,
        Agreement storage a
    ) internal returns (ScoreRecord.Score memory s) {
        s = _loadScore(agreementId, candidateId);
        _settle(agreementId, candidateId, a, s);
    }

    /// @dev The settling half of `_loadSettled`, for a record already in memory.
    function _settle(
        uint256 agreementId,
        uint256 candidateId,
        Agreement storage a,
        ScoreRecord.Score memory s
    ) internal {
        uint32 misses = _applyMissed(agreementId, a, s, block.timestamp);
        if (misses != 0) {
            Candidate storage c = _candidates[agreementId][candidateId];
            uint256 penalty = _takeFromBond(a, c, s, uint256(a.missPenalty) * misses);
            _treasury[agreementId][a.bondToken] += penalty;
            c.misses += misses;
            emit RevealsMissed(agreementId, candidateId, misses, penalty, s.score);
        }
    }

    /// @dev Eligibility (DESIGN §5) of an effective score record.
    function _isEligible(Agreement storage a, ScoreRecord.Score memory s) internal view returns (bool) {
        return s.status == _ACTIVE && s.bonded && s.scoredCount >= a.minScored;
    }
}
