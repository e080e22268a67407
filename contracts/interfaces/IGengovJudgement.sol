// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "./IGengovHub.sol";
import {IRandomnessSource} from "./IRandomnessSource.sol";

/// @title IGengovJudgement
/// @notice Distilled human judgement rounds on a hub's agreements. An agreement's arbiter declares a
/// set of items (a Merkle root of `(index, payout)` leaves) and the round's terms. In each round the
/// agreement's candidates may commit the root of a full list — a weight per item, in WAD, summing to
/// 1e18, in a position-bound Merkle sum tree — and a commitment binds. After commits close, `sampleSize`
/// pairs of items are drawn from the round's randomness source; the agreement's reporters (the jury)
/// answer every pair with the natural log of how many times more credit the second item deserves
/// than the first; each pair's answer is the median of the jurors who answered (at least the
/// agreement's quorum, or the round is void). Committed candidates then reveal the leaves of the
/// sampled items with proofs; a list's loss is the mean over the pairs of
/// min(((ln x_b − ln x_a) − ln r)² / scale², 1), fed to the candidate's score record in the hub like
/// a forecast's loss; a commitment not revealed counts as the worst loss. Anyone may then propose
/// simplex coefficients over the revealed lists; the lowest loss of the combined list on the sample is
/// kept (the earliest on ties). After the proposal window the round is finalized: the budget taken
/// from the agreement's treasury at opening goes a `submitterShare` to list submitters in proportion
/// to their coefficients and the rest to items by the combined list's weights, each claimed with
/// proofs (pull payments). Flags: during the commit window anyone may flag an item as over- or
/// under-credited with a bond; a flagged item is paired in the sample, and the flag is upheld when the
/// jury's answer puts the item on the flagged side of the combined list (bond back plus a reward),
/// otherwise the bond goes to the items.
interface IGengovJudgement {
    // ─────────────────────────────────────────── types ───────────────────────────────────────────

    /// @notice Which judgement term `JudgementParameterInvalid` refuses.
    enum JudgementParameter {
        ItemCount,
        ItemsRoot,
        SampleSize,
        MaxFlags,
        Window,
        SubmitterShare,
        Scale,
        Randomness
    }

    /// @notice An agreement's judgement terms, set by its arbiter; a round copies them when it opens.
    struct JudgementParams {
        /// @dev Root of the item set: OpenZeppelin `MerkleProof` leaves
        /// `keccak256(bytes.concat(keccak256(abi.encode(index, payout))))`, indices 0..itemCount−1.
        bytes32 itemsRoot;
        /// @dev Items, in [2, MAX_JUDGEMENT_ITEMS].
        uint32 itemCount;
        /// @dev Sampled pairs per round, in [1, MAX_JUDGEMENT_SAMPLE].
        uint16 sampleSize;
        /// @dev Flags per round, at most sampleSize / 2 and MAX_JUDGEMENT_FLAGS.
        uint8 maxFlags;
        uint32 commitWindow;
        uint32 answerWindow;
        uint32 revealWindow;
        uint32 proposeWindow;
        /// @dev Bond-token amount taken from the agreement's treasury when a round opens.
        uint128 budget;
        /// @dev Share of the budget (WAD, at most 1e18) paid to list submitters.
        uint64 submitterShare;
        /// @dev Log-ratio error (WAD, natural-log units) counting as a full miss; non-zero.
        uint128 scale;
        /// @dev Bond of a flag (bond token); zero disables flags.
        uint128 flagBond;
        /// @dev Paid from the budget to each upheld flag on top of its bond back.
        uint128 flagReward;
        /// @dev Randomness of the sample; read once, after commits close.
        IRandomnessSource randomness;
    }

