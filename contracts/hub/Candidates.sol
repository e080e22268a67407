// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {ScoreRecord} from "../libraries/ScoreRecord.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {Agreements} from "./Agreements.sol";
import {WAD} from "./Limits.sol";

/// @title Candidates
/// @notice Bonded candidate models: registration (with optional EIP-2612 permit), top-ups, operator
/// rotation, exit after `exitDelay`, and the permissionless `poke` that applies missed reveals.
abstract contract Candidates is Agreements {
    using SafeERC20 for IERC20;

    /// @inheritdoc IGengovHub
    function registerCandidate(
        uint256 agreementId,
        bytes32 specHash,
        uint256 bond,
        address operator
    ) external nonReentrant returns (uint256) {
        return _register(agreementId, specHash, bond, operator);
    }

    /// @inheritdoc IGengovHub
    function registerCandidateWithPermit(
        uint256 agreementId,
        bytes32 specHash,
        uint256 bond,
        address operator,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256) {
        address token = _agreement(agreementId).bondToken;
        // A front-runner may have used the permit already; the transfer below still decides.
        try IERC20Permit(token).permit(msg.sender, address(this), bond, deadline, v, r, s) {} catch {}
        return _register(agreementId, specHash, bond, operator);
    }

    /// @inheritdoc IGengovHub
    function topUp(uint256 agreementId, uint256 candidateId, uint256 amount) external nonReentrant {
        Agreement storage a = _agreement(agreementId);
        Candidate storage c = _candidateOf(agreementId, candidateId, a);
        ScoreRecord.Score memory s = _loadSettled(agreementId, candidateId, a);
        if (s.status != _ACTIVE) revert CandidateExiting(candidateId);
        uint256 received = _pull(IERC20(a.bondToken), amount);
        uint256 bond = uint256(c.bond) + received;
        if (bond > type(uint96).max) revert BondAmountInvalid(amount);
        _setBond(a, c, s, bond);
        _storeScore(agreementId, candidateId, s);
        emit BondToppedUp(agreementId, candidateId, received, bond);
    }

    /// @inheritdoc IGengovHub
    function setOperator(uint256 agreementId, uint256 candidateId, address operator) external {
        Candidate storage c = _candidateOf(agreementId, candidateId, _agreement(agreementId));
        if (msg.sender != c.owner) revert CallerNotOwner(candidateId, msg.sender);
        if (operator == address(0)) revert ZeroAddress();
        _seats[agreementId][candidateId].operator = operator;
        emit OperatorChanged(agreementId, candidateId, operator);
    }

    /// @inheritdoc IGengovHub
    function requestExit(uint256 agreementId, uint256 candidateId) external {
        Agreement storage a = _agreement(agreementId);
        Candidate storage c = _candidateOf(agreementId, candidateId, a);
        if (msg.sender != c.owner) revert CallerNotOwner(candidateId, msg.sender);
        ScoreRecord.Score memory s = _loadSettled(agreementId, candidateId, a);
        if (s.status != _ACTIVE) revert CandidateExiting(candidateId);
        s.status = _EXITING;
        _storeScore(agreementId, candidateId, s);
        uint64 exitAt = uint64(block.timestamp + a.exitDelay);
        c.exitAt = exitAt;
        emit ExitRequested(agreementId, candidateId, exitAt);
    }

    /// @inheritdoc IGengovHub
    function withdraw(
        uint256 agreementId,
        uint256 candidateId
    ) external nonReentrant returns (uint256 amount) {
        Agreement storage a = _agreement(agreementId);
        Candidate storage c = _candidateOf(agreementId, candidateId, a);
        if (msg.sender != c.owner) revert CallerNotOwner(candidateId, msg.sender);
        ScoreRecord.Score memory s = _loadSettled(agreementId, candidateId, a);
        if (s.status != _EXITING || block.timestamp < c.exitAt)
            revert CandidateExitNotReady(candidateId, c.exitAt);
        amount = c.bond;
        _setBond(a, c, s, 0);
        s.status = _WITHDRAWN;
        _storeScore(agreementId, candidateId, s);
        IERC20(a.bondToken).safeTransfer(msg.sender, amount);
        emit BondWithdrawn(agreementId, candidateId, msg.sender, amount);
    }

    /// @inheritdoc IGengovHub
    function poke(uint256 agreementId, uint256 candidateId) external returns (uint256 misses) {
        Agreement storage a = _agreement(agreementId);
        Candidate storage c = _candidateOf(agreementId, candidateId, a);
        uint32 before = c.misses;
        _storeScore(agreementId, candidateId, _loadSettled(agreementId, candidateId, a));
        misses = c.misses - before;
    }

    /// @inheritdoc IGengovHub
    function candidate(
        uint256 agreementId,
        uint256 candidateId
    ) external view returns (CandidateView memory v) {
        Agreement storage a = _agreement(agreementId);
        Candidate storage c = _candidateOf(agreementId, candidateId, a);
        ScoreRecord.Score memory s = _loadScore(agreementId, candidateId);
        uint32 misses = _applyMissed(agreementId, a, s, block.timestamp);
        uint256 bond = _bondAfterMisses(agreementId, candidateId, a, s, misses);
        v.owner = c.owner;
        v.operator = _seats[agreementId][candidateId].operator;
        v.specHash = c.specHash;
        v.bond = bond;
        v.score = s.score;
        v.scoredCount = s.scoredCount;
        v.misses = c.misses + misses;
        v.executions = c.executions;
        v.exitAt = c.exitAt;
        v.exiting = s.status == _EXITING;
        v.withdrawn = s.status == _WITHDRAWN;
        v.eligible = _isEligible(a, s);
    }

    function _register(
        uint256 agreementId,
        bytes32 specHash,
        uint256 bond,
        address operator
    ) private returns (uint256 candidateId) {
        Agreement storage a = _agreement(agreementId);
        if (operator == address(0)) revert ZeroAddress();
        if (a.candidateCount >= _MAX_CANDIDATES) revert CandidateLimitReached(agreementId);
        uint256 received = _pull(IERC20(a.bondToken), bond);
        if (received > type(uint96).max) revert BondAmountInvalid(bond);
        candidateId = ++a.candidateCount;
        _candidates[agreementId][candidateId] = Candidate({
            owner: msg.sender,
            exitAt: 0,
            misses: 0,
            specHash: specHash,
            bond: uint96(received),
            executions: 0
        });
        _seats[agreementId][candidateId] = Seat({
            operator: operator,
            genesis: a.genesis,
            epochLength: a.epochLength,
            horizon: a.horizon
        });
        _storeScore(
            agreementId,
            candidateId,
            ScoreRecord.Score({
                score: uint64(WAD),
                scoredCount: 0,
                pendingBase: 0,
                pendingMask: 0,
                bonded: received >= a.minBond,
                status: _ACTIVE
            })
        );
        emit CandidateRegistered(agreementId, candidateId, msg.sender, operator, specHash, received);
    }
}
