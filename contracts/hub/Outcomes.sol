// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {Median} from "../libraries/Median.sol";
import {HubStorage} from "./HubStorage.sol";

/// @title Outcomes
/// @notice Reporters report each epoch's metrics in its report window; afterwards the outcome is the
/// per-metric median if at least `quorum` reporters reported, otherwise void.
abstract contract Outcomes is IGengovHub, HubStorage {
    /// @inheritdoc IGengovHub
    function reportOutcome(uint256 agreementId, uint64 epoch, int128[] calldata values) external {
        Agreement storage a = _agreement(agreementId);
        if (!_isReporter[agreementId][msg.sender]) revert ReporterUnknown(msg.sender);
        uint256 k = a.metricCount;
        if (values.length != k) revert ValuesLengthInvalid(values.length, k);
        uint256 opens = _epochEnd(a, epoch);
        uint256 closes = opens + a.reportWindow;
        if (block.timestamp < opens || block.timestamp >= closes) {
            revert ReportWindowClosed(epoch, uint64(opens), uint64(closes));
        }
        Epoch storage ep = _epochs[agreementId][epoch];
        uint256 index = _reportIndex[agreementId][epoch][msg.sender];
        if (index == 0) {
            index = ++ep.reportCount;
            _reportIndex[agreementId][epoch][msg.sender] = index;
        }
        ep.quorum = a.quorum;
        int128[8] storage slot = _reports[agreementId][epoch][index - 1];
        for (uint256 i = 0; i < k; ++i) slot[i] = values[i];
        emit OutcomeReported(agreementId, epoch, msg.sender, values);
    }

    /// @inheritdoc IGengovHub
    function finalizeOutcome(uint256 agreementId, uint64 epoch) external returns (OutcomeStatus) {
        return _fixOutcome(agreementId, _agreement(agreementId), epoch);
    }

    /// @inheritdoc IGengovHub
    function outcome(
        uint256 agreementId,
        uint64 epoch
    ) external view returns (OutcomeStatus status, int128[] memory values, uint8 reports) {
        Agreement storage a = _agreement(agreementId);
        Epoch storage ep = _epochs[agreementId][epoch];
        status = ep.outcomeStatus;
        reports = ep.reportCount;
        if (status == OutcomeStatus.Final) {
            values = new int128[](a.metricCount);
            int128[8] storage o = _outcomes[agreementId][epoch];
            for (uint256 i = 0; i < values.length; ++i) values[i] = o[i];
        }
    }

    /// @dev Fixes the outcome once the report window has ended; idempotent.
    function _fixOutcome(
        uint256 agreementId,
        Agreement storage a,
        uint64 epoch
    ) internal returns (OutcomeStatus) {
        Epoch storage ep = _epochs[agreementId][epoch];
        OutcomeStatus status = ep.outcomeStatus;
        if (status != OutcomeStatus.Pending) return status;
        uint256 readyAt = _epochEnd(a, epoch) + a.reportWindow;
        if (block.timestamp < readyAt) revert OutcomeNotReady(epoch, uint64(readyAt));
        uint256 n = ep.reportCount;
        if (n == 0 || n < ep.quorum) {
            ep.outcomeStatus = OutcomeStatus.Void;
            emit OutcomeVoided(agreementId, epoch, uint8(n));
            return OutcomeStatus.Void;
        }
        uint256 k = a.metricCount;
        int128[] memory medians = new int128[](k);
        int256[] memory column = new int256[](n);
        int128[8] storage o = _outcomes[agreementId][epoch];
        for (uint256 m = 0; m < k; ++m) {
            for (uint256 r = 0; r < n; ++r) column[r] = _reports[agreementId][epoch][r][m];
            // The median of int128 values lies between two of them, so it fits int128.
            medians[m] = int128(Median.compute(column));
            o[m] = medians[m];
        }
        ep.outcomeStatus = OutcomeStatus.Final;
        emit OutcomeFinalized(agreementId, epoch, medians);
        return OutcomeStatus.Final;
    }
}
