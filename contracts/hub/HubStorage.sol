// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {IRandomnessSource} from "../interfaces/IRandomnessSource.sol";
import {LossMath} from "../libraries/LossMath.sol";
import {Score, ScoreRecord, ScoreRecordLibrary} from "../libraries/ScoreRecord.sol";
import {Settlement} from "../libraries/Settlement.sol";
import {COMMITMENT_RING, MAX_VOID_LOOKBACK, SETTLE_CHUNK} from "./Limits.sol";

/// @title HubStorage
/// @notice State shared by the hub's modules, the epoch clock, and the lazy application of missed
/// reveals (the rules are `Settlement`'s; this contract reads and writes storage around them).
/// Layout is packed for the hot paths: a commit reads one seat slot and overwrites a reused
/// commitment slot; the selection scan reads one slot per two candidates. It does not inherit
/// `IGengovHub` (its types are named through it), so `GengovHubModule` can be a deployable contract
/// over the very same layout; every part of the hub adds `IGengovHub` itself.
abstract contract HubStorage is ReentrancyGuardTransient {
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
        // slot 1: what the selection scan reads
        address bondToken;
        IGengovHub.Selection selection;
        uint16 minScored;
        bool openInputs;
        uint64 maxScore;
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
        uint96 eta;
        // slot 6
        uint32 maxInputBytes;
        uint32 maxInputsPerEpoch;
        uint32 maxInputsPerSender;
        uint16 candidateCount;
        uint32 lastExecutor;
        uint32 lastInputEpoch;
        bool anyInput;
        uint32 exitDelay;
        uint32 challengePeriod;
        // slot 7+
        bytes32 textHash;
        bytes32 inputsHead;
        address[] reporters;
        address[] capTokens;
        /// @dev Seats of withdrawn candidates, reused by the next registrations.
        uint16[] freeIds;
    }

    struct MetricConfig {
        uint128 scale;
        LossMath.LossKind lossKind;
        uint8 decimals;
        string name;
    }

    /// @dev A candidate's cold fields (read by owner actions, penalties and views). `lastTarget` is
    /// the last target an exiting candidate still answers for.
    struct Candidate {
        address owner;
        uint64 exitAt;
        uint32 misses;
        bytes32 specHash;
        uint96 bond;
        uint32 executions;
        uint32 lastTarget;
    }

    /// @dev What a commit reads, in one slot: who may commit and reveal, a copy of the agreement's
    /// clock (immutable, so the copy never goes stale), and whether reveals feed the epoch's beacon.
    struct Seat {
        address operator;
        uint40 genesis;
        uint32 epochLength;
        uint8 horizon;
        bool beacon;
    }

    struct Epoch {
        bytes32 inputsHash;
        uint32 inputCount;
        uint8 reportCount;
        IGengovHub.OutcomeStatus outcomeStatus;
        bool selected;
        uint32 executor;
        uint32 fallbackExecutor;
        // Link to the previous epoch that had inputs, so the chain head at any epoch end is O(1) to find.
        uint32 prevInputEpoch;
        bool hasPrevInput;
        // The quorum in force at the epoch's last report: a later reporter-set change never
        // re-decides whether an epoch is void.
        uint8 quorum;
        // XOR of the low 64 bits of every salt revealed for this target (Weighted agreements without
        // an external randomness source): the randomness of the next epoch's draw.
        uint64 beacon;
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
    /// @dev Score records (`ScoreRecord`), two per slot: candidate `id` is in slot `id >> 1`.
    mapping(uint256 agreementId => mapping(uint256 pair => uint256)) internal _records;
    mapping(uint256 agreementId => mapping(uint256 candidateId => bytes32[COMMITMENT_RING]))
        internal _commitments;

    mapping(uint256 agreementId => mapping(uint64 epoch => Epoch)) internal _epochs;
    mapping(uint256 agreementId => mapping(uint64 epoch => mapping(uint256 index => int128[8])))
        internal _reports;
    mapping(uint256 agreementId => mapping(uint64 epoch => mapping(address reporter => uint256 indexPlusOne)))
        internal _reportIndex;
    mapping(uint256 agreementId => mapping(uint64 epoch => int128[8])) internal _outcomes;
    mapping(uint256 agreementId => mapping(uint64 epoch => mapping(address sender => uint256 count)))
        internal _inputsBySender;
    /// @dev Each agreement's jury parameters as created (all zero: no jury).
    mapping(uint256 agreementId => IGengovHub.JuryParams) internal _juries;
    /// @dev The jury contract, attached once by the hub's deployer (`attachJury`); 0 = none yet.
    address internal _jury;
    /// @dev The judgement contract, attached once by the hub's deployer (`attachJudgement`); 0 = none.
    address internal _judgement;
    /// @dev The conditional-forecast (futarchy) contract, attached once by the deployer; zero until then.
    address internal _conditional;

    // ───────────────────────────────────────── lookups ─────────────────────────────────────────

    function _agreement(uint256 agreementId) internal view returns (Agreement storage a) {
        a = _agreements[agreementId];
        if (a.epochLength == 0) revert IGengovHub.AgreementUnknown(agreementId);
    }

    function _candidateOf(
        uint256 agreementId,
        uint256 candidateId,
        Agreement storage a
    ) internal view returns (Candidate storage c) {
        if (candidateId == 0 || candidateId > a.candidateCount)
            revert IGengovHub.CandidateUnknown(candidateId);
        c = _candidates[agreementId][candidateId];
    }

    // ─────────────────────────────────────────── clock ───────────────────────────────────────────

    function _epochAt(uint256 agreementId, Agreement storage a, uint256 t) internal view returns (uint64) {
        if (t < a.genesis) revert IGengovHub.AgreementNotStarted(agreementId, a.genesis);
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

    /// @dev Candidate `candidateId`'s packed score record.
    function _recordOf(uint256 agreementId, uint256 candidateId) internal view returns (ScoreRecord) {
        return ScoreRecordLibrary.half(_records[agreementId][candidateId >> 1], candidateId);
    }

    /// @dev Candidate `candidateId`'s score record, unpacked.
    function _loadScore(uint256 agreementId, uint256 candidateId) internal view returns (Score memory) {
        return _recordOf(agreementId, candidateId).unpack();
    }

    function _storeScore(uint256 agreementId, uint256 candidateId, Score memory s) internal {
        mapping(uint256 => uint256) storage records = _records[agreementId];
        uint256 pair = candidateId >> 1;
        records[pair] = ScoreRecordLibrary.replace(records[pair], candidateId, s.pack());
    }

    // ───────────────────────────────────── participation ─────────────────────────────────────

    /// @dev Whether target t's outcome is void. Only called once t's report window has ended.
    function _isVoid(uint256 agreementId, uint64 target) internal view returns (bool) {
        Epoch storage ep = _epochs[agreementId][target];
        if (ep.outcomeStatus != IGengovHub.OutcomeStatus.Pending)
            return ep.outcomeStatus == IGengovHub.OutcomeStatus.Void;
        return ep.reportCount == 0 || ep.reportCount < ep.quorum;
    }

    /// @dev The first target a record must have accounted for to be eligible for `epoch`: `epoch`
    /// itself, stepped back over the void targets just before it (nobody can be scored on those), at
    /// most MAX_VOID_LOOKBACK of them. Called once the report window of `epoch − 1` has ended.
    function _upToDateFloor(uint256 agreementId, uint64 epoch) internal view returns (uint256 floor) {
        floor = epoch;
        while (floor != 0 && epoch - floor < MAX_VOID_LOOKBACK && _isVoid(agreementId, uint64(floor - 1))) {
            --floor;
        }
    }

    /// @dev The draw's randomness: the agreement's external source if it has one, otherwise the
    /// beacon of the previous target — salts committed at least `horizon` epochs earlier and revealed
    /// before this epoch ended, so no caller chooses it by choosing a block.
    function _randomWord(
        uint256 agreementId,
        Agreement storage a,
        uint64 epoch
    ) internal view returns (uint256) {
        if (a.randomness != address(0)) return IRandomnessSource(a.randomness).randomWord(agreementId, epoch);
        uint64 beacon = epoch == 0 ? 0 : _epochs[agreementId][epoch - 1].beacon;
        return uint256(keccak256(abi.encode(agreementId, epoch, beacon)));
    }

    /// @dev The first target whose reveal deadline is after `t`: every earlier target is due.
    function _dueEnd(Agreement storage a, uint256 t) internal view returns (uint256) {
        return Settlement.dueEnd(a.genesis, a.epochLength, a.reportWindow, a.revealWindow, t);
    }

    /// @dev Where settling may stop for a record at time `t`: the due targets, and for an exiting
    /// candidate no further than its last obligated target.
    function _settleEnd(
        Agreement storage a,
        Candidate storage c,
        Score memory s,
        uint256 t
    ) internal view returns (uint256) {
        return Settlement.settleEnd(_dueEnd(a, t), s.status == _ACTIVE, c.lastTarget);
    }

    /// @dev Accounts, in memory, targets [cursor, end): a void target is skipped, any other is a miss
    /// (worst loss, closed form) — a forecast never committed and one never revealed alike. Returns
    /// the number of misses. Targets in the range must be due.
    function _accountTo(
        uint256 agreementId,
        Agreement storage a,
        Score memory s,
        uint256 end
    ) internal view returns (uint32 misses) {
        uint256 t = s.cursor;
        if (t >= end) return 0;
        for (; t < end; ++t) {
            if (!_isVoid(agreementId, uint64(t))) ++misses;
        }
        Settlement.applyMisses(s, a.alpha, misses, end);
    }

    /// @dev Accounts targets [cursor, end) and books each miss's `missPenalty` from the bond into the
    /// treasury. The caller writes the record back.
    function _settleTo(
        uint256 agreementId,
        uint256 candidateId,
        Agreement storage a,
        Candidate storage c,
        Score memory s,
        uint256 end
    ) internal returns (uint32 misses) {
        misses = _accountTo(agreementId, a, s, end);
        if (misses != 0) {
            uint256 penalty = _takeFromBond(a, c, s, uint256(a.missPenalty) * misses);
            _treasury[agreementId][a.bondToken] += penalty;
            c.misses += misses;
            emit IGengovHub.RevealsMissed(agreementId, candidateId, misses, penalty, s.score);
        }
    }

    /// @dev Settles what is due now, at most SETTLE_CHUNK targets, so a long-dormant record is settled
    /// in bounded steps. The caller writes the record back.
    function _settleDue(
        uint256 agreementId,
        uint256 candidateId,
        Agreement storage a,
        Candidate storage c,
        Score memory s
    ) internal returns (uint32) {
        uint256 end = _settleEnd(a, c, s, block.timestamp);
        if (end > uint256(s.cursor) + SETTLE_CHUNK) end = uint256(s.cursor) + SETTLE_CHUNK;
        return _settleTo(agreementId, candidateId, a, c, s, end);
    }

    /// @dev Writes a candidate's bond; the record's `units` (whole minBonds) follow it. Bonds are
    /// capped at MAX_BOND_UNITS·minBond where they enter, so units fit their 18 bits.
    function _setBond(Agreement storage a, Candidate storage c, Score memory s, uint256 bond) internal {
        c.bond = uint96(bond);
        s.units = Settlement.units(bond, a.minBond);
    }

    /// @dev The one place a penalty leaves a bond (misses, rejected transitions): at most the whole
    /// bond is taken. Returns what was taken.
    function _takeFromBond(
        Agreement storage a,
        Candidate storage c,
        Score memory s,
        uint256 amount
    ) internal returns (uint256 taken) {
        uint256 left;
        (left, taken) = Settlement.take(c.bond, amount);
        _setBond(a, c, s, left);
    }
}
