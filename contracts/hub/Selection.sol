// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {IRandomnessSource} from "../interfaces/IRandomnessSource.sol";
import {LossMath} from "../libraries/LossMath.sol";
import {ScoreRecord} from "../libraries/ScoreRecord.sol";
import {HubStorage} from "./HubStorage.sol";
import {WAD} from "./Limits.sol";

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
        // Keys `score << 32 | id` order by (score, id); they are unique, so any sort gives one order.
        uint256[] memory keys = new uint256[](n);
        uint256 count = 0;
        for (uint256 id = 1; id <= n; ++id) {
            (bool eligible, uint256 score) = _effective(agreementId, a, id, _recordOf(agreementId, id), bar);
            if (eligible) keys[count++] = (score << 32) | id;
        }
        if (count > 1) _sort(keys, 0, int256(count) - 1);
        ids = new uint256[](count);
        scores = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            ids[i] = keys[i] & type(uint32).max;
            scores[i] = keys[i] >> 32;
        }
    }

    /// @dev In-place quicksort of distinct keys, ascending: O(N log N) expected, so `ranking` of the
    /// largest agreement (1024 candidates) fits an eth_call. Recurses into the smaller part only.
    function _sort(uint256[] memory keys, int256 lo, int256 hi) private pure {
        while (lo < hi) {
            uint256 pivot = keys[uint256(lo + (hi - lo) / 2)];
            int256 i = lo;
            int256 j = hi;
            while (i <= j) {
                while (keys[uint256(i)] < pivot) ++i;
                while (keys[uint256(j)] > pivot) --j;
                if (i <= j) {
                    (keys[uint256(i)], keys[uint256(j)]) = (keys[uint256(j)], keys[uint256(i)]);
                    ++i;
                    --j;
                }
            }
            if (j - lo < hi - i) {
                if (lo < j) _sort(keys, lo, j);
                lo = i;
            } else {
                if (i < hi) _sort(keys, i, hi);
                hi = j;
            }
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
        uint256 minScored;
        uint256 asOf;
        uint64 epoch;
    }

    function _bar(Agreement storage a, uint64 epoch) internal view returns (Bar memory) {
        return Bar(a.minScored, _epochEnd(a, epoch), epoch);
    }

    /// @dev Effective eligibility and score at the end of `bar.epoch` (missed reveals with deadlines
    /// at or before it applied) from a packed record.
    function _effective(
        uint256 agreementId,
        Agreement storage a,
        uint256 candidateId,
        uint256 r,
        Bar memory bar
    ) internal view returns (bool eligible, uint256 score) {
        if (ScoreRecord.settledBefore(r, bar.epoch)) {
            return (ScoreRecord.eligibleAsIs(r, bar.minScored), ScoreRecord.score(r));
        }
        return _effectiveSlow(agreementId, a, candidateId, r, bar);
    }

    function _effectiveSlow(
        uint256 agreementId,
        Agreement storage a,
        uint256 candidateId,
        uint256 r,
        Bar memory bar
    ) private view returns (bool, uint256) {
        ScoreRecord.Score memory s = ScoreRecord.decode(r);
        uint32 misses = _applyMissed(agreementId, a, s, bar.asOf);
        // Only a miss can change the bond; without one, skip reading it.
        if (misses != 0) _bondAfterMisses(agreementId, candidateId, a, s, misses);
        return (_isEligible(a, s), s.score);
    }

    /// @dev Running result of the scan, shared by its assembly and Solidity parts. A key is
    /// `score << 32 | id`: ordering keys orders by score, ties to the lower id (ids < 2^32).
    struct Tally {
        uint256 best;
        uint256 second;
        uint256 count;
    }

    uint256 private constant _NONE = type(uint256).max;

    /// @dev The scan: one cold slot per two candidates (ids 2p and 2p + 1 share slot p). Keeps the
    /// two lowest keys, and for Weighted every eligible (id, score) in id order. `_scanRun` covers
    /// the records with nothing to settle; each one it stops at is settled here.
    function _computeSelection(
        uint256 agreementId,
        Agreement storage a,
        uint64 epoch
    ) internal view returns (uint256 executor, uint256 fallbackCandidate) {
        uint256 n = a.candidateCount;
        Bar memory bar = _bar(a, epoch);
        // Weighted collects (id, score) pairs interleaved: out[2i] = id, out[2i + 1] = score.
        uint256[] memory out = new uint256[](a.selection == Selection.Weighted ? 2 * n : 0);
        Tally memory t = Tally(_NONE, _NONE, 0);
        uint256 base;
        mapping(uint256 => uint256) storage records = _records[agreementId];
        assembly ("memory-safe") {
            base := records.slot
        }
        uint256 key = uint256(epoch) | (bar.minScored << 64);
        for (uint256 id = 1; id <= n; ++id) {
            uint256 r;
            (id, r) = _scanRun(base, id, n, key, t, out);
            if (id > n) break;
            (bool eligible, uint256 score) = _effectiveSlow(agreementId, a, id, r, bar);
            if (eligible) _consider(t, out, id, score);
        }
        if (t.best == _NONE) return (0, 0);
        uint256 best = t.best & type(uint32).max;
        uint256 second = t.second == _NONE ? 0 : t.second & type(uint32).max;
        if (out.length != 0) {
            executor = _draw(agreementId, a, epoch, out, t.count, t.best >> 32);
        } else {
            executor = _withHysteresis(agreementId, a, bar, best, t.best >> 32);
        }
        fallbackCandidate = executor == best ? second : best;
    }

    /// @dev Adds an eligible (id, score) to the tally: the Solidity twin of the update in `_scanRun`.
    function _consider(Tally memory t, uint256[] memory out, uint256 id, uint256 score) private pure {
        uint256 k = (score << 32) | id;
        if (k < t.best) (t.second, t.best) = (t.best, k);
        else if (k < t.second) t.second = k;
        if (out.length != 0) {
            out[2 * t.count] = id;
            out[2 * t.count + 1] = score;
            ++t.count;
        }
    }

    /// @dev The hot loop, in assembly (Solidity spills its locals to memory here and costs about
    /// twice the gas per candidate): from `id`, tallies every record with nothing to settle
    /// (ScoreRecord.settledBefore, eligibleAsIs and score inlined; `_consider`'s update) and returns
    /// at the first record that needs settling, or with id = n + 1. `key` = epoch | minScored << 64.
    function _scanRun(
        uint256 base,
        uint256 id,
        uint256 n,
        uint256 key,
        Tally memory t,
        uint256[] memory out
    ) private view returns (uint256, uint256 r) {
        assembly ("memory-safe") {
            let best := mload(t)
            let second := mload(add(t, 0x20))
            let count := mload(add(t, 0x40))
            let weighted := mload(out)
            let epoch := and(key, 0xffffffffffffffff)
            let minScored := shr(64, key)
            let word := 0
            // A run starting on an odd id needs its pair's slot now (warm if it was read before).
            if and(id, 1) {
                mstore(0x00, shr(1, id))
                mstore(0x20, base)
                word := sload(keccak256(0x00, 0x40))
            }
            for {} iszero(gt(id, n)) {
                id := add(id, 1)
            } {
                switch and(id, 1)
                case 0 {
                    mstore(0x00, shr(1, id))
                    mstore(0x20, base)
                    word := sload(keccak256(0x00, 0x40))
                    r := and(word, 0xffffffffffffffffffffffffffffffff)
                }
                default {
                    r := shr(128, word)
                }
                // A pending target before the epoch: hand back to Solidity to settle.
                if and(gt(and(shr(108, r), 0xffff), 0), lt(and(shr(76, r), 0xffffffff), epoch)) {
                    break
                }
                // ACTIVE (status 0) and bonded, with at least minScored scored epochs.
                if and(eq(shr(124, r), 1), iszero(lt(and(shr(60, r), 0xffff), minScored))) {
                    let k := or(shl(32, and(r, 0xfffffffffffffff)), id)
                    switch lt(k, best)
                    case 1 {
                        second := best
                        best := k
                    }
                    default {
                        if lt(k, second) {
                            second := k
                        }
                    }
                    if weighted {
                        let at := add(out, shl(6, count))
                        mstore(add(at, 0x20), id)
                        mstore(add(at, 0x40), shr(32, k))
                        count := add(count, 1)
                    }
                }
            }
            mstore(t, best)
            mstore(add(t, 0x20), second)
            mstore(add(t, 0x40), count)
        }
        return (id, r);
    }

    /// @dev Leader: an eligible incumbent keeps the seat unless beaten by more than `margin`.
    function _withHysteresis(
        uint256 agreementId,
        Agreement storage a,
        Bar memory bar,
        uint256 best,
        uint256 bestScore
    ) private view returns (uint256) {
        uint256 incumbent = a.lastExecutor;
        if (incumbent == 0 || incumbent == best) return best;
        (bool eligible, uint256 score) = _effective(
            agreementId,
            a,
            incumbent,
            _recordOf(agreementId, incumbent),
            bar
        );
        return eligible && bestScore + a.margin >= score ? incumbent : best;
    }

    /// @dev Weighted: draws from `count` interleaved (id, score) pairs with weight
    /// exp(−eta·(S − S_min)); the scores are overwritten with the weights.
    function _draw(
        uint256 agreementId,
        Agreement storage a,
        uint64 epoch,
        uint256[] memory out,
        uint256 count,
        uint256 minScore
    ) private view returns (uint256) {
        uint256 eta = a.eta;
        uint256 total = 0;
        for (uint256 i = 0; i < count; ++i) {
            // (S − S_min) ≤ 1e18 and eta < 2^64, no overflow.
            uint256 w = LossMath.expNegWad((eta * (out[2 * i + 1] - minScore)) / WAD);
            out[2 * i + 1] = w;
            total += w;
        }
        uint256 pick = IRandomnessSource(a.randomness).randomWord(agreementId, epoch) % total;
        for (uint256 i = 0; i < count; ++i) {
            uint256 w = out[2 * i + 1];
            if (pick < w) return out[2 * i];
            pick -= w;
        }
        return out[2 * count - 2]; // unreachable: pick < total
    }
}
