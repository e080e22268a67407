// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {MAX_JURY_DRAWS, MAX_JURY_SIZE, MAX_MANIFEST_BYTES} from "../hub/Limits.sol";
import {IGengovExecution} from "../interfaces/IGengovExecution.sol";
import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {IGengovHubHooks} from "../interfaces/IGengovHubHooks.sol";
import {IGengovJury} from "../interfaces/IGengovJury.sol";
import {LossMath, WAD} from "../libraries/LossMath.sol";
import {ScoreRecord, ScoreRecordLibrary} from "../libraries/ScoreRecord.sol";

/// @title GengovJury
/// @notice Commit–reveal votes of model juries on the transitions of one hub's agreements, deployed
/// next to the hub and attached to it once by its deployer (`IGengovHub.attachJury`). A vote is keyed by (agreement, epoch, proposer, round): the
/// executor's proposal and the fallback's each get their own jury, and an appeal its own. Seating
/// copies each juror's operator, so the key that holds a seat at opening is the key that commits and
/// reveals for it; the commitment names the juror, so a commitment copied into another seat can
/// never be revealed there, and a copied vote cannot be revealed before its author's.
contract GengovJury is IGengovJury, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Domain tag of vote commitments.
    bytes32 public constant JURY_TAG = keccak256("gengov.jury.vote.v1");

    /// @dev A juror's seat, in one slot: what a commit and a reveal check the caller against.
    struct Seat {
        address operator;
        uint32 jurorId;
    }

    /// @dev One vote; slot 0 holds everything a commit, a reveal and the close read and write.
    struct Vote {
        uint40 openedAt;
        uint40 closedAt;
        uint32 commitWindow;
        uint32 revealWindow;
        uint8 quorum;
        uint8 seats;
        uint8 accepts;
        uint8 rejects;
        uint8 revealedMask;
        uint8 acceptMask;
        bool accepted;
        bool settled;
        Seat[MAX_JURY_SIZE] jurors;
        bytes32[MAX_JURY_SIZE] commitments;
    }

    /// @dev What settling a vote needs from the agreement, cached on first use (it never changes).
    struct Terms {
        address bondToken;
        uint128 juryFee;
        uint128 juryPenalty;
        uint8 jurySize;
        uint8 juryQuorum;
        uint8 appealJurySize;
        uint32 voteCommitWindow;
        uint32 voteRevealWindow;
        bool weighted;
        uint16 minScored;
        uint64 maxScore;
        uint96 eta;
    }

    /// @inheritdoc IGengovJury
    IGengovHub public immutable hub;
    /// @inheritdoc IGengovJury
    IGengovExecution public immutable execution;
    IGengovHubHooks private immutable _hooks;

    mapping(uint256 agreementId => mapping(uint64 epoch => mapping(uint256 proposer => Vote[2])))
        private _votes;
    mapping(uint256 agreementId => Terms) private _terms;
    mapping(address account => mapping(address token => uint256)) private _owed;

    /// @notice Binds the jury to `hub_` and its execution contract, which opens and settles votes.
    /// @param hub_ The hub.
    constructor(IGengovHub hub_) {
        hub = hub_;
        execution = hub_.execution();
        _hooks = IGengovHubHooks(address(hub_));
    }

    /// @notice Only the hub's execution contract.
    modifier onlyExecution() {
        if (msg.sender != address(execution)) revert CallerNotExecution(msg.sender);
        _;
    }

    /// @inheritdoc IGengovJury
    function open(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint8 round
    ) external onlyExecution returns (uint256[] memory jurors) {
        Terms storage t = _termsOf(agreementId);
        Vote[2] storage both = _votes[agreementId][epoch][proposer];
        Vote storage v = both[_round(round)];
        uint256 size = round == 0 ? t.jurySize : t.appealJurySize;
        uint256[] memory exclude = round == 0 ? new uint256[](0) : _seated(both[0]);
        jurors =
            t.weighted
                ? _drawJurors(agreementId, epoch, proposer, round, size, exclude, t)
                : hub.juryOf(agreementId, epoch, proposer, size, exclude);
        uint256 n = jurors.length;
        if (n == 0) return jurors;
        for (uint256 i = 0; i < n; ++i) {
            (address operator, ) = hub.candidateOperator(agreementId, jurors[i]);
            v.jurors[i] = Seat(operator, uint32(jurors[i]));
        }
        // Round 0 needs `juryQuorum` accepts, never more than sit (fewer eligible candidates than the
        // jury's size must not veto every proposal); an appeal needs a strict majority.
        uint256 quorum = round == 0 ? t.juryQuorum : n / 2 + 1;
        if (quorum > n) quorum = n;
        v.openedAt = uint40(block.timestamp);
        v.commitWindow = t.voteCommitWindow;
        v.revealWindow = t.voteRevealWindow;
        v.quorum = uint8(quorum);
        v.seats = uint8(n);
        emit VoteOpened(agreementId, epoch, proposer, round, jurors);
    }

    /// @inheritdoc IGengovJury
    function commitVote(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint8 round,
        uint256 index,
        bytes32 commitment
    ) external {
        Vote storage v = _opened(agreementId, epoch, proposer, round);
        uint256 opens = v.openedAt;
        uint256 closes = opens + v.commitWindow;
        if (block.timestamp >= closes) revert VoteCommitWindowClosed(epoch, uint64(opens), uint64(closes));
        uint256 jurorId = _checkJuror(v, index);
        v.commitments[index] = commitment;
        emit VoteCommitted(agreementId, epoch, proposer, round, jurorId, commitment);
    }

    /// @inheritdoc IGengovJury
    function revealVote(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint8 round,
        uint256 index,
        bool accept,
        bytes32 salt,
        bytes calldata manifest
    ) external {
        Vote storage v = _opened(agreementId, epoch, proposer, round);
        uint256 opens = uint256(v.openedAt) + v.commitWindow;
        uint256 closes = opens + v.revealWindow;
        if (block.timestamp < opens || block.timestamp >= closes) {
            revert VoteRevealWindowClosed(epoch, uint64(opens), uint64(closes));
        }
        uint256 jurorId = _checkJuror(v, index);
        if (manifest.length == 0 || manifest.length > MAX_MANIFEST_BYTES)
            revert ManifestSizeInvalid(manifest.length, MAX_MANIFEST_BYTES);
        bytes32 stored = v.commitments[index];
        if (stored == bytes32(0)) revert VoteNotPending(jurorId);
        bytes32 rationaleHash = keccak256(manifest);
        if (
            _commitment(agreementId, epoch, proposer, round, jurorId, accept, rationaleHash, salt) != stored
        ) {
            revert VoteMismatch(jurorId);
        }
        delete v.commitments[index];
        v.revealedMask |= uint8(1 << index);
        if (accept) {
            v.acceptMask |= uint8(1 << index);
            ++v.accepts;
        } else {
            ++v.rejects;
        }
        emit VoteRevealed(agreementId, epoch, proposer, round, jurorId, accept, rationaleHash, manifest);
    }

    /// @inheritdoc IGengovJury
    function close(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint8 round
    ) external nonReentrant returns (bool accepted) {
        Vote storage v = _opened(agreementId, epoch, proposer, round);
        if (v.closedAt != 0) revert VoteClosedAlready(epoch, proposer, round);
        uint256 closes = uint256(v.openedAt) + v.commitWindow + v.revealWindow;
        if (block.timestamp < closes) revert VoteRevealWindowActive(epoch, uint64(closes));
        accepted = _decision(v, round);
        v.closedAt = uint40(block.timestamp);
        v.accepted = accepted;
        emit VoteClosed(agreementId, epoch, proposer, round, accepted, v.accepts, v.rejects);
        if (round == 0) execution.onVoteClosed(agreementId, epoch, proposer, accepted);
    }

    /// @inheritdoc IGengovJury
    function settle(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        bool accepted
    ) external onlyExecution {
        Terms storage t = _termsOf(agreementId);
        Vote[2] storage both = _votes[agreementId][epoch][proposer];
        uint256 penalties = 0;
        uint256 fees = 0;
        uint256[2] memory due;
        // Penalties first: they go to the treasury, which pays the fees.
        for (uint256 r = 0; r < 2; ++r) {
            (uint256 charged, uint256 owedFees) = _charge(agreementId, epoch, both[r], r, t, accepted);
            penalties += charged;
            due[r] = owedFees;
        }
        if (due[0] + due[1] != 0) {
            uint256 wanted = (due[0] + due[1]) * t.juryFee;
            uint256 available = hub.treasuryBalance(agreementId, t.bondToken);
            fees = wanted < available ? wanted : available;
            if (fees != 0) {
                _hooks.releaseTreasury(agreementId, t.bondToken, fees);
                // Jurors are paid in seat order while the released amount lasts; it is all spent.
                uint256 budget = fees;
                for (uint256 r = 0; r < 2; ++r)
                    budget = _pay(agreementId, epoch, both[r], t, accepted, budget);
            }
        }
        emit JurySettled(agreementId, epoch, proposer, accepted, fees, penalties);
    }

    /// @inheritdoc IGengovJury
    function withdrawFees(address token) external nonReentrant returns (uint256 amount) {
        amount = _owed[msg.sender][token];
        if (amount == 0) revert NothingOwed(msg.sender, token);
        _owed[msg.sender][token] = 0;
        IERC20(token).safeTransfer(msg.sender, amount);
        emit FeesWithdrawn(msg.sender, token, amount);
    }

    // ─────────────────────────────────────────── views ───────────────────────────────────────────

    /// @inheritdoc IGengovJury
    function voteCommitment(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint8 round,
        uint256 jurorId,
        bool accept,
        bytes32 rationaleHash,
        bytes32 salt
    ) external view returns (bytes32) {
        return _commitment(agreementId, epoch, proposer, round, jurorId, accept, rationaleHash, salt);
    }

    /// @inheritdoc IGengovJury
    function vote(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint8 round
    ) external view returns (VoteView memory r) {
        Vote storage v = _votes[agreementId][epoch][proposer][_round(round)];
        uint256 n = v.seats;
        r.openedAt = v.openedAt;
        if (n != 0) {
            r.commitEndsAt = uint64(uint256(v.openedAt) + v.commitWindow);
            r.revealEndsAt = r.commitEndsAt + v.revealWindow;
        }
        r.closedAt = v.closedAt;
        r.quorum = v.quorum;
        r.accepts = v.accepts;
        r.rejects = v.rejects;
        r.accepted = v.accepted;
        r.settled = v.settled;
        r.jurors = new uint256[](n);
        r.commitments = new bytes32[](n);
        r.revealed = new bool[](n);
        r.votes = new bool[](n);
        for (uint256 i = 0; i < n; ++i) {
            r.jurors[i] = v.jurors[i].jurorId;
            r.commitments[i] = v.commitments[i];
            r.revealed[i] = v.revealedMask & (1 << i) != 0;
            r.votes[i] = v.acceptMask & (1 << i) != 0;
        }
    }

    /// @inheritdoc IGengovJury
    function owed(address account, address token) external view returns (uint256) {
        return _owed[account][token];
    }

    // ───────────────────────────────────────── internals ─────────────────────────────────────────

    /// @dev Charges `juryPenalty` to each juror of `v` who did not reveal although its reveal window
    /// ended, or who voted with the vote's decision when that decision differs from the final
    /// outcome; counts the jurors who voted with the final outcome (owed a fee). Marks `v` settled.
    function _charge(
        uint256 agreementId,
        uint64 epoch,
        Vote storage v,
        uint256 round,
        Terms storage t,
        bool outcome
    ) private returns (uint256 charged, uint256 withOutcome) {
        uint256 n = v.seats;
        if (n == 0 || v.settled) return (0, 0);
        v.settled = true;
        bool ended = block.timestamp >= uint256(v.openedAt) + v.commitWindow + v.revealWindow;
        // A vote whose window ended stood for its decision; the final outcome overturned it or not.
        bool overturned = ended && _decision(v, round) != outcome;
        uint256 revealed = v.revealedMask;
        uint256 acceptMask = v.acceptMask;
        uint256 penalty = t.juryPenalty;
        for (uint256 i = 0; i < n; ++i) {
            bool didReveal = revealed & (1 << i) != 0;
            bool votedAccept = acceptMask & (1 << i) != 0;
            if (didReveal && votedAccept == outcome) {
                ++withOutcome;
                continue;
            }
            if (penalty == 0 || !(didReveal ? overturned : ended)) continue;
            uint256 jurorId = v.jurors[i].jurorId;
            uint256 taken = _hooks.chargeBond(agreementId, jurorId, penalty);
            charged += taken;
            emit JurorCharged(agreementId, epoch, jurorId, taken);
        }
    }

    /// @dev Credits up to `juryFee` to each juror of `v` who voted with the final outcome, while
    /// `budget` lasts; returns what is left of it.
    function _pay(
        uint256 agreementId,
        uint64 epoch,
        Vote storage v,
        Terms storage t,
        bool outcome,
        uint256 budget
    ) private returns (uint256) {
        uint256 n = v.seats;
        uint256 revealed = v.revealedMask;
        uint256 acceptMask = v.acceptMask;
        for (uint256 i = 0; i < n && budget != 0; ++i) {
            if (revealed & (1 << i) == 0 || (acceptMask & (1 << i) != 0) != outcome) continue;
            uint256 fee = t.juryFee < budget ? t.juryFee : budget;
            budget -= fee;
            Seat storage s = v.jurors[i];
            _owed[s.operator][t.bondToken] += fee;
            emit JurorPaid(agreementId, epoch, s.jurorId, s.operator, fee);
        }
        return budget;
    }

    function _termsOf(uint256 agreementId) internal returns (Terms storage t) {
        t = _terms[agreementId];
        if (t.jurySize != 0) return t;
        (IGengovHub.AgreementParams memory p, , ) = hub.agreement(agreementId);
        IGengovHub.JuryParams memory j = p.jury;
        t.bondToken = p.bondToken;
        t.juryFee = j.juryFee;
        t.juryPenalty = j.juryPenalty;
        t.jurySize = j.jurySize;
        t.juryQuorum = j.juryQuorum;
        t.appealJurySize = j.appealJurySize;
        t.voteCommitWindow = j.voteCommitWindow;
        t.voteRevealWindow = j.voteRevealWindow;
        t.weighted = p.selection == uint8(IGengovHub.Selection.Weighted);
        t.minScored = p.minScored;
        t.maxScore = p.maxScore;
        t.eta = p.eta;
    }

    /// @dev A Weighted agreement's jury: up to `size` jurors drawn without replacement, each draw in
    /// proportion to the selection's weight (bond units × exp(−eta·(S − S_min)) over the candidates
    /// eligible for `epoch`) among those left, from the random word `epoch`'s executor was drawn
    /// with, hashed with the proposer, the round and a counter, so nobody chooses it by choosing
    /// when to propose. The executor, the proposer and `exclude` are removed before the first draw;
    /// a drawn candidate is removed whether it sits or not (it may share the proposer's operator or
    /// owner, which is only read for drawn candidates). The weights sit in a Fenwick tree, so a
    /// draw and a removal each cost O(log n). At most `MAX_JURY_DRAWS` draws are made.
    function _drawJurors(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint8 round,
        uint256 size,
        uint256[] memory exclude,
        Terms storage t
    ) internal view returns (uint256[] memory jurors) {
        (uint256[] memory words, uint256 floor, uint256 randomWord) = hub.drawRecords(agreementId, epoch);
        Pool memory pool = _pool(words, floor, t);
        (uint256 executor, , ) = hub.executorOf(agreementId, epoch);
        _remove(pool, _indexOf(pool, executor));
        _remove(pool, _indexOf(pool, proposer));
        for (uint256 i = 0; i < exclude.length; ++i) _remove(pool, _indexOf(pool, exclude[i]));
        (address owner, address operator) = hub.candidateSide(agreementId, proposer);
        jurors = new uint256[](size);
        uint256 seated = 0;
        for (uint256 d = 0; d < MAX_JURY_DRAWS && seated < size && pool.total != 0; ++d) {
            uint256 pick = uint256(keccak256(abi.encode(randomWord, proposer, round, d))) % pool.total;
            uint256 index = _find(pool, pick);
            _remove(pool, index);
            uint256 id = pool.ids[index];
            (address jurorOwner, address jurorOperator) = hub.candidateSide(agreementId, id);
            if (jurorOperator == operator || jurorOwner == owner) continue;
            jurors[seated++] = id;
        }
        assembly ("memory-safe") {
            mstore(jurors, seated)
        }
    }

    /// @dev The eligible candidates of a draw: ids ascending, their weights, the weights' Fenwick
    /// tree (1-based) and their total.
    struct Pool {
        uint256[] ids;
        uint256[] weights;
        uint256[] tree;
        uint256 count;
        uint256 total;
    }

    function _pool(
        uint256[] memory words,
        uint256 floor,
        Terms storage t
    ) private view returns (Pool memory pool) {
        uint256 n = words.length * 2;
        uint256 minScored = t.minScored;
        uint256 maxScore = t.maxScore;
        pool.ids = new uint256[](n);
        pool.weights = new uint256[](n);
        uint256 minScore = type(uint256).max;
        uint256 count = 0;
        // At most 1025 iterations over a memory array of that length: no overflow, no bounds to check.
        unchecked {
            for (uint256 id = 1; id < n; ++id) {
                ScoreRecord r = ScoreRecordLibrary.half(words[id >> 1], id);
                if (!ScoreRecordLibrary.eligible(r, minScored, maxScore, floor)) continue;
                uint256 score = ScoreRecordLibrary.score(r);
                if (score < minScore) minScore = score;
                pool.ids[count] = id;
                // The record, for the weights below.
                pool.weights[count++] = ScoreRecord.unwrap(r);
            }
        }
        pool.count = count;
        pool.tree = new uint256[](count + 1);
        uint256 eta = t.eta;
        // As the selection's draw: (S − S_min) ≤ 1e18, eta ≤ 1e22, units < 2^18, exp ≤ 1e18, so no
        // sum overflows.
        unchecked {
            for (uint256 i = 0; i < count; ++i) {
                ScoreRecord r = ScoreRecord.wrap(pool.weights[i]);
                uint256 w =
                    ScoreRecordLibrary.units(r) *
                        LossMath.expNegWad((eta * (ScoreRecordLibrary.score(r) - minScore)) / WAD);
                pool.weights[i] = w;
                pool.total += w;
                uint256 k = i + 1;
                pool.tree[k] += w;
                uint256 parent = k + (k & (~k + 1));
                if (parent <= count) pool.tree[parent] += pool.tree[k];
            }
        }
    }

    /// @dev The position of `id` in the pool, or `count` if it is not in it.
    function _indexOf(Pool memory pool, uint256 id) private pure returns (uint256) {
        uint256 lo = 0;
        uint256 hi = pool.count;
        while (lo < hi) {
            uint256 mid = (lo + hi) >> 1;
            if (pool.ids[mid] < id) lo = mid + 1;
            else hi = mid;
        }
        return lo < pool.count && pool.ids[lo] == id ? lo : pool.count;
    }

    /// @dev Takes candidate `index` out of the pool (no-op for `count` or one already out).
    function _remove(Pool memory pool, uint256 index) private pure {
        if (index >= pool.count) return;
        uint256 w = pool.weights[index];
        if (w == 0) return;
        pool.weights[index] = 0;
        pool.total -= w;
        for (uint256 k = index + 1; k <= pool.count; k += k & (~k + 1)) pool.tree[k] -= w;
    }

    /// @dev The candidate whose share of the running total holds `pick` (< total).
    function _find(Pool memory pool, uint256 pick) private pure returns (uint256 index) {
        uint256 step = 1;
        while (step << 1 <= pool.count) step <<= 1;
        for (; step != 0; step >>= 1) {
            uint256 next = index + step;
            if (next <= pool.count && pool.tree[next] <= pick) {
                index = next;
                pick -= pool.tree[next];
            }
        }
    }

    /// @dev Round 0 accepts with `quorum` accept votes (silence rejects); an appeal overturns an
    /// accepted transition only with `quorum` reject votes (silence keeps it).
    function _decision(Vote storage v, uint256 round) private view returns (bool) {
        return round == 0 ? v.accepts >= v.quorum : v.rejects < v.quorum;
    }

    /// @dev The jurors seated in `v`.
    function _seated(Vote storage v) private view returns (uint256[] memory ids) {
        uint256 n = v.seats;
        ids = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) ids[i] = v.jurors[i].jurorId;
    }

    function _round(uint8 round) private pure returns (uint256) {
        if (round > 1) revert RoundInvalid(round);
        return round;
    }

    function _opened(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint8 round
    ) private view returns (Vote storage v) {
        v = _votes[agreementId][epoch][proposer][_round(round)];
        if (v.openedAt == 0) revert VoteNotOpen(epoch, proposer, round);
    }

    /// @dev The juror in seat `index`, if the caller is its operator.
    function _checkJuror(Vote storage v, uint256 index) private view returns (uint256 jurorId) {
        if (index >= v.seats) revert SeatUnknown(index, v.seats);
        Seat storage s = v.jurors[index];
        jurorId = s.jurorId;
        if (msg.sender != s.operator) revert CallerNotJuror(jurorId, msg.sender);
    }

    function _commitment(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint8 round,
        uint256 jurorId,
        bool accept,
        bytes32 rationaleHash,
        bytes32 salt
    ) private view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    JURY_TAG,
                    block.chainid,
                    address(this),
                    agreementId,
                    epoch,
                    proposer,
                    round,
                    jurorId,
                    accept,
                    rationaleHash,
                    salt
                )
            );
    }
}
