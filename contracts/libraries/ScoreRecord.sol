// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title ScoreRecord
/// @notice A candidate's score record packed into 128 bits, so one storage slot holds two candidates
/// and selection reads one cold slot per two of them.
/// @dev Layout, least significant bit first:
/// score [0, 60) | scoredCount [60, 76) | pendingBase [76, 108) | pendingMask [108, 124) |
/// bonded [124] | status [125, 127) | unused [127].
/// Scores never exceed 1e18 < 2^60. `scoredCount` saturates at 65,535 when stored: it is only ever
/// compared with `minScored`, a uint16, so saturation never changes eligibility.
library ScoreRecord {
    /// @notice A record, unpacked.
    /// @dev Bit i of `pendingMask` = an unrevealed commitment for target `pendingBase + i`.
    /// `bonded` caches `bond >= minBond` (the bond lives elsewhere; minBond never changes).
    struct Score {
        uint64 score;
        uint32 scoredCount;
        uint32 pendingBase;
        uint16 pendingMask;
        bool bonded;
        uint8 status;
    }

    /// @notice The lower 128 bits of a word.
    uint256 internal constant HALF = type(uint128).max;
    uint256 private constant _SCORE = (1 << 60) - 1;
    uint256 private constant _MAX_COUNT = type(uint16).max;

    /// @notice Unpacks a record.
    /// @param r The 128-bit record.
    /// @return s Its fields.
    function decode(uint256 r) internal pure returns (Score memory s) {
        s.score = uint64(r & _SCORE);
        s.scoredCount = uint32((r >> 60) & 0xFFFF);
        s.pendingBase = uint32(r >> 76);
        s.pendingMask = uint16(r >> 108);
        s.bonded = (r >> 124) & 1 == 1;
        s.status = uint8((r >> 125) & 3);
    }

    /// @notice Packs a record (`scoredCount` saturating). Fields must fit their widths: score < 2^60,
    /// status < 4 (the hub only writes scores ≤ 1e18 and statuses 0–2).
    /// @param s The fields.
    /// @return The 128-bit record.
    function encode(Score memory s) internal pure returns (uint256) {
        uint256 count = s.scoredCount < _MAX_COUNT ? s.scoredCount : _MAX_COUNT;
        return
            uint256(s.score) |
            (count << 60) |
            (uint256(s.pendingBase) << 76) |
            (uint256(s.pendingMask) << 108) |
            (s.bonded ? 1 << 124 : 0) |
            (uint256(s.status) << 125);
    }

    /// @notice The record of candidate `id` in the slot of its pair: even ids low, odd ids high.
    /// @param word The slot's value.
    /// @param id The candidate.
    /// @return The candidate's record.
    function half(uint256 word, uint256 id) internal pure returns (uint256) {
        return id & 1 == 0 ? word & HALF : word >> 128;
    }

    /// @notice `word` with candidate `id`'s half replaced by `r`.
    /// @param word The slot's value.
    /// @param id The candidate.
    /// @param r The candidate's new record.
    /// @return The slot's new value.
    function replace(uint256 word, uint256 id, uint256 r) internal pure returns (uint256) {
        return id & 1 == 0 ? (word & ~HALF) | r : (word & HALF) | (r << 128);
    }

    /// @notice The score field.
    /// @param r The record.
    /// @return The score (WAD).
    function score(uint256 r) internal pure returns (uint256) {
        return r & _SCORE;
    }

    /// @notice Whether the record has no pending target before `epoch`: then no reveal deadline at
    /// or before end(epoch) is pending (reportWindow + revealWindow ≤ epochLength), and its fields
    /// are its effective state at end(epoch).
    /// @param r The record.
    /// @param epoch The epoch being selected.
    /// @return Whether nothing is left to settle.
    function settledBefore(uint256 r, uint256 epoch) internal pure returns (bool) {
        return (r >> 108) & 0xFFFF == 0 || (r >> 76) & 0xFFFFFFFF >= epoch;
    }

    /// @notice Eligibility of a record with nothing to settle: status ACTIVE (0), bonded, and at
    /// least `minScored` scored epochs.
    /// @param r The record.
    /// @param minScored The agreement's burn-in.
    /// @return Whether the candidate is eligible.
    function eligibleAsIs(uint256 r, uint256 minScored) internal pure returns (bool) {
        return (r >> 124) & 7 == 1 && (r >> 60) & 0xFFFF >= minScored;
    }
}
