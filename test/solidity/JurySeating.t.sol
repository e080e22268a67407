// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {MAX_JURY_CONSIDERED, MAX_JURY_SIZE} from "../../contracts/hub/Limits.sol";
import {IGengovHub} from "../../contracts/interfaces/IGengovHub.sol";
import {HubBase} from "./HubBase.sol";

/// @notice Who `juryOf` seats when more candidates are eligible than it considers: the best
/// `MAX_JURY_CONSIDERED` of the ranking, in ranking order, whatever order the seats were filled in
/// (better ids last, first, or scattered), with pairs of equal scores ranked by id. Every candidate
/// has its own owner and operator, so only the executor, the proposer and `exclude` are skipped and
/// the expected jury follows from `ranking` alone.
contract JurySeatingTest is HubBase {
    uint256 internal constant N = 48;

    uint256 internal executor;
    uint256[] internal ranked;

    /// @dev Seat i (id i + 1) forecasts loss 0.1 + 0.005·⌊perm(i) / 2⌋: two seats share each score.
    function _roster(uint256 stride, uint256 offset) internal {
        _roster(stride, offset, 0);
    }

    /// @dev As above; seats 1 to `shared` (ids 2 to shared + 1) have one owner.
    function _roster(uint256 stride, uint256 offset, uint256 shared) internal {
        IGengovHub.AgreementParams memory p = _unitParams();
        p.minScored = 1;
        p.jury = IGengovHub.JuryParams(8, 8, 0, 300, 300, 0, 0);
        _use(p);
        uint256[] memory cids = new uint256[](N);
        address[] memory ops = new address[](N);
        int128[] memory forecasts = new int128[](N);
        for (uint256 i = 0; i < N; ++i) {
            address owner = i >= 1 && i <= shared ? address(0xB0B) : address(uint160(0x10000 + i));
            ops[i] = address(uint160(0x20000 + i));
            _fund(owner);
            cids[i] = _register(owner, ops[i], MIN_BOND);
            uint256 rank = (i * stride + offset) % N;
            forecasts[i] = int128(int256(0.1e18 + (rank / 2) * 0.005e18));
        }
        _round(1, cids, ops, forecasts, 0);
        _warp(_end(2));
        (executor, ) = hub.selectExecutor(aid, 2);
        (ranked, ) = hub.ranking(aid, 2);
        assertEq(ranked.length, N, "every seat is eligible");
    }

    /// @dev The first `count` of the ranking that are not the executor.
    function _topOthers(uint256 count) internal view returns (uint256[] memory ids) {
        ids = new uint256[](count);
        uint256 k = 0;
        for (uint256 i = 0; k < count; ++i) if (ranked[i] != executor) ids[k++] = ranked[i];
    }

    /// @dev The ranking's first `MAX_JURY_CONSIDERED`, skipping the executor and `exclude`, up to `size`.
    function _expected(uint256[] memory exclude, uint256 size) internal view returns (uint256[] memory ids) {
        ids = new uint256[](size);
        uint256 k = 0;
        for (uint256 i = 0; i < MAX_JURY_CONSIDERED && k < size; ++i) {
            bool skip = ranked[i] == executor;
            for (uint256 j = 0; j < exclude.length; ++j) if (exclude[j] == ranked[i]) skip = true;
            if (!skip) ids[k++] = ranked[i];
        }
        assembly ("memory-safe") {
            mstore(ids, k)
        }
    }

    function _check(string memory order) internal view {
        for (uint256 excluded = 0; excluded < MAX_JURY_CONSIDERED; ++excluded) {
            uint256[] memory exclude = _topOthers(excluded);
            uint256[] memory jurors = hub.juryOf(aid, 2, executor, MAX_JURY_SIZE, exclude);
            uint256[] memory want = _expected(exclude, MAX_JURY_SIZE);
            assertEq(jurors.length, want.length, string.concat(order, ": jurors seated"));
            for (uint256 i = 0; i < want.length; ++i)
                assertEq(jurors[i], want[i], string.concat(order, ": juror"));
            // Past MAX_JURY_CONSIDERED − 1 − MAX_JURY_SIZE exclusions the window ends before the jury
            // is full, though candidates ranked below it qualify.
            uint256 room = MAX_JURY_CONSIDERED - 1 - excluded;
            assertEq(
                jurors.length,
                room < MAX_JURY_SIZE ? room : MAX_JURY_SIZE,
                string.concat(order, ": window")
            );
        }
    }

    /// @dev An appeal jury over the ranking 1, 2, 3, …: the executor (1) and the proposer (2) skipped,
    /// six candidates with the proposer's owner (3 to 8) skipped, the first jury (9 to 16) excluded:
    /// the considered window still holds a full jury, 17 to 24.
    function test_juryOf_appealJuryStillFillsAfterEverySkip() public {
        _roster(1, 0, 7);
        assertEq(executor, 1, "executor");
        for (uint256 i = 0; i < N; ++i) assertEq(ranked[i], i + 1, "ranking follows the ids");
        uint256[] memory firstJury = new uint256[](MAX_JURY_SIZE);
        for (uint256 i = 0; i < MAX_JURY_SIZE; ++i) firstJury[i] = 9 + i;
        uint256[] memory jurors = hub.juryOf(aid, 2, 2, MAX_JURY_SIZE, firstJury);
        assertEq(jurors.length, MAX_JURY_SIZE, "a full appeal jury");
        for (uint256 i = 0; i < MAX_JURY_SIZE; ++i) assertEq(jurors[i], 17 + i, "appeal juror");
    }

    function test_juryOf_seatsTheRankingsBest_betterSeatsLast() public {
        _roster(N - 1, N - 1);
        _check("better seats last");
    }

    function test_juryOf_seatsTheRankingsBest_betterSeatsFirst() public {
        _roster(1, 0);
        _check("better seats first");
    }

    function test_juryOf_seatsTheRankingsBest_scattered() public {
        _roster(29, 5);
        _check("scattered");
    }
}
