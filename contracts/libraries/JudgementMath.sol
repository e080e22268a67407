// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {WAD} from "./LossMath.sol";

/// @title JudgementMath
/// @notice Scoring math of judgement rounds in WAD (1e18 = 1): the natural logarithm, the clipped
/// squared log-ratio error of a list on one jury pair, and the simplex combination of lists. The
/// TypeScript twin in `oracle/scoring/judgement.ts` computes the same integers; differential tests
/// keep them equal.
library JudgementMath {
    /// @notice ln 2 in WAD, truncated (the constant `LossMath.expNegWad` uses).
    int256 internal constant LN2 = 693147180559945309;

    /// @notice `lnWad` was called with 0.
    error LnOfZero();

    /// @notice `pairLoss` was called with a zero scale.
    error ScaleZero();

    /// @notice `combine` got a different number of weights and coefficients.
    /// @param weights Number of weights.
    /// @param coefficients Number of coefficients.
    error LengthMismatch(uint256 weights, uint256 coefficients);

    /// @notice Natural logarithm of x / 1e18, in WAD. Exact integer recipe (shared with the TS twin):
    /// 1. b = ⌊log2 x⌋; m = x >> (b − 60) if b ≥ 60, else x << (60 − b), so m ∈ [2^60, 2^61); k = b − 60.
    ///    If m ≥ 2e18: m >>= 1, k += 1. Now m = ⌊x · 2^−k⌋ ∈ [1e18, 2e18) (exact when k ≤ 0).
    /// 2. z = ⌊(m − 1e18) · 1e18 / (m + 1e18)⌋ ∈ [0, 1e18/3); z2 = ⌊z · z / 1e18⌋.
    /// 3. ln m = 2 · atanh z = 2 · Σ_{i=0}^{13} z^(2i+1) / (2i+1): p₀ = z, pᵢ = ⌊pᵢ₋₁ · z2 / 1e18⌋,
    ///    s = Σ ⌊pᵢ / (2i+1)⌋.
    /// 4. ln x = k · LN2 + 2 · s, LN2 = 693147180559945309 (ln 2 in WAD, truncated).
    /// Error bound: the series left out is below 2·3^−29 / (29 · 8/9) < 1.2e-15; the floors (z, z2,
    /// 14 powers, 14 quotients, the shift) add under 1e-16; LN2's truncation adds |k| · 4.2e-19 ≤
    /// 8.3e-17 (|k| ≤ 196). So |lnWad(x) − 1e18 · ln(x / 1e18)| < 1.5e-15 · 1e18 = 1500 for every x.
    /// It never decreases as x grows: every step is monotone for a fixed k, and where k steps up the
    /// truncated series, below ln 2 at the top of its range, hands over to a value at least as large.
    /// @param x The argument in WAD, non-zero.
    /// @return The natural logarithm in WAD, in [−41.45e18, 135.3e18].
    function lnWad(uint256 x) internal pure returns (int256) {
        if (x == 0) revert LnOfZero();
        unchecked {
            // b ≤ 255, so b − 60 and 60 − b are small; m < 2^61 and all products below stay under 2^128.
            uint256 b = Math.log2(x);
            uint256 m = b >= 60 ? x >> (b - 60) : x << (60 - b);
            int256 k = int256(b) - 60;
            if (m >= 2 * WAD) {
                m >>= 1;
                ++k;
            }
            uint256 z = ((m - WAD) * WAD) / (m + WAD);
            uint256 z2 = (z * z) / WAD;
            // The series unrolled (z^3/3 … z^27/27): constant divisors, no loop counter.
            uint256 p = z;
            uint256 s = z;
            p = (p * z2) / WAD;
            s += p / 3;
            p = (p * z2) / WAD;
            s += p / 5;
            p = (p * z2) / WAD;
            s += p / 7;
            p = (p * z2) / WAD;
            s += p / 9;
            p = (p * z2) / WAD;
            s += p / 11;
            p = (p * z2) / WAD;
            s += p / 13;
            p = (p * z2) / WAD;
            s += p / 15;
            p = (p * z2) / WAD;
            s += p / 17;
            p = (p * z2) / WAD;
            s += p / 19;
            p = (p * z2) / WAD;
            s += p / 21;
            p = (p * z2) / WAD;
            s += p / 23;
            p = (p * z2) / WAD;
            s += p / 25;
            p = (p * z2) / WAD;
            s += p / 27;
            return k * LN2 + int256(2 * s);
        }
    }

    /// @notice Clipped squared log-ratio error of a list on one jury pair: with xA = max(wA, 1),
    /// xB = max(wB, 1) and d = (lnWad(xB) − lnWad(xA)) − lnR, the loss is 1e18 when |d| ≥ scale, else
    /// ⌊q · q / 1e18⌋ with q = ⌊|d| · 1e18 / scale⌋ (a full-precision product, never overflowing).
    /// @param wA The list's weight of the pair's first item (WAD).
    /// @param wB The list's weight of the pair's second item (WAD).
    /// @param lnR The jury's answer ln(credit_b / credit_a) in WAD; the subtraction is checked.
    /// @param scale Log-ratio error that counts as a full miss (WAD, ln units), non-zero.
    /// @return The loss in WAD, in [0, 1e18].
    function pairLoss(uint256 wA, uint256 wB, int256 lnR, uint256 scale) internal pure returns (uint256) {
        if (scale == 0) revert ScaleZero();
        int256 d = (lnWad(wB == 0 ? 1 : wB) - lnWad(wA == 0 ? 1 : wA)) - lnR;
        uint256 ad;
        // Two's complement negation is exact modulo 2^256, so this is |d| even for type(int256).min.
        unchecked {
            ad = d >= 0 ? uint256(d) : uint256(0) - uint256(d);
        }
        if (ad >= scale) return WAD;
        uint256 q = Math.mulDiv(ad, WAD, scale);
        // q < 1e18, so q · q < 1e36 fits.
        return (q * q) / WAD;
    }

    /// @notice Weight of one item under a simplex combination of lists: ⌊Σ_k c_k · w_k / 1e18⌋ (the
    /// products summed exactly, floored once; checked arithmetic).
    /// @param weights The item's weight in each list (WAD).
    /// @param coefficients One coefficient per list (WAD); the caller checks they sum to 1e18.
    /// @return The combined weight (WAD).
    function combine(
        uint256[] memory weights,
        uint256[] memory coefficients
    ) internal pure returns (uint256) {
        uint256 n = weights.length;
        if (coefficients.length != n) revert LengthMismatch(n, coefficients.length);
        uint256 acc;
        for (uint256 k; k < n; ++k) acc += weights[k] * coefficients[k];
        return acc / WAD;
    }
}
