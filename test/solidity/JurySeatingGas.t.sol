// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../../contracts/interfaces/IGengovHub.sol";
import {HubBase} from "./HubBase.sol";

interface VmSeating {
    function cool(address target) external;
    function snapshotValue(string calldata group, string calldata name, uint256 value) external;
}

/// @notice The cost of seating a jury (`juryOf`) over a large roster, measured cold: every seat
/// eligible, each better than all before it (so every record enters the heap of considered keys and
/// sinks to the heap's bottom), and every one sharing the proposer's owner but not its operator (so
/// both identity reads are made for every considered candidate, and none sits).
contract JurySeatingGasTest is HubBase {
    VmSeating internal constant vms = VmSeating(address(uint160(uint256(keccak256("hevm cheat code")))));
    /// @dev Measured 1,960,590 over the worst roster of 1024 seats: a second pass over every record
    /// (the executor selection's own pass costs 1.44M), four steps down the heap per record (about
    /// 440 gas each record; the same roster in the opposite order, every key rejected at the root,
    /// costs 0.45M less) and two identity reads per considered candidate. Seating must stay within
    /// the selection's own 2M bound.
    uint256 internal constant SEATING_GAS_BOUND = 2_000_000;

    function _roster(uint256 n) internal returns (uint256 executor) {
        IGengovHub.AgreementParams memory p = _unitParams();
        p.minScored = 1;
        p.jury = IGengovHub.JuryParams(8, 8, 0, 300, 300, 0, 0);
        _use(p);
        for (uint256 i = 1; i <= n; ++i) hub.registerCandidate(aid, bytes32(i), MIN_BOND, _operator(i));
        for (uint256 i = 1; i <= n; ++i) {
            vm.prank(_operator(i));
            hub.commitForecast(aid, i, 1, _commitment(i, 1, _vals(_loss(i))));
        }
        _warp(_end(1));
        _reportAll(1, _vals(0));
        _warp(_revealOpens(1));
        for (uint256 i = 1; i <= n; ++i) {
            vm.prank(_operator(i));
            hub.revealForecast(aid, i, 1, _vals(_loss(i)), _salt(i, 1));
        }
        _warp(_end(2));
        (executor, ) = hub.selectExecutor(aid, 2);
    }

    /// @dev Every candidate has its own operator (and this contract as owner).
    function _operator(uint256 id) internal pure returns (address) {
        return address(uint160(0x5000_0000 + id));
    }

    /// @dev Higher ids forecast better: each record beats every one before it.
    function _loss(uint256 i) internal pure returns (int128) {
        return int128(int256(0.5e18 - i * 1e14));
    }

    function _seatingGas(uint256 executor) internal returns (uint256 used) {
        vms.cool(address(hub));
        uint256 g = gasleft();
        uint256[] memory jurors = hub.juryOf(aid, 2, executor, 8, new uint256[](0));
        used = g - gasleft();
        assertEq(jurors.length, 0, "every candidate shares the proposer's owner: nobody sits");
    }

    function test_gas_seating_n100() public {
        uint256 executor = _roster(100);
        vms.snapshotValue("hub", "jury.select.n100", _seatingGas(executor));
    }

    function test_gas_seating_n1024_bounded() public {
        uint256 executor = _roster(1024);
        uint256 used = _seatingGas(executor);
        vms.snapshotValue("hub", "jury.select.n1024.worst.cold", used);
        assertLe(used, SEATING_GAS_BOUND, "seating a jury over 1024 adversarial seats");
    }
}
