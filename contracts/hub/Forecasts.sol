// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {ScoreRecord} from "../libraries/ScoreRecord.sol";
import {ForecastCommitment} from "../libraries/ForecastCommitment.sol";
import {LossMath} from "../libraries/LossMath.sol";
import {Outcomes} from "./Outcomes.sol";
import {Selection} from "./Selection.sol";

/// @title Forecasts
/// @notice Commit–reveal forecasts: commit for target `current + horizon`; reveal after the target's
/// outcome is final, which scores the forecast and updates the EWMA score.
abstract contract Forecasts is Outcomes, Selection {
    /// @inheritdoc IGengovHub
    /// @dev Steady state touches two cold slots besides the commitment: the seat (operator and clock)
    /// and the score record (pending mask). The agreement is read only to settle an older pending
    /// target whose reveal deadline may have passed.
    function commitForecast(
        uint256 agreementId,
        uint256 candidateId,
        uint64 targetEpoch,
        bytes32 commitment
    ) external {
        Seat memory seat = _seats[agreementId][candidateId];
        // A registered seat has a non-zero operator, so a match also proves the candidate exists.
        if (msg.sender != seat.operator) _revertNotOperator(agreementId, candidateId);
        if (commitment == bytes32(0)) revert CommitmentZero();
        if (block.timestamp < seat.genesis) revert AgreementNotStarted(agreementId, seat.genesis);
        uint64 current = uint64((block.timestamp - seat.genesis) / seat.epochLength);
        if (targetEpoch != current + seat.horizon) revert CommitWindowClosed(targetEpoch, current);
        ScoreRecord.Score memory s = _loadScore(agreementId, candidateId);
        // Only targets before `current` can have passed their reveal deadline.
        if (s.pendingMask != 0 && s.pendingBase < current) {
            _settle(agreementId, candidateId, _agreements[agreementId], s);
        }
        if (s.status != _ACTIVE) revert CandidateExiting(candidateId);
        if (s.pendingMask == 0) {
            s.pendingBase = uint32(targetEpoch);
            s.pendingMask = 1;
        } else {
            // After settling, pending targets are ≥ current − 1, so the offset is ≤ horizon + 1 < 16.
            s.pendingMask |= uint16(1 << (targetEpoch - s.pendingBase));
        }
        _storeScore(agreementId, candidateId, s);
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
        if (msg.sender != _seats[agreementId][candidateId].operator)
            _revertNotOperator(agreementId, candidateId);
        Agreement storage a = _agreements[agreementId];
        if (values.length != a.metricCount) revert ValuesLengthInvalid(values.length, a.metricCount);
        _requireRevealWindow(a, targetEpoch);
        // The selection of epoch `targetEpoch` reads scores as of its end: fix it before this reveal
        // changes one.
        _ensureSelected(agreementId, a, targetEpoch);
        ScoreRecord.Score memory s = _loadSettled(agreementId, candidateId, a);
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
        _storeScore(agreementId, candidateId, s);
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
        ScoreRecord.Score memory s = _loadScore(agreementId, candidateId);
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
        mapping(uint256 => uint256) storage configs = _lossConfigs[agreementId];
        uint256 word;
        for (uint256 i = 0; i < k; ++i) {
            // Two metrics per slot: scale in the low 127 bits of each half, the loss kind above it.
            uint256 half = i & 1 == 0 ? (word = configs[i >> 1]) & type(uint128).max : word >> 128;
            sum += LossMath.metricLoss(
                values[i],
                o[i],
                half & ((1 << 127) - 1),
                LossMath.LossKind(half >> 127)
            );
        }
        return sum / k;
    }

    /// @dev The caller is not the candidate's operator: say why with the most specific error.
    function _revertNotOperator(uint256 agreementId, uint256 candidateId) private view {
        _candidateOf(agreementId, candidateId, _agreement(agreementId));
        revert CallerNotOperator(candidateId, msg.sender);
    }
}
