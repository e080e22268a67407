// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {AgreementValidator} from "./AgreementValidator.sol";
import {HubStorage} from "./HubStorage.sol";

/// @title Agreements
/// @notice Creation and validation of agreements, the arbiter's reporter-set change,
/// treasury deposits, and the read-only views of agreements.
abstract contract Agreements is HubStorage {
    using SafeERC20 for IERC20;

    /// @dev Checks the clock and economic parameters of new agreements (its reverts bubble up).
    AgreementValidator private immutable _validator;

    constructor() {
        _validator = new AgreementValidator();
    }

    /// @inheritdoc IGengovHub
    function createAgreement(
        AgreementParams calldata p,
        string calldata text
    ) external returns (uint256 agreementId) {
        if (bytes(text).length == 0) revert AgreementParameterInvalid(Parameter.text);
        _validate();
        agreementId = ++_agreementCount;
        Agreement storage a = _agreements[agreementId];
        // Validated to fit 40 bits (timestamps until the year 36,812).
        a.genesis = uint40(p.genesis == 0 ? block.timestamp : p.genesis);
        a.epochLength = p.epochLength;
        a.reportWindow = p.reportWindow;
        a.revealWindow = p.revealWindow;
        a.executionWindow = p.executionWindow;
        a.challengePeriod = p.challengePeriod;
        a.rulingPeriod = p.rulingPeriod;
        a.horizon = p.horizon;
        a.selection = Selection(p.selection);
        a.maxScore = p.maxScore;
        a.maxInputsPerSender = p.maxInputsPerSender;
        a.bondToken = p.bondToken;
        a.alpha = p.alpha;
        a.minScored = p.minScored;
        a.openInputs = p.openInputs;
        a.arbiter = p.arbiter;
        a.margin = p.margin;
        a.minBond = p.minBond;
        a.missPenalty = p.missPenalty;
        a.rejectPenalty = p.rejectPenalty;
        a.challengeBond = p.challengeBond;
        a.randomness = p.randomness;
        a.eta = p.eta;
        a.exitDelay = p.exitDelay;
        a.maxInputBytes = p.maxInputBytes;
        a.maxInputsPerEpoch = p.maxInputsPerEpoch;
        a.textHash = keccak256(bytes(text));
        _storeMetrics(agreementId, a, p.metrics);
        _storeReporters(agreementId, a, p.reporters, p.quorum);
        _storeCapsAndAllowlist(agreementId, a, p);
        emit AgreementCreated(agreementId, msg.sender, a.textHash, msg.data[4:]);
    }

    /// @inheritdoc IGengovHub
    function setReporters(uint256 agreementId, address[] calldata reporters, uint8 quorum) external {
        Agreement storage a = _agreement(agreementId);
        if (msg.sender != a.arbiter) revert CallerNotArbiter(msg.sender);
        address[] storage old = a.reporters;
        for (uint256 i = 0; i < old.length; ++i) _isReporter[agreementId][old[i]] = false;
        delete a.reporters;
        _storeReporters(agreementId, a, reporters, quorum);
        emit ReportersChanged(agreementId, reporters, quorum);
    }

    /// @inheritdoc IGengovHub
    function deposit(
        uint256 agreementId,
        address token,
        uint256 amount
    ) external nonReentrant returns (uint256 received) {
        _agreement(agreementId);
        if (token == address(0)) revert ZeroAddress();
        received = _pull(IERC20(token), amount);
        _treasury[agreementId][token] += received;
        emit TreasuryDeposited(agreementId, token, msg.sender, received);
    }

    // ─────────────────────────────────────────── views ───────────────────────────────────────────

    /// @inheritdoc IGengovHub
    function epochAt(uint256 agreementId, uint256 t) external view returns (uint64) {
        return _epochAt(agreementId, _agreement(agreementId), t);
    }

    /// @inheritdoc IGengovHub
    function agreement(
        uint256 agreementId
    ) external view returns (AgreementParams memory p, bytes32 textHash, uint256 candidateCount) {
        Agreement storage a = _agreement(agreementId);
        p.genesis = a.genesis;
        p.epochLength = a.epochLength;
        p.horizon = a.horizon;
        p.reportWindow = a.reportWindow;
        p.revealWindow = a.revealWindow;
        p.executionWindow = a.executionWindow;
        p.challengePeriod = a.challengePeriod;
        p.rulingPeriod = a.rulingPeriod;
        p.metrics = new Metric[](a.metricCount);
        for (uint256 i = 0; i < a.metricCount; ++i) {
            MetricConfig storage m = _metrics[agreementId][i];
            p.metrics[i] = Metric({name: m.name, decimals: m.decimals, lossKind: m.lossKind, scale: m.scale});
        }
        p.reporters = a.reporters;
        p.quorum = a.quorum;
        p.arbiter = a.arbiter;
        p.bondToken = a.bondToken;
        p.minBond = a.minBond;
        p.missPenalty = a.missPenalty;
        p.rejectPenalty = a.rejectPenalty;
        p.challengeBond = a.challengeBond;
        p.exitDelay = a.exitDelay;
        p.alpha = a.alpha;
        p.minScored = a.minScored;
        p.selection = uint8(a.selection);
        p.maxScore = a.maxScore;
        p.margin = a.margin;
        p.eta = a.eta;
        p.randomness = a.randomness;
        p.capTokens = a.capTokens;
        p.maxOutflowPerEpoch = new uint256[](a.capTokens.length);
        for (uint256 i = 0; i < a.capTokens.length; ++i) {
            p.maxOutflowPerEpoch[i] = _outflowCap[agreementId][a.capTokens[i]];
        }
        p.openInputs = a.openInputs;
        p.maxInputBytes = a.maxInputBytes;
        p.maxInputsPerEpoch = a.maxInputsPerEpoch;
        p.maxInputsPerSender = a.maxInputsPerSender;
        return (p, a.textHash, a.candidateCount);
    }

    /// @inheritdoc IGengovHub
    function treasuryBalance(uint256 agreementId, address token) external view returns (uint256) {
        return _treasury[agreementId][token];
    }

    // ───────────────────────────────────────── internals ─────────────────────────────────────────

    /// @dev Runs the validator on this call's own arguments: `createAgreement` and `validate` share
    /// their parameter list, so the calldata is forwarded with only the selector swapped (no
    /// re-encoding). A revert is re-thrown with its data unchanged.
    function _validate() private view {
        (bool ok, bytes memory reason) = address(_validator).staticcall(
            abi.encodePacked(AgreementValidator.validate.selector, msg.data[4:])
        );
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(reason, 0x20), mload(reason))
            }
        }
    }

    /// @dev Pulls `amount` of `token` from the caller and returns what actually arrived, so fee-on-
    /// transfer tokens are booked at their real value.
    function _pull(IERC20 token, uint256 amount) internal returns (uint256 received) {
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        received = token.balanceOf(address(this)) - before;
        if (received == 0) revert BondAmountInvalid(amount);
    }

    function _storeMetrics(uint256 agreementId, Agreement storage a, Metric[] calldata metrics) private {
        for (uint256 i = 0; i < metrics.length; ++i) {
            Metric calldata m = metrics[i];
            // scale < 2^127 leaves the top bit of its 128-bit half for the loss kind.
            if (
                m.scale == 0 ||
                m.scale >= 1 << 127 ||
                m.lossKind > 1 ||
                m.decimals > 18 ||
                bytes(m.name).length == 0
            ) {
                revert AgreementParameterInvalid(Parameter.metrics);
            }
            _lossConfigs[agreementId][i >> 1] |=
                (uint256(m.scale) | (uint256(m.lossKind) << 127)) << ((i & 1) * 128);
            _metrics[agreementId][i] = MetricConfig({
                scale: m.scale,
                lossKind: m.lossKind,
                decimals: m.decimals,
                name: m.name
            });
        }
        a.metricCount = uint8(metrics.length);
    }

    function _storeReporters(
        uint256 agreementId,
        Agreement storage a,
        address[] calldata reporters,
        uint8 quorum
    ) private {
        if (reporters.length == 0 || reporters.length > _MAX_REPORTERS)
            revert AgreementParameterInvalid(Parameter.reporters);
        for (uint256 i = 0; i < reporters.length; ++i) {
            address r = reporters[i];
            if (r == address(0) || _isReporter[agreementId][r])
                revert AgreementParameterInvalid(Parameter.reporters);
            _isReporter[agreementId][r] = true;
            a.reporters.push(r);
        }
        if (quorum == 0 || quorum > reporters.length) revert AgreementParameterInvalid(Parameter.quorum);
        a.quorum = quorum;
    }

    function _storeCapsAndAllowlist(
        uint256 agreementId,
        Agreement storage a,
        AgreementParams calldata p
    ) private {
        for (uint256 i = 0; i < p.capTokens.length; ++i) {
            address token = p.capTokens[i];
            if (token == address(0) || _outflowCap[agreementId][token] != 0 || p.maxOutflowPerEpoch[i] == 0) {
                revert AgreementParameterInvalid(Parameter.capTokens);
            }
            _outflowCap[agreementId][token] = p.maxOutflowPerEpoch[i];
            a.capTokens.push(token);
        }
        for (uint256 i = 0; i < p.inputAllowlist.length; ++i) {
            if (p.inputAllowlist[i] == address(0)) revert AgreementParameterInvalid(Parameter.inputAllowlist);
            _inputAllowed[agreementId][p.inputAllowlist[i]] = true;
        }
    }
}
