// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {LossMath} from "../libraries/LossMath.sol";
import {Median} from "../libraries/Median.sol";
import {Score} from "../libraries/ScoreRecord.sol";

/// @title ScoringHarness
/// @notice Test only: exposes the scoring libraries as external pure functions so that
/// `test/scoring.differential.test.ts` can compare them with the TypeScript twin in `oracle/scoring/`.
contract ScoringHarness {
    /// @notice LossMath.metricLoss; `kind` is converted to the enum here, so > 1 panics 0x21.
    function metricLoss(
        int256 forecast,
        int256 outcome,
        uint256 scale,
        uint8 kind
    ) external pure returns (uint256) {
        return LossMath.metricLoss(forecast, outcome, scale, LossMath.LossKind(kind));
    }

    /// @notice LossMath.ewma.
    function ewma(uint256 score, uint256 loss, uint256 alpha, bool first) external pure returns (uint256) {
        return LossMath.ewma(score, loss, alpha, first);
    }

    /// @notice LossMath.applyMisses.
    function applyMisses(
        uint256 score,
        uint256 alpha,
        uint256 misses,
        bool first
    ) external pure returns (uint256) {
        return LossMath.applyMisses(score, alpha, misses, first);
    }

    /// @notice LossMath.rpowWad.
    function rpowWad(uint256 x, uint256 n) external pure returns (uint256) {
        return LossMath.rpowWad(x, n);
    }

    /// @notice LossMath.expNegWad.
    function expNegWad(uint256 x) external pure returns (uint256) {
        return LossMath.expNegWad(x);
    }

    /// @notice ScoreRecordLibrary.eligible of the record `pack` makes from these fields (with
    /// `scoredCount` saturating at 65,535 as stored). Fields must fit their widths (score < 2^60,
    /// units < 2^18, status < 4).
    function eligible(
        Score memory s,
        uint256 minScored,
        uint256 maxScore,
        uint256 floor
    ) external pure returns (bool) {
        return s.pack().eligible(minScored, maxScore, floor);
    }

    /// @notice Median.compute.
    function median(int256[] memory values) external pure returns (int256) {
        return Median.compute(values);
    }
}
