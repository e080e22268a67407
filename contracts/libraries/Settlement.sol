// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {LossMath} from "./LossMath.sol";
import {Score} from "./ScoreRecord.sol";

/// @title Settlement
/// @notice The rules of settling a candidate's record: which targets are due, what a run of missed
/// targets does to the score, what a penalty takes from a bond, and how a bond counts in units. The
/// hub reads and writes storage around them (`HubStorage`); the rules themselves are pure.
library Settlement {
    /// @notice The first target whose reveal deadline, end(t) + reportWindow + revealWindow, is after
    /// `t`: every earlier target is due.
    /// @param genesis The agreement's genesis.
    /// @param epochLength The agreement's epoch length.
    /// @param reportWindow The agreement's report window.
    /// @param revealWindow The agreement's reveal window.
    /// @param t A timestamp.
    /// @return The first target not yet due at `t`.
    function dueEnd(
        uint256 genesis,
        uint256 epochLength,
        uint256 reportWindow,
        uint256 revealWindow,
        uint256 t
    ) internal pure returns (uint256) {
        uint256 lag = genesis + reportWindow + revealWindow;
        return t < lag ? 0 : (t - lag) / epochLength;
    }

    /// @notice Where settling stops: the due targets, and for a candidate that is no longer active no
    /// further than its last obligated target.
    /// @param due The first target not yet due.
    /// @param active Whether the candidate is active.
    /// @param lastTarget An exiting candidate's last obligated target.
    /// @return end One past the last target to settle.
    function settleEnd(uint256 due, bool active, uint256 lastTarget) internal pure returns (uint256 end) {
        end = due;
        if (!active && end > lastTarget + 1) end = lastTarget + 1;
    }

    /// @notice Moves the record's cursor to `end` and charges `misses` worst losses (closed form).
    /// @param s The record, edited in place.
    /// @param alpha The agreement's EWMA weight (WAD).
    /// @param misses Missed targets in [cursor, end).
    /// @param end The new cursor.
    function applyMisses(Score memory s, uint256 alpha, uint32 misses, uint256 end) internal pure {
        s.cursor = uint32(end);
        if (misses == 0) return;
        s.score = uint64(LossMath.applyMisses(s.score, alpha, misses, s.scoredCount == 0));
        s.scoredCount += misses;
    }

    /// @notice What taking `amount` from `bond` leaves and takes: at most the whole bond.
    /// @param bond The bond.
    /// @param amount The penalty asked for.
    /// @return left The bond after the penalty.
    /// @return taken What the penalty takes.
    function take(uint256 bond, uint256 amount) internal pure returns (uint256 left, uint256 taken) {
        taken = amount < bond ? amount : bond;
        // taken ≤ bond, so the subtraction cannot underflow.
        unchecked {
            left = bond - taken;
        }
    }

    /// @notice A bond in whole `minBond` units, the weight it carries in a Weighted draw (0 = below
    /// the minimum bond, never eligible). Bonds enter capped at MAX_BOND_UNITS units.
    /// @param bond The bond.
    /// @param minBond The agreement's minimum bond (non-zero).
    /// @return The units.
    function units(uint256 bond, uint256 minBond) internal pure returns (uint32) {
        return uint32(bond / minBond);
    }
}
