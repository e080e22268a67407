// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {GengovHub} from "../../contracts/GengovHub.sol";
import {GengovHubModule} from "../../contracts/hub/GengovHubModule.sol";
import {LossMath} from "../../contracts/libraries/LossMath.sol";
import {IGengovHub} from "../../contracts/interfaces/IGengovHub.sol";
import {MockERC20} from "../../contracts/test/MockERC20.sol";
import {TestBase, Vm} from "../../contracts/test/Vm.sol";

/// @notice Invariant-test handler for GengovHub: drives every state-changing entry point of one
/// agreement (register, topUp, commit, reveal, report, finalize, poke, requestExit, withdraw,
/// submitInput, deposit, selectExecutor, the execution hooks slashBond and releaseTreasury, operator
/// rotation, fee switch, time) with bounded, mostly
/// valid arguments, plus `advance`, which plays a whole protocol phase at once so runs complete
/// forecast rounds (and miss some). Every successful reveal is replayed at once, as an attacker
/// re-sending it would. Ghost records feed the invariants (reveals, double reveals, each seat's first
/// owed target). Withdrawn seats are reused by later registrations, so ghost records are kept per
/// seat occupancy (`gen`).
/// The clock is a ghost variable re-applied with `vm.warp` on every call, so it never depends on
/// whether the runner carries block.timestamp between calls.
contract HubHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    uint256 public constant MAX_CANDIDATES = 5;

    GengovHub public immutable hub;
    MockERC20 public immutable token;
    uint256 public immutable aid;
    uint256 public immutable genesis;
    uint256 public immutable epochLength;
    uint256 public immutable reportWindow;
    address public immutable exec;
    address[] internal _reporters;

    uint256 public time;
    /// @dev The highest seat id handed out (ids are reused, so this is the number of seats).
    uint256 public candidateCount;
    mapping(uint256 cid => address) public ownerOf;
    mapping(uint256 cid => address) public operatorOf;
    /// @dev Occupancy of a seat: incremented on each registration into it.
    mapping(uint256 cid => uint256) public gen;
    /// @dev The first target the current occupant owes (registration epoch + horizon).
    mapping(uint256 cid => uint64) public firstTarget;
    mapping(uint256 cid => mapping(uint256 gen => mapping(uint64 target => int128[2]))) internal _forecast;
    mapping(uint256 cid => mapping(uint256 gen => mapping(uint64 target => bytes32))) internal _saltOf;
    mapping(uint256 cid => mapping(uint256 gen => mapping(uint64 target => bool))) internal _revealed;
    /// @dev Reveals of the current occupant.
    mapping(uint256 cid => uint256) public revealsOf;

    // Ghost counters: doubleReveals must stay 0; the others show the run reached the paths.
    uint256 public doubleReveals;
    uint256 public reveals;
    uint256 public commits;
    uint256 public missesApplied;
    uint256 public withdrawals;
    uint256 public reuses;
    uint256 public finals;

    constructor(
        GengovHub hub_,
        MockERC20 token_,
        uint256 aid_,
        uint256 genesis_,
        uint256 epochLength_,
        uint256 reportWindow_,
        address[] memory reporters_
    ) {
        hub = hub_;
        token = token_;
        aid = aid_;
        genesis = genesis_;
        epochLength = epochLength_;
        reportWindow = reportWindow_;
        _reporters = reporters_;
        exec = address(hub_.execution());
        time = genesis_;
    }

    // ─────────────────────────────────────────── helpers ─────────────────────────────────────────

    modifier step(uint256 seed) {
        vm.warp(time);
        _;
        time += seed % 3; // actions take a little time
    }

    function _epoch() internal view returns (uint64) {
        return uint64((time - genesis) / epochLength);
    }

    function _pick(uint256 seed) internal view returns (uint256) {
        return candidateCount == 0 ? 0 : 1 + (seed % candidateCount);
    }

    function _fund(address who, uint256 amount) internal {
        token.mint(who, amount);
        vm.prank(who);
        token.approve(address(hub), type(uint256).max);
    }

    function _values(uint64 target, uint256 cid) internal view returns (int128[] memory v) {
        v = new int128[](2);
        v[0] = _forecast[cid][gen[cid]][target][0];
        v[1] = _forecast[cid][gen[cid]][target][1];
    }

    /// @notice Whether the current occupant of `cid` revealed `target`.
    function revealed(uint256 cid, uint64 target) external view returns (bool) {
        return _revealed[cid][gen[cid]][target];
    }

    // ─────────────────────────────────────────── actions ─────────────────────────────────────────

    /// @dev Bonds from half a minBond (refused) to three; a withdrawn seat is reused first.
    function register(uint256 seed, uint256 bond) external step(seed) {
        if (candidateCount >= MAX_CANDIDATES && withdrawals == reuses) return;
        bond = 50e18 + (bond % 250e18);
        uint256 n = uint256(keccak256(abi.encode(seed, "owner"))) % 1000;
        address owner = address(uint160(0x10000 + n));
        address operator = address(uint160(0x20000 + n));
        _fund(owner, bond);
        vm.prank(owner);
        try hub.registerCandidate(aid, keccak256(abi.encode(seed)), bond, operator) returns (uint256 cid) {
            if (cid > candidateCount) candidateCount = cid;
            else ++reuses;
            ownerOf[cid] = owner;
            operatorOf[cid] = operator;
            ++gen[cid];
            firstTarget[cid] = _epoch() + 1;
            revealsOf[cid] = 0;
        } catch {}
    }

    function topUp(uint256 seed, uint256 amount) external step(seed) {
        uint256 cid = _pick(seed);
        if (cid == 0) return;
        amount = 1 + (amount % 100e18);
        _fund(address(this), amount);
        try hub.topUp(aid, cid, amount) {} catch {}
    }

    function setOperator(uint256 seed) external step(seed) {
        uint256 cid = _pick(seed);
        if (cid == 0) return;
        address next = address(uint160(uint256(keccak256(abi.encode(seed, cid))) | 1));
        vm.prank(ownerOf[cid]);
        try hub.setOperator(aid, cid, next) {
            operatorOf[cid] = next;
        } catch {}
    }

    function commit(uint256 seed, int64 a, int64 b) external step(seed) {
        uint256 cid = _pick(seed);
        if (cid == 0) return;
        _tryCommit(cid, seed, a, b);
    }

    function reveal(uint256 seed, bool older) external step(seed) {
        uint256 cid = _pick(seed);
        uint64 e = _epoch();
        if (cid == 0 || e < 2) return;
        _tryReveal(cid, older ? e - 2 : e - 1);
    }

    function _tryReveal(uint256 cid, uint64 target) internal {
        vm.prank(operatorOf[cid]);
        uint256 g = gen[cid];
        try hub.revealForecast(aid, cid, target, _values(target, cid), _saltOf[cid][g][target]) {
            if (_revealed[cid][g][target]) ++doubleReveals;
            _revealed[cid][g][target] = true;
            ++revealsOf[cid];
            ++reveals;
        } catch {
            return;
        }
        // Replay the reveal that just succeeded, as an attacker re-sending the transaction would.
        vm.prank(operatorOf[cid]);
        try hub.revealForecast(aid, cid, target, _values(target, cid), _saltOf[cid][g][target]) {
            ++doubleReveals;
        } catch {}
    }

    function _tryCommit(uint256 cid, uint256 seed, int128 a, int128 b) internal {
        uint64 target = _epoch() + 1;
        int128[2] memory v = [a % 300, b % 300];
        bytes32 salt = keccak256(abi.encode("salt", seed, cid, target));
        int128[] memory values = new int128[](2);
        values[0] = v[0];
        values[1] = v[1];
        bytes32 c = hub.forecastCommitment(aid, cid, target, values, salt);
        vm.prank(operatorOf[cid]);
        try hub.commitForecast(aid, cid, target, c) {
            _forecast[cid][gen[cid]][target] = v;
            _saltOf[cid][gen[cid]][target] = salt;
            ++commits;
        } catch {}
    }

    function _tryReport(address reporter, uint64 e, int128 a, int128 b) internal {
        int128[] memory values = new int128[](2);
        values[0] = a % 300;
        values[1] = b % 300;
        vm.prank(reporter);
        try hub.reportOutcome(aid, e, values) {} catch {}
    }

    /// @dev The protocol's own rhythm, so that long sequences actually complete forecast rounds: jump to
    /// the next phase boundary and do that phase's work with random gaps. At an epoch start, each
    /// reporter reports the epoch that just ended (probability 3/4) and each candidate commits for the
    /// next target (3/4); at a reveal opening, each candidate reveals its forecast for the previous
    /// epoch (2/3), so some reveals are missed and some epochs are void.
    function advance(uint256 seed) external {
        _advance(seed);
    }

    /// @dev Two whole epochs of the protocol's rhythm in one call, so that runs mostly made of
    /// other calls still complete many forecast rounds (reveals, misses, void targets).
    function advanceEpochs(uint256 seed) external {
        for (uint256 i = 0; i < 4; ++i) _advance(uint256(keccak256(abi.encode(seed, i))));
    }

    function _advance(uint256 seed) internal {
        uint256 r = (time - genesis) % epochLength;
        time += r < reportWindow ? reportWindow - r : epochLength - r;
        vm.warp(time);
        uint64 e = _epoch();
        if ((time - genesis) % epochLength == 0) {
            for (uint256 i = 0; i < _reporters.length; ++i) {
                uint256 bits = uint256(keccak256(abi.encode(seed, "report", i)));
                if (e > 0 && bits % 4 != 0) {
                    _tryReport(
                        _reporters[i],
                        e - 1,
                        int128(int256(bits >> 8) % 300),
                        int128(int256(bits >> 80) % 300)
                    );
                }
            }
            for (uint256 cid = 1; cid <= candidateCount; ++cid) {
                uint256 bits = uint256(keccak256(abi.encode(seed, "commit", cid)));
                if (bits % 4 != 0)
                    _tryCommit(cid, bits, int128(int256(bits >> 8) % 300), int128(int256(bits >> 80) % 300));
            }
        } else if (e > 0) {
            for (uint256 cid = 1; cid <= candidateCount; ++cid) {
                if (uint256(keccak256(abi.encode(seed, "reveal", cid))) % 3 != 0) _tryReveal(cid, e - 1);
            }
        }
    }

    function report(uint256 seed, int64 a, int64 b) external step(seed) {
        uint64 e = _epoch();
        if (e == 0) return;
        _tryReport(_reporters[seed % _reporters.length], e - 1, a, b);
    }

    function finalizeOutcome(uint256 seed) external step(seed) {
        uint64 e = _epoch();
        if (e == 0) return;
        try hub.finalizeOutcome(aid, e - 1 - uint64(seed % (e < 2 ? 1 : 2))) {
            ++finals;
        } catch {}
    }

    function poke(uint256 seed) external step(seed) {
        uint256 cid = _pick(seed);
        if (cid == 0) return;
        try hub.poke(aid, cid) returns (uint256 m) {
            missesApplied += m;
        } catch {}
    }

    function requestExit(uint256 seed) external step(seed) {
        uint256 cid = _pick(seed);
        if (cid == 0 || seed % 4 != 0) return; // exits are rarer than the rest
        vm.prank(ownerOf[cid]);
        try hub.requestExit(aid, cid) {} catch {}
    }

    function withdraw(uint256 seed) external step(seed) {
        uint256 cid = _pick(seed);
        if (cid == 0) return;
        vm.prank(ownerOf[cid]);
        try hub.withdraw(aid, cid) {
            ++withdrawals;
        } catch {}
    }

    function submitInput(uint256 seed, bytes calldata data) external step(seed) {
        bytes memory d = data.length == 0 ? bytes("x") : data;
        try hub.submitInput(aid, d) {} catch {}
    }

    function deposit(uint256 seed, uint256 amount) external step(seed) {
        amount = 1 + (amount % 50e18);
        _fund(address(this), amount);
        try hub.deposit(aid, address(token), amount) {} catch {}
    }

    function selectExecutor(uint256 seed) external step(seed) {
        uint64 e = _epoch();
        if (e == 0) return;
        try hub.selectExecutor(aid, e - uint64(seed % 2)) {} catch {}
    }

    /// @dev The execution contract's hooks: a rejected transition's slash and a treasury payout.
    function slash(uint256 seed, uint256 amount) external step(seed) {
        uint256 cid = _pick(seed);
        if (cid == 0) return;
        vm.prank(exec);
        try hub.slashBond(aid, cid, amount % 80e18) {} catch {}
    }

    function release(uint256 seed, uint256 amount) external step(seed) {
        vm.prank(exec);
        try hub.releaseTreasury(aid, address(token), amount % 40e18) {} catch {}
    }

    function setFee(uint256 seed) external step(seed) {
        token.setFeeBps(seed % 3 == 0 ? 150 : 0);
    }

    function warp(uint256 seconds_) external {
        time += 1 + (seconds_ % (3 * epochLength));
        vm.warp(time);
    }
}

