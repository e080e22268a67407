// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @dev 1.0 in fixed point: scores, losses, alpha, margin, eta and maxScore are WAD.
uint256 constant WAD = 1e18;

/// @title LossMath
/// @notice Pure scoring math (metric loss, EWMA score, misses, selection weights) in WAD (1e18 = 1 =
/// worst loss). The TypeScript twin in `oracle/scoring/lossMath.ts` computes the same integers; differential tests keep them equal.
library LossMath {
    /// @notice Loss kind of a metric: clipped absolute or clipped squared normalised error.
    enum LossKind {
        Absolute,
        Squared
    }

    /// @notice Clipped normalised error of one metric: min(d, 1) or min(d², 1) with d = |f − o| / scale.
    /// @param forecast The forecast value (metric units scaled by its decimals).
    /// @param outcome The final outcome value, same units.
    /// @param scale Error that counts as a full miss; must be non-zero.
    /// @param kind Absolute or Squared.
    /// @return loss The loss in WAD, in [0, 1e18].
    function metricLoss(
        int256 forecast,
        int256 outcome,
        uint256 scale,
        LossKind kind
    ) internal pure returns (uint256 loss) {
        uint256 diff = _absDiff(forecast, outcome);
        if (diff >= scale) return WAD;
        // diff < scale ≤ 2^256 / 1e18 is not guaranteed, so divide first when the product could overflow.
        uint256 d = diff <= type(uint256).max / WAD ? (diff * WAD) / scale : WAD - 1;
        if (kind == LossKind.Absolute) return d;
        // d < WAD, so d * d < 1e36 fits.
        return (d * d) / WAD;
    }

    /// @notice Exponentially weighted moving average step S ← S + alpha·(loss − S).
    /// @param score The current score (WAD).
    /// @param loss The newest epoch loss (WAD).
    /// @param alpha Weight of the newest loss (WAD, in (0, 1e18]).
    /// @param first True when the candidate has no scored epoch yet: the score becomes the loss.
    /// @return The new score, rounded toward the old score, always in [min, max] of the two.
    function ewma(uint256 score, uint256 loss, uint256 alpha, bool first) internal pure returns (uint256) {
        if (first) return loss;
        if (loss >= score) return score + ((loss - score) * alpha) / WAD;
        return score - ((score - loss) * alpha) / WAD;
    }

    /// @notice Score after `misses` consecutive worst losses (1e18), in closed form:
    /// S_m = 1 − (1 − alpha)^m · (1 − S). With no scored epoch yet the score is the worst loss.
    /// @param score The current score (WAD).
    /// @param alpha EWMA weight (WAD).
    /// @param misses Number of missed reveals to apply.
    /// @param first True when the candidate has no scored epoch yet.
    /// @return The score after the misses.
    function applyMisses(
        uint256 score,
        uint256 alpha,
        uint256 misses,
        bool first
    ) internal pure returns (uint256) {
        if (misses == 0) return score;
        if (first) return WAD;
        return WAD - (rpowWad(WAD - alpha, misses) * (WAD - score)) / WAD;
    }

    /// @notice x^n for x in WAD, by squaring, rounding down at every step.
    /// @param x Base in WAD, at most 1e18.
    /// @param n Exponent.
    /// @return z x^n in WAD.
    function rpowWad(uint256 x, uint256 n) internal pure returns (uint256 z) {
        z = WAD;
        while (n > 0) {
            if (n & 1 == 1) z = (z * x) / WAD;
            x = (x * x) / WAD;
            n >>= 1;
        }
    }

    /// @notice e^(−x) in WAD for x ≥ 0 in WAD. Exact integer recipe (shared with the TS twin):
    /// x = k·ln2 + r with 0 ≤ r < ln2; e^(−x) = (1e36 / e^r) >> k, e^r by the Taylor series 1 + r + … +
    /// r^7/7!, term i being ⌊term(i−1)·r / (i·1e18)⌋. The terms left out sum to at most 7.2e-7 of
    /// e^r, so the result is within 7.2e-7 relative of e^(−x) (above the final shift's rounding). It
    /// is non-increasing in x: each partial sum grows with r, and at r → ln2 the truncated e^r is
    /// below 2, so the value just before a multiple of ln2 is at least the value at it.
    /// @param x The exponent magnitude in WAD.
    /// @return z The value of e^(−x) in WAD, 0 once it is below 1e-18.
    /// @dev Unrolled assembly: the Weighted selection computes one per eligible candidate (up to
    /// 1024). term·r < 1e36 and the sum < 2e18, so nothing overflows.
    function expNegWad(uint256 x) internal pure returns (uint256 z) {
        assembly ("memory-safe") {
            if lt(x, 42000000000000000000) {
                let r := mod(x, 693147180559945309)
                let term := r
                let sum := add(1000000000000000000, term)
                term := div(mul(term, r), 2000000000000000000)
                sum := add(sum, term)
                term := div(mul(term, r), 3000000000000000000)
                sum := add(sum, term)
                term := div(mul(term, r), 4000000000000000000)
                sum := add(sum, term)
                term := div(mul(term, r), 5000000000000000000)
                sum := add(sum, term)
                term := div(mul(term, r), 6000000000000000000)
                sum := add(sum, term)
                term := div(mul(term, r), 7000000000000000000)
                sum := add(sum, term)
                z := shr(div(x, 693147180559945309), div(1000000000000000000000000000000000000, sum))
            }
        }
    }

    /// @dev |a − b| without overflow for any int256 pair.
    function _absDiff(int256 a, int256 b) private pure returns (uint256) {
        // Casting to uint256 and subtracting in two's complement is exact modulo 2^256; the larger
        // minus the smaller is below 2^256, so the wrapped result is the true distance.
        unchecked {
            return a >= b ? uint256(a) - uint256(b) : uint256(b) - uint256(a);
        }
    }
}
