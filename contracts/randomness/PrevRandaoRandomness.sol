// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRandomnessSource} from "../interfaces/IRandomnessSource.sol";

/// @title PrevRandaoRandomness
/// @notice Default randomness: the beacon chain's RANDAO mix of the block in which the executor is
/// fixed, hashed with the chain, agreement and epoch. Trust: the mix is unknown when the epoch's inputs
/// close, but the proposer of that block can withhold it (one bit of bias per forfeited block) and the
/// caller chooses the block within the selection window, so a patient caller may retry across blocks.
/// On chains without a beacon (local Hardhat, some L2s) prevrandao is predictable: use it only where
/// that is acceptable, or plug in a VRF behind IRandomnessSource.
contract PrevRandaoRandomness is IRandomnessSource {
    /// @inheritdoc IRandomnessSource
    function randomWord(uint256 agreementId, uint64 epoch) external view returns (uint256) {
        return
            uint256(keccak256(abi.encode(block.prevrandao, block.chainid, msg.sender, agreementId, epoch)));
    }
}
