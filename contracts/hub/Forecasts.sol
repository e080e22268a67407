// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {ForecastCommitment} from "../libraries/ForecastCommitment.sol";
import {LossMath} from "../libraries/LossMath.sol";
import {Outcomes} from "./Outcomes.sol";
import {Selection} from "./Selection.sol";

/// @title Forecasts
/// @notice Commit–reveal forecasts: commit for target `current + horizon`; reveal after the target's
/// outcome is final, which scores the forecast and updates the EWMA score.
abstract contract Forecasts is Outcomes, Selection {
    /// @inheritdoc IGengovHub
    function commitForecast(
        uint256 agreementId,
        uint256 candidateId,
        uint64 targetEpoch,
        bytes32 commitment
    ) external {
        Agreement storage a = _agreement(agreementId);
        Candidate storage c = _candidateOf(agreementId, candidateId, a);
        if (msg.sender != c.operator) revert CallerNotOperator(candidateId, msg.sender);
        if (commitment == bytes32(0)) revert CommitmentZero();
        uint64 current = _epochAt(agreementId, a, block.timestamp);
        if (targetEpoch != current + a.horizon) revert CommitWindowClosed(targetEpoch, current);
        Score memory s = _loadSettled(agreementId, candidateId, a);
        if (s.status != _ACTIVE) revert CandidateExiting(candidateId);
        if (s.pendingMask == 0) {
            s.pendingBase = uint32(targetEpoch);
            s.pendingMask = 1;
        } else {
            // After settling, pending targets are ≥ current − 1, so the offset is ≤ horizon + 1 < 16.
            s.pendingMask |= uint16(1 << (targetEpoch - s.pendingBase));
        }
        _scores[agreementId][candidateId] = s;
        _commitments[agreementId][candidateId][targetEpoch % _RING] = commitment;
        emit ForecastCommitted(agreementId, candidateId, targetEpoch, commitment);
    }

    /// @inheritdoc IGengovHub
    function revealForecast(
        uint256 agreementId,
        uint256 candidateId,
        uint64 targetEpoch,
        int128[] calldata values,
        bytes32 salt
    ) external returns (uint256 loss) {
        Agreement storage a = _agreement(agreementId);
        Candidate storage c = _candidateOf(agreementId, candidateId, a);
        if (msg.sender != c.operator) revert CallerNotOperator(candidateId, msg.sender);
        if (values.length != a.metricCount) revert ValuesLengthInvalid(values.length, a.metricCount);
        _requireRevealWindow(a, targetEpoch);
        // The selection of epoch `targetEpoch` reads scores as of its end: fix it before this reveal
        // changes one.
        _ensureSelected(agreementId, a, targetEpoch);
        Score memory s = _loadSettled(agreementId, candidateId, a);
        if (targetEpoch < s.pendingBase) revert ForecastNotPending(candidateId, targetEpoch);
        uint256 offset = targetEpoch - s.pendingBase;
        if (offset >= _RING || s.pendingMask & (1 << offset) == 0)
            revert ForecastNotPending(candidateId, targetEpoch);
        if (
            ForecastCommitment.hash(agreementId, candidateId, targetEpoch, values, salt) !=
            _commitments[agreementId][candidateId][targetEpoch % _RING]
        ) revert ForecastMismatch(candidateId, targetEpoch);
        if (_fixOutcome(agreementId, a, targetEpoch) == OutcomeStatus.Void) revert OutcomeIsVoid(targetEpoch);
        loss = _epochLoss(agreementId, targetEpoch, values);
        s.score = uint64(LossMath.ewma(s.score, loss, a.alpha, s.scoredCount == 0));
        ++s.scoredCount;
        _rebase(s, s.pendingMask & ~(uint256(1) << offset));
        _scores[agreementId][candidateId] = s;
        emit ForecastRevealed(agreementId, candidateId, targetEpoch, values, loss, s.score);
    }

    /// @inheritdoc IGengovHub
    function forecastCommitment(
        uint256 agreementId,
        uint256 candidateId,
        uint64 targetEpoch,
        int128[] calldata values,
        bytes32 salt
    ) external view returns (bytes32) {
        return ForecastCommitment.hash(agreementId, candidateId, targetEpoch, values, salt);
    }

    /// @inheritdoc IGengovHub
    function forecastSlot(
        uint256 agreementId,
        uint256 candidateId,
        uint64 targetEpoch
    ) external view returns (bytes32 commitment, bool pending) {
        Score memory s = _scores[agreementId][candidateId];
        commitment = _commitments[agreementId][candidateId][targetEpoch % _RING];
        pending =
            targetEpoch >= s.pendingBase &&
            targetEpoch - s.pendingBase < _RING &&
            s.pendingMask & (1 << (targetEpoch - s.pendingBase)) != 0;
    }

    function _requireRevealWindow(Agreement storage a, uint64 targetEpoch) private view {
        uint256 opens = _epochEnd(a, targetEpoch) + a.reportWindow;
        uint256 closes = opens + a.revealWindow;
        if (block.timestamp < opens || block.timestamp >= closes) {
            revert RevealWindowClosed(targetEpoch, uint64(opens), uint64(closes));
        }
    }

    /// @dev Mean over metrics of the clipped normalised error against the final outcome.
    function _epochLoss(
        uint256 agreementId,
        uint64 epoch,
        int128[] calldata values
    ) private view returns (uint256) {
        uint256 k = values.length;
        uint256 sum = 0;
        int128[8] storage o = _outcomes[agreementId][epoch];
        for (uint256 i = 0; i < k; ++i) {
            MetricConfig storage m = _metrics[agreementId][i];
            sum += LossMath.metricLoss(values[i], o[i], m.scale, LossMath.LossKind(m.lossKind));
        }
        return sum / k;
    }
}
