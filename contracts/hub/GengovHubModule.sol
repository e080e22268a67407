// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Arrays} from "@openzeppelin/contracts/utils/Arrays.sol";

import {IGengovHub} from "../interfaces/IGengovHub.sol";
// The record's offsets and masks are used in `_bestKeys`'s assembly, which solhint does not read.
// solhint-disable no-unused-import
import {
    COUNT_MASK,
    COUNT_OFFSET,
    CURSOR_MASK,
    CURSOR_OFFSET,
    RECORD_MASK,
    SCORE_MASK,
    Score,
    ScoreRecord,
    UNITS_MASK,
    UNITS_OFFSET
} from "../libraries/ScoreRecord.sol";
// solhint-enable no-unused-import
import {AgreementValidator} from "./AgreementValidator.sol";
import {HubStorage} from "./HubStorage.sol";
import {COMMITMENT_RING, MAX_JURY_CONSIDERED, MAX_JURY_SIZE, MAX_REPORTERS} from "./Limits.sol";
import {ForecastCommitment} from "../libraries/ForecastCommitment.sol";
import {Settlement} from "../libraries/Settlement.sol";

/// @title GengovHubModule
/// @notice Code the hub runs on its own storage through DELEGATECALL: agreement creation, the
/// arbiter's reporter-set change, and the heavy read-only views `agreement` and `ranking`. None of
/// them is on a hot path (commit, reveal, report, inputs, selection, execution hooks), so they live
/// here and keep the hub's runtime code within 20 KB. The hub creates this contract in
/// its constructor and routes the four `IGengovHub` functions to it (see `ModuleCalls`); each has
/// the same signature, arguments and errors here as in `IGengovHub`.
/// @dev Shares the hub's layout by inheriting `HubStorage` and declaring no state of its own. Called
/// directly (not through the hub) it reads and writes only its own, otherwise unused storage, and no
/// function here moves tokens.
contract GengovHubModule is HubStorage, AgreementValidator {
    /// @notice `IGengovHub.createAgreement`, run in the hub's storage: validates the parameters,
    /// stores the agreement, emits `AgreementCreated` with the call's own calldata.
    /// @param p The agreement's parameters; `genesis` 0 means "now".
    /// @param text The agreement in natural language (only its keccak256 is stored).
    /// @return agreementId The new agreement's id (from 1).
    function createAgreement(
        IGengovHub.AgreementParams calldata p,
        string calldata text
    ) external returns (uint256 agreementId) {
        if (bytes(text).length == 0) revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.text);
        _validateParams(p);
        // A jury needs the jury contract attached.
        if (p.jury.jurySize != 0 && _jury == address(0))
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.jurySize);
        agreementId = ++_agreementCount;
        Agreement storage a = _agreements[agreementId];
        // Validated to fit 40 bits (timestamps until the year 36,812).
        a.genesis = uint40(p.genesis == 0 ? block.timestamp : p.genesis);
        a.epochLength = p.epochLength;
        a.reportWindow = p.reportWindow;
        a.revealWindow = p.revealWindow;
        a.executionWindow = p.executionWindow;
        a.challengePeriod = p.challengePeriod;
        a.rulingPeriod = p.rulingPeriod;
        a.horizon = p.horizon;
        a.selection = IGengovHub.Selection(p.selection);
        a.maxScore = p.maxScore;
        a.maxInputsPerSender = p.maxInputsPerSender;
        a.bondToken = p.bondToken;
        a.alpha = p.alpha;
        a.minScored = p.minScored;
        a.openInputs = p.openInputs;
        a.arbiter = p.arbiter;
        a.margin = p.margin;
        a.minBond = p.minBond;
        a.missPenalty = p.missPenalty;
        a.rejectPenalty = p.rejectPenalty;
        a.challengeBond = p.challengeBond;
        a.randomness = p.randomness;
        a.eta = p.eta;
        a.exitDelay = p.exitDelay;
        a.maxInputBytes = p.maxInputBytes;
        a.maxInputsPerEpoch = p.maxInputsPerEpoch;
        a.textHash = keccak256(bytes(text));
        _storeMetrics(agreementId, a, p.metrics);
        _storeReporters(agreementId, a, p.reporters, p.quorum);
        _storeCapsAndAllowlist(agreementId, a, p);
        if (p.jury.jurySize != 0) _juries[agreementId] = p.jury;
        emit IGengovHub.AgreementCreated(agreementId, msg.sender, a.textHash, msg.data[4:]);
    }

    /// @notice `IGengovHub.setReporters`, run in the hub's storage: only the agreement's arbiter.
    /// @param agreementId The agreement.
    /// @param reporters The new reporter set (distinct, nonzero, at most 32).
    /// @param quorum Reports needed for an outcome (1 to the number of reporters).
    function setReporters(uint256 agreementId, address[] calldata reporters, uint8 quorum) external {
        Agreement storage a = _agreement(agreementId);
        if (msg.sender != a.arbiter) revert IGengovHub.CallerNotArbiter(msg.sender);
        address[] storage old = a.reporters;
        for (uint256 i = 0; i < old.length; ++i) _isReporter[agreementId][old[i]] = false;
        delete a.reporters;
        _storeReporters(agreementId, a, reporters, quorum);
        emit IGengovHub.ReportersChanged(agreementId, reporters, quorum);
    }

    // ─────────────────────────────────────────── views ───────────────────────────────────────────

    /// @notice `IGengovHub.agreement`: the parameters an agreement was created with (its current
    /// reporter set), its text hash and its candidate count.
    /// @param agreementId The agreement.
    /// @return p The parameters as created (reporters: current set).
    /// @return textHash keccak256 of the text.
    /// @return candidateCount Number of registered candidates.
    function agreement(
        uint256 agreementId
    ) external view returns (IGengovHub.AgreementParams memory p, bytes32 textHash, uint256 candidateCount) {
        Agreement storage a = _agreement(agreementId);
        p.genesis = a.genesis;
        p.epochLength = a.epochLength;
        p.horizon = a.horizon;
        p.reportWindow = a.reportWindow;
        p.revealWindow = a.revealWindow;
        p.executionWindow = a.executionWindow;
        p.challengePeriod = a.challengePeriod;
        p.rulingPeriod = a.rulingPeriod;
        p.metrics = new IGengovHub.Metric[](a.metricCount);
        for (uint256 i = 0; i < a.metricCount; ++i) {
            MetricConfig storage m = _metrics[agreementId][i];
            p.metrics[i] = IGengovHub.Metric({
                name: m.name,
                decimals: m.decimals,
                lossKind: m.lossKind,
                scale: m.scale
            });
        }
        p.reporters = a.reporters;
        p.quorum = a.quorum;
        p.arbiter = a.arbiter;
        p.bondToken = a.bondToken;
        p.minBond = a.minBond;
        p.missPenalty = a.missPenalty;
        p.rejectPenalty = a.rejectPenalty;
        p.challengeBond = a.challengeBond;
        p.exitDelay = a.exitDelay;
        p.alpha = a.alpha;
        p.minScored = a.minScored;
        p.selection = uint8(a.selection);
        p.maxScore = a.maxScore;
        p.margin = a.margin;
        p.eta = a.eta;
        p.randomness = a.randomness;
        p.capTokens = a.capTokens;
        p.maxOutflowPerEpoch = new uint256[](a.capTokens.length);
        for (uint256 i = 0; i < a.capTokens.length; ++i) {
            p.maxOutflowPerEpoch[i] = _outflowCap[agreementId][a.capTokens[i]];
        }
        p.openInputs = a.openInputs;
        p.maxInputBytes = a.maxInputBytes;
        p.maxInputsPerEpoch = a.maxInputsPerEpoch;
        p.maxInputsPerSender = a.maxInputsPerSender;
        p.jury = _juries[agreementId];
        return (p, a.textHash, a.candidateCount);
    }

    /// @notice `IGengovHub.forecastCommitment`: the commitment of a forecast.
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @param targetEpoch The target.
    /// @param values The forecast.
    /// @param salt The salt.
    /// @return The commitment.
    function forecastCommitment(
        uint256 agreementId,
        uint256 candidateId,
        uint64 targetEpoch,
        int128[] calldata values,
        bytes32 salt
    ) external view returns (bytes32) {
        return ForecastCommitment.hash(agreementId, candidateId, targetEpoch, values, salt);
    }

    /// @notice `IGengovHub.forecastSlot`: a target's commitment slot and whether it is still owed.
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @param targetEpoch The target.
    /// @return commitment The slot's commitment.
    /// @return pending Whether a reveal for the target is still owed.
    function forecastSlot(
        uint256 agreementId,
        uint256 candidateId,
        uint64 targetEpoch
    ) external view returns (bytes32 commitment, bool pending) {
        Score memory s = _loadScore(agreementId, candidateId);
        commitment = _commitments[agreementId][candidateId][targetEpoch % COMMITMENT_RING];
        pending =
            commitment != bytes32(0) &&
            targetEpoch >= s.cursor &&
            (s.status == _ACTIVE ||
                (s.status == _EXITING && targetEpoch <= _candidates[agreementId][candidateId].lastTarget));
    }

    /// @notice `IGengovHub.ranking`: the candidates eligible for `epoch`'s selection, best score
    /// first (ties to the lower id), with their scores.
    /// @param agreementId The agreement.
    /// @param epoch The epoch whose selection the ranking reads.
    /// @return ids Candidate ids, best first.
    /// @return scores Their effective scores (WAD).
    function ranking(
        uint256 agreementId,
        uint64 epoch
    ) external view returns (uint256[] memory ids, uint256[] memory scores) {
        Agreement storage a = _agreement(agreementId);
        uint256 n = a.candidateCount;
        uint256 floor = _upToDateFloor(agreementId, epoch);
        // Keys `score << 32 | id` order by (score, id); they are unique, so any sort gives one order.
        uint256[] memory keys = new uint256[](n);
        uint256 count = 0;
        for (uint256 id = 1; id <= n; ++id) {
            ScoreRecord r = _recordOf(agreementId, id);
            if (r.eligible(a.minScored, a.maxScore, floor)) {
                keys[count++] = (r.score() << 32) | id;
            }
        }
        // Only the first `count` keys are filled: shorten the array to them, then sort.
        assembly ("memory-safe") {
            mstore(keys, count)
        }
        // OpenZeppelin's sort costs about a third of a plain Solidity quicksort over the same keys
        // (measured on random keys: 127,591 vs 401,452 gas for 128, 1,503,095 vs 4,141,887 for 1,024).
        Arrays.sort(keys);
        ids = new uint256[](count);
        scores = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            ids[i] = keys[i] & type(uint32).max;
            scores[i] = keys[i] >> 32;
        }
    }

    /// @notice `IGengovHub.juryOf`: the jury of a transition proposed for `epoch` by `proposer`.
    /// @dev One pass over the records (one slot per two seats) keeps the `MAX_JURY_CONSIDERED` lowest
    /// keys `score << 32 | id` in a bounded max-heap, sorted once at the end; only those are then
    /// read for their operator and owner, so the identity reads are bounded whatever the roster.
    /// @param agreementId The agreement.
    /// @param epoch The epoch, whose executor must be fixed.
    /// @param proposer The proposing candidate.
    /// @param size Jurors wanted.
    /// @param exclude Candidates that may not sit.
    /// @return jurors Candidate ids, best score first.
    function juryOf(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint256 size,
        uint256[] calldata exclude
    ) external view returns (uint256[] memory jurors) {
        Agreement storage a = _agreement(agreementId);
        if (_juries[agreementId].jurySize == 0 || size == 0) return jurors;
        if (size > MAX_JURY_SIZE) size = MAX_JURY_SIZE;
        Epoch storage ep = _epochs[agreementId][epoch];
        if (!ep.selected) revert IGengovHub.SelectionNotFixed(epoch);
        uint256[] memory best = _bestKeys(agreementId, a, epoch);
        address operator = _seats[agreementId][proposer].operator;
        address owner = _candidates[agreementId][proposer].owner;
        uint256 executor = ep.executor;
        jurors = new uint256[](size);
        uint256 seated = 0;
        for (uint256 i = 0; i < best.length && seated < size; ++i) {
            uint256 id = best[i] & type(uint32).max;
            if (
                id == executor ||
                id == proposer ||
                _seats[agreementId][id].operator == operator ||
                _candidates[agreementId][id].owner == owner ||
                _contains(exclude, id)
            ) continue;
            jurors[seated++] = id;
        }
        assembly ("memory-safe") {
            mstore(jurors, seated)
        }
    }

    /// @notice `IGengovHub.candidate`: a candidate as it stands now, with missed reveals whose
    /// deadline has passed applied (nothing is written).
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @return v The candidate.
    function candidate(
        uint256 agreementId,
        uint256 candidateId
    ) external view returns (IGengovHub.CandidateView memory v) {
        Agreement storage a = _agreement(agreementId);
        Candidate storage c = _candidateOf(agreementId, candidateId, a);
        ScoreRecord stored = _recordOf(agreementId, candidateId);
        Score memory s = stored.unpack();
        uint32 misses = 0;
        uint256 bond = c.bond;
        if (s.status != _WITHDRAWN) {
            misses = _accountTo(agreementId, a, s, _settleEnd(a, c, s, block.timestamp));
            (bond, ) = Settlement.take(bond, uint256(a.missPenalty) * misses);
            s.units = Settlement.units(bond, a.minBond);
        }
        v.owner = c.owner;
        v.operator = _seats[agreementId][candidateId].operator;
        v.specHash = c.specHash;
        v.bond = bond;
        v.score = s.score;
        v.scoredCount = s.scoredCount;
        v.misses = c.misses + misses;
        v.executions = c.executions;
        v.exitAt = c.exitAt;
        v.exiting = s.status == _EXITING;
        v.withdrawn = s.status == _WITHDRAWN;
        v.cursor = s.cursor;
        // Eligible as stored: active, bonded, scored enough, under the ceiling and up to date with
        // every due target (a record behind on its targets is not, until it reveals or is poked),
        // stepping back over void targets as the selection does: during epoch e's selection window
        // the due targets end at e, so this is exactly what the selection reads.
        v.eligible = stored.eligible(
            a.minScored,
            a.maxScore,
            _upToDateFloor(agreementId, uint64(_dueEnd(a, block.timestamp)))
        );
    }

    /// @notice `IGengovHub.drawRecords`: the records, floor and random word of `epoch`'s draw.
    /// @param agreementId The agreement.
    /// @param epoch The epoch, whose executor must be fixed.
    /// @return words The record slots.
    /// @return floor The eligibility floor.
    /// @return randomWord The epoch's random word.
    function drawRecords(
        uint256 agreementId,
        uint64 epoch
    ) external view returns (uint256[] memory words, uint256 floor, uint256 randomWord) {
        Agreement storage a = _agreement(agreementId);
        if (!_epochs[agreementId][epoch].selected) revert IGengovHub.SelectionNotFixed(epoch);
        uint256 slots = a.candidateCount / 2 + 1;
        words = new uint256[](slots);
        mapping(uint256 => uint256) storage records = _records[agreementId];
        for (uint256 p = 0; p < slots; ++p) words[p] = records[p];
        floor = _upToDateFloor(agreementId, epoch);
        randomWord = _randomWord(agreementId, a, epoch);
    }

    // ───────────────────────────────────────── internals ─────────────────────────────────────────

    function _contains(uint256[] calldata list, uint256 id) private pure returns (bool) {
        for (uint256 i = 0; i < list.length; ++i) if (list[i] == id) return true;
        return false;
    }

    /// @dev The `MAX_JURY_CONSIDERED` lowest keys `score << 32 | id` of the eligible candidates,
    /// ascending (keys are unique: the id is in them). In assembly, with the eligibility test of
    /// `ExecutorSelection._scan` (one slot per two seats). The kept keys form a max-heap in `best`:
    /// node i (from 1) at `best + 32·i`, its children at 2i and 2i + 1. Nodes 1 to
    /// `MAX_JURY_CONSIDERED` start at 2^256 − 1 (empty: above every key), nodes after them up to 31
    /// are 0 (below every key), so every node of the first four levels has two children to compare
    /// and a key reaches the bottom in four steps, unrolled and inlined for both seats of a slot. A
    /// key below the root replaces it and sinks; any other costs one comparison. The kept keys are
    /// sorted at the end and the empty nodes cut off.
    function _bestKeys(
        uint256 agreementId,
        Agreement storage a,
        uint64 epoch
    ) private view returns (uint256[] memory best) {
        uint256 n = a.candidateCount;
        uint256 floor = _upToDateFloor(agreementId, epoch);
        uint256 minScored = a.minScored;
        uint256 maxScore = a.maxScore;
        // 31 nodes: the heap's four levels below the root, whatever MAX_JURY_CONSIDERED ≤ 31 is.
        best = new uint256[](31);
        mapping(uint256 => uint256) storage records = _records[agreementId];
        uint256 base;
        assembly ("memory-safe") {
            base := records.slot
        }
        assembly ("memory-safe") {
            for {
                let i := 1
            } iszero(gt(i, MAX_JURY_CONSIDERED)) {
                i := add(i, 1)
            } {
                mstore(add(best, shl(5, i)), not(0))
            }
            mstore(0x20, base)
            for {
                let p := 0
            } iszero(gt(p, shr(1, n))) {
                p := add(p, 1)
            } {
                mstore(0x00, p)
                let word := sload(keccak256(0x00, 0x40))
                // Seat 2p, the slot's low half. An eligible key below the root replaces it and sinks,
                // one unrolled step per level, each moving the larger child up while it exceeds the key.
                {
                    let r := and(word, RECORD_MASK)
                    if and(
                        and(
                            lt(sub(shr(UNITS_OFFSET, r), 1), UNITS_MASK),
                            iszero(lt(and(shr(COUNT_OFFSET, r), COUNT_MASK), minScored))
                        ),
                        and(
                            iszero(gt(and(r, SCORE_MASK), maxScore)),
                            iszero(lt(and(shr(CURSOR_OFFSET, r), CURSOR_MASK), floor))
                        )
                    ) {
                        let key := or(shl(32, and(r, SCORE_MASK)), shl(1, p))
                        let node := add(best, 0x20)
                        if lt(key, mload(node)) {
                            let child, left, right, g
                            for {} 1 {} {
                                child := sub(shl(1, node), best)
                                left := mload(child)
                                right := mload(add(child, 0x20))
                                g := gt(right, left)
                                left := xor(left, mul(xor(left, right), g))
                                if lt(left, key) {
                                    break
                                }
                                mstore(node, left)
                                node := add(child, shl(5, g))
                                child := sub(shl(1, node), best)
                                left := mload(child)
                                right := mload(add(child, 0x20))
                                g := gt(right, left)
                                left := xor(left, mul(xor(left, right), g))
                                if lt(left, key) {
                                    break
                                }
                                mstore(node, left)
                                node := add(child, shl(5, g))
                                child := sub(shl(1, node), best)
                                left := mload(child)
                                right := mload(add(child, 0x20))
                                g := gt(right, left)
                                left := xor(left, mul(xor(left, right), g))
                                if lt(left, key) {
                                    break
                                }
                                mstore(node, left)
                                node := add(child, shl(5, g))
                                child := sub(shl(1, node), best)
                                left := mload(child)
                                right := mload(add(child, 0x20))
                                g := gt(right, left)
                                left := xor(left, mul(xor(left, right), g))
                                if lt(left, key) {
                                    break
                                }
                                mstore(node, left)
                                node := add(child, shl(5, g))
                                break
                            }
                            mstore(node, key)
                        }
                    }
                }
                // Seat 2p + 1, the high half: the same.
                {
                    let r := shr(128, word)
                    if and(
                        and(
                            lt(sub(shr(UNITS_OFFSET, r), 1), UNITS_MASK),
                            iszero(lt(and(shr(COUNT_OFFSET, r), COUNT_MASK), minScored))
                        ),
                        and(
                            iszero(gt(and(r, SCORE_MASK), maxScore)),
                            iszero(lt(and(shr(CURSOR_OFFSET, r), CURSOR_MASK), floor))
                        )
                    ) {
                        let key := or(shl(32, and(r, SCORE_MASK)), or(shl(1, p), 1))
                        let node := add(best, 0x20)
                        if lt(key, mload(node)) {
                            let child, left, right, g
                            for {} 1 {} {
                                child := sub(shl(1, node), best)
                                left := mload(child)
                                right := mload(add(child, 0x20))
                                g := gt(right, left)
                                left := xor(left, mul(xor(left, right), g))
                                if lt(left, key) {
                                    break
                                }
                                mstore(node, left)
                                node := add(child, shl(5, g))
                                child := sub(shl(1, node), best)
                                left := mload(child)
                                right := mload(add(child, 0x20))
                                g := gt(right, left)
                                left := xor(left, mul(xor(left, right), g))
                                if lt(left, key) {
                                    break
                                }
                                mstore(node, left)
                                node := add(child, shl(5, g))
                                child := sub(shl(1, node), best)
                                left := mload(child)
                                right := mload(add(child, 0x20))
                                g := gt(right, left)
                                left := xor(left, mul(xor(left, right), g))
                                if lt(left, key) {
                                    break
                                }
                                mstore(node, left)
                                node := add(child, shl(5, g))
                                child := sub(shl(1, node), best)
                                left := mload(child)
                                right := mload(add(child, 0x20))
                                g := gt(right, left)
                                left := xor(left, mul(xor(left, right), g))
                                if lt(left, key) {
                                    break
                                }
                                mstore(node, left)
                                node := add(child, shl(5, g))
                                break
                            }
                            mstore(node, key)
                        }
                    }
                }
            }
            mstore(best, MAX_JURY_CONSIDERED)
        }
        Arrays.sort(best);
        uint256 count = MAX_JURY_CONSIDERED;
        while (count > 0 && best[count - 1] == type(uint256).max) --count;
        assembly ("memory-safe") {
            mstore(best, count)
        }
    }

    function _storeMetrics(
        uint256 agreementId,
        Agreement storage a,
        IGengovHub.Metric[] calldata metrics
    ) private {
        for (uint256 i = 0; i < metrics.length; ++i) {
            IGengovHub.Metric calldata m = metrics[i];
            // scale < 2^127 leaves the top bit of its 128-bit half for the loss kind.
            if (m.scale == 0 || m.scale >= 1 << 127 || m.decimals > 18 || bytes(m.name).length == 0) {
                revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.metrics);
            }
            _lossConfigs[agreementId][i >> 1] |=
                (uint256(m.scale) | (uint256(m.lossKind) << 127)) << ((i & 1) * 128);
            _metrics[agreementId][i] = MetricConfig({
                scale: m.scale,
                lossKind: m.lossKind,
                decimals: m.decimals,
                name: m.name
            });
        }
        a.metricCount = uint8(metrics.length);
    }

    function _storeReporters(
        uint256 agreementId,
        Agreement storage a,
        address[] calldata reporters,
        uint8 quorum
    ) private {
        if (reporters.length == 0 || reporters.length > MAX_REPORTERS)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.reporters);
        for (uint256 i = 0; i < reporters.length; ++i) {
            address r = reporters[i];
            if (r == address(0) || _isReporter[agreementId][r])
                revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.reporters);
            _isReporter[agreementId][r] = true;
            a.reporters.push(r);
        }
        if (quorum == 0 || quorum > reporters.length)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.quorum);
        a.quorum = quorum;
    }

    function _storeCapsAndAllowlist(
        uint256 agreementId,
        Agreement storage a,
        IGengovHub.AgreementParams calldata p
    ) private {
        for (uint256 i = 0; i < p.capTokens.length; ++i) {
            address token = p.capTokens[i];
            if (token == address(0) || _outflowCap[agreementId][token] != 0 || p.maxOutflowPerEpoch[i] == 0) {
                revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.capTokens);
            }
            _outflowCap[agreementId][token] = p.maxOutflowPerEpoch[i];
            a.capTokens.push(token);
        }
        for (uint256 i = 0; i < p.inputAllowlist.length; ++i) {
            if (p.inputAllowlist[i] == address(0))
                revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.inputAllowlist);
            _inputAllowed[agreementId][p.inputAllowlist[i]] = true;
        }
    }
}
