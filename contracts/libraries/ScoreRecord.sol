// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title ScoreRecord
/// @notice A candidate's score record packed into 128 bits, so one storage slot holds two candidates
/// and the selection scan reads one cold slot per two of them and nothing else.
/// @dev Layout, least significant bit first:
/// score [0, 60) | scoredCount [60, 76) | cursor [76, 108) | units [108, 126) | status [126, 128).
/// Scores never exceed 1e18 < 2^60. `scoredCount` saturates at 65,535 when stored: it is only ever
/// compared with `minScored`, a uint16, so saturation never changes eligibility. `cursor` is the first
/// target not yet accounted for: every earlier target since registration was scored, void or charged
/// as a miss. `units` is the bond in whole `minBond` units (0 = below the minimum bond).
library ScoreRecord {
    /// @notice A record, unpacked.
    struct Score {
        uint64 score;
        uint32 scoredCount;
        uint32 cursor;
        uint32 units;
        uint8 status;
    }

    /// @notice The lower 128 bits of a word.
    uint256 internal constant HALF = type(uint128).max;
    uint256 internal constant SCORE_MASK = (1 << 60) - 1;
    uint256 internal constant COUNT_OFFSET = 60;
    uint256 internal constant COUNT_MASK = 0xFFFF;
    uint256 internal constant CURSOR_OFFSET = 76;
    uint256 internal constant CURSOR_MASK = 0xFFFFFFFF;
    uint256 internal constant UNITS_OFFSET = 108;
    uint256 internal constant UNITS_MASK = (1 << 18) - 1;
    uint256 internal constant STATUS_OFFSET = 126;

    /// @notice Unpacks a record.
    /// @param r The 128-bit record.
    /// @return s Its fields.
    function decode(uint256 r) internal pure returns (Score memory s) {
        s.score = uint64(r & SCORE_MASK);
        s.scoredCount = uint32((r >> COUNT_OFFSET) & COUNT_MASK);
        s.cursor = uint32((r >> CURSOR_OFFSET) & CURSOR_MASK);
        s.units = uint32((r >> UNITS_OFFSET) & UNITS_MASK);
        s.status = uint8((r >> STATUS_OFFSET) & 3);
    }

    /// @notice Packs a record (`scoredCount` saturating). Fields must fit their widths: score < 2^60,
    /// units < 2^18, status < 4 (the hub writes scores ≤ 1e18, units ≤ MAX_BOND_UNITS, statuses 0–2).
    /// @param s The fields.
    /// @return The 128-bit record.
    function encode(Score memory s) internal pure returns (uint256) {
        uint256 count = s.scoredCount < COUNT_MASK ? s.scoredCount : COUNT_MASK;
        return
            uint256(s.score) |
            (count << COUNT_OFFSET) |
            (uint256(s.cursor) << CURSOR_OFFSET) |
            (uint256(s.units) << UNITS_OFFSET) |
            (uint256(s.status) << STATUS_OFFSET);
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

    /// @notice Eligibility of a record for an epoch's selection, from the record alone: active
    /// (status 0), at least one bond unit, at least `minScored` scored targets, score at most
    /// `maxScore`, and up to date (cursor at or past `floor`). The selection scan inlines the same
    /// test in assembly with these offsets.
    /// @param r The record.
    /// @param minScored The agreement's burn-in.
    /// @param maxScore The agreement's score ceiling (WAD).
    /// @param floor The first target a record must have accounted for.
    /// @return Whether the candidate is eligible.
    function eligible(
        uint256 r,
        uint256 minScored,
        uint256 maxScore,
        uint256 floor
    ) internal pure returns (bool) {
        return
            r >> STATUS_OFFSET == 0 &&
            (r >> UNITS_OFFSET) & UNITS_MASK != 0 &&
            (r >> COUNT_OFFSET) & COUNT_MASK >= minScored &&
            r & SCORE_MASK <= maxScore &&
            (r >> CURSOR_OFFSET) & CURSOR_MASK >= floor;
    }
}
