// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @dev A candidate's score record packed into 128 bits, so one storage slot holds two candidates
/// and the selection scan reads one cold slot per two of them and nothing else.
/// Layout, least significant bit first:
/// score [0, 60) | scoredCount [60, 76) | cursor [76, 108) | units [108, 126) | status [126, 128).
/// Scores never exceed 1e18 < 2^60. `scoredCount` saturates at 65,535 when packed: it is only ever
/// compared with `minScored`, a uint16, so saturation never changes eligibility. `cursor` is the first
/// target not yet accounted for: every earlier target since registration was scored, void or charged
/// as a miss. `units` is the bond in whole `minBond` units (0 = below the minimum bond).
type ScoreRecord is uint256;

using ScoreRecordLibrary for ScoreRecord global;
using ScoreRecordLibrary for Score global;

/// @dev Bit offsets and masks of the record's fields. Written as literals so the selection scan's
/// assembly can use them by name.
uint256 constant SCORE_MASK = 0xfffffffffffffff;
uint256 constant COUNT_OFFSET = 60;
uint256 constant COUNT_MASK = 0xffff;
uint256 constant CURSOR_OFFSET = 76;
uint256 constant CURSOR_MASK = 0xffffffff;
uint256 constant UNITS_OFFSET = 108;
uint256 constant UNITS_MASK = 0x3ffff;
uint256 constant STATUS_OFFSET = 126;
uint256 constant STATUS_MASK = 0x3;
/// @dev The lower 128 bits of a slot: the record of the even id of a pair.
uint256 constant RECORD_MASK = 0xffffffffffffffffffffffffffffffff;

/// @dev A record unpacked, as the hub's settlement and reveal paths edit it in memory before
/// writing it back with `pack`.
struct Score {
    uint64 score;
    uint32 scoredCount;
    uint32 cursor;
    uint32 units;
    uint8 status;
}

/// @title ScoreRecordLibrary
/// @notice Accessors of the packed `ScoreRecord`, its conversion to and from `Score`, and the two
/// records sharing a storage slot.
library ScoreRecordLibrary {
    /// @notice The EWMA score (WAD).
    /// @param r The record.
    /// @return The score.
    function score(ScoreRecord r) internal pure returns (uint256) {
        return ScoreRecord.unwrap(r) & SCORE_MASK;
    }

    /// @notice Scored targets (saturated at 65,535).
    /// @param r The record.
    /// @return The count.
    function scoredCount(ScoreRecord r) internal pure returns (uint256) {
        return (ScoreRecord.unwrap(r) >> COUNT_OFFSET) & COUNT_MASK;
    }

    /// @notice The first target not yet accounted for.
    /// @param r The record.
    /// @return The cursor.
    function cursor(ScoreRecord r) internal pure returns (uint256) {
        return (ScoreRecord.unwrap(r) >> CURSOR_OFFSET) & CURSOR_MASK;
    }

    /// @notice The bond in whole `minBond` units.
    /// @param r The record.
    /// @return The units.
    function units(ScoreRecord r) internal pure returns (uint256) {
        return (ScoreRecord.unwrap(r) >> UNITS_OFFSET) & UNITS_MASK;
    }

    /// @notice 0 active, 1 exiting, 2 withdrawn.
    /// @param r The record.
    /// @return The status.
    function status(ScoreRecord r) internal pure returns (uint256) {
        return (ScoreRecord.unwrap(r) >> STATUS_OFFSET) & STATUS_MASK;
    }

    /// @notice Unpacks a record.
    /// @param r The record.
    /// @return s Its fields.
    function unpack(ScoreRecord r) internal pure returns (Score memory s) {
        s.score = uint64(r.score());
        s.scoredCount = uint32(r.scoredCount());
        s.cursor = uint32(r.cursor());
        s.units = uint32(r.units());
        s.status = uint8(r.status());
    }

    /// @notice Packs a record (`scoredCount` saturating). Fields must fit their widths: score < 2^60,
    /// units < 2^18, status < 4 (the hub writes scores ≤ 1e18, units ≤ MAX_BOND_UNITS, statuses 0–2).
    /// @param s The fields.
    /// @return The record.
    function pack(Score memory s) internal pure returns (ScoreRecord) {
        uint256 count = s.scoredCount < COUNT_MASK ? s.scoredCount : COUNT_MASK;
        return
            ScoreRecord.wrap(
                uint256(s.score) |
                    (count << COUNT_OFFSET) |
                    (uint256(s.cursor) << CURSOR_OFFSET) |
                    (uint256(s.units) << UNITS_OFFSET) |
                    (uint256(s.status) << STATUS_OFFSET)
            );
    }

    /// @notice The record of candidate `id` in the slot of its pair: even ids low, odd ids high.
    /// @param word The slot's value.
    /// @param id The candidate.
    /// @return The candidate's record.
    function half(uint256 word, uint256 id) internal pure returns (ScoreRecord) {
        return ScoreRecord.wrap(id & 1 == 0 ? word & RECORD_MASK : word >> 128);
    }

    /// @notice `word` with candidate `id`'s half replaced by `r`.
    /// @param word The slot's value.
    /// @param id The candidate.
    /// @param r The candidate's new record.
    /// @return The slot's new value.
    function replace(uint256 word, uint256 id, ScoreRecord r) internal pure returns (uint256) {
        uint256 v = ScoreRecord.unwrap(r);
        return id & 1 == 0 ? (word & ~RECORD_MASK) | v : (word & RECORD_MASK) | (v << 128);
    }

    /// @notice Eligibility of a record for an epoch's selection, from the record alone: active
    /// (status 0), at least one bond unit, at least `minScored` scored targets, score at most
    /// `maxScore`, and up to date (cursor at or past `floor`). The selection scan inlines the same
    /// test in assembly with the same offset and mask constants.
    /// @param r The record.
    /// @param minScored The agreement's burn-in.
    /// @param maxScore The agreement's score ceiling (WAD).
    /// @param floor The first target a record must have accounted for.
    /// @return Whether the candidate is eligible.
    function eligible(
        ScoreRecord r,
        uint256 minScored,
        uint256 maxScore,
        uint256 floor
    ) internal pure returns (bool) {
        return
            r.status() == 0 &&
            r.units() != 0 &&
            r.scoredCount() >= minScored &&
            r.score() <= maxScore &&
            r.cursor() >= floor;
    }
}