/// @notice Stateful invariants of the hub under random sequences of every state-changing call
/// (see HubHandler). A short epoch (100 s) lets one run cross several epochs.
contract HubInvariantsTest is TestBase {
    uint256 private constant WAD = 1e18;
    uint256 private constant GENESIS = 1_700_000_000;
    uint8 private constant QUORUM = 2;

    GengovHub internal hub;
    MockERC20 internal token;
    HubHandler internal handler;
    uint256 internal aid;

    function setUp() public {
        vm.warp(1_700_000_000);
        hub = new GengovHub(new GengovHubModule());
        token = new MockERC20("Gengov Test Bond", "GBOND");
        address[] memory reporters = new address[](3);
        reporters[0] = address(0x1001);
        reporters[1] = address(0x1002);
        reporters[2] = address(0x1003);

        IGengovHub.AgreementParams memory p;
        p.epochLength = 100;
        p.horizon = 1;
        p.reportWindow = 30;
        p.revealWindow = 30;
        p.executionWindow = 10;
        p.challengePeriod = 20;
        p.rulingPeriod = 20;
        p.metrics = new IGengovHub.Metric[](2);
        p.metrics[0] = IGengovHub.Metric({
            name: "level",
            decimals: 0,
            lossKind: LossMath.LossKind.Absolute,
            scale: 100
        });
        p.metrics[1] = IGengovHub.Metric({
            name: "trend",
            decimals: 0,
            lossKind: LossMath.LossKind.Squared,
            scale: 100
        });
        p.reporters = reporters;
        p.quorum = 2;
        p.arbiter = address(0xA1B1);
        p.bondToken = address(token);
        p.minBond = 100e18;
        p.missPenalty = 10e18;
        p.rejectPenalty = 50e18;
        p.challengeBond = 20e18;
        p.exitDelay = 260; // (1 + 1)·100 + 30 + 30
        p.alpha = 0.3e18;
        p.minScored = 1;
        p.selection = uint8(IGengovHub.Selection.Leader);
        p.margin = 0.02e18;
        p.openInputs = true;
        p.maxInputBytes = 256;
        p.maxInputsPerEpoch = 8;
        p.maxInputsPerSender = 8;
        p.maxScore = 0.9e18;
        aid = hub.createAgreement(p, "Invariant agreement.");

        handler = new HubHandler(hub, token, aid, 1_700_000_000, 100, 30, reporters);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev Settles every candidate's lazy penalties first, so stored bonds and the treasury are
    /// compared after the same moves the views already account for.
    /// hardhat-config: invariant.depth = 128
    function invariant_bondsPlusTreasuryEqualTokenBalance() public {
        vm.warp(handler.time());
        uint256 n = handler.candidateCount();
        uint256 sum = 0;
        for (uint256 cid = 1; cid <= n; ++cid) {
            hub.poke(aid, cid);
            sum += hub.candidate(aid, cid).bond;
        }
        sum += hub.treasuryBalance(aid, address(token));
        assertEq(token.balanceOf(address(hub)), sum, "hub balance != bonds + treasury");
    }

    /// hardhat-config: invariant.depth = 128
    function invariant_noDoubleReveal() public view {
        assertEq(handler.doubleReveals(), 0, "a forecast was revealed twice");
    }

    /// @dev Participation accounting, from ghost records kept by the handler and independent of the
    /// hub's own counters: every target the current occupant of a seat owes, from its first one
    /// (registration epoch + horizon) up to its cursor, was revealed, void, or counted as a miss. So
    /// (with the view's misses applied) scoredCount = reveals + non-void unrevealed targets in
    /// [first, cursor), and the hub's miss count is exactly the latter; an active record has
    /// accounted for every due target.
    /// hardhat-config: invariant.depth = 128
    function invariant_participationAccounting() public {
        vm.warp(handler.time());
        uint256 n = handler.candidateCount();
        for (uint256 cid = 1; cid <= n; ++cid) {
            IGengovHub.CandidateView memory v = hub.candidate(aid, cid);
            uint64 first = handler.firstTarget(cid);
            assertGe(v.cursor, first, "cursor before the first owed target");
            uint256 missed = 0;
            for (uint64 t = first; t < v.cursor; ++t) {
                if (handler.revealed(cid, t)) continue;
                (IGengovHub.OutcomeStatus st, , uint8 reports) = hub.outcome(aid, t);
                bool isVoid =
                    st == IGengovHub.OutcomeStatus.Void ||
                        (st == IGengovHub.OutcomeStatus.Pending && reports < QUORUM);
                if (!isVoid) ++missed;
            }
            assertEq(
                uint256(v.scoredCount),
                handler.revealsOf(cid) + missed,
                "scoredCount != revealed + missed"
            );
            assertEq(uint256(v.misses), missed, "misses != non-void unrevealed owed targets");
            if (!v.exiting && !v.withdrawn && handler.time() >= GENESIS + 60) {
                uint256 due = (handler.time() - GENESIS - 60) / 100;
                assertGe(v.cursor, due, "an active record left a due target unaccounted");
            }
        }
    }

    /// @dev What the selection may pick: eligible means active, at least one bond unit and a score
    /// at most maxScore, and never more than the seat count.
    /// hardhat-config: invariant.depth = 128
    function invariant_eligibleMeansBondedAndUnderCeiling() public {
        vm.warp(handler.time());
        uint256 n = handler.candidateCount();
        for (uint256 cid = 1; cid <= n; ++cid) {
            IGengovHub.CandidateView memory v = hub.candidate(aid, cid);
            if (!v.eligible) continue;
            assertTrue(!v.exiting && !v.withdrawn, "an exiting or withdrawn candidate is eligible");
            assertGe(hub.candidate(aid, cid).bond, 100e18, "eligible under minBond");
            assertLe(v.score, 0.9e18, "eligible over maxScore");
            assertGe(uint256(v.scoredCount), 1, "eligible before the burn-in");
        }
        (, , uint256 seats) = hub.agreement(aid);
        assertEq(seats, n, "seat count");
    }

    /// hardhat-config: invariant.depth = 128
    function invariant_scoresWithinWad() public {
        vm.warp(handler.time());
        uint256 n = handler.candidateCount();
        for (uint256 cid = 1; cid <= n; ++cid) {
            assertLe(hub.candidate(aid, cid).score, WAD, "score above the worst loss");
        }
        uint64 e = hub.epochAt(aid, handler.time());
        (, uint256[] memory scores) = hub.ranking(aid, e);
        for (uint256 i = 0; i < scores.length; ++i) assertLe(scores[i], WAD, "ranked score above 1");
    }
}
