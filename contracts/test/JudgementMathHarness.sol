// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {JudgementMath} from "../libraries/JudgementMath.sol";
import {SumTree} from "../libraries/SumTree.sol";

/// @title JudgementMathHarness
/// @notice Test only: exposes JudgementMath and SumTree as external pure functions so that
/// `test/judgement.math.differential.test.ts` can compare them with the TypeScript twins in
/// `oracle/scoring/judgement.ts` and `oracle/scoring/sumTree.ts`.
contract JudgementMathHarness {
    /// @notice JudgementMath.lnWad.
    /// @param x The argument in WAD.
    /// @return The natural logarithm in WAD.
    function lnWad(uint256 x) external pure returns (int256) {
        return JudgementMath.lnWad(x);
    }

    /// @notice JudgementMath.lnWad of many arguments in one call (none may be zero).
    /// @param xs The arguments in WAD.
    /// @return ys The natural logarithms in WAD.
    function lnWadMany(uint256[] calldata xs) external pure returns (int256[] memory ys) {
        ys = new int256[](xs.length);
        for (uint256 i; i < xs.length; ++i) ys[i] = JudgementMath.lnWad(xs[i]);
    }

    /// @notice JudgementMath.pairLoss.
    /// @param wA Weight of the pair's first item.
    /// @param wB Weight of the pair's second item.
    /// @param lnR The jury's log-ratio.
    /// @param scale The full-miss error.
    /// @return The loss in WAD.
    function pairLoss(uint256 wA, uint256 wB, int256 lnR, uint256 scale) external pure returns (uint256) {
        return JudgementMath.pairLoss(wA, wB, lnR, scale);
    }

    /// @notice JudgementMath.pairLoss of many cases in one call (none may revert).
    /// @param wA First weights.
    /// @param wB Second weights.
    /// @param lnR Log-ratios.
    /// @param scale Full-miss errors.
    /// @return losses The losses in WAD.
    function pairLossMany(
        uint256[] calldata wA,
        uint256[] calldata wB,
        int256[] calldata lnR,
        uint256[] calldata scale
    ) external pure returns (uint256[] memory losses) {
        losses = new uint256[](wA.length);
        for (uint256 i; i < wA.length; ++i)
            losses[i] = JudgementMath.pairLoss(wA[i], wB[i], lnR[i], scale[i]);
    }

    /// @notice JudgementMath.combine.
    /// @param weights One weight per list.
    /// @param coefficients One coefficient per list.
    /// @return The combined weight.
    function combine(
        uint256[] memory weights,
        uint256[] memory coefficients
    ) external pure returns (uint256) {
        return JudgementMath.combine(weights, coefficients);
    }

    /// @notice SumTree.root.
    /// @param index The leaf's position.
    /// @param weight The leaf's weight.
    /// @param proof The proof.
    /// @return hash The root hash.
    /// @return sum The root's sum.
    function sumTreeRoot(
        uint256 index,
        uint256 weight,
        bytes32[] calldata proof
    ) external pure returns (bytes32 hash, uint256 sum) {
        return SumTree.root(index, weight, proof);
    }

    /// @notice Gas of one JudgementMath.lnWad (for the gas figures in the differential test).
    /// @param x The argument.
    /// @return gasUsed Gas between the two gasleft() reads.
    function lnWadGas(uint256 x) external view returns (uint256 gasUsed) {
        uint256 before = gasleft();
        int256 y = JudgementMath.lnWad(x);
        gasUsed = before - gasleft();
        // Uses the result so that the optimizer keeps the call.
        if (y == type(int256).min) gasUsed = 0;
    }

    /// @notice Gas of one JudgementMath.pairLoss.
    /// @param wA Weight of the pair's first item.
    /// @param wB Weight of the pair's second item.
    /// @param lnR The jury's log-ratio.
    /// @param scale The full-miss error.
    /// @return gasUsed Gas between the two gasleft() reads.
    function pairLossGas(
        uint256 wA,
        uint256 wB,
        int256 lnR,
        uint256 scale
    ) external view returns (uint256 gasUsed) {
        uint256 before = gasleft();
        uint256 loss = JudgementMath.pairLoss(wA, wB, lnR, scale);
        gasUsed = before - gasleft();
        // Uses the result so that the optimizer keeps the call.
        if (loss == type(uint256).max) gasUsed = 0;
    }
}
