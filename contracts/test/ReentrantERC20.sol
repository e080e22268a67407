// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ReentrantERC20
/// @notice Test only: a malicious (or ERC-777-like) token. Once armed, the next transfer first calls
/// `target` with `data` from the token's own address and only then moves the balances, the way an
/// ERC-777 `tokensToSend` hook runs before the sender's balance changes. The token can also act as a
/// plain account (`exec`), so it can be a payee, a depositor or a challenger itself.
contract ReentrantERC20 is ERC20 {
    address public target;
    bytes public data;
    /// @notice When true, a failed callback reverts the transfer with the callback's revert data.
    bool public bubble;
    bool public armed;
    /// @notice How many callbacks ran, and the outcome of the last one.
    uint256 public callbacks;
    bool public lastCallOk;
    bytes public lastReturn;

    constructor() ERC20("Reentrant", "REENT") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arm a one-shot callback into `target_` on the next transfer (mints and burns excluded).
    function arm(address target_, bytes calldata data_, bool bubble_) external {
        target = target_;
        data = data_;
        bubble = bubble_;
        armed = true;
    }

    /// @notice Call anything as the token contract (it is its own test account).
    function exec(address to, bytes calldata callData) external returns (bytes memory ret) {
        bool ok;
        (ok, ret) = to.call(callData);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    function _update(address from, address to, uint256 value) internal override {
        if (armed && from != address(0) && to != address(0)) {
            armed = false;
            ++callbacks;
            (bool ok, bytes memory ret) = target.call(data);
            lastCallOk = ok;
            lastReturn = ret;
            if (!ok && bubble) {
                assembly ("memory-safe") {
                    revert(add(ret, 32), mload(ret))
                }
            }
        }
        super._update(from, to, value);
    }
}
