// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {WAD} from "../libraries/LossMath.sol";
import {
    MAX_ETA,
    MAX_HORIZON,
    MAX_INPUT_BYTES,
    MAX_INPUTS_PER_EPOCH,
    MAX_JURY_SIZE,
    MAX_METRICS
} from "./Limits.sol";

/// @title AgreementValidator
/// @notice The clock and economic checks of a new agreement's parameters, run by
/// `GengovHubModule.createAgreement` before anything is stored. Each failure reverts with
/// `AgreementParameterInvalid(parameter)`, which the hub's call bubbles up unchanged. The metric,
/// reporter, cap and allow-list checks sit next to the loops that store them.
abstract contract AgreementValidator {
    /// @dev Reverts unless the clock and economic parameters are valid.
    function _validateParams(IGengovHub.AgreementParams calldata p) internal view {
        _validateClock(p);
        _validateEconomics(p);
        _validateJury(p);
    }

    function _validateClock(IGengovHub.AgreementParams calldata p) private view {
        if (p.epochLength == 0) revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.epochLength);
        if ((p.genesis != 0 && p.genesis < block.timestamp) || p.genesis > type(uint40).max)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.genesis);
        if (p.horizon == 0 || p.horizon > MAX_HORIZON)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.horizon);
        if (p.reportWindow == 0)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.reportWindow);
        if (p.revealWindow == 0 || uint256(p.reportWindow) + p.revealWindow > p.epochLength) {
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.revealWindow);
        }
        // Both proposal windows must end by the time epoch e's selection can no longer be fixed.
        if (
            p.executionWindow == 0 ||
            2 * uint256(p.executionWindow) > uint256(p.reportWindow) + p.revealWindow
        ) {
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.executionWindow);
        }
        if (p.challengePeriod == 0)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.challengePeriod);
        if (
            p.rulingPeriod == 0 ||
            2 * uint256(p.executionWindow) + p.challengePeriod + p.rulingPeriod > p.epochLength
        ) revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.rulingPeriod);
        // A forecast committed at the latest moment stays unrevealed for at most (h + 1)·L + rw + rv;
        // exiting must outlast it so that skipping a reveal is still penalised.
        uint256 longest = (uint256(p.horizon) + 1) * p.epochLength + p.reportWindow + p.revealWindow;
        if (p.exitDelay < longest)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.exitDelay);
    }

    function _validateEconomics(IGengovHub.AgreementParams calldata p) private view {
        if (p.metrics.length == 0 || p.metrics.length > MAX_METRICS)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.metrics);
        if (p.arbiter == address(0))
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.arbiter);
        if (p.bondToken.code.length == 0)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.bondToken);
        if (p.minBond == 0 || p.minBond > type(uint96).max)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.minBond);
        if (p.missPenalty > p.minBond)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.missPenalty);
        if (p.rejectPenalty > p.minBond)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.rejectPenalty);
        // The execution contract books a challenge bond in 96 bits.
        if (p.challengeBond == 0 || p.challengeBond > type(uint96).max)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.challengeBond);
        if (p.alpha == 0 || p.alpha > WAD)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.alpha);
        if (p.margin > WAD) revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.margin);
        // A never-scored candidate starts at the worst score (WAD): a ceiling below it keeps models
        // that never forecast usefully out of the seat.
        if (p.maxScore == 0 || p.maxScore >= WAD)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.maxScore);
        if (p.selection > uint8(IGengovHub.Selection.Weighted))
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.selection);
        if (p.selection == uint8(IGengovHub.Selection.Weighted)) {
            if (p.eta == 0 || p.eta > MAX_ETA)
                revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.eta);
            // Zero: the hub's beacon of revealed salts. Otherwise an external source (e.g. a VRF).
            if (p.randomness != address(0) && p.randomness.code.length == 0)
                revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.randomness);
        }
        if (p.capTokens.length != p.maxOutflowPerEpoch.length)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.maxOutflowPerEpoch);
        if (p.maxInputBytes == 0 || p.maxInputBytes > MAX_INPUT_BYTES)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.maxInputBytes);
        if (p.maxInputsPerEpoch == 0 || p.maxInputsPerEpoch > MAX_INPUTS_PER_EPOCH) {
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.maxInputsPerEpoch);
        }
        if (!p.openInputs && p.inputAllowlist.length == 0)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.inputAllowlist);
        // With an allow-list, every listed sender can always use its whole per-sender quota.
        if (
            p.maxInputsPerSender == 0 ||
            p.maxInputsPerSender > p.maxInputsPerEpoch ||
            (!p.openInputs && uint256(p.maxInputsPerSender) * p.inputAllowlist.length > p.maxInputsPerEpoch)
        ) revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.maxInputsPerSender);
    }

    /// @dev The jury's clock: a proposal's vote (commit, then reveal) and its challenge and ruling
    /// periods all fit in the epoch after both proposal windows, so epoch e's transition still settles
    /// before e + 1's executor must propose; an appeal's vote fits in the ruling period. A jury that is
    /// off has every field 0, so no value is stored that nothing reads.
    function _validateJury(IGengovHub.AgreementParams calldata p) private pure {
        IGengovHub.JuryParams calldata j = p.jury;
        if (j.jurySize == 0) {
            if (j.juryQuorum != 0)
                revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.juryQuorum);
            if (j.appealJurySize != 0)
                revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.appealJurySize);
            if (j.voteCommitWindow != 0)
                revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.voteCommitWindow);
            if (j.voteRevealWindow != 0)
                revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.voteRevealWindow);
            if (j.juryFee != 0) revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.juryFee);
            if (j.juryPenalty != 0)
                revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.juryPenalty);
            return;
        }
        if (j.jurySize > MAX_JURY_SIZE)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.jurySize);
        if (j.juryQuorum == 0 || j.juryQuorum > j.jurySize)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.juryQuorum);
        if (j.voteCommitWindow == 0)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.voteCommitWindow);
        uint256 vote = uint256(j.voteCommitWindow) + j.voteRevealWindow;
        if (
            j.voteRevealWindow == 0 ||
            2 * uint256(p.executionWindow) + vote + p.challengePeriod + p.rulingPeriod > p.epochLength
        ) revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.voteRevealWindow);
        if (j.appealJurySize > MAX_JURY_SIZE || (j.appealJurySize != 0 && vote > p.rulingPeriod))
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.appealJurySize);
        if (j.juryPenalty > p.minBond)
            revert IGengovHub.AgreementParameterInvalid(IGengovHub.Parameter.juryPenalty);
    }
}
