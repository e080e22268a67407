// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @notice Test token with EIP-2612 permit, an optional transfer fee (to test balance-difference
/// accounting), a blocklist and a switch that makes every transfer revert.
contract MockERC20 is ERC20Permit {
    uint256 public feeBps;
    bool public frozen;
    mapping(address account => bool) public blocked;

    error MockTransferBlocked(address from, address to);

    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) ERC20Permit(name_) {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setFeeBps(uint256 bps) external {
        feeBps = bps;
    }

    function setFrozen(bool value) external {
        frozen = value;
    }

    function setBlocked(address account, bool value) external {
        blocked[account] = value;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (frozen || blocked[from] || blocked[to]) revert MockTransferBlocked(from, to);
        if (feeBps != 0 && from != address(0) && to != address(0)) {
            uint256 fee = (value * feeBps) / 10_000;
            super._update(from, address(0), fee);
            value -= fee;
        }
        super._update(from, to, value);
    }
}
