// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {Score} from "../libraries/ScoreRecord.sol";
import {ForecastCommitment} from "../libraries/ForecastCommitment.sol";
import {LossMath} from "../libraries/LossMath.sol";
import {COMMITMENT_RING} from "./Limits.sol";
import {Outcomes} from "./Outcomes.sol";
import {ExecutorSelection} from "./ExecutorSelection.sol";

/// @title Forecasts
/// @notice Commit–reveal forecasts: commit for target `current + horizon`; reveal after the target's
/// outcome is final, which scores the forecast and updates the EWMA score.
abstract contract Forecasts is Outcomes, ExecutorSelection {
    /// @inheritdoc IGengovHub
    /// @dev Reads one cold slot (the seat: operator and clock) and overwrites a reused commitment
    /// slot. No pending mark is kept: every target from a candidate's cursor on must be revealed or
    /// it counts as a miss, committed or not.
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
        _commitments[agreementId][candidateId][targetEpoch % COMMITMENT_RING] = commitment;
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
        Seat storage seat = _seats[agreementId][candidateId];
        if (msg.sender != seat.operator) _revertNotOperator(agreementId, candidateId);
        Agreement storage a = _agreements[agreementId];
        if (values.length != a.metricCount) revert ValuesLengthInvalid(values.length, a.metricCount);
        _requireRevealWindow(a, targetEpoch);
        // The selection of epoch `targetEpoch` reads records as of its end: fix it before this reveal
        // changes one.
        Epoch storage ep = _ensureSelected(agreementId, a, targetEpoch);
        Score memory s = _loadScore(agreementId, candidateId);
        _requireAnswerable(agreementId, candidateId, s, targetEpoch);
        if (
            ForecastCommitment.hash(agreementId, candidateId, targetEpoch, values, salt) !=
            _commitments[agreementId][candidateId][targetEpoch % COMMITMENT_RING]
        ) revert ForecastMismatch(candidateId, targetEpoch);
        if (_fixOutcome(agreementId, a, targetEpoch) == OutcomeStatus.Void) revert OutcomeIsVoid(targetEpoch);
        // Reveal windows do not overlap, so every target before this one is due: charge the skipped.
        if (s.cursor < targetEpoch) {
            _settleTo(agreementId, candidateId, a, _candidates[agreementId][candidateId], s, targetEpoch);
        }
        loss = _epochLoss(agreementId, targetEpoch, values);
        s.score = uint64(LossMath.ewma(s.score, loss, a.alpha, s.scoredCount == 0));
        ++s.scoredCount;
        s.cursor = uint32(targetEpoch) + 1;
        _storeScore(agreementId, candidateId, s);
        if (seat.beacon) ep.beacon ^= uint64(uint256(salt));
        emit ForecastRevealed(agreementId, candidateId, targetEpoch, values, loss, s.score);
    }

    /// @dev Whether the candidate still answers for `targetEpoch`: not yet accounted for, and not past
    /// an exiting candidate's last obligated target.
    function _requireAnswerable(
        uint256 agreementId,
        uint256 candidateId,
        Score memory s,
        uint64 targetEpoch
    ) private view {
        if (
            targetEpoch < s.cursor ||
            s.status == _WITHDRAWN ||
            (s.status == _EXITING && targetEpoch > _candidates[agreementId][candidateId].lastTarget)
        ) revert ForecastNotPending(candidateId, targetEpoch);
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
