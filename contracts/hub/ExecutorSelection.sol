// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {LossMath, WAD} from "../libraries/LossMath.sol";
// The record's offsets and masks are used in `_scan`'s assembly, which solhint does not read.
// solhint-disable no-unused-import
import {
    COUNT_MASK,
    COUNT_OFFSET,
    CURSOR_MASK,
    CURSOR_OFFSET,
    RECORD_MASK,
    SCORE_MASK,
    ScoreRecord,
    UNITS_MASK,
    UNITS_OFFSET
} from "../libraries/ScoreRecord.sol";
// solhint-enable no-unused-import
import {HubStorage} from "./HubStorage.sol";

/// @title ExecutorSelection
/// @notice Fixes each epoch's executor from the score records at the epoch's end: Leader with
/// hysteresis, or a draw weighted by bond units × exp(−eta·(S − S_min)). Eligibility is read from
/// each record alone (one cold slot per two candidates, never anything else), so the work of a
/// selection is bounded by the number of seats whatever the candidates did: a record that has not
/// accounted for every non-void target before the epoch is simply not eligible.
abstract contract ExecutorSelection is IGengovHub, HubStorage {
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

    /// @dev A change to a record's bond units, status or cursor outside a reveal (top-up, exit,
    /// settlement). In a Weighted agreement the next draw's randomness is public from the first
    /// reveal for the previous target on, so such changes are refused from the current epoch's
    /// reveal phase (`start + reportWindow`) until the epoch ends; in the report phase before it they
    /// first fix the previous epoch's selection if nobody has. Leader agreements are not affected:
    /// their selection holds no randomness, so timing a change gains nothing.
    function _beforeRosterChange(uint256 agreementId, Agreement storage a) internal {
        if (a.selection != Selection.Weighted || block.timestamp < a.genesis) return;
        uint64 current = uint64((block.timestamp - a.genesis) / a.epochLength);
        uint256 start = uint256(a.genesis) + uint256(current) * a.epochLength;
        if (block.timestamp >= start + a.reportWindow) {
            revert RosterFrozen(current, uint64(start + a.epochLength));
        }
        if (current != 0) _ensureSelected(agreementId, a, current - 1);
    }

    /// @dev [end(e), end(e) + reportWindow + revealWindow): records cannot change in it except by
    /// reveals for target e, and the first of those fixes the selection before scoring.
    function _selectionWindow(Agreement storage a, uint64 epoch) internal view returns (uint256, uint256) {
        uint256 opens = _epochEnd(a, epoch);
        return (opens, opens + a.reportWindow + a.revealWindow);
    }

    /// @dev Running result of the scan. A key is `score << 32 | id`: ordering keys orders by score,
    /// ties to the lower id (ids < 2^32).
    struct Tally {
        uint256 best;
        uint256 second;
        uint256 count;
    }

    uint256 private constant _NONE = type(uint256).max;

    /// @dev The scan: one cold slot per two candidates (ids 2p and 2p + 1 share slot p), nothing else.
    /// Keeps the two lowest keys, and for Weighted every eligible candidate in id order as one word,
    /// `record << 32 | id`.
    function _computeSelection(
        uint256 agreementId,
        Agreement storage a,
        uint64 epoch
    ) internal view returns (uint256 executor, uint256 fallbackCandidate) {
        uint256 n = a.candidateCount;
        bool weighted = a.selection == Selection.Weighted;
        uint256[] memory out = new uint256[](weighted ? n : 0);
        Tally memory t = _scan(
            agreementId,
            n,
            a.minScored,
            a.maxScore,
            _upToDateFloor(agreementId, epoch),
            out
        );
        if (t.best == _NONE) return (0, 0);
        uint256 best = t.best & type(uint32).max;
        uint256 second = t.second == _NONE ? 0 : t.second & type(uint32).max;
        if (weighted) {
            executor = _draw(agreementId, a, epoch, out, t.count, t.best >> 32);
        } else {
            executor = _withHysteresis(agreementId, a, best, t.best >> 32, epoch);
        }
        fallbackCandidate = executor == best ? second : best;
    }

    /// @dev The hot loop, in assembly (Solidity spills its locals to memory here and costs about
    /// twice the gas per candidate). Eligibility is `ScoreRecordLibrary.eligible`, inlined with the same
    /// offset and mask constants.
    function _scan(
        uint256 agreementId,
        uint256 n,
        uint256 minScored,
        uint256 maxScore,
        uint256 floor,
        uint256[] memory out
    ) private view returns (Tally memory t) {
        mapping(uint256 => uint256) storage records = _records[agreementId];
        uint256 base;
        assembly ("memory-safe") {
            base := records.slot
        }
        assembly ("memory-safe") {
            let best := not(0)
            let second := not(0)
            let count := 0
            let weighted := mload(out)
            mstore(0x20, base)
            // Slot p holds ids 2p (low half) and 2p + 1 (high half). Id 0 and ids above n were never
            // written: their zero records have no units, so they are never eligible. Each half is
            // eligible when status is 0 and units ≥ 1 (the bits from UNITS_OFFSET up, units then
            // status, are in [1, UNITS_MASK]), scoredCount ≥ minScored, score ≤ maxScore and
            // cursor ≥ floor (the same block twice: a Yul function costs a call per candidate).
            for {
                let p := 0
            } iszero(gt(p, shr(1, n))) {
                p := add(p, 1)
            } {
                mstore(0x00, p)
                let word := sload(keccak256(0x00, 0x40))
                {
                    let r := and(word, RECORD_MASK)
                    let id := shl(1, p)
                    let score := and(r, SCORE_MASK)
                    if and(
                        and(
                            lt(sub(shr(UNITS_OFFSET, r), 1), UNITS_MASK),
                            iszero(lt(and(shr(COUNT_OFFSET, r), COUNT_MASK), minScored))
                        ),
                        and(
                            iszero(gt(score, maxScore)),
                            iszero(lt(and(shr(CURSOR_OFFSET, r), CURSOR_MASK), floor))
                        )
                    ) {
                        let k := or(shl(32, score), id)
                        if lt(k, second) {
                            switch lt(k, best)
                            case 1 {
                                second := best
                                best := k
                            }
                            default {
                                second := k
                            }
                        }
                        if weighted {
                            count := add(count, 1)
                            mstore(add(out, shl(5, count)), or(shl(32, r), id))
                        }
                    }
                }
                {
                    let r := shr(128, word)
                    let id := or(shl(1, p), 1)
                    let score := and(r, SCORE_MASK)
                    if and(
                        and(
                            lt(sub(shr(UNITS_OFFSET, r), 1), UNITS_MASK),
                            iszero(lt(and(shr(COUNT_OFFSET, r), COUNT_MASK), minScored))
                        ),
                        and(
                            iszero(gt(score, maxScore)),
                            iszero(lt(and(shr(CURSOR_OFFSET, r), CURSOR_MASK), floor))
                        )
                    ) {
                        let k := or(shl(32, score), id)
                        if lt(k, second) {
                            switch lt(k, best)
                            case 1 {
                                second := best
                                best := k
                            }
                            default {
                                second := k
                            }
                        }
                        if weighted {
                            count := add(count, 1)
                            mstore(add(out, shl(5, count)), or(shl(32, r), id))
                        }
                    }
                }
            }
            mstore(t, best)
            mstore(add(t, 0x20), second)
            mstore(add(t, 0x40), count)
        }
    }

    /// @dev Leader: an eligible incumbent keeps the seat unless beaten by more than `margin`.
    function _withHysteresis(
        uint256 agreementId,
        Agreement storage a,
        uint256 best,
        uint256 bestScore,
        uint64 epoch
    ) private view returns (uint256) {
        uint256 incumbent = a.lastExecutor;
        if (incumbent == 0 || incumbent == best) return best;
        ScoreRecord r = _recordOf(agreementId, incumbent);
        bool eligible = r.eligible(a.minScored, a.maxScore, _upToDateFloor(agreementId, epoch));
        return eligible && bestScore + a.margin >= r.score() ? incumbent : best;
    }

    /// @dev Weighted: draws from the first `count` words of `out` (`record << 32 | id`) with weight
    /// units × exp(−eta·(S − S_min)); splitting a bond across seats never adds weight (units are
    /// whole minBonds, and ⌊x⌋ + ⌊y⌋ ≤ ⌊x + y⌋). The draw is the first candidate in id order whose
    /// running weight total exceeds `randomWord % total`, found by bisection over the running totals,
    /// which overwrite the records (`total << 32 | id`).
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
        // Up to 1024 iterations, so without bounds or overflow checks (by construction: `count`
        // words were written; (S − S_min) ≤ 1e18 and eta ≤ 1e22; units < 2^18, exp ≤ 1e18, so the
        // total stays below 2^88 and `total << 32` fits).
        unchecked {
            for (uint256 i = 1; i <= count; ++i) {
                uint256 word;
                assembly ("memory-safe") {
                    word := mload(add(out, shl(5, i)))
                }
                // word >> 32 is the record: read it with the record's accessors.
                ScoreRecord r = ScoreRecord.wrap(word >> 32);
                uint256 score = r.score();
                uint256 units = r.units();
                total += units * LossMath.expNegWad((eta * (score - minScore)) / WAD);
                assembly ("memory-safe") {
                    mstore(add(out, shl(5, i)), or(shl(32, total), and(word, 0xffffffff)))
                }
            }
        }
        uint256 pick = _randomWord(agreementId, a, epoch) % total;
        // The first running total above `pick`: pick < total, so it exists; lo and hi are 1-based.
        uint256 lo = 1;
        uint256 hi = count;
        while (lo < hi) {
            uint256 mid = (lo + hi) >> 1;
            if (out[mid - 1] >> 32 > pick) hi = mid;
            else lo = mid + 1;
        }
        return out[lo - 1] & type(uint32).max;
    }
}
