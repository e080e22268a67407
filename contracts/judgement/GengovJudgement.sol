// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {
    MAX_JUDGEMENT_FLAGS,
    MAX_JUDGEMENT_ITEMS,
    MAX_JUDGEMENT_LISTS,
    MAX_JUDGEMENT_SAMPLE,
    MAX_LOG_RATIO
} from "../hub/Limits.sol";
import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {IGengovHubHooks} from "../interfaces/IGengovHubHooks.sol";
import {IGengovJudgement} from "../interfaces/IGengovJudgement.sol";
import {JudgementMath} from "../libraries/JudgementMath.sol";
import {WAD} from "../libraries/LossMath.sol";
import {Median} from "../libraries/Median.sol";
import {SumTree} from "../libraries/SumTree.sol";

/// @title GengovJudgement
/// @notice Distilled human judgement rounds on one hub's agreements (`IGengovJudgement`), deployed
/// next to the hub and attached to it once by its deployer (`IGengovHub.attachJudgement`). It moves
/// treasury funds only through the hub's `releaseTreasury` hook (a round's budget) and returns them
/// through `deposit`; it writes scores only through `recordLosses`. Per round, what the stored state
/// cannot hold cheaply — the jury's answers, each revealed list's weights on the sample — is kept as a
/// hash and passed back in calldata by whoever needs it, so a reveal costs its proofs and little
/// storage.
contract GengovJudgement is IGengovJudgement, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Domain tag of list commitments.
    bytes32 public constant LIST_TAG = keccak256("gengov.judgement.list.v1");
    /// @dev Set in the epoch argument of `IRandomnessSource.randomWord`, so a round's word never
    /// coincides with an executor draw's.
    uint64 private constant _ROUND_BIT = uint64(1) << 63;

    /// @dev A committed list.
    struct List {
        bytes32 commitment;
        bytes32 root;
        bytes32 weightsHash;
        uint64 loss;
        bool revealed;
    }

    /// @dev A flag: slot i of the sample pairs the i-th flagged item.
    struct Flag {
        address flagger;
        uint32 item;
        bool over;
    }

    /// @inheritdoc IGengovJudgement
    IGengovHub public immutable hub;
    IGengovHubHooks private immutable _hooks;

    mapping(uint256 agreementId => JudgementParams) private _params;
    mapping(uint256 agreementId => uint256) private _roundCount;
    mapping(uint256 agreementId => mapping(uint256 round => Round)) private _rounds;
    mapping(uint256 agreementId => mapping(uint256 round => mapping(uint256 candidateId => List)))
        private _lists;
    mapping(uint256 agreementId => mapping(uint256 round => uint256[])) private _listIds;
    mapping(uint256 agreementId => mapping(uint256 round => Flag[])) private _flags;
    mapping(uint256 agreementId => mapping(uint256 round => mapping(uint256 item => bool))) private _flagged;
    mapping(uint256 agreementId => mapping(uint256 round => mapping(address juror => bytes32)))
        private _answers;
    mapping(uint256 agreementId => mapping(uint256 round => mapping(uint256 item => bool))) private _claimed;
    mapping(address account => mapping(address token => uint256)) private _owed;

    /// @notice Binds the judgement contract to `hub_`.
    /// @param hub_ The hub.
    constructor(IGengovHub hub_) {
        hub = hub_;
        _hooks = IGengovHubHooks(address(hub_));
    }

    // ─────────────────────────────────────────── terms ───────────────────────────────────────────

    /// @inheritdoc IGengovJudgement
    function configure(uint256 agreementId, JudgementParams calldata p, string calldata itemsUri) external {
        (IGengovHub.AgreementParams memory a, , ) = hub.agreement(agreementId);
        if (msg.sender != a.arbiter) revert IGengovHub.CallerNotArbiter(msg.sender);
        if (p.itemCount < 2 || p.itemCount > MAX_JUDGEMENT_ITEMS)
            revert JudgementParameterInvalid(JudgementParameter.ItemCount);
        if (p.itemsRoot == bytes32(0)) revert JudgementParameterInvalid(JudgementParameter.ItemsRoot);
        if (p.sampleSize == 0 || p.sampleSize > MAX_JUDGEMENT_SAMPLE)
            revert JudgementParameterInvalid(JudgementParameter.SampleSize);
        if (p.maxFlags > p.sampleSize / 2 || p.maxFlags > MAX_JUDGEMENT_FLAGS) {
            revert JudgementParameterInvalid(JudgementParameter.MaxFlags);
        }
        if (p.commitWindow == 0 || p.answerWindow == 0 || p.revealWindow == 0 || p.proposeWindow == 0) {
            revert JudgementParameterInvalid(JudgementParameter.Window);
        }
        if (p.submitterShare > WAD) revert JudgementParameterInvalid(JudgementParameter.SubmitterShare);
        if (p.scale == 0) revert JudgementParameterInvalid(JudgementParameter.Scale);
        if (address(p.randomness).code.length == 0)
            revert JudgementParameterInvalid(JudgementParameter.Randomness);
        _params[agreementId] = p;
        emit JudgementConfigured(agreementId, p, itemsUri);
    }

    // ─────────────────────────────────────────── rounds ──────────────────────────────────────────

    /// @inheritdoc IGengovJudgement
    function openRound(uint256 agreementId) external nonReentrant returns (uint256 round) {
        JudgementParams storage p = _params[agreementId];
        if (p.itemCount == 0) revert JudgementNotConfigured(agreementId);
        round = _roundCount[agreementId];
        if (round != 0 && !_rounds[agreementId][round].finalized) revert RoundLive(agreementId, round);
        round += 1;
        _roundCount[agreementId] = round;
        (IGengovHub.AgreementParams memory a, , ) = hub.agreement(agreementId);
        Round storage r = _rounds[agreementId][round];
        r.openedAt = uint40(block.timestamp);
        r.commitWindow = p.commitWindow;
        r.answerWindow = p.answerWindow;
        r.revealWindow = p.revealWindow;
        r.proposeWindow = p.proposeWindow;
        r.sampleSize = p.sampleSize;
        r.depth = _depth(p.itemCount);
        r.quorum = a.quorum;
        r.maxFlags = p.maxFlags;
        r.itemsRoot = p.itemsRoot;
        r.itemCount = p.itemCount;
        r.submitterShare = p.submitterShare;
        r.bondToken = a.bondToken;
        r.budget = p.budget;
        r.scale = p.scale;
        r.flagBond = p.flagBond;
        r.flagReward = p.flagReward;
        if (p.budget != 0) _hooks.releaseTreasury(agreementId, a.bondToken, p.budget);
        emit RoundOpened(agreementId, round, p.budget);
    }

    /// @inheritdoc IGengovJudgement
    function commitList(
        uint256 agreementId,
        uint256 round,
        uint256 candidateId,
        bytes32 commitment
    ) external {
        Round storage r = _round(agreementId, round);
        _requireWindow(round, r.openedAt, _commitEnds(r));
        _requireOperator(agreementId, candidateId);
        if (commitment == bytes32(0)) revert CommitmentZero();
        List storage l = _lists[agreementId][round][candidateId];
        if (l.commitment != bytes32(0)) revert ListAlreadyCommitted(candidateId);
        if (r.listCount >= MAX_JUDGEMENT_LISTS) revert ListLimitReached(MAX_JUDGEMENT_LISTS);
        l.commitment = commitment;
        ++r.listCount;
        _listIds[agreementId][round].push(candidateId);
        emit ListCommitted(agreementId, round, candidateId, commitment);
    }

    /// @inheritdoc IGengovJudgement
    function flagItem(uint256 agreementId, uint256 round, uint256 item, bool over) external nonReentrant {
        Round storage r = _round(agreementId, round);
        _requireWindow(round, r.openedAt, _commitEnds(r));
        if (item >= r.itemCount) revert ItemOutOfRange(item, r.itemCount);
        if (r.flagBond == 0 || r.flagCount >= r.maxFlags || _flagged[agreementId][round][item]) {
            revert FlagRefused(item);
        }
        _flagged[agreementId][round][item] = true;
        ++r.flagCount;
        _flags[agreementId][round].push(Flag(msg.sender, uint32(item), over));
        IERC20(r.bondToken).safeTransferFrom(msg.sender, address(this), r.flagBond);
        emit ItemFlagged(agreementId, round, item, over, msg.sender);
    }

    /// @inheritdoc IGengovJudgement
    function drawSample(uint256 agreementId, uint256 round) external returns (uint256 word) {
        Round storage r = _round(agreementId, round);
        return _draw(agreementId, round, r);
    }

    /// @inheritdoc IGengovJudgement
    function answerPairs(uint256 agreementId, uint256 round, int256[] calldata lnRatios) external {
        Round storage r = _round(agreementId, round);
        uint64 commitEnds = _commitEnds(r);
        _requireWindow(round, commitEnds, commitEnds + r.answerWindow);
        (IGengovHub.AgreementParams memory a, , ) = hub.agreement(agreementId);
        if (!_contains(a.reporters, msg.sender)) revert CallerNotJuror(msg.sender);
        if (_answers[agreementId][round][msg.sender] != bytes32(0)) revert JurorAlreadyAnswered(msg.sender);
        uint256 n = r.sampleSize;
        if (lnRatios.length != n) revert LengthMismatch(lnRatios.length, n);
        for (uint256 s = 0; s < n; ++s) {
            if (lnRatios[s] > MAX_LOG_RATIO || lnRatios[s] < -MAX_LOG_RATIO) revert AnswerOutOfRange(s);
        }
        _draw(agreementId, round, r);
        _answers[agreementId][round][msg.sender] = keccak256(abi.encode(lnRatios));
        ++r.answered;
        emit PairsAnswered(agreementId, round, msg.sender, lnRatios);
    }

    /// @inheritdoc IGengovJudgement
    function closeAnswers(
        uint256 agreementId,
        uint256 round,
        address[] calldata jurors,
        int256[][] calldata answers
    ) external {
        Round storage r = _round(agreementId, round);
        uint64 answerEnds = _answerEnds(r);
        if (block.timestamp < answerEnds) revert RoundWindowClosed(round, answerEnds, type(uint64).max);
        if (r.answersHash != bytes32(0)) revert AnswersAlreadyClosed(round);
        uint256 m = r.answered;
        if (jurors.length != m || answers.length != m) revert LengthMismatch(jurors.length, m);
        uint256 n = r.sampleSize;
        int256[] memory medians = new int256[](m < r.quorum || m == 0 ? 0 : n);
        // Strictly increasing addresses: each juror at most once, so the count proves every one is here.
        for (uint256 j = 0; j < m; ++j) {
            if (j != 0 && jurors[j] <= jurors[j - 1]) revert AnswersMismatch();
            if (keccak256(abi.encode(answers[j])) != _answers[agreementId][round][jurors[j]]) {
                revert AnswersMismatch();
            }
        }
        if (medians.length == 0) {
            r.isVoid = true;
            r.answersHash = bytes32(uint256(1));
            emit AnswersClosed(agreementId, round, medians, true);
            return;
        }
        int256[] memory column = new int256[](m);
        for (uint256 s = 0; s < n; ++s) {
            for (uint256 j = 0; j < m; ++j) column[j] = answers[j][s];
            medians[s] = Median.compute(column);
        }
        r.answersHash = keccak256(abi.encode(medians));
        emit AnswersClosed(agreementId, round, medians, false);
    }

    /// @inheritdoc IGengovJudgement
    function revealList(
        uint256 agreementId,
        uint256 round,
        uint256 candidateId,
        bytes32 root,
        bytes32 salt,
        int256[] calldata medians,
        uint256[] calldata weights,
        bytes32[][] calldata proofs,
        string calldata listUri
    ) external returns (uint256 loss) {
        Round storage r = _round(agreementId, round);
        uint64 answerEnds = _answerEnds(r);
        _requireWindow(round, answerEnds, answerEnds + r.revealWindow);
        _requireOperator(agreementId, candidateId);
        _requireMedians(round, r, medians);
        List storage l = _lists[agreementId][round][candidateId];
        if (l.revealed) revert ListAlreadyRevealed(candidateId);
        if (
            l.commitment == bytes32(0) ||
            l.commitment != _commitment(agreementId, round, candidateId, root, salt)
        ) {
            revert ListMismatch(candidateId);
        }
        uint256 n = r.sampleSize;
        if (weights.length != 2 * n || proofs.length != 2 * n) revert LengthMismatch(weights.length, 2 * n);
        (uint256[] memory a, uint256[] memory b) = _pairs(agreementId, round, r);
        uint256 proofLength = 2 * uint256(r.depth);
        for (uint256 s = 0; s < n; ++s) {
            _requireLeaf(root, a[s], weights[2 * s], proofs[2 * s], proofLength, 2 * s);
            _requireLeaf(root, b[s], weights[2 * s + 1], proofs[2 * s + 1], proofLength, 2 * s + 1);
        }
        loss = _sampleLoss(weights, medians, r.scale);
        l.root = root;
        l.weightsHash = keccak256(abi.encodePacked(weights));
        l.loss = uint64(loss);
        l.revealed = true;
        ++r.revealedCount;
        // The best single list is the round's answer until a combination beats it.
        if (r.bestHash == bytes32(0) || loss < r.bestLoss) {
            uint256[] memory ids = new uint256[](1);
            uint256[] memory coefficients = new uint256[](1);
            ids[0] = candidateId;
            coefficients[0] = WAD;
            r.bestHash = keccak256(abi.encode(ids, coefficients));
            r.bestLoss = loss;
        }
        emit ListRevealed(agreementId, round, candidateId, root, weights, loss, listUri);
    }

    /// @inheritdoc IGengovJudgement
    function proposeCombination(
        uint256 agreementId,
        uint256 round,
        uint256[] calldata candidateIds,
        uint256[] calldata coefficients,
        int256[] calldata medians,
        uint256[][] calldata weights
    ) external returns (uint256 loss) {
        Round storage r = _round(agreementId, round);
        uint64 revealEnds = _answerEnds(r) + r.revealWindow;
        _requireWindow(round, revealEnds, revealEnds + r.proposeWindow);
        _requireMedians(round, r, medians);
        _requireCombination(agreementId, round, candidateIds, coefficients, weights);
        uint256 n = r.sampleSize;
        loss = _sampleLoss(_combined(coefficients, weights, n), medians, r.scale);
        if (loss >= r.bestLoss) revert CombinationNotBetter(loss, r.bestLoss);
        r.bestHash = keccak256(abi.encode(candidateIds, coefficients));
        r.bestLoss = loss;
        emit CombinationProposed(agreementId, round, msg.sender, candidateIds, coefficients, loss);
    }

    /// @inheritdoc IGengovJudgement
    function finalizeRound(
        uint256 agreementId,
        uint256 round,
        uint256[] calldata candidateIds,
        uint256[] calldata coefficients,
        int256[] calldata medians,
        uint256[][] calldata weights
    ) external nonReentrant {
        Round storage r = _round(agreementId, round);
        if (r.finalized) revert RoundAlreadyFinalized(round);
        uint64 proposeEnds = _answerEnds(r) + r.revealWindow + r.proposeWindow;
        // A void round ends as soon as its answers are closed; any other after the proposal window.
        if (!(r.isVoid || block.timestamp >= proposeEnds)) {
            revert RoundWindowClosed(round, proposeEnds, type(uint64).max);
        }
        r.finalized = true;
        // Answers never closed count as void: nobody may score lists against a jury that did not sit.
        if (r.answersHash == bytes32(0)) r.isVoid = true;
        uint256 pot = r.budget;
        if (!r.isVoid) {
            _recordLosses(agreementId, round);
            if (r.revealedCount != 0) {
                _requireMedians(round, r, medians);
                if (keccak256(abi.encode(candidateIds, coefficients)) != r.bestHash)
                    revert CombinationMismatch();
                _requireCombination(agreementId, round, candidateIds, coefficients, weights);
                pot = _settleFlags(agreementId, round, r, medians, coefficients, weights);
                uint256 toSubmitters = (pot * r.submitterShare) / WAD;
                r.submitterPool = toSubmitters;
                r.itemPool = pot - toSubmitters;
                emit RoundFinalized(agreementId, round, false, r.itemPool, toSubmitters);
                return;
            }
        }
        // Void, or no list revealed: flags back, the budget back to the treasury.
        Flag[] storage flags = _flags[agreementId][round];
        for (uint256 i = 0; i < flags.length; ++i) {
            _owed[flags[i].flagger][r.bondToken] += r.flagBond;
            emit FlagSettled(agreementId, round, flags[i].item, false, r.flagBond);
        }
        if (pot != 0) {
            IERC20(r.bondToken).forceApprove(address(hub), pot);
            hub.deposit(agreementId, r.bondToken, pot);
        }
        emit RoundFinalized(agreementId, round, r.isVoid, 0, 0);
    }

    /// @inheritdoc IGengovJudgement
    function claimItem(
        uint256 agreementId,
        uint256 round,
        uint256 item,
        address payout,
        bytes32[] calldata itemProof,
        uint256[] calldata candidateIds,
        uint256[] calldata coefficients,
        uint256[] calldata weights,
        bytes32[][] calldata proofs
    ) external nonReentrant returns (uint256 amount) {
        Round storage r = _finalized(agreementId, round);
        if (item >= r.itemCount) revert ItemOutOfRange(item, r.itemCount);
        if (_claimed[agreementId][round][item]) revert AlreadyClaimed();
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(item, payout))));
        if (!MerkleProof.verifyCalldata(itemProof, r.itemsRoot, leaf)) revert ItemProofInvalid(item);
        if (keccak256(abi.encode(candidateIds, coefficients)) != r.bestHash) revert CombinationMismatch();
        uint256 k = candidateIds.length;
        if (weights.length != k || proofs.length != k) revert LengthMismatch(weights.length, k);
        uint256 proofLength = 2 * uint256(r.depth);
        mapping(uint256 => List) storage lists = _lists[agreementId][round];
        for (uint256 i = 0; i < k; ++i) {
            _requireLeaf(lists[candidateIds[i]].root, item, weights[i], proofs[i], proofLength, i);
        }
        _claimed[agreementId][round][item] = true;
        amount = (r.itemPool * JudgementMath.combine(weights, coefficients)) / WAD;
        emit ItemPaid(agreementId, round, item, payout, amount);
        if (amount != 0) IERC20(r.bondToken).safeTransfer(payout, amount);
    }

    /// @inheritdoc IGengovJudgement
    function paySubmitters(
        uint256 agreementId,
        uint256 round,
        uint256[] calldata candidateIds,
        uint256[] calldata coefficients
    ) external {
        Round storage r = _finalized(agreementId, round);
        if (r.submittersPaid) revert AlreadyClaimed();
        if (keccak256(abi.encode(candidateIds, coefficients)) != r.bestHash) revert CombinationMismatch();
        r.submittersPaid = true;
        uint256 pool = r.submitterPool;
        address token = r.bondToken;
        for (uint256 i = 0; i < candidateIds.length; ++i) {
            // Coefficients sum to 1e18, so the shares sum to at most the pool.
            uint256 amount = (pool * coefficients[i]) / WAD;
            if (amount == 0) continue;
            (address owner, ) = hub.candidateSide(agreementId, candidateIds[i]);
            _owed[owner][token] += amount;
            emit SubmitterPaid(agreementId, round, candidateIds[i], owner, amount);
        }
    }

    /// @inheritdoc IGengovJudgement
    function withdraw(address token) external nonReentrant returns (uint256 amount) {
        amount = _owed[msg.sender][token];
        if (amount == 0) return 0;
        _owed[msg.sender][token] = 0;
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    // ─────────────────────────────────────────── views ───────────────────────────────────────────

    /// @inheritdoc IGengovJudgement
    function terms(uint256 agreementId) external view returns (JudgementParams memory, uint256) {
        return (_params[agreementId], _roundCount[agreementId]);
    }

    /// @inheritdoc IGengovJudgement
    function roundOf(uint256 agreementId, uint256 round) external view returns (Round memory) {
        return _round(agreementId, round);
    }

    /// @inheritdoc IGengovJudgement
    function listOf(
        uint256 agreementId,
        uint256 round,
        uint256 candidateId
    ) external view returns (bytes32 commitment, bytes32 root, uint256 loss, bool revealed) {
        List storage l = _lists[agreementId][round][candidateId];
        return (l.commitment, l.root, l.loss, l.revealed);
    }

    /// @inheritdoc IGengovJudgement
    function listIds(uint256 agreementId, uint256 round) external view returns (uint256[] memory) {
        return _listIds[agreementId][round];
    }

    /// @inheritdoc IGengovJudgement
    function pairs(
        uint256 agreementId,
        uint256 round
    ) external view returns (uint256[] memory a, uint256[] memory b) {
        Round storage r = _round(agreementId, round);
        if (r.word == 0) revert SampleNotDrawn(round);
        return _pairs(agreementId, round, r);
    }

    /// @inheritdoc IGengovJudgement
    function listCommitment(
        uint256 agreementId,
        uint256 round,
        uint256 candidateId,
        bytes32 root,
        bytes32 salt
    ) external view returns (bytes32) {
        return _commitment(agreementId, round, candidateId, root, salt);
    }

    /// @inheritdoc IGengovJudgement
    function owed(address account, address token) external view returns (uint256) {
        return _owed[account][token];
    }

    // ───────────────────────────────────────── internals ─────────────────────────────────────────

    function _round(uint256 agreementId, uint256 round) private view returns (Round storage r) {
        r = _rounds[agreementId][round];
        if (r.openedAt == 0) revert RoundUnknown(agreementId, round);
    }

    function _finalized(uint256 agreementId, uint256 round) private view returns (Round storage r) {
        r = _round(agreementId, round);
        if (!r.finalized) revert RoundNotFinalized(round);
        // A void round, or one without a revealed list, returned its budget: nothing to pay.
        if (r.isVoid || r.revealedCount == 0) revert RoundIsVoid(round);
    }

    function _commitEnds(Round storage r) private view returns (uint64) {
        return uint64(r.openedAt) + r.commitWindow;
    }

    function _answerEnds(Round storage r) private view returns (uint64) {
        return _commitEnds(r) + r.answerWindow;
    }

    function _requireWindow(uint256 round, uint64 opensAt, uint64 closesAt) private view {
        if (block.timestamp < opensAt || block.timestamp >= closesAt) {
            revert RoundWindowClosed(round, opensAt, closesAt);
        }
    }

    function _requireOperator(uint256 agreementId, uint256 candidateId) private view {
        (, address operator) = hub.candidateSide(agreementId, candidateId);
        if (operator == address(0) || msg.sender != operator)
            revert CallerNotOperator(candidateId, msg.sender);
    }

    function _requireMedians(uint256 round, Round storage r, int256[] calldata medians) private view {
        bytes32 h = r.answersHash;
        if (h == bytes32(0)) revert AnswersNotClosed(round);
        if (r.isVoid) revert RoundIsVoid(round);
        if (keccak256(abi.encode(medians)) != h) revert AnswersMismatch();
    }

    /// @dev A leaf of a list's sum tree: the proof has the round's depth and leads to `root` with a
    /// total of exactly 1e18.
    function _requireLeaf(
        bytes32 root,
        uint256 item,
        uint256 weight,
        bytes32[] calldata proof,
        uint256 proofLength,
        uint256 slot
    ) private pure {
        if (proof.length != proofLength) revert ListProofInvalid(slot);
        (bytes32 h, uint256 total) = SumTree.root(item, weight, proof);
        if (h != root || total != WAD) revert ListProofInvalid(slot);
    }

    /// @dev Revealed lists in increasing candidate order, coefficients summing to 1e18, and each
    /// list's weights as revealed.
    function _requireCombination(
        uint256 agreementId,
        uint256 round,
        uint256[] calldata candidateIds,
        uint256[] calldata coefficients,
        uint256[][] calldata weights
    ) private view {
        uint256 k = candidateIds.length;
        if (k == 0 || coefficients.length != k || weights.length != k) {
            revert LengthMismatch(coefficients.length, k);
        }
        mapping(uint256 => List) storage lists = _lists[agreementId][round];
        uint256 sum = 0;
        for (uint256 i = 0; i < k; ++i) {
            if ((i != 0 && candidateIds[i] <= candidateIds[i - 1]) || !lists[candidateIds[i]].revealed) {
                revert CombinationInvalid(i);
            }
            if (keccak256(abi.encodePacked(weights[i])) != lists[candidateIds[i]].weightsHash) {
                revert WeightsMismatch(i);
            }
            sum += coefficients[i];
        }
        if (sum != WAD) revert CoefficientsSumInvalid(sum);
    }

    /// @dev The combined list's weights on the sample, interleaved like a reveal's: x[2s] of pair
    /// s's first item, x[2s + 1] of its second.
    function _combined(
        uint256[] calldata coefficients,
        uint256[][] calldata weights,
        uint256 n
    ) private pure returns (uint256[] memory x) {
        uint256 k = coefficients.length;
        uint256[] memory c = coefficients;
        uint256[] memory column = new uint256[](k);
        x = new uint256[](2 * n);
        for (uint256 p = 0; p < 2 * n; ++p) {
            for (uint256 i = 0; i < k; ++i) column[i] = weights[i][p];
            x[p] = JudgementMath.combine(column, c);
        }
    }

    /// @dev A list's loss on the sample: the mean over pairs of the clipped squared log-ratio error.
    function _sampleLoss(
        uint256[] memory w,
        int256[] calldata medians,
        uint256 scale
    ) private pure returns (uint256 loss) {
        uint256 n = medians.length;
        for (uint256 s = 0; s < n; ++s)
            loss += JudgementMath.pairLoss(w[2 * s], w[2 * s + 1], medians[s], scale);
        return loss / n;
    }

    function _ln(uint256 w) private pure returns (int256) {
        return JudgementMath.lnWad(w == 0 ? 1 : w);
    }

    /// @dev Records every committed list's loss in the hub: its loss on the sample if revealed,
    /// the worst loss if not.
    function _recordLosses(uint256 agreementId, uint256 round) private {
        uint256[] memory ids = _listIds[agreementId][round];
        if (ids.length == 0) return;
        uint256[] memory losses = new uint256[](ids.length);
        mapping(uint256 => List) storage lists = _lists[agreementId][round];
        for (uint256 i = 0; i < ids.length; ++i) {
            List storage l = lists[ids[i]];
            losses[i] = l.revealed ? l.loss : WAD;
        }
        _hooks.recordLosses(agreementId, ids, losses);
    }

    /// @dev Settles each flag against the combined list: upheld when the jury's log ratio on the
    /// flag's pair puts the flagged item on the flagged side of the combination's (over-credited:
    /// the jury gives its partner more relative credit than the combination does). Upheld flags are
    /// owed their bond and the reward (from the budget while it lasts); lost bonds join the pot.
    /// Returns the pot left for submitters and items.
    function _settleFlags(
        uint256 agreementId,
        uint256 round,
        Round storage r,
        int256[] calldata medians,
        uint256[] calldata coefficients,
        uint256[][] calldata weights
    ) private returns (uint256 pot) {
        pot = r.budget;
        Flag[] storage flags = _flags[agreementId][round];
        uint256 nf = flags.length;
        if (nf == 0) return pot;
        uint256[] memory x = _combined(coefficients, weights, r.sampleSize);
        uint256 bond = r.flagBond;
        for (uint256 i = 0; i < nf; ++i) {
            Flag storage f = flags[i];
            int256 combinedRatio = _ln(x[2 * i + 1]) - _ln(x[2 * i]);
            bool upheld = f.over ? medians[i] > combinedRatio : medians[i] < combinedRatio;
            uint256 paid = 0;
            if (upheld) {
                uint256 reward = r.flagReward < pot ? r.flagReward : pot;
                pot -= reward;
                paid = bond + reward;
                _owed[f.flagger][r.bondToken] += paid;
            } else {
                pot += bond;
            }
            emit FlagSettled(agreementId, round, f.item, upheld, paid);
        }
    }

    /// @dev Draws the sample once, after the commit window.
    function _draw(uint256 agreementId, uint256 round, Round storage r) private returns (uint256 word) {
        word = r.word;
        if (word != 0) return word;
        uint64 commitEnds = _commitEnds(r);
        if (block.timestamp < commitEnds) revert RoundWindowClosed(round, commitEnds, type(uint64).max);
        uint256 source = _params[agreementId].randomness.randomWord(agreementId, _ROUND_BIT | uint64(round));
        word = uint256(keccak256(abi.encode(source, agreementId, round)));
        if (word == 0) word = 1;
        r.word = word;
        emit SampleDrawn(agreementId, round, word);
    }

    /// @dev The sample: slot s pairs the s-th flagged item, or an item drawn from the word, with a
    /// partner drawn from the word that is never the item itself.
    function _pairs(
        uint256 agreementId,
        uint256 round,
        Round storage r
    ) private view returns (uint256[] memory a, uint256[] memory b) {
        uint256 n = r.sampleSize;
        uint256 count = r.itemCount;
        uint256 word = r.word;
        if (word == 0) revert SampleNotDrawn(round);
        Flag[] storage flags = _flags[agreementId][round];
        uint256 nf = flags.length;
        a = new uint256[](n);
        b = new uint256[](n);
        for (uint256 s = 0; s < n; ++s) {
            uint256 h = uint256(keccak256(abi.encode(word, s)));
            uint256 first = s < nf ? flags[s].item : h % count;
            a[s] = first;
            b[s] = (first + 1 + ((h >> 128) % (count - 1))) % count;
        }
    }

    function _commitment(
        uint256 agreementId,
        uint256 round,
        uint256 candidateId,
        bytes32 root,
        bytes32 salt
    ) private view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    LIST_TAG,
                    block.chainid,
                    address(this),
                    agreementId,
                    round,
                    candidateId,
                    root,
                    salt
                )
            );
    }

    /// @dev Depth of a sum tree over `count` leaves: the smallest d ≥ 1 with 2^d ≥ count.
    function _depth(uint256 count) private pure returns (uint8 d) {
        d = 1;
        while ((uint256(1) << d) < count) ++d;
    }

    function _contains(address[] memory list, address who) private pure returns (bool) {
        for (uint256 i = 0; i < list.length; ++i) if (list[i] == who) return true;
        return false;
    }
}
