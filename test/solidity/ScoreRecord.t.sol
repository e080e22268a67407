// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Score, ScoreRecord, ScoreRecordLibrary} from "../../contracts/libraries/ScoreRecord.sol";
import {TestBase} from "../../contracts/test/Vm.sol";

/// @notice The packed score record: every field survives a round trip, neighbours in a slot never
/// touch each other, scoredCount saturates instead of wrapping, and eligibility read from the packed
/// word agrees with the unpacked fields.
contract ScoreRecordTest is TestBase {
    function _score(
        uint64 score,
        uint32 count,
        uint32 cursor,
        uint32 units,
        uint8 status
    ) private pure returns (Score memory s) {
        s = Score({
            score: uint64(bound(score, 0, 1e18)),
            scoredCount: uint32(bound(count, 0, type(uint16).max)),
            cursor: cursor,
            units: uint32(bound(units, 0, (1 << 18) - 1)),
            status: uint8(bound(status, 0, 2))
        });
    }

    function test_fuzz_roundTrip(
        uint64 score,
        uint32 count,
        uint32 cursor,
        uint32 units,
        uint8 status
    ) public pure {
        Score memory s = _score(score, count, cursor, units, status);
        ScoreRecord r = s.pack();
        assertLe(ScoreRecord.unwrap(r), type(uint128).max, "record wider than 128 bits");
        Score memory d = r.unpack();
        assertEq(r.score(), s.score, "score accessor");
        assertEq(r.scoredCount(), s.scoredCount, "scoredCount accessor");
        assertEq(r.cursor(), s.cursor, "cursor accessor");
        assertEq(r.units(), s.units, "units accessor");
        assertEq(r.status(), s.status, "status accessor");
        assertEq(d.score, s.score, "score");
        assertEq(d.scoredCount, s.scoredCount, "scoredCount");
        assertEq(d.cursor, s.cursor, "cursor");
        assertEq(d.units, s.units, "units");
        assertEq(d.status, s.status, "status");
    }

    function test_fuzz_scoredCountSaturates(uint32 count) public pure {
        count = uint32(bound(count, type(uint16).max, type(uint32).max));
        Score memory s = _score(5e17, 0, 7, 3, 0);
        s.scoredCount = count;
        Score memory d = s.pack().unpack();
        assertEq(d.scoredCount, type(uint16).max, "saturated count");
        assertEq(d.cursor, 7, "count spilled into cursor");
        assertEq(d.score, 5e17, "count spilled into score");
    }

    function test_fuzz_neighboursAreIndependent(uint256 word, uint256 id, uint128 r) public pure {
        uint256 updated = ScoreRecordLibrary.replace(word, id, ScoreRecord.wrap(r));
        assertEq(ScoreRecord.unwrap(ScoreRecordLibrary.half(updated, id)), r, "own half not written");
        uint256 other = id ^ 1;
        assertEq(
            ScoreRecord.unwrap(ScoreRecordLibrary.half(updated, other)),
            ScoreRecord.unwrap(ScoreRecordLibrary.half(word, other)),
            "neighbour changed"
        );
    }

    function test_fuzz_eligibleMatchesFields(
        uint64 score,
        uint32 count,
        uint32 cursor,
        uint32 units,
        uint8 status,
        uint32 floor,
        uint16 minScored,
        uint64 maxScore
    ) public pure {
        Score memory s = _score(score, count, cursor, units, status);
        ScoreRecord r = s.pack();
        assertTrue(
            r.eligible(minScored, maxScore, floor) ==
                (s.status == 0 &&
                    s.units != 0 &&
                    s.scoredCount >= minScored &&
                    s.score <= maxScore &&
                    s.cursor >= floor),
            "eligible"
        );
    }
}