    /// @notice A round as stored. Its windows follow one another from `openedAt`: commits (and
    /// flags) for `commitWindow`, then answers, reveals and proposals; `word` is zero until the
    /// sample is drawn, `answersHash` until the answers are closed (1 when they closed void);
    /// `bestHash` is keccak256(abi.encode(candidateIds, coefficients)) of the best combination (a
    /// single revealed list with coefficient 1e18 until a proposal beats it).
    struct Round {
        uint40 openedAt;
        uint32 commitWindow;
        uint32 answerWindow;
        uint32 revealWindow;
        uint32 proposeWindow;
        uint16 sampleSize;
        uint8 depth;
        uint8 quorum;
        uint8 answered;
        uint8 flagCount;
        uint8 maxFlags;
        bool finalized;
        bool isVoid;
        bool submittersPaid;
        uint16 listCount;
        uint16 revealedCount;
        bytes32 itemsRoot;
        uint32 itemCount;
        uint64 submitterShare;
        address bondToken;
        uint128 budget;
        uint128 scale;
        uint128 flagBond;
        uint128 flagReward;
        uint256 word;
        bytes32 answersHash;
        bytes32 bestHash;
        uint256 bestLoss;
        uint256 itemPool;
        uint256 submitterPool;
    }

    // ─────────────────────────────────────────── events ──────────────────────────────────────────

    /// @notice An agreement's judgement terms were set.
    /// @param agreementId The agreement.
    /// @param params The terms.
    /// @param itemsUri Where the item list (index, name, payout) is published.
    event JudgementConfigured(uint256 indexed agreementId, JudgementParams params, string itemsUri);
    /// @notice A round opened and took its budget from the treasury.
    /// @param agreementId The agreement.
    /// @param round The round (from 1).
    /// @param budget The budget taken.
    event RoundOpened(uint256 indexed agreementId, uint256 indexed round, uint256 budget);
    /// @notice A candidate committed a list.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param candidateId The candidate.
    /// @param commitment The commitment.
    event ListCommitted(
        uint256 indexed agreementId,
        uint256 indexed round,
        uint256 indexed candidateId,
        bytes32 commitment
    );
    /// @notice An item was flagged.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param item The item.
    /// @param over True: the lists over-credit it; false: they under-credit it.
    /// @param flagger Who posted the bond.
    event ItemFlagged(
        uint256 indexed agreementId,
        uint256 indexed round,
        uint256 item,
        bool over,
        address flagger
    );
    /// @notice The sample was drawn.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param word The random word; pairs follow from it (`pairs`).
    event SampleDrawn(uint256 indexed agreementId, uint256 indexed round, uint256 word);
    /// @notice A juror answered every pair.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param juror The juror (a reporter of the agreement).
    /// @param lnRatios Per pair, ln(credit of b / credit of a) in WAD.
    event PairsAnswered(
        uint256 indexed agreementId,
        uint256 indexed round,
        address indexed juror,
        int256[] lnRatios
    );
    /// @notice The answers were closed: per pair, the median of the jurors' answers.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param medians Per pair, the jury's answer.
    /// @param isVoid True when fewer jurors than the quorum answered (the round is void).
    event AnswersClosed(uint256 indexed agreementId, uint256 indexed round, int256[] medians, bool isVoid);
    /// @notice A list was revealed on the sample.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param candidateId The candidate.
    /// @param root The list's sum-tree root.
    /// @param weights Per pair, the weights of a and of b (2 · sampleSize values).
    /// @param loss The list's loss on the sample (WAD).
    /// @param listUri Where the full list is published.
    event ListRevealed(
        uint256 indexed agreementId,
        uint256 indexed round,
        uint256 indexed candidateId,
        bytes32 root,
        uint256[] weights,
        uint256 loss,
        string listUri
    );
    /// @notice A combination became the round's best.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param proposer Who proposed it.
    /// @param candidateIds The combined lists' candidates, increasing.
    /// @param coefficients Their coefficients (WAD, summing to 1e18).
    /// @param loss The combined list's loss on the sample (WAD).
    event CombinationProposed(
        uint256 indexed agreementId,
        uint256 indexed round,
        address indexed proposer,
        uint256[] candidateIds,
        uint256[] coefficients,
        uint256 loss
    );
    /// @notice The round was finalized: scores recorded, flags settled, pools fixed.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param isVoid Whether the round was void (budget back to the treasury).
    /// @param itemPool What the items share.
    /// @param submitterPool What the list submitters share.
    event RoundFinalized(
        uint256 indexed agreementId,
        uint256 indexed round,
        bool isVoid,
        uint256 itemPool,
        uint256 submitterPool
    );
    /// @notice A flag was settled.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param item The item.
    /// @param upheld Whether the jury agreed.
    /// @param paid What the flagger is owed (bond and reward) or zero.
    event FlagSettled(
        uint256 indexed agreementId,
        uint256 indexed round,
        uint256 item,
        bool upheld,
        uint256 paid
    );
    /// @notice An item claimed its payout.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param item The item.
    /// @param payout Where it went.
    /// @param amount How much.
    event ItemPaid(
        uint256 indexed agreementId,
        uint256 indexed round,
        uint256 item,
        address payout,
        uint256 amount
    );
    /// @notice A list submitter was credited its share.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param candidateId The candidate.
    /// @param owner The candidate's owner, who is owed it.
    /// @param amount How much.
    event SubmitterPaid(
        uint256 indexed agreementId,
        uint256 indexed round,
        uint256 indexed candidateId,
        address owner,
        uint256 amount
    );

