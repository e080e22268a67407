// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {WAD} from "../libraries/LossMath.sol";
import {Score} from "../libraries/ScoreRecord.sol";
import {Settlement} from "../libraries/Settlement.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {Agreements} from "./Agreements.sol";
import {ExecutorSelection} from "./ExecutorSelection.sol";
import {MAX_BOND_UNITS, MAX_CANDIDATES, SETTLE_CHUNK} from "./Limits.sol";

/// @title Candidates
/// @notice Bonded candidate models: registration (with optional EIP-2612 permit, a bond of at least
/// `minBond`, into a withdrawn candidate's seat when one is free), top-ups, operator rotation, exit
/// after `exitDelay`, and the permissionless `poke` that charges a record's missed targets.
abstract contract Candidates is Agreements, ExecutorSelection {
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
        _beforeRosterChange(agreementId, a);
        Score memory s = _loadScore(agreementId, candidateId);
        if (s.status != _ACTIVE) revert CandidateExiting(candidateId);
        uint256 received = _pull(IERC20(a.bondToken), amount);
        uint256 bond = uint256(c.bond) + received;
        _requireBondFits(a, bond);
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
        _beforeRosterChange(agreementId, a);
        Score memory s = _loadScore(agreementId, candidateId);
        if (s.status != _ACTIVE) revert CandidateExiting(candidateId);
        s.status = _EXITING;
        _storeScore(agreementId, candidateId, s);
        // It still answers for every target whose commit window has closed: [cursor, current + h).
        uint256 current = block.timestamp < a.genesis ? 0 : _epochAt(agreementId, a, block.timestamp);
        uint256 last = current + a.horizon;
        c.lastTarget = uint32(last - 1);
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
        Score memory s = _loadScore(agreementId, candidateId);
        if (s.status != _EXITING || block.timestamp < c.exitAt)
            revert CandidateExitNotReady(candidateId, c.exitAt);
        // exitDelay outlasts every obligated reveal deadline, so all of them are due now.
        uint256 end = uint256(c.lastTarget) + 1;
        if (end > uint256(s.cursor) + SETTLE_CHUNK) revert CandidateNotSettled(candidateId, s.cursor);
        _settleTo(agreementId, candidateId, a, c, s, end);
        amount = c.bond;
        _setBond(a, c, s, 0);
        s.status = _WITHDRAWN;
        _storeScore(agreementId, candidateId, s);
        a.freeIds.push(uint16(candidateId));
        if (a.lastExecutor == candidateId) a.lastExecutor = 0;
        if (amount != 0) IERC20(a.bondToken).safeTransfer(msg.sender, amount);
        emit BondWithdrawn(agreementId, candidateId, msg.sender, amount);
    }

    /// @inheritdoc IGengovHub
    function poke(uint256 agreementId, uint256 candidateId) external returns (uint256 misses) {
        Agreement storage a = _agreement(agreementId);
        Candidate storage c = _candidateOf(agreementId, candidateId, a);
        _beforeRosterChange(agreementId, a);
        Score memory s = _loadScore(agreementId, candidateId);
        if (s.status == _WITHDRAWN) return 0;
        misses = _settleDue(agreementId, candidateId, a, c, s);
        _storeScore(agreementId, candidateId, s);
    }

    /// @inheritdoc IGengovHub
    function candidateSide(
        uint256 agreementId,
        uint256 candidateId
    ) external view returns (address owner, address operator) {
        return (_candidates[agreementId][candidateId].owner, _seats[agreementId][candidateId].operator);
    }

    function _register(
        uint256 agreementId,
        bytes32 specHash,
        uint256 bond,
        address operator
    ) private returns (uint256 candidateId) {
        Agreement storage a = _agreement(agreementId);
        if (operator == address(0)) revert ZeroAddress();
        uint16[] storage free = a.freeIds;
        if (free.length == 0 && a.candidateCount >= MAX_CANDIDATES) revert CandidateLimitReached(agreementId);
        uint256 received = _pull(IERC20(a.bondToken), bond);
        if (received < a.minBond) revert BondBelowMinimum(received, a.minBond);
        _requireBondFits(a, received);
        if (free.length != 0) {
            candidateId = free[free.length - 1];
            free.pop();
        } else {
            candidateId = ++a.candidateCount;
        }
        _candidates[agreementId][candidateId] = Candidate({
            owner: msg.sender,
            exitAt: 0,
            misses: 0,
            specHash: specHash,
            bond: uint96(received),
            executions: 0,
            lastTarget: 0
        });
        _seats[agreementId][candidateId] = Seat({
            operator: operator,
            genesis: a.genesis,
            epochLength: a.epochLength,
            horizon: a.horizon,
            beacon: a.selection == Selection.Weighted && a.randomness == address(0)
        });
        // It answers from its first committable target on.
        uint256 current = block.timestamp < a.genesis ? 0 : _epochAt(agreementId, a, block.timestamp);
        _storeScore(
            agreementId,
            candidateId,
            Score({
                score: uint64(WAD),
                scoredCount: 0,
                cursor: uint32(current + a.horizon),
                units: Settlement.units(received, a.minBond),
                status: _ACTIVE
            })
        );
        emit CandidateRegistered(agreementId, candidateId, msg.sender, operator, specHash, received);
    }

    /// @dev Bonds count in whole minBonds up to MAX_BOND_UNITS; a larger bond is refused rather than
    /// silently capped, so weight stays proportional to bond. A bond is booked in 96 bits: with a
    /// large minBond the units allow more, so that bound is checked too (else it would truncate).
    function _requireBondFits(Agreement storage a, uint256 bond) private view {
        uint256 maxBond = MAX_BOND_UNITS * a.minBond;
        if (maxBond > type(uint96).max) maxBond = type(uint96).max;
        if (bond > type(uint96).max || bond / a.minBond > MAX_BOND_UNITS)
            revert BondAboveMaximum(bond, maxBond);
    }
}
