// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {HubStorage} from "./HubStorage.sol";

/// @title Inputs
/// @notice Participants' inputs: size, per-epoch and per-sender caps, open or allow-listed, and one hash chain
/// per agreement, head = keccak256(prev ‖ sender ‖ data), running across epochs. The head at the end
/// of epoch e commits to every input ever submitted up to e; an executor binds it, so it can neither
/// omit nor invent an input since the last finalized transition.
abstract contract Inputs is IGengovHub, HubStorage {
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
        // One sender cannot take the whole epoch's quota from the others.
        uint256 mine = _inputsBySender[agreementId][epoch][msg.sender];
        if (mine >= a.maxInputsPerSender)
            revert InputSenderLimitReached(epoch, msg.sender, a.maxInputsPerSender);
        _inputsBySender[agreementId][epoch][msg.sender] = mine + 1;
        // prev and sender have fixed sizes and data comes last, so the packed encoding is unambiguous.
        if (index == 0) {
            ep.prevInputEpoch = a.lastInputEpoch;
            ep.hasPrevInput = a.anyInput;
            a.lastInputEpoch = uint32(epoch);
            a.anyInput = true;
        }
        inputsHash = keccak256(abi.encodePacked(a.inputsHead, msg.sender, data));
        a.inputsHead = inputsHash;
        ep.inputsHash = inputsHash;
        ep.inputCount = index + 1;
        emit InputSubmitted(agreementId, epoch, msg.sender, index, data, inputsHash);
    }

    /// @inheritdoc IGengovHub
    function inputsHeadAt(uint256 agreementId, uint64 epoch) external view returns (bytes32) {
        Agreement storage a = _agreement(agreementId);
        if (!a.anyInput) return bytes32(0);
        uint64 e = a.lastInputEpoch;
        // Walks back over epochs with inputs after `epoch`: during execution of e that is at most e + 1.
        while (e > epoch) {
            Epoch storage ep = _epochs[agreementId][e];
            if (!ep.hasPrevInput) return bytes32(0);
            e = ep.prevInputEpoch;
        }
        return _epochs[agreementId][e].inputsHash;
    }

    /// @inheritdoc IGengovHub
    function epochInputs(uint256 agreementId, uint64 epoch) external view returns (bytes32, uint32) {
        Epoch storage ep = _epochs[agreementId][epoch];
        return (ep.inputsHash, ep.inputCount);
    }
}