    // ─────────────────────────────────────────── errors ──────────────────────────────────────────

    /// @notice A judgement term is out of range.
    error JudgementParameterInvalid(JudgementParameter parameter);
    /// @notice The agreement has no judgement terms.
    error JudgementNotConfigured(uint256 agreementId);
    /// @notice A round is still running; the next opens after it is finalized.
    error RoundLive(uint256 agreementId, uint256 round);
    /// @notice No such round.
    error RoundUnknown(uint256 agreementId, uint256 round);
    /// @notice The call is outside its window `[opensAt, closesAt)`.
    error RoundWindowClosed(uint256 round, uint64 opensAt, uint64 closesAt);
    /// @notice Only the candidate's operator may commit or reveal its list.
    error CallerNotOperator(uint256 candidateId, address caller);
    /// @notice The candidate already committed in this round.
    error ListAlreadyCommitted(uint256 candidateId);
    /// @notice The round holds `max` lists.
    error ListLimitReached(uint256 max);
    /// @notice A commitment must be non-zero.
    error CommitmentZero();
    /// @notice The revealed root and salt do not match the commitment (or nothing was committed).
    error ListMismatch(uint256 candidateId);
    /// @notice The list was already revealed.
    error ListAlreadyRevealed(uint256 candidateId);
    /// @notice A proof does not lead to the list's root with a total of 1e18; `slot` is its index.
    error ListProofInvalid(uint256 slot);
    /// @notice An array's length is not what the round needs.
    error LengthMismatch(uint256 length, uint256 expected);
    /// @notice The sample is not drawn yet.
    error SampleNotDrawn(uint256 round);
    /// @notice The caller is not one of the agreement's reporters.
    error CallerNotJuror(address caller);
    /// @notice The juror already answered.
    error JurorAlreadyAnswered(address juror);
    /// @notice An answer exceeds MAX_LOG_RATIO in magnitude; `slot` is its pair.
    error AnswerOutOfRange(uint256 slot);
    /// @notice The answers are not closed yet.
    error AnswersNotClosed(uint256 round);
    /// @notice The answers were already closed.
    error AnswersAlreadyClosed(uint256 round);
    /// @notice The answers given do not match what the jurors answered.
    error AnswersMismatch();
    /// @notice The round is void (fewer jurors than the quorum answered, or its answers were never
    /// closed), or no list was revealed: nothing is scored or paid.
    error RoundIsVoid(uint256 round);
    /// @notice A combination's candidates must be revealed lists in increasing order; `index` is the first offender.
    error CombinationInvalid(uint256 index);
    /// @notice A combination's coefficients must sum to 1e18.
    error CoefficientsSumInvalid(uint256 sum);
    /// @notice A revealed list's weights given do not match its reveal; `index` names the list.
    error WeightsMismatch(uint256 index);
    /// @notice A proposal's loss is not strictly below the best.
    error CombinationNotBetter(uint256 loss, uint256 best);
    /// @notice The round is not finalized yet.
    error RoundNotFinalized(uint256 round);
    /// @notice The round was already finalized.
    error RoundAlreadyFinalized(uint256 round);
    /// @notice The combination given is not the round's best.
    error CombinationMismatch();
    /// @notice The item's proof is invalid.
    error ItemProofInvalid(uint256 item);
    /// @notice Already paid.
    error AlreadyClaimed();
    /// @notice Flags are disabled, the round holds `maxFlags`, or the item is flagged already.
    error FlagRefused(uint256 item);
    /// @notice An item index is at or past the round's item count.
    error ItemOutOfRange(uint256 item, uint256 itemCount);

