// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {HubStorage} from "./HubStorage.sol";

/// @title Agreements
/// @notice Treasury deposits and the agreement clock. Creation, the arbiter's reporter-set change
/// and the `agreement` view run in `GengovHubModule` (see `ModuleCalls`).
abstract contract Agreements is IGengovHub, HubStorage {
    using SafeERC20 for IERC20;

    /// @inheritdoc IGengovHub
    function deposit(
        uint256 agreementId,
        address token,
        uint256 amount
    ) external nonReentrant returns (uint256 received) {
        _agreement(agreementId);
        if (token == address(0)) revert ZeroAddress();
        received = _pull(IERC20(token), amount);
        _treasury[agreementId][token] += received;
        emit TreasuryDeposited(agreementId, token, msg.sender, received);
    }

    // ─────────────────────────────────────────── views ───────────────────────────────────────────

    /// @inheritdoc IGengovHub
    function epochAt(uint256 agreementId, uint256 t) external view returns (uint64) {
        return _epochAt(agreementId, _agreement(agreementId), t);
    }

    /// @inheritdoc IGengovHub
    function treasuryBalance(uint256 agreementId, address token) external view returns (uint256) {
        return _treasury[agreementId][token];
    }

    // ───────────────────────────────────────── internals ─────────────────────────────────────────

    /// @dev Pulls `amount` of `token` from the caller and returns what actually arrived, so fee-on-
    /// transfer tokens are booked at their real value.
    function _pull(IERC20 token, uint256 amount) internal returns (uint256 received) {
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        received = token.balanceOf(address(this)) - before;
        if (received == 0) revert BondAmountInvalid(amount);
    }
}
