// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title SumTree
/// @notice A Merkle sum tree bound to positions: the commitment to a full list of weights (one per
/// item 0..count−1) from which any item's weight is proven together with the list's total.
///
/// Why not a sorted-pair Merkle tree (OpenZeppelin `MerkleProof`): it proves that a leaf is in a
/// set, not where it sits, and says nothing of the other leaves. A list's payouts must conserve
/// tokens, so the list must provably sum to exactly 1e18, and each item must have exactly one
/// weight. Here every node carries the sum of its subtree, bound into its parent's hash, and the path
/// from a leaf to the root is fixed by the index's bits, so:
/// - the position is proven: leaf `index` is reached only through the left/right turns of its bits,
///   and the leaf hash includes the index;
/// - the total is proven: a proof recomputes the root's sum from the leaf's weight and the siblings'
///   sums, each fixed by the hash above it, so every valid proof of one root yields the same total,
///   which is the sum of the weights of all provable leaves (checked addition: no wrap-around).
///
/// Layout. Leaf of (index, weight): hash keccak256(abi.encode(index, weight)), sum weight. Padding
/// leaves (index ≥ count): hash bytes32(0), sum 0. depth = the smallest d ≥ 1 with 2^d ≥ count.
/// Node: hash keccak256(abi.encode(leftHash, leftSum, rightHash, rightSum)), sum leftSum + rightSum.
/// Leaves hash 64 bytes and nodes 128, so a node never passes for a leaf. Proof: 2·depth words,
/// (siblingHash, bytes32(siblingSum)) from the leaf up; bit i of index says whether the running node
/// is a right child at level i. The TypeScript twin is `oracle/scoring/sumTree.ts`.
///
/// The caller checks the recomputed hash against the committed root, the sum against 1e18, the
/// proof's depth against the round's, and index < count (a padding position has no provable leaf).
library SumTree {
    /// @notice A proof's length is zero or odd.
    /// @param length The proof's length in words.
    error ProofLengthInvalid(uint256 length);

    /// @notice The index does not fit the proof's depth.
    /// @param index The leaf index.
    /// @param depth The depth the proof has (its length / 2).
    error IndexOutOfTree(uint256 index, uint256 depth);

    /// @notice Recomputes the root of a sum tree and its total from one leaf and its proof.
    /// @param index The leaf's position.
    /// @param weight The leaf's weight (WAD).
    /// @param proof (siblingHash, bytes32(siblingSum)) pairs from the leaf level up.
    /// @return hash The root hash.
    /// @return sum The root's sum (the list's total).
    function root(
        uint256 index,
        uint256 weight,
        bytes32[] calldata proof
    ) internal pure returns (bytes32 hash, uint256 sum) {
        uint256 length = proof.length;
        if (length == 0 || length % 2 == 1) revert ProofLengthInvalid(length);
        uint256 depth = length / 2;
        // A shift by 256 or more gives 0, so a depth of 256 or more admits every index.
        if (index >> depth != 0) revert IndexOutOfTree(index, depth);
        hash = keccak256(abi.encode(index, weight));
        sum = weight;
        for (uint256 i; i < depth; ++i) {
            bytes32 siblingHash = proof[2 * i];
            uint256 siblingSum = uint256(proof[2 * i + 1]);
            if ((index >> i) & 1 == 1) {
                hash = keccak256(abi.encode(siblingHash, siblingSum, hash, sum));
            } else {
                hash = keccak256(abi.encode(hash, sum, siblingHash, siblingSum));
            }
            sum += siblingSum;
        }
    }
}