    // ─────────────────────────────────────────── calls ───────────────────────────────────────────

    /// @notice Set the agreement's judgement terms (its arbiter only); rounds opened later use them.
    /// @param agreementId The agreement.
    /// @param params The terms.
    /// @param itemsUri Where the item list (index, name, payout) is published.
    function configure(
        uint256 agreementId,
        JudgementParams calldata params,
        string calldata itemsUri
    ) external;

    /// @notice Open the agreement's next round (anyone), taking `budget` from its treasury.
    /// @param agreementId The agreement.
    /// @return round The new round's number.
    function openRound(uint256 agreementId) external returns (uint256 round);

    /// @notice Commit a list (the candidate's operator, during the commit window).
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param candidateId The candidate.
    /// @param commitment `listCommitment(agreementId, round, candidateId, root, salt)`.
    function commitList(uint256 agreementId, uint256 round, uint256 candidateId, bytes32 commitment) external;

    /// @notice Flag an item (anyone, during the commit window), pulling `flagBond` of the bond token.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param item The item.
    /// @param over True: over-credited; false: under-credited.
    function flagItem(uint256 agreementId, uint256 round, uint256 item, bool over) external;

    /// @notice Draw the sample (anyone, once, after the commit window).
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @return word The random word.
    function drawSample(uint256 agreementId, uint256 round) external returns (uint256 word);

    /// @notice Answer every pair (a reporter of the agreement, once, during the answer window); draws
    /// the sample first if nobody has.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param lnRatios Per pair, ln(credit b / credit a) in WAD, |value| ≤ MAX_LOG_RATIO.
    function answerPairs(uint256 agreementId, uint256 round, int256[] calldata lnRatios) external;

    /// @notice Close the answers (anyone, after the answer window) with every juror's answers.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param jurors Every juror who answered, in increasing address order.
    /// @param answers Their answers, in the same order.
    function closeAnswers(
        uint256 agreementId,
        uint256 round,
        address[] calldata jurors,
        int256[][] calldata answers
    ) external;

