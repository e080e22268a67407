// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {
    MAX_ACTIONS,
    MAX_CHALLENGERS,
    MAX_MANIFEST_BYTES,
    MAX_SPEC_BYTES,
    MAX_STATE_BYTES
} from "../hub/Limits.sol";
import {IGengovDecisions} from "../interfaces/IGengovDecisions.sol";
import {IGengovExecution} from "../interfaces/IGengovExecution.sol";
import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {IGengovHubHooks} from "../interfaces/IGengovHubHooks.sol";
import {IGengovJury} from "../interfaces/IGengovJury.sol";

/// @title GengovExecution
/// @notice Optimistic transitions for the hub that created it. One live proposal per agreement at a
/// time (epoch e's transition settles before e + 1's executor must propose, docs/mechanism.md), kept in slots
/// that are overwritten every epoch; state, actions and manifest stay in calldata and events, and
/// finalization re-checks them against one stored commitment.
/// @dev The challenge game: anyone but the proposing candidate's operator and owner may challenge,
/// up to `MAX_CHALLENGERS` addresses per proposal, each posting challengeBond. The arbiter rules
/// (upheld: every challenge bond to the treasury; rejected: bonds back and the challengers' half of
/// the penalty shared equally) or, if it does not rule in time, the challenge lapses: the transition
/// stands and every challenger forfeits half its bond to the treasury. So neither a stall nor a
/// self-challenge is free, and a colluding first challenger can neither shut out nor starve an
/// honest one.
contract GengovExecution is IGengovExecution, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @dev Agreement parameters copied from the hub on first use (they never change).
    struct Params {
        uint64 genesis;
        uint32 epochLength;
        uint32 executionWindow;
        uint32 challengePeriod;
        uint32 rulingPeriod;
        bool cached;
        /// @dev The jury's vote in seconds; 0 = no jury.
        uint32 voteWindow;
        bool appealJury;
        address arbiter;
        /// @dev The jury contract (agreements with a jury only).
        IGengovJury jury;
        address bondToken;
        uint128 rejectPenalty;
        uint128 challengeBond;
    }

    /// @dev One challenge in one slot. Bonds above 2^96 − 1 are refused (ChallengeBondInvalid).
    struct ChallengeSlot {
        address challenger;
        uint96 bond;
    }

    /// @dev The agreement's current proposal; reused every epoch. A new proposal resets only
    /// `challengers` (in the slot it writes anyway); `challenges[i]` for i ≥ challengers are stale
    /// leftovers of earlier epochs, never read, and overwritten (non-zero to non-zero) by later
    /// challenges.
    struct Live {
        bytes32 commitment;
        uint64 epoch;
        uint40 proposedAt;
        uint32 candidateId;
        Status status;
        uint8 challengers;
        /// @dev A jury was seated: the challenge period opens when its vote ends.
        bool juried;
        /// @dev The transition carries a conditional-forecast decision's option: its finalization is
        /// reported to the conditional contract.
        bool decided;
        ChallengeSlot[MAX_CHALLENGERS] challenges;
    }

    /// @inheritdoc IGengovExecution
    IGengovHub public immutable hub;
    /// @dev The same hub, through the hooks only this contract may call.
    IGengovHubHooks private immutable _hooks;

    mapping(uint256 agreementId => Params) private _params;
    mapping(uint256 agreementId => Live) private _live;
    mapping(uint256 agreementId => bytes32) private _stateHash;
    mapping(uint256 agreementId => mapping(uint64 epoch => mapping(address token => uint256))) private _spent;
    mapping(address account => mapping(address token => uint256)) private _owed;

    constructor(IGengovHub hub_) {
        hub = hub_;
        _hooks = IGengovHubHooks(address(hub_));
    }

    /// @inheritdoc IGengovExecution
    function proposeTransition(
        uint256 agreementId,
        uint64 epoch,
        bytes32 prevStateHash,
        bytes32 inputsHash,
        bytes calldata newState,
        Action[] calldata actions,
        bytes calldata manifest,
        bytes calldata spec
    ) external nonReentrant returns (bytes32 newStateHash) {
        address conditional = hub.conditional();
        if (conditional != address(0)) {
            (bool required, , ) = IGengovDecisions(conditional).decisionOf(agreementId, epoch);
            if (required) revert DecisionRequired(epoch);
        }
        return _propose(agreementId, epoch, prevStateHash, inputsHash, newState, actions, manifest, spec);
    }

    /// @inheritdoc IGengovExecution
    function proposeDecidedTransition(
        uint256 agreementId,
        uint64 epoch,
        uint8 option,
        bytes32 prevStateHash,
        bytes32 inputsHash,
        bytes calldata newState,
        Action[] calldata actions,
        bytes calldata manifest,
        bytes calldata spec
    ) external nonReentrant returns (bytes32 newStateHash) {
        address conditional = hub.conditional();
        if (conditional == address(0)) revert NoDecision(epoch);
        (bool required, bool decided, uint8 taken) = IGengovDecisions(conditional).decisionOf(
            agreementId,
            epoch
        );
        if (!required) revert NoDecision(epoch);
        if (!decided) revert DecisionPending(epoch);
        if (option != taken) revert OptionNotDecided(option, taken);
        newStateHash = _propose(
            agreementId,
            epoch,
            prevStateHash,
            inputsHash,
            newState,
            actions,
            manifest,
            spec
        );
        _live[agreementId].decided = true;
        emit TransitionOption(agreementId, epoch, option);
    }

    /// @dev The checks and effects every proposal shares (`proposeTransition`).
    function _propose(
        uint256 agreementId,
        uint64 epoch,
        bytes32 prevStateHash,
        bytes32 inputsHash,
        bytes calldata newState,
        Action[] calldata actions,
        bytes calldata manifest,
        bytes calldata spec
    ) private returns (bytes32 newStateHash) {
        Params storage p = _paramsOf(agreementId);
        Live storage live = _live[agreementId];
        uint256 candidateId = _proposer(agreementId, p, live, epoch);
        {
            (address operator, bytes32 specHash) = hub.candidateOperator(agreementId, candidateId);
            if (msg.sender != operator) revert CallerNotProposer(candidateId, msg.sender);
            bytes32 givenSpec = keccak256(spec);
            if (givenSpec != specHash) revert SpecHashMismatch(givenSpec, specHash);
        }
        if (prevStateHash != _stateHash[agreementId])
            revert StateHashStale(prevStateHash, _stateHash[agreementId]);
        {
            bytes32 expected = hub.inputsHeadAt(agreementId, epoch);
            if (inputsHash != expected) revert InputsHashMismatch(inputsHash, expected);
        }
        _checkSize("newState", newState.length, MAX_STATE_BYTES);
        _checkSize("manifest", manifest.length, MAX_MANIFEST_BYTES);
        _checkSize("spec", spec.length, MAX_SPEC_BYTES);
        _checkActions(agreementId, epoch, actions, true);

        newStateHash = keccak256(newState);
        bytes32 manifestHash = keccak256(manifest);
        live.commitment = _commitment(newStateHash, manifestHash, actions);
        live.epoch = epoch;
        live.proposedAt = uint40(block.timestamp);
        live.candidateId = uint32(candidateId);
        live.status = Status.Proposed;
        live.challengers = 0;
        live.juried = false;
        live.decided = false;
        emit TransitionProposed(
            agreementId,
            epoch,
            candidateId,
            prevStateHash,
            inputsHash,
            newStateHash,
            manifestHash,
            newState,
            actions,
            manifest,
            spec
        );
        // With a jury, the transition waits for its vote; nobody eligible to sit, no vote.
        if (p.voteWindow != 0 && p.jury.open(agreementId, epoch, candidateId, 0).length != 0) {
            live.status = Status.Voting;
            live.juried = true;
        }
    }

    /// @inheritdoc IGengovExecution
    function onVoteClosed(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        bool accepted
    ) external nonReentrant {
        Params storage p = _paramsOf(agreementId);
        if (msg.sender != address(p.jury) || address(p.jury) == address(0)) revert CallerNotJury(msg.sender);
        Live storage live = _liveAt(agreementId, epoch, Status.Voting);
        if (live.candidateId != proposer) revert TransitionStatusInvalid(epoch, Status.None);
        if (accepted) {
            live.status = Status.Proposed;
            return;
        }
        live.status = Status.Rejected;
        uint256 penalty = _hooks.chargeBond(agreementId, proposer, p.rejectPenalty);
        emit TransitionVetoed(agreementId, epoch, proposer, penalty);
        p.jury.settle(agreementId, epoch, proposer, false);
    }

    /// @inheritdoc IGengovExecution
    function challenge(uint256 agreementId, uint64 epoch) external nonReentrant {
        Params storage p = _paramsOf(agreementId);
        Live storage live = _live[agreementId];
        Status status = live.status;
        if (live.epoch != epoch || (status != Status.Proposed && status != Status.Challenged)) {
            revert TransitionStatusInvalid(epoch, status);
        }
        uint256 endsAt = _challengeOpens(p, live) + p.challengePeriod;
        if (block.timestamp >= endsAt) revert ChallengePeriodOver(epoch, uint64(endsAt));
        uint256 n = live.challengers;
        if (n == MAX_CHALLENGERS) revert ChallengerLimitReached(epoch, MAX_CHALLENGERS);
        for (uint256 i = 0; i < n; ++i) {
            if (live.challenges[i].challenger == msg.sender) revert AlreadyChallenged(epoch, msg.sender);
        }
        _checkNotProposer(agreementId, live.candidateId);
        live.status = Status.Challenged;
        live.challengers = uint8(n + 1);
        // The first challenge of a jury-accepted transition seats the appeal jury.
        if (n == 0 && live.juried && p.appealJury) p.jury.open(agreementId, epoch, live.candidateId, 1);
        IERC20 token = IERC20(p.bondToken);
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), p.challengeBond);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received == 0 || received > type(uint96).max) revert ChallengeBondInvalid(received);
        live.challenges[n] = ChallengeSlot(msg.sender, uint96(received));
        emit TransitionChallenged(agreementId, epoch, msg.sender, received);
    }

    /// @inheritdoc IGengovExecution
    function rule(uint256 agreementId, uint64 epoch, bool upheld) external nonReentrant {
        Params storage p = _paramsOf(agreementId);
        if (msg.sender != p.arbiter) revert IGengovHub.CallerNotArbiter(msg.sender);
        Live storage live = _liveAt(agreementId, epoch, Status.Challenged);
        uint256 deadline = _rulingDeadline(p, live);
        if (block.timestamp >= deadline) revert RulingPeriodOver(epoch, uint64(deadline));
        if (upheld) {
            // A failed challenge forfeits every bond to the treasury.
            live.status = Status.Upheld;
            uint256 n = live.challengers;
            uint256 bonds = 0;
            for (uint256 i = 0; i < n; ++i) bonds += live.challenges[i].bond;
            emit TransitionRuled(agreementId, epoch, true, 0);
            _toTreasury(agreementId, p.bondToken, bonds);
            return;
        }
        uint256 penalty = _rejectChallenged(agreementId, p, live);
        emit TransitionRuled(agreementId, epoch, false, penalty);
        _settleJury(agreementId, epoch, p, live, false);
    }

    /// @inheritdoc IGengovExecution
    function lapseChallenge(uint256 agreementId, uint64 epoch) external nonReentrant {
        Params storage p = _paramsOf(agreementId);
        Live storage live = _liveAt(agreementId, epoch, Status.Challenged);
        uint256 deadline = _rulingDeadline(p, live);
        if (block.timestamp < deadline) revert RulingPeriodActive(epoch, uint64(deadline));
        // A silent arbiter leaves the appeal jury's decision standing: a majority against the
        // transition rejects it as a ruling would have.
        if (live.juried && p.appealJury) {
            IGengovJury.VoteView memory appeal = p.jury.vote(agreementId, epoch, live.candidateId, 1);
            if (appeal.jurors.length != 0 && appeal.rejects >= appeal.quorum) {
                uint256 penalty = _rejectChallenged(agreementId, p, live);
                emit TransitionOverturned(agreementId, epoch, penalty);
                _settleJury(agreementId, epoch, p, live, false);
                return;
            }
        }
        live.status = Status.Lapsed;
        address bondToken = p.bondToken;
        uint256 n = live.challengers;
        uint256 forfeited = 0;
        for (uint256 i = 0; i < n; ++i) {
            ChallengeSlot storage c = live.challenges[i];
            uint256 back = c.bond / 2;
            _owed[c.challenger][bondToken] += back;
            forfeited += c.bond - back;
        }
        emit ChallengeLapsed(agreementId, epoch, forfeited);
        _toTreasury(agreementId, bondToken, forfeited);
    }

    /// @inheritdoc IGengovExecution
    function finalize(
        uint256 agreementId,
        uint64 epoch,
        bytes32 newStateHash,
        bytes32 manifestHash,
        Action[] calldata actions
    ) external nonReentrant {
        Params storage p = _paramsOf(agreementId);
        Live storage live = _live[agreementId];
        Status status = live.status;
        if (
            live.epoch != epoch ||
            (status != Status.Proposed && status != Status.Upheld && status != Status.Lapsed)
        ) {
            revert TransitionStatusInvalid(epoch, status);
        }
        if (status == Status.Proposed) {
            uint256 endsAt = _challengeOpens(p, live) + p.challengePeriod;
            if (block.timestamp < endsAt) revert ChallengePeriodActive(epoch, uint64(endsAt));
        }
        if (_commitment(newStateHash, manifestHash, actions) != live.commitment)
            revert ProposalDataMismatch(epoch);
        live.status = Status.Finalized;
        _stateHash[agreementId] = newStateHash;
        _checkActions(agreementId, epoch, actions, false);
        for (uint256 i = 0; i < actions.length; ++i) {
            Action calldata act = actions[i];
            _spent[agreementId][epoch][act.token] += act.amount;
            // The cap counts what left the treasury; the payee is owed what actually arrived here.
            uint256 before = IERC20(act.token).balanceOf(address(this));
            _hooks.releaseTreasury(agreementId, act.token, act.amount);
            uint256 received = IERC20(act.token).balanceOf(address(this)) - before;
            _owed[act.to][act.token] += received;
            emit PaymentCredited(agreementId, act.token, act.to, received);
        }
        uint256 candidateId = live.candidateId;
        _hooks.recordExecution(agreementId, candidateId);
        emit TransitionFinalized(agreementId, epoch, candidateId, newStateHash);
        if (live.decided) IGengovDecisions(hub.conditional()).onExecuted(agreementId, epoch);
        _settleJury(agreementId, epoch, p, live, true);
    }

    /// @inheritdoc IGengovExecution
    function withdrawPayment(address token) external nonReentrant returns (uint256 amount) {
        amount = _owed[msg.sender][token];
        if (amount == 0) revert NothingOwed(msg.sender, token);
        _owed[msg.sender][token] = 0;
        IERC20(token).safeTransfer(msg.sender, amount);
        emit PaymentWithdrawn(msg.sender, token, amount);
    }

    // ─────────────────────────────────────────── views ───────────────────────────────────────────

    /// @inheritdoc IGengovExecution
    function stateHash(uint256 agreementId) external view returns (bytes32) {
        return _stateHash[agreementId];
    }

    /// @inheritdoc IGengovExecution
    function proposal(uint256 agreementId) external view returns (ProposalView memory v) {
        Live storage live = _live[agreementId];
        v.epoch = live.epoch;
        v.proposedAt = live.proposedAt;
        v.candidateId = live.candidateId;
        v.status = live.status;
        uint256 n = live.challengers;
        v.challenges = new Challenge[](n);
        for (uint256 i = 0; i < n; ++i) {
            ChallengeSlot storage c = live.challenges[i];
            v.challenges[i] = Challenge(c.challenger, c.bond);
        }
        v.commitment = live.commitment;
        v.juried = live.juried;
        v.challengeOpensAt = uint64(_challengeOpens(_params[agreementId], live));
    }

    /// @inheritdoc IGengovExecution
    function owed(address account, address token) external view returns (uint256) {
        return _owed[account][token];
    }

    /// @inheritdoc IGengovExecution
    function spent(uint256 agreementId, uint64 epoch, address token) external view returns (uint256) {
        return _spent[agreementId][epoch][token];
    }

    // ───────────────────────────────────────── internals ─────────────────────────────────────────

    function _paramsOf(uint256 agreementId) private returns (Params storage p) {
        p = _params[agreementId];
        if (p.cached) return p;
        IGengovHubHooks.ExecutionParams memory e = _hooks.executionParams(agreementId);
        p.genesis = e.genesis;
        p.epochLength = e.epochLength;
        p.executionWindow = e.executionWindow;
        p.challengePeriod = e.challengePeriod;
        p.rulingPeriod = e.rulingPeriod;
        p.cached = true;
        p.arbiter = e.arbiter;
        p.bondToken = e.bondToken;
        p.rejectPenalty = e.rejectPenalty;
        p.challengeBond = e.challengeBond;
        p.voteWindow = e.voteWindow;
        p.appealJury = e.appealJury;
        p.jury = IGengovJury(e.jury);
    }

    /// @dev Who may propose for `epoch` now: the executor in the first window (if the epoch has no
    /// proposal yet), the fallback in the second (if the executor's proposal is absent or rejected).
    /// A rejected executor's transition keeps the second window open until the last moment the
    /// fallback's own transition can still be challenged and ruled on before end(e + 1), so a
    /// rejection that comes after end(e) + 2W still leaves the fallback its turn.
    function _proposer(
        uint256 agreementId,
        Params storage p,
        Live storage live,
        uint64 epoch
    ) private returns (uint256) {
        Status status = live.status;
        bool sameEpoch = live.epoch == epoch && status != Status.None;
        if (!sameEpoch && status != Status.None && status != Status.Rejected && status != Status.Finalized) {
            revert TransitionPending(live.epoch, status);
        }
        bool rejected = sameEpoch && status == Status.Rejected;
        uint256 opens = uint256(p.genesis) + (uint256(epoch) + 1) * p.epochLength;
        uint256 second = opens + p.executionWindow;
        uint256 closes = second + p.executionWindow;
        if (rejected) {
            // Never below `closes` under the clock rule 2W + challengePeriod + rulingPeriod ≤ L,
            // which the hub validates; the max keeps the window whole regardless.
            uint256 late = opens + p.epochLength - p.voteWindow - p.challengePeriod - p.rulingPeriod;
            if (late > closes) closes = late;
        }
        if (block.timestamp < opens || block.timestamp >= closes) {
            revert ProposalWindowClosed(epoch, uint64(opens), uint64(closes));
        }
        (uint256 executor, uint256 fallbackCandidate) = hub.selectExecutor(agreementId, epoch);
        if (block.timestamp < second) {
            if (sameEpoch) revert TransitionAlreadyProposed(epoch, status);
            if (executor == 0) revert NoExecutor(epoch);
            return executor;
        }
        // Only a rejected transition of the executor gives way, and only to the fallback.
        if (sameEpoch && (!rejected || live.candidateId == fallbackCandidate)) {
            revert TransitionAlreadyProposed(epoch, status);
        }
        if (fallbackCandidate == 0) revert NoExecutor(epoch);
        return fallbackCandidate;
    }

    /// @dev Reverts ProposerCannotChallenge if the caller is the operator or the owner of the
    /// proposing candidate, both read from the hub now (so a rotated operator key is covered) in
    /// one call.
    function _checkNotProposer(uint256 agreementId, uint256 candidateId) private view {
        (address owner, address operator) = hub.candidateSide(agreementId, candidateId);
        if (msg.sender == operator || msg.sender == owner) {
            revert ProposerCannotChallenge(candidateId, msg.sender);
        }
    }

    /// @dev Deposits `amount` of the bond token held here into the agreement's treasury.
    function _toTreasury(uint256 agreementId, address token, uint256 amount) private {
        if (amount == 0) return;
        IERC20(token).forceApprove(address(hub), amount);
        hub.deposit(agreementId, token, amount);
    }

    function _liveAt(
        uint256 agreementId,
        uint64 epoch,
        Status needed
    ) private view returns (Live storage live) {
        live = _live[agreementId];
        if (live.epoch != epoch || live.status != needed) revert TransitionStatusInvalid(epoch, live.status);
    }

    function _rulingDeadline(Params storage p, Live storage live) private view returns (uint256) {
        return _challengeOpens(p, live) + p.challengePeriod + p.rulingPeriod;
    }

    /// @dev When the challenge period opens: at the proposal, or when its jury's vote ends.
    function _challengeOpens(Params storage p, Live storage live) private view returns (uint256) {
        return uint256(live.proposedAt) + (live.juried ? p.voteWindow : 0);
    }

    /// @dev Rejects a challenged transition: the proposer's bond pays `rejectPenalty`, half of what
    /// was taken is shared by the challengers, who also get their bonds back.
    function _rejectChallenged(
        uint256 agreementId,
        Params storage p,
        Live storage live
    ) private returns (uint256 penalty) {
        live.status = Status.Rejected;
        address bondToken = p.bondToken;
        uint256 n = live.challengers;
        // Credit what arrived, not what was sent: a fee-on-transfer bond token delivers less.
        IERC20 token = IERC20(bondToken);
        uint256 before = token.balanceOf(address(this));
        (penalty, ) = _hooks.slashBond(agreementId, live.candidateId, p.rejectPenalty);
        uint256 reward = token.balanceOf(address(this)) - before;
        // Equal parts; the remainder (< n base units) goes to the first challenger, which costs no
        // extra transfer. n ≥ 1: the status was Challenged.
        uint256 part = reward / n;
        uint256 remainder = reward - part * n;
        for (uint256 i = 0; i < n; ++i) {
            ChallengeSlot storage c = live.challenges[i];
            _owed[c.challenger][bondToken] += c.bond + part + (i == 0 ? remainder : 0);
        }
    }

    /// @dev Settles a juried transition's jury fees and penalties against its final outcome.
    function _settleJury(
        uint256 agreementId,
        uint64 epoch,
        Params storage p,
        Live storage live,
        bool accepted
    ) private {
        if (live.juried) p.jury.settle(agreementId, epoch, live.candidateId, accepted);
    }

    function _checkSize(string memory what, uint256 size, uint256 max) private pure {
        if (size == 0 || size > max) revert TransitionDataInvalid(what, size, max);
    }

    /// @dev Validates actions and per-token totals against the epoch's remaining cap and, when
    /// proposing, against the treasury, so an over-cap or unfunded proposal is rejected up front.
    function _checkActions(
        uint256 agreementId,
        uint64 epoch,
        Action[] calldata actions,
        bool proposing
    ) private view {
        uint256 n = actions.length;
        if (n > MAX_ACTIONS) revert ActionsTooMany(n, MAX_ACTIONS);
        for (uint256 i = 0; i < n; ++i) {
            Action calldata act = actions[i];
            if (act.token == address(0) || act.to == address(0) || act.amount == 0) revert ActionInvalid(i);
            // Total per token: only the first action of each token does the check.
            bool seen = false;
            uint256 total = act.amount;
            for (uint256 j = 0; j < n; ++j) {
                if (actions[j].token != act.token || j == i) continue;
                if (j < i) {
                    seen = true;
                    break;
                }
                total += actions[j].amount;
            }
            if (seen) continue;
            uint256 cap = hub.outflowCap(agreementId, act.token);
            uint256 used = _spent[agreementId][epoch][act.token];
            uint256 remaining = cap > used ? cap - used : 0;
            if (total > remaining) revert OutflowCapExceeded(act.token, remaining, total);
            if (proposing) {
                uint256 available = hub.treasuryBalance(agreementId, act.token);
                if (total > available) revert IGengovHub.TreasuryInsufficient(act.token, available, total);
            }
        }
    }

    function _commitment(
        bytes32 newStateHash,
        bytes32 manifestHash,
        Action[] calldata actions
    ) private pure returns (bytes32) {
        return keccak256(abi.encode(newStateHash, manifestHash, keccak256(abi.encode(actions))));
    }
}
