// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title IRandomnessSource
/// @notice Randomness for the Weighted executor draw. The hub asks once, when it fixes an epoch's
/// executor, which happens after the epoch's inputs closed. Implementations document what they trust.
interface IRandomnessSource {
    /// @notice A random word for the executor draw of `epoch` of `agreementId`.
    /// @param agreementId The agreement.
    /// @param epoch The epoch whose executor is drawn.
    /// @return word The random word.
    function randomWord(uint256 agreementId, uint64 epoch) external view returns (uint256 word);
}
