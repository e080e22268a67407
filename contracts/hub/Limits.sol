// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

// Limits shared by the hub and its agreement validator.

/// @dev 1.0 in fixed point (scores, losses, alpha, margin).
uint256 constant WAD = 1e18;
/// @dev Metrics per agreement.
uint256 constant MAX_METRICS = 8;
/// @dev Pending forecasts live in a 16-bit window [pendingBase, pendingBase + 16); at any time they
/// span at most targets [c − 1, c + horizon], so horizon ≤ 14 always fits.
uint256 constant MAX_HORIZON = 14;
