// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title ForecastCommitment
/// @notice The forecast commitment. Binding chain id, hub address, agreement,
/// candidate and target epoch stops a commitment being replayed anywhere else; the operator is left
/// out so that rotating the operator key never strands a pending reveal.
library ForecastCommitment {
    /// @notice Domain tag of forecast commitments.
    bytes32 internal constant TAG = keccak256("gengov.forecast.v1");

    /// @notice The commitment hash.
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @param targetEpoch The target epoch.
    /// @param values One value per metric.
    /// @param salt 32 random bytes.
    /// @return The keccak256 of the ABI encoding.
    function hash(
        uint256 agreementId,
        uint256 candidateId,
        uint64 targetEpoch,
        int128[] calldata values,
        bytes32 salt
    ) internal view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    TAG,
                    block.chainid,
                    address(this),
                    agreementId,
                    candidateId,
                    targetEpoch,
                    values,
                    salt
                )
            );
    }
}
