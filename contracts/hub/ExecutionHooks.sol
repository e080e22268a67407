// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {GengovExecution} from "../execution/GengovExecution.sol";
import {IGengovDecisions} from "../interfaces/IGengovDecisions.sol";
import {IGengovExecution} from "../interfaces/IGengovExecution.sol";
import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {IGengovHubHooks} from "../interfaces/IGengovHubHooks.sol";
import {IGengovJudgement} from "../interfaces/IGengovJudgement.sol";
import {IGengovJury} from "../interfaces/IGengovJury.sol";
import {LossMath} from "../libraries/LossMath.sol";
import {Score} from "../libraries/ScoreRecord.sol";
import {ExecutorSelection} from "./ExecutorSelection.sol";

/// @title ExecutionHooks
/// @notice The narrow door between the hub (bonds, treasury, scores) and its execution contract
/// (proposals, challenges, payments). The hub creates the execution contract in its constructor, so
/// the pairing is fixed and nobody else can call these hooks (`IGengovHubHooks`).
abstract contract ExecutionHooks is IGengovHubHooks, ExecutorSelection {
    using SafeERC20 for IERC20;

    /// @inheritdoc IGengovHub
    IGengovExecution public immutable execution;
    /// @dev Who may attach the jury contract, once.
    address private immutable _deployer;

    constructor() {
        execution = new GengovExecution(IGengovHub(address(this)));
        _deployer = msg.sender;
    }

    modifier onlyExecution() {
        if (msg.sender != address(execution)) revert CallerNotExecution(msg.sender);
        _;
    }

    modifier onlyExecutionOrJury() {
        if (msg.sender != address(execution) && msg.sender != _jury && msg.sender != _judgement) {
            revert CallerNotExecution(msg.sender);
        }
        _;
    }

    /// @inheritdoc IGengovHubHooks
    function slashBond(
        uint256 agreementId,
        uint256 candidateId,
        uint256 amount
    ) external onlyExecution nonReentrant returns (uint256 taken, uint256 toChallenger) {
        Agreement storage a = _agreement(agreementId);
        Candidate storage c = _candidateOf(agreementId, candidateId, a);
        Score memory s = _loadScore(agreementId, candidateId);
        // Due misses are charged first, so a ruling never absorbs their penalty into the challengers'
        // share (an executor is up to date when selected: at most a target or two are owed).
        if (s.status != _WITHDRAWN) _settleDue(agreementId, candidateId, a, c, s);
        taken = _takeFromBond(a, c, s, amount);
        _storeScore(agreementId, candidateId, s);
        toChallenger = taken / 2;
        _treasury[agreementId][a.bondToken] += taken - toChallenger;
        emit BondSlashed(agreementId, candidateId, taken, taken - toChallenger);
        if (toChallenger != 0) IERC20(a.bondToken).safeTransfer(msg.sender, toChallenger);
    }

    /// @inheritdoc IGengovHub
    function jury() external view returns (IGengovJury) {
        return IGengovJury(_jury);
    }

    /// @inheritdoc IGengovHub
    function attachJury(IGengovJury jury_) external {
        if (
            msg.sender != _deployer ||
            _jury != address(0) ||
            address(jury_.hub()) != address(this) ||
            jury_.execution() != execution
        ) revert JuryAttachRefused(msg.sender, address(jury_));
        _jury = address(jury_);
        emit JuryAttached(address(jury_));
    }

    /// @inheritdoc IGengovHub
    function judgement() external view returns (address) {
        return _judgement;
    }

    /// @inheritdoc IGengovHub
    function attachJudgement(address judgement_) external {
        if (
            msg.sender != _deployer ||
            _judgement != address(0) ||
            address(IGengovJudgement(judgement_).hub()) != address(this)
        ) revert JudgementAttachRefused(msg.sender, judgement_);
        _judgement = judgement_;
        emit JudgementAttached(judgement_);
    }

    /// @inheritdoc IGengovHub
    function conditional() external view returns (address) {
        return _conditional;
    }

    /// @inheritdoc IGengovHub
    function attachConditional(address conditional_) external {
        if (
            msg.sender != _deployer ||
            _conditional != address(0) ||
            address(IGengovDecisions(conditional_).hub()) != address(this)
        ) revert ConditionalAttachRefused(msg.sender, conditional_);
        _conditional = conditional_;
        emit ConditionalAttached(conditional_);
    }

    /// @inheritdoc IGengovHubHooks
    function recordLosses(
        uint256 agreementId,
        uint256[] calldata candidateIds,
        uint256[] calldata losses
    ) external {
        if (msg.sender != _judgement && msg.sender != _conditional) revert CallerNotExecution(msg.sender);
        Agreement storage a = _agreement(agreementId);
        // Like a top-up or an exit: refused while a Weighted draw's randomness is public.
        _beforeRosterChange(agreementId, a);
        uint256 alpha = a.alpha;
        for (uint256 i = 0; i < candidateIds.length; ++i) {
            Score memory s = _loadScore(agreementId, candidateIds[i]);
            if (s.status == _WITHDRAWN) continue;
            s.score = uint64(LossMath.ewma(s.score, losses[i], alpha, s.scoredCount == 0));
            ++s.scoredCount;
            _storeScore(agreementId, candidateIds[i], s);
        }
    }

    /// @inheritdoc IGengovHubHooks
    function chargeBond(
        uint256 agreementId,
        uint256 candidateId,
        uint256 amount
    ) external onlyExecutionOrJury nonReentrant returns (uint256 taken) {
        Agreement storage a = _agreement(agreementId);
        Candidate storage c = _candidateOf(agreementId, candidateId, a);
        Score memory s = _loadScore(agreementId, candidateId);
        if (s.status != _WITHDRAWN) _settleDue(agreementId, candidateId, a, c, s);
        taken = _takeFromBond(a, c, s, amount);
        _storeScore(agreementId, candidateId, s);
        _treasury[agreementId][a.bondToken] += taken;
        emit BondCharged(agreementId, candidateId, taken);
    }

    /// @inheritdoc IGengovHubHooks
    function releaseTreasury(
        uint256 agreementId,
        address token,
        uint256 amount
    ) external onlyExecutionOrJury nonReentrant {
        uint256 available = _treasury[agreementId][token];
        if (amount > available) revert TreasuryInsufficient(token, available, amount);
        // amount ≤ available was just checked.
        unchecked {
            _treasury[agreementId][token] = available - amount;
        }
        emit TreasuryReleased(agreementId, token, amount);
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IGengovHubHooks
    function recordExecution(uint256 agreementId, uint256 candidateId) external onlyExecution {
        ++_candidates[agreementId][candidateId].executions;
    }

    /// @inheritdoc IGengovHub
    function candidateOperator(
        uint256 agreementId,
        uint256 candidateId
    ) external view returns (address operator, bytes32 specHash) {
        Candidate storage c = _candidateOf(agreementId, candidateId, _agreement(agreementId));
        return (_seats[agreementId][candidateId].operator, c.specHash);
    }

    /// @inheritdoc IGengovHubHooks
    function executionParams(uint256 agreementId) external view returns (ExecutionParams memory p) {
        Agreement storage a = _agreement(agreementId);
        p.genesis = a.genesis;
        p.epochLength = a.epochLength;
        p.executionWindow = a.executionWindow;
        p.challengePeriod = a.challengePeriod;
        p.rulingPeriod = a.rulingPeriod;
        p.arbiter = a.arbiter;
        p.bondToken = a.bondToken;
        p.rejectPenalty = a.rejectPenalty;
        p.challengeBond = a.challengeBond;
        JuryParams storage j = _juries[agreementId];
        if (j.jurySize != 0) p.voteWindow = j.voteCommitWindow + j.voteRevealWindow;
        p.appealJury = j.appealJurySize != 0;
        if (j.jurySize != 0) p.jury = _jury;
    }

    /// @inheritdoc IGengovHub
    function outflowCap(uint256 agreementId, address token) external view returns (uint256) {
        return _outflowCap[agreementId][token];
    }
}
