// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {LossMath} from "../../contracts/libraries/LossMath.sol";
import {TestBase} from "../../contracts/test/Vm.sol";

contract LossMathTest is TestBase {
    uint256 private constant WAD = 1e18;

    function test_metricLoss_exactValues() public pure {
        // |130 − 100| / 100 = 0.3
        assertEq(LossMath.metricLoss(130, 100, 100, LossMath.LossKind.Absolute), 0.3e18, "abs");
        assertEq(LossMath.metricLoss(70, 100, 100, LossMath.LossKind.Squared), 0.09e18, "sq");
        assertEq(LossMath.metricLoss(-500, 100, 100, LossMath.LossKind.Absolute), WAD, "clipped");
    }

    function test_fuzz_metricLoss_boundedAndSymmetric(
        int256 f,
        int256 o,
        uint256 scale,
        bool squared
    ) public pure {
        scale = bound(scale, 1, type(uint128).max);
        LossMath.LossKind kind = squared ? LossMath.LossKind.Squared : LossMath.LossKind.Absolute;
        uint256 a = LossMath.metricLoss(f, o, scale, kind);
        assertLe(a, WAD, "loss above worst");
        assertEq(a, LossMath.metricLoss(o, f, scale, kind), "not symmetric");
        if (f == o) assertEq(a, 0, "exact forecast has loss");
    }

    function test_fuzz_metricLoss_isMonotone(int128 o, uint128 d1, uint128 d2, uint128 scale) public pure {
        vm.assume(scale > 0);
        if (d1 > d2) (d1, d2) = (d2, d1);
        int256 near = int256(o) + int256(uint256(d1));
        int256 far = int256(o) + int256(uint256(d2));
        assertLe(
            LossMath.metricLoss(near, o, scale, LossMath.LossKind.Absolute),
            LossMath.metricLoss(far, o, scale, LossMath.LossKind.Absolute),
            "closer forecast scored worse"
        );
    }

    function test_fuzz_ewma_staysBetween(uint256 s, uint256 l, uint256 alpha) public pure {
        s = bound(s, 0, WAD);
        l = bound(l, 0, WAD);
        alpha = bound(alpha, 1, WAD);
        uint256 n = LossMath.ewma(s, l, alpha, false);
        uint256 lo = s < l ? s : l;
        uint256 hi = s < l ? l : s;
        assertGe(n, lo, "below range");
        assertLe(n, hi, "above range");
    }

    function test_fuzz_applyMisses_neverBetterThanAnyReveal(
        uint256 s,
        uint256 l,
        uint256 alpha,
        uint8 m
    ) public pure {
        // Selective non-reveal: m misses never leave a lower score than revealing any loss m times.
        s = bound(s, 0, WAD);
        l = bound(l, 0, WAD);
        alpha = bound(alpha, 1, WAD);
        uint256 revealed = s;
        for (uint256 i = 0; i < m; ++i) revealed = LossMath.ewma(revealed, l, alpha, false);
        uint256 missed = LossMath.applyMisses(s, alpha, m, false);
        assertGe(missed + m, revealed, "missing beat revealing"); // + m: per-step rounding slack
        assertLe(missed, WAD, "above worst");
    }

    function test_fuzz_applyMisses_matchesSequentialWithinRounding(
        uint256 s,
        uint256 alpha,
        uint8 m
    ) public pure {
        s = bound(s, 0, WAD);
        alpha = bound(alpha, 1, WAD);
        uint256 seq = s;
        for (uint256 i = 0; i < m; ++i) seq = LossMath.ewma(seq, WAD, alpha, false);
        uint256 closed = LossMath.applyMisses(s, alpha, m, false);
        uint256 gap = closed > seq ? closed - seq : seq - closed;
        assertLe(gap, uint256(m) * 2 + 2, "closed form drifted");
    }

    function test_fuzz_expNegWad_monotoneAndBounded(uint256 a, uint256 b) public pure {
        a = bound(a, 0, 50e18);
        b = bound(b, 0, 50e18);
        if (a > b) (a, b) = (b, a);
        assertLe(LossMath.expNegWad(b), LossMath.expNegWad(a), "not decreasing");
        assertLe(LossMath.expNegWad(a), WAD, "above one");
    }

    /// @dev The recipe as first written (checked Solidity, shared with the TypeScript twin): the
    /// assembly version must give the same integers.
    function _expNegWadReference(uint256 x) internal pure returns (uint256) {
        if (x >= 42e18) return 0;
        uint256 ln2 = 693147180559945309;
        uint256 k = x / ln2;
        uint256 r = x - k * ln2;
        uint256 term = WAD;
        uint256 sum = WAD;
        for (uint256 i = 1; i <= 7; ++i) {
            term = (term * r) / (i * WAD);
            sum += term;
        }
        return ((WAD * WAD) / sum) >> k;
    }

    function test_fuzz_expNegWad_matchesTheReferenceRecipe(uint256 x, uint256 k, uint256 j) public pure {
        assertEq(LossMath.expNegWad(x), _expNegWadReference(x), "any x");
        x = bound(x, 0, 43e18);
        assertEq(LossMath.expNegWad(x), _expNegWadReference(x), "x in range");
        // Just below a multiple of ln2: r and every term at their largest.
        x = bound(k, 0, 60) * 693147180559945309 + 693147180559945309 - 1 - bound(j, 0, 1e12);
        assertEq(LossMath.expNegWad(x), _expNegWadReference(x), "longest series");
    }

    function test_expNegWad_edges() public pure {
        uint256[8] memory xs = [
            uint256(0),
            1,
            693147180559945309 - 1,
            693147180559945309,
            693147180559945309 + 1,
            42e18 - 1,
            42e18,
            type(uint256).max
        ];
        for (uint256 i = 0; i < xs.length; ++i) {
            assertEq(LossMath.expNegWad(xs[i]), _expNegWadReference(xs[i]), "edge");
        }
    }

    function test_expNegWad_knownValues() public pure {
        assertEq(LossMath.expNegWad(0), WAD, "e^0");
        // e^-1 = 0.367879441171442321…, e^-(ln2 - 1e-18) = 0.5000000000000000005…: within 7.2e-7.
        uint256 v = LossMath.expNegWad(WAD);
        assertLe(v > 367879441171442321 ? v - 367879441171442321 : 367879441171442321 - v, 0.265e12, "e^-1");
        v = LossMath.expNegWad(693147180559945308);
        assertLe(v > 0.5e18 ? v - 0.5e18 : 0.5e18 - v, 0.36e12, "just below ln 2");
    }

    /// @dev The recipe's exact integers; `test/scoring.rules.test.ts` pins the same values for the
    /// TypeScript twin. Just below a multiple of ln 2 the truncation shows most
    /// (e^−(ln2 − 1e-18) = 0.5 + 3.6e-7 here, 0.5 + 1e-18 exactly).
    function test_expNegWad_pinnedValues() public pure {
        assertEq(LossMath.expNegWad(1), 999999999999999999, "1 wei");
        assertEq(LossMath.expNegWad(0.5e18), 606530697436967798, "e^-0.5");
        assertEq(LossMath.expNegWad(WAD), 367879441717669763, "e^-1");
        assertEq(LossMath.expNegWad(693147180559945308), 500000357714286720, "just below ln 2");
        assertEq(LossMath.expNegWad(693147180559945309), 0.5e18, "ln 2");
        assertEq(LossMath.expNegWad(1234567890123456789), 290960495075460364, "e^-1.23");
        assertEq(LossMath.expNegWad(5e18), 6737946999119142, "e^-5");
        assertEq(LossMath.expNegWad(41e18), 1, "e^-41");
        assertEq(LossMath.expNegWad(42e18 - 1), 0, "below 1 wei");
        assertEq(LossMath.expNegWad(42e18), 0, "cut-off");
    }
}
