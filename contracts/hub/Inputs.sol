// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {HubStorage} from "./HubStorage.sol";

/// @title Inputs
/// @notice Participants' inputs: size and per-epoch caps, open or allow-listed, and the per-epoch
/// hash chain inputsHash[e] = keccak256(prev ‖ sender ‖ data) that an executor must bind.
abstract contract Inputs is HubStorage {
    /// @inheritdoc IGengovHub
    function submitInput(
        uint256 agreementId,
        bytes calldata data
    ) external returns (uint64 epoch, bytes32 inputsHash) {
        Agreement storage a = _agreement(agreementId);
        epoch = _epochAt(agreementId, a, block.timestamp);
        if (!a.openInputs && !_inputAllowed[agreementId][msg.sender])
            revert InputSenderNotAllowed(msg.sender);
        if (data.length == 0 || data.length > a.maxInputBytes)
            revert InputSizeInvalid(data.length, a.maxInputBytes);
        Epoch storage ep = _epochs[agreementId][epoch];
        uint32 index = ep.inputCount;
        if (index >= a.maxInputsPerEpoch) revert InputLimitReached(epoch, a.maxInputsPerEpoch);
        // prev and sender have fixed sizes and data comes last, so the packed encoding is unambiguous.
        inputsHash = keccak256(abi.encodePacked(ep.inputsHash, msg.sender, data));
        ep.inputsHash = inputsHash;
        ep.inputCount = index + 1;
        emit InputSubmitted(agreementId, epoch, msg.sender, index, data, inputsHash);
    }

    /// @inheritdoc IGengovHub
    function epochInputs(uint256 agreementId, uint64 epoch) external view returns (bytes32, uint32) {
        Epoch storage ep = _epochs[agreementId][epoch];
        return (ep.inputsHash, ep.inputCount);
    }
}
