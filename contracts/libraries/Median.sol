// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Median
/// @notice Median of a small array (reporters ≤ 32): insertion sort in memory; an even count averages
/// the two middle values, rounding toward zero (as Solidity's signed division does).
library Median {
    /// @notice The median of `values` (sorts the array in place).
    /// @param values At least one value.
    /// @return The median.
    function compute(int256[] memory values) internal pure returns (int256) {
        uint256 n = values.length;
        for (uint256 i = 1; i < n; ++i) {
            int256 v = values[i];
            uint256 j = i;
            while (j > 0 && values[j - 1] > v) {
                values[j] = values[j - 1];
                --j;
            }
            values[j] = v;
        }
        if (n % 2 == 1) return values[n / 2];
        return (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
