// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRandomnessSource} from "../interfaces/IRandomnessSource.sol";

/// @notice Test randomness: returns whatever word the test set (per epoch, else a default).
contract FixedRandomness is IRandomnessSource {
    uint256 public defaultWord;
    mapping(uint64 epoch => uint256) public words;
    mapping(uint64 epoch => bool) public isSet;

    function setDefault(uint256 word) external {
        defaultWord = word;
    }

    function setWord(uint64 epoch, uint256 word) external {
        words[epoch] = word;
        isSet[epoch] = true;
    }

    function randomWord(uint256, uint64 epoch) external view returns (uint256) {
        return isSet[epoch] ? words[epoch] : defaultWord;
    }
}