    /// @notice Reveal a list on the sample (the candidate's operator, during the reveal window).
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param candidateId The candidate.
    /// @param root The list's sum-tree root.
    /// @param salt The commitment's salt.
    /// @param medians The jury's answers (as closed).
    /// @param weights Per pair, the weight of a then of b.
    /// @param proofs Per weight, its sum-tree proof.
    /// @param listUri Where the full list is published.
    /// @return loss The list's loss (WAD).
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
    ) external returns (uint256 loss);

    /// @notice Propose a combination of revealed lists (anyone, during the proposal window); kept if
    /// its loss is strictly below the best so far.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param candidateIds Revealed lists' candidates, increasing.
    /// @param coefficients WAD, summing to 1e18.
    /// @param medians The jury's answers.
    /// @param weights Per list, its revealed weights (as in `ListRevealed`).
    /// @return loss The combined list's loss.
    function proposeCombination(
        uint256 agreementId,
        uint256 round,
        uint256[] calldata candidateIds,
        uint256[] calldata coefficients,
        int256[] calldata medians,
        uint256[][] calldata weights
    ) external returns (uint256 loss);

    /// @notice Finalize the round (anyone, after the proposal window): record each committed list's
    /// loss (a miss for one not revealed) in the hub, settle flags, fix the pools. Void rounds return
    /// their budget to the treasury.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param candidateIds The best combination's candidates (empty when no list was revealed).
    /// @param coefficients Its coefficients.
    /// @param medians The jury's answers (empty for a void round).
    /// @param weights The best combination's lists' revealed weights.
    function finalizeRound(
        uint256 agreementId,
        uint256 round,
        uint256[] calldata candidateIds,
        uint256[] calldata coefficients,
        int256[] calldata medians,
        uint256[][] calldata weights
    ) external;

    /// @notice Pay an item its share (anyone, after finalization) to its payout address.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param item The item.
    /// @param payout Its payout address.
    /// @param itemProof Its proof in the item set.
    /// @param candidateIds The best combination's candidates.
    /// @param coefficients Its coefficients.
    /// @param weights The item's weight in each of those lists.
    /// @param proofs Their sum-tree proofs.
    /// @return amount What was paid.
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
    ) external returns (uint256 amount);

    /// @notice Credit the list submitters of the best combination their shares (anyone, after
    /// finalization, once).
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param candidateIds The best combination's candidates.
    /// @param coefficients Its coefficients.
    function paySubmitters(
        uint256 agreementId,
        uint256 round,
        uint256[] calldata candidateIds,
        uint256[] calldata coefficients
    ) external;

    /// @notice Withdraw what the caller is owed (submitter shares, flag refunds).
    /// @param token The token.
    /// @return amount What was sent.
    function withdraw(address token) external returns (uint256 amount);

    // ─────────────────────────────────────────── views ───────────────────────────────────────────

    /// @notice The hub.
    /// @return The hub.
    function hub() external view returns (IGengovHub);

    /// @notice The agreement's terms.
    /// @param agreementId The agreement.
    /// @return params The terms.
    /// @return rounds Rounds opened so far.
    function terms(uint256 agreementId) external view returns (JudgementParams memory params, uint256 rounds);

    /// @notice A round.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @return The round.
    function roundOf(uint256 agreementId, uint256 round) external view returns (Round memory);

    /// @notice A committed list.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param candidateId The candidate.
    /// @return commitment Its commitment (zero: none).
    /// @return root Its sum-tree root, once revealed.
    /// @return loss Its loss on the sample (WAD), once revealed.
    /// @return revealed Whether it was revealed.
    function listOf(
        uint256 agreementId,
        uint256 round,
        uint256 candidateId
    ) external view returns (bytes32 commitment, bytes32 root, uint256 loss, bool revealed);

    /// @notice The candidates that committed a list in a round, in commit order.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @return The candidates.
    function listIds(uint256 agreementId, uint256 round) external view returns (uint256[] memory);

    /// @notice The sampled pairs of a drawn round: flagged items first, each paired with a drawn partner.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @return a Per pair, the first item.
    /// @return b Per pair, the second item.
    function pairs(
        uint256 agreementId,
        uint256 round
    ) external view returns (uint256[] memory a, uint256[] memory b);

    /// @notice A list commitment: keccak256 of the tag, chain, this contract, agreement, round,
    /// candidate, root and salt.
    /// @param agreementId The agreement.
    /// @param round The round.
    /// @param candidateId The candidate.
    /// @param root The list's sum-tree root.
    /// @param salt The salt.
    /// @return The commitment.
    function listCommitment(
        uint256 agreementId,
        uint256 round,
        uint256 candidateId,
        bytes32 root,
        bytes32 salt
    ) external view returns (bytes32);

    /// @notice What `account` may withdraw in `token`.
    /// @param account The account.
    /// @param token The token.
    /// @return The amount.
    function owed(address account, address token) external view returns (uint256);
}
