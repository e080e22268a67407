// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {GengovHubModule} from "./GengovHubModule.sol";
import {HubStorage} from "./HubStorage.sol";

/// @title ModuleCalls
/// @notice The hub's side of `GengovHubModule`: the hub is bound to the module at construction and
/// runs `createAgreement`, `setReporters`, `agreement`, `ranking`, `juryOf` and `drawRecords` in it by DELEGATECALL, on the
/// hub's own storage, with the original calldata. Return data and revert data (custom errors
/// included) come back byte for byte, so these functions behave exactly as if their code were in
/// the hub.
/// @dev A `view` function cannot DELEGATECALL, so the four views STATICCALL the hub itself on
/// `callDelegateViewToModule`, which delegates to the module; the STATICCALL context guarantees
/// that nothing is written. `callDelegateViewToModule` accepts no other caller than the hub.
abstract contract ModuleCalls is IGengovHub, HubStorage {
    /// @notice `callDelegateViewToModule` was called by someone other than the hub itself.
    error CallerNotHub(address caller);
    /// @notice The module address given to the constructor holds no code.
    error ModuleMissing(address module);

    /// @dev The module: code only, its own storage is never used.
    address private immutable _module;

    /// @notice Binds the hub to its module, deployed beside it: the hub's own initcode (which
    /// carries the execution contract's) leaves no room to create the module too.
    /// @param module_ The `GengovHubModule` (code only).
    constructor(GengovHubModule module_) {
        if (address(module_).code.length == 0) revert ModuleMissing(address(module_));
        _module = address(module_);
        emit ModuleBound(address(module_));
    }

    /// @inheritdoc IGengovHub
    /// @dev Runs in `GengovHubModule` (DELEGATECALL).
    function createAgreement(AgreementParams calldata, string calldata) external returns (uint256) {
        _delegateToModule();
    }

    /// @inheritdoc IGengovHub
    /// @dev Runs in `GengovHubModule` (DELEGATECALL).
    function setReporters(uint256, address[] calldata, uint8) external {
        _delegateToModule();
    }

    /// @inheritdoc IGengovHub
    /// @dev Runs in `GengovHubModule` (STATICCALL to `callDelegateViewToModule`).
    function agreement(uint256) external view returns (AgreementParams memory, bytes32, uint256) {
        _viewInModule();
    }

    /// @inheritdoc IGengovHub
    /// @dev Runs in `GengovHubModule` (STATICCALL to `callDelegateViewToModule`).
    function ranking(uint256, uint64) external view returns (uint256[] memory, uint256[] memory) {
        _viewInModule();
    }

    /// @inheritdoc IGengovHub
    /// @dev Runs in `GengovHubModule` (STATICCALL to `callDelegateViewToModule`).
    function juryOf(
        uint256,
        uint64,
        uint256,
        uint256,
        uint256[] calldata
    ) external view returns (uint256[] memory) {
        _viewInModule();
    }

    /// @inheritdoc IGengovHub
    /// @dev Runs in `GengovHubModule` (STATICCALL to `callDelegateViewToModule`).
    function candidate(uint256, uint256) external view returns (CandidateView memory) {
        _viewInModule();
    }

    /// @inheritdoc IGengovHub
    /// @dev Runs in `GengovHubModule` (STATICCALL to `callDelegateViewToModule`).
    function drawRecords(uint256, uint64) external view returns (uint256[] memory, uint256, uint256) {
        _viewInModule();
    }

    /// @inheritdoc IGengovHub
    /// @dev Runs in `GengovHubModule` (STATICCALL to `callDelegateViewToModule`).
    function forecastCommitment(
        uint256,
        uint256,
        uint64,
        int128[] calldata,
        bytes32
    ) external view returns (bytes32) {
        _viewInModule();
    }

    /// @inheritdoc IGengovHub
    /// @dev Runs in `GengovHubModule` (STATICCALL to `callDelegateViewToModule`).
    function forecastSlot(uint256, uint256, uint64) external view returns (bytes32, bool) {
        _viewInModule();
    }

    /// @notice Runs `data` (a call to one of the module's views) in `GengovHubModule` on the hub's
    /// storage and returns the module's return data. Only the hub calls it, from its views, by
    /// STATICCALL; any other caller is refused with `CallerNotHub`. A revert of the module is
    /// re-thrown with its data unchanged.
    /// @dev Its selector, 0xff7ba6c4, sorts after every other selector of the hub, so the dispatcher
    /// checks it last and no other function's dispatch costs more for it.
    /// @param data The calldata of the view, as the hub received it.
    /// @return The module's return data, unchanged.
    function callDelegateViewToModule(bytes calldata data) external returns (bytes memory) {
        if (msg.sender != address(this)) revert CallerNotHub(msg.sender);
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = _module.delegatecall(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        return ret;
    }

    /// @dev DELEGATECALLs the module with this call's calldata and ends the call with the module's
    /// return or revert data, unchanged.
    function _delegateToModule() private {
        address module = _module;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, 0, calldatasize())
            let ok := delegatecall(gas(), module, ptr, calldatasize(), 0, 0)
            returndatacopy(ptr, 0, returndatasize())
            if iszero(ok) {
                revert(ptr, returndatasize())
            }
            return(ptr, returndatasize())
        }
    }

    /// @dev STATICCALLs `callDelegateViewToModule(msg.data)` on the hub and ends the call with the
    /// module's return data (unwrapped from the returned `bytes`) or revert data, unchanged.
    function _viewInModule() private view {
        (bool ok, bytes memory ret) = address(this).staticcall(
            abi.encodeCall(this.callDelegateViewToModule, (msg.data))
        );
        assembly ("memory-safe") {
            if iszero(ok) {
                revert(add(ret, 0x20), mload(ret))
            }
            // ret holds abi.encode(bytes): offset 0x20, then the length, then the data.
            return(add(ret, 0x60), mload(add(ret, 0x40)))
        }
    }
}
