// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

// Limits shared by the hub and its agreement validator.

/// @dev 1.0 in fixed point (scores, losses, alpha, margin, eta, maxScore).
uint256 constant WAD = 1e18;
/// @dev Metrics per agreement.
uint256 constant MAX_METRICS = 8;
/// @dev Forecast commitments live in a ring of 16 slots per candidate; a commitment for target t is
/// made in epoch t − horizon and revealed by end(t + 1), so horizon ≤ 14 never overwrites a live one.
uint256 constant MAX_HORIZON = 14;
/// @dev Live seats per agreement; the selection scan reads one slot per two of them.
uint256 constant MAX_CANDIDATES = 1024;
/// @dev A bond counts in whole `minBond` units, in 18 bits of the score record; registration and
/// top-ups refuse a bond above this many units, so the count never saturates.
uint256 constant MAX_BOND_UNITS = (1 << 18) - 1;
/// @dev Largest Weighted temperature (WAD).
uint256 constant MAX_ETA = 10_000e18;
/// @dev Consecutive void targets the selection looks back over when deciding who is up to date.
uint256 constant MAX_VOID_LOOKBACK = 16;
/// @dev Targets one `poke` settles at most, so a long-dormant record is settled in bounded steps.
uint256 constant SETTLE_CHUNK = 256;
