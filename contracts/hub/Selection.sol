// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {IRandomnessSource} from "../interfaces/IRandomnessSource.sol";
import {LossMath} from "../libraries/LossMath.sol";
import {HubStorage} from "./HubStorage.sol";

/// @title Selection
/// @notice Fixes each epoch's executor from effective scores at the epoch's end (DESIGN §5): Leader
/// with hysteresis, or a draw weighted by exp(−eta·(S − S_min)). One cold slot read per candidate.
abstract contract Selection is HubStorage {
    /// @inheritdoc IGengovHub
    function selectExecutor(uint256 agreementId, uint64 epoch) external returns (uint256, uint256) {
        Agreement storage a = _agreement(agreementId);
        Epoch storage ep = _ensureSelected(agreementId, a, epoch);
        return (ep.executor, ep.fallbackExecutor);
    }

    /// @inheritdoc IGengovHub
    function executorOf(
        uint256 agreementId,
        uint64 epoch
    ) external view returns (uint256 executor, uint256 fallbackCandidate, bool isFixed) {
        Agreement storage a = _agreement(agreementId);
        Epoch storage ep = _epochs[agreementId][epoch];
        if (ep.selected) return (ep.executor, ep.fallbackExecutor, true);
        (uint256 opens, uint256 closes) = _selectionWindow(a, epoch);
        if (block.timestamp < opens || block.timestamp >= closes) return (0, 0, false);
        (executor, fallbackCandidate) = _computeSelection(agreementId, a, epoch);
    }

    /// @inheritdoc IGengovHub
    function ranking(
        uint256 agreementId,
        uint64 epoch
    ) external view returns (uint256[] memory ids, uint256[] memory scores) {
        Agreement storage a = _agreement(agreementId);
        uint256 n = a.candidateCount;
        Bar memory bar = _bar(a, epoch);
        mapping(uint256 => Score) storage scores_ = _scores[agreementId];
        ids = new uint256[](n);
        scores = new uint256[](n);
        uint256 count = 0;
        for (uint256 id = 1; id <= n; ++id) {
            (bool eligible, uint256 score) = _effective(agreementId, a, scores_, id, bar);
            if (!eligible) continue;
            // Insertion keeps (score, id) ascending; ids arrive ascending so ties stay by id.
            uint256 j = count++;
            while (j > 0 && scores[j - 1] > score) {
                ids[j] = ids[j - 1];
                scores[j] = scores[j - 1];
                --j;
            }
            ids[j] = id;
            scores[j] = score;
        }
        assembly ("memory-safe") {
            mstore(ids, count)
            mstore(scores, count)
        }
    }

    /// @dev Fixes the executor of `epoch` if not yet fixed; only inside its selection window.
    function _ensureSelected(
        uint256 agreementId,
        Agreement storage a,
        uint64 epoch
    ) internal returns (Epoch storage ep) {
        ep = _epochs[agreementId][epoch];
        if (ep.selected) return ep;
        (uint256 opens, uint256 closes) = _selectionWindow(a, epoch);
        if (block.timestamp < opens || block.timestamp >= closes) {
            revert SelectionWindowClosed(epoch, uint64(opens), uint64(closes));
        }
        (uint256 executor, uint256 fallbackCandidate) = _computeSelection(agreementId, a, epoch);
        ep.selected = true;
        ep.executor = uint32(executor);
        ep.fallbackExecutor = uint32(fallbackCandidate);
        if (executor != 0) a.lastExecutor = uint32(executor);
        emit ExecutorSelected(agreementId, epoch, executor, fallbackCandidate);
    }

    /// @dev [end(e), end(e) + reportWindow + revealWindow): scores cannot change in it except by
    /// reveals for target e, and the first of those fixes the selection before scoring.
    function _selectionWindow(Agreement storage a, uint64 epoch) internal view returns (uint256, uint256) {
        uint256 opens = _epochEnd(a, epoch);
        return (opens, opens + a.reportWindow + a.revealWindow);
    }

    /// @dev Loop-invariant inputs of the effective-score computation, read once per selection.
    struct Bar {
        uint256 minBond;
        uint256 minScored;
        uint256 asOf;
        uint64 epoch;
    }

    function _bar(Agreement storage a, uint64 epoch) internal view returns (Bar memory) {
        return Bar(a.minBond, a.minScored, _epochEnd(a, epoch), epoch);
    }

    /// @dev Effective eligibility and score at the end of `bar.epoch` (missed reveals with deadlines
    /// at or before it applied). Only targets before the epoch can have such deadlines, since
    /// reportWindow + revealWindow ≤ epochLength, so most candidates skip the miss computation.
    function _effective(
        uint256 agreementId,
        Agreement storage a,
        mapping(uint256 candidateId => Score) storage scores,
        uint256 candidateId,
        Bar memory bar
    ) internal view returns (bool eligible, uint256 score) {
        Score memory s = scores[candidateId];
        if (s.pendingMask != 0 && s.pendingBase < bar.epoch) _applyMissed(agreementId, a, s, bar.asOf);
        return (s.status == _ACTIVE && s.bond >= bar.minBond && s.scoredCount >= bar.minScored, s.score);
    }

    /// @dev Running result of the selection loop (a struct keeps the stack shallow).
    struct Tally {
        uint256 best;
        uint256 bestScore;
        uint256 second;
        uint256 secondScore;
        uint256 incumbentScore;
        uint256 count;
    }

    function _computeSelection(
        uint256 agreementId,
        Agreement storage a,
        uint64 epoch
    ) internal view returns (uint256 executor, uint256 fallbackCandidate) {
        uint256 n = a.candidateCount;
        Bar memory bar = _bar(a, epoch);
        mapping(uint256 => Score) storage scores_ = _scores[agreementId];
        bool weighted = a.selection == Selection.Weighted;
        uint256 incumbent = a.lastExecutor;
        Tally memory t = Tally(0, type(uint256).max, 0, type(uint256).max, type(uint256).max, 0);
        uint256[] memory ids = new uint256[](weighted ? n : 0);
        uint256[] memory scores = new uint256[](weighted ? n : 0);
        for (uint256 id = 1; id <= n; ++id) {
            (bool eligible, uint256 score) = _effective(agreementId, a, scores_, id, bar);
            if (!eligible) continue;
            if (score < t.bestScore) {
                (t.second, t.secondScore) = (t.best, t.bestScore);
                (t.best, t.bestScore) = (id, score);
            } else if (score < t.secondScore) {
                (t.second, t.secondScore) = (id, score);
            }
            if (id == incumbent) t.incumbentScore = score;
            if (weighted) {
                ids[t.count] = id;
                scores[t.count] = score;
                ++t.count;
            }
        }
        if (t.best == 0) return (0, 0);
        if (weighted) {
            executor = _draw(agreementId, a, epoch, ids, scores, t.count, t.bestScore);
        } else {
            executor = t.best;
            // Hysteresis: an eligible incumbent keeps the seat unless beaten by more than `margin`.
            if (
                t.incumbentScore != type(uint256).max &&
                incumbent != t.best &&
                t.bestScore + a.margin >= t.incumbentScore
            ) executor = incumbent;
        }
        fallbackCandidate = executor == t.best ? t.second : t.best;
    }

    function _draw(
        uint256 agreementId,
        Agreement storage a,
        uint64 epoch,
        uint256[] memory ids,
        uint256[] memory scores,
        uint256 count,
        uint256 minScore
    ) private view returns (uint256) {
        uint256 eta = a.eta;
        uint256 total = 0;
        for (uint256 i = 0; i < count; ++i) {
            // Reuse the scores array for weights; (S − S_min) ≤ 1e18 and eta < 2^64, no overflow.
            scores[i] = LossMath.expNegWad((eta * (scores[i] - minScore)) / _WAD);
            total += scores[i];
        }
        uint256 pick = IRandomnessSource(a.randomness).randomWord(agreementId, epoch) % total;
        for (uint256 i = 0; i < count; ++i) {
            if (pick < scores[i]) return ids[i];
            pick -= scores[i];
        }
        return ids[count - 1]; // unreachable: pick < total
    }
}
