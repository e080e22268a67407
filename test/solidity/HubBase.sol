// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {GengovJury} from "../../contracts/jury/GengovJury.sol";
import {GengovHub} from "../../contracts/GengovHub.sol";
import {GengovHubModule} from "../../contracts/hub/GengovHubModule.sol";
import {LossMath} from "../../contracts/libraries/LossMath.sol";
import {IGengovHub} from "../../contracts/interfaces/IGengovHub.sol";
import {FixedRandomness} from "../../contracts/test/FixedRandomness.sol";
import {MockERC20} from "../../contracts/test/MockERC20.sol";
import {TestBase} from "../../contracts/test/Vm.sol";

/// @notice Shared setup of the hub's Solidity tests: a hub, a bond token with permit and fee switch, a
/// fixed randomness source, and one valid agreement (the same parameters as test/fixtures/hub.ts).
/// Time is mirrored in `now_` because via-IR may reuse a TIMESTAMP read across `vm.warp` calls.
abstract contract HubBase is TestBase {
    uint256 internal constant WAD = 1e18;
    uint32 internal constant L = 3600;
    uint32 internal constant RW = 600;
    uint32 internal constant RV = 600;
    uint128 internal constant MIN_BOND = 100e18;
    uint128 internal constant MISS_PENALTY = 10e18;
    uint256 internal constant T0 = 1_700_000_000;
    bytes32 internal constant TAG = keccak256("gengov.forecast.v1");
    string internal constant TEXT = "Test agreement: the boats share the catch fairly.";

    GengovHub internal hub;
    GengovJury internal jury;
    MockERC20 internal token;
    FixedRandomness internal rng;
    /// @dev The agreement the helpers act on (setUp creates id 1; tests may switch to another).
    uint256 internal aid;
    uint256 internal genesis;
    uint256 internal now_;
    uint256 internal chainId_;

    address internal arbiter = address(0xA1B1);
    address internal r1 = address(0x1001);
    address internal r2 = address(0x1002);
    address internal r3 = address(0x1003);
    address internal owner1 = address(0x2001);
    address internal owner2 = address(0x2002);
    address internal owner3 = address(0x2003);
    address internal op1 = address(0x3001);
    address internal op2 = address(0x3002);
    address internal op3 = address(0x3003);
    address internal stranger = address(0x4001);
    GengovHubModule internal module;

    function setUp() public virtual {
        _warp(T0);
        chainId_ = block.chainid;
        module = new GengovHubModule();
        hub = new GengovHub(module);
        jury = new GengovJury(hub);
        hub.attachJury(jury);
        token = new MockERC20("Gengov Test Bond", "GBOND");
        rng = new FixedRandomness();
        _fund(owner1);
        _fund(owner2);
        _fund(owner3);
        _fund(stranger);
        _fund(address(this));
        aid = hub.createAgreement(_defaultParams(), TEXT);
        genesis = T0;
    }

    // ───────────────────────────────────────── parameters ─────────────────────────────────────────

    function _defaultParams() internal view returns (IGengovHub.AgreementParams memory p) {
        p.genesis = 0;
        p.epochLength = L;
        p.horizon = 1;
        p.reportWindow = RW;
        p.revealWindow = RV;
        p.executionWindow = 600;
        p.challengePeriod = 900;
        p.rulingPeriod = 900;
        p.metrics = new IGengovHub.Metric[](2);
        p.metrics[0] = IGengovHub.Metric({
            name: "catchPerBoatDay",
            decimals: 2,
            lossKind: LossMath.LossKind.Absolute,
            scale: 1000
        });
        p.metrics[1] = IGengovHub.Metric({
            name: "stockIndex",
            decimals: 2,
            lossKind: LossMath.LossKind.Squared,
            scale: 5000
        });
        p.reporters = new address[](3);
        p.reporters[0] = r1;
        p.reporters[1] = r2;
        p.reporters[2] = r3;
        p.quorum = 2;
        p.arbiter = arbiter;
        p.bondToken = address(token);
        p.minBond = MIN_BOND;
        p.missPenalty = MISS_PENALTY;
        p.rejectPenalty = 50e18;
        p.challengeBond = 20e18;
        p.exitDelay = 3 * L;
        p.alpha = uint64(WAD / 4);
        p.minScored = 2;
        p.selection = uint8(IGengovHub.Selection.Leader);
        p.margin = uint64(WAD / 50);
        p.eta = uint96(5 * WAD);
        p.randomness = address(rng);
        p.capTokens = new address[](0);
        p.maxOutflowPerEpoch = new uint256[](0);
        p.openInputs = true;
        p.inputAllowlist = new address[](0);
        p.maxInputBytes = 1024;
        p.maxInputsPerEpoch = 20;
        p.maxInputsPerSender = 5;
        p.maxScore = uint64((WAD * 9) / 10);
    }

    /// @dev One Absolute metric with scale 1e18: the loss of a forecast is exactly |f − o| (below 1e18).
    function _unitParams() internal view returns (IGengovHub.AgreementParams memory p) {
        p = _defaultParams();
        p.metrics = new IGengovHub.Metric[](1);
        p.metrics[0] = IGengovHub.Metric({
            name: "unit",
            decimals: 18,
            lossKind: LossMath.LossKind.Absolute,
            scale: uint128(WAD)
        });
    }

    /// @dev Creates an agreement starting now and makes it the one the helpers act on.
    function _use(IGengovHub.AgreementParams memory p) internal returns (uint256 id) {
        id = hub.createAgreement(p, TEXT);
        aid = id;
        genesis = p.genesis == 0 ? now_ : p.genesis;
    }

    // ─────────────────────────────────────────── clock ───────────────────────────────────────────

    function _warp(uint256 t) internal {
        vm.warp(t);
        now_ = t;
    }

    function _start(uint64 e) internal view returns (uint256) {
        return genesis + uint256(e) * L;
    }

    function _end(uint64 e) internal view returns (uint256) {
        return genesis + (uint256(e) + 1) * L;
    }

    function _revealOpens(uint64 t) internal view returns (uint256) {
        return _end(t) + RW;
    }

    function _revealCloses(uint64 t) internal view returns (uint256) {
        return _end(t) + RW + RV;
    }

    // ─────────────────────────────────────────── actors ──────────────────────────────────────────

    function _fund(address who) internal {
        token.mint(who, 1_000_000e18);
        vm.prank(who);
        token.approve(address(hub), type(uint256).max);
    }

    function _register(address owner, address operator, uint256 bond) internal returns (uint256 cid) {
        vm.prank(owner);
        cid = hub.registerCandidate(aid, keccak256(abi.encode("spec", owner, operator)), bond, operator);
    }

    // ───────────────────────────────────────── forecasts ─────────────────────────────────────────

    function _vals(int128 a) internal pure returns (int128[] memory v) {
        v = new int128[](1);
        v[0] = a;
    }

    function _vals(int128 a, int128 b) internal pure returns (int128[] memory v) {
        v = new int128[](2);
        v[0] = a;
        v[1] = b;
    }

    function _salt(uint256 cid, uint64 t) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", cid, t));
    }

    /// @dev The forecast commitment, computed independently of the hub.
    function _commitmentOf(
        address hubAddress,
        uint256 chainId,
        uint256 agreementId,
        uint256 cid,
        uint64 t,
        int128[] memory values,
        bytes32 salt
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(TAG, chainId, hubAddress, agreementId, cid, t, values, salt));
    }

    function _commitment(uint256 cid, uint64 t, int128[] memory values) internal view returns (bytes32) {
        return _commitmentOf(address(hub), chainId_, aid, cid, t, values, _salt(cid, t));
    }

    function _commit(address operator, uint256 cid, uint64 t, int128[] memory values) internal {
        bytes32 c = _commitment(cid, t, values);
        vm.prank(operator);
        hub.commitForecast(aid, cid, t, c);
    }

    function _reveal(
        address operator,
        uint256 cid,
        uint64 t,
        int128[] memory values
    ) internal returns (uint256 loss) {
        vm.prank(operator);
        loss = hub.revealForecast(aid, cid, t, values, _salt(cid, t));
    }

    // ───────────────────────────────────────── outcomes ──────────────────────────────────────────

    function _report(address reporter, uint64 e, int128[] memory values) internal {
        vm.prank(reporter);
        hub.reportOutcome(aid, e, values);
    }

    /// @dev All three reporters report the same values, so the median is `values`.
    function _reportAll(uint64 e, int128[] memory values) internal {
        _report(r1, e, values);
        _report(r2, e, values);
        _report(r3, e, values);
    }

    /// @dev One full forecast round for target `t` on a one-metric agreement (see the two halves).
    function _round(
        uint64 t,
        uint256[] memory cids,
        address[] memory ops,
        int128[] memory forecasts,
        int128 outcomeValue
    ) internal {
        _commitRound(t, cids, ops, forecasts);
        _settleRound(t, cids, ops, forecasts, outcomeValue);
    }

    /// @dev Every operator commits its one-metric forecast for `t`: now if already in epoch t − 1,
    /// else at its start.
    function _commitRound(
        uint64 t,
        uint256[] memory cids,
        address[] memory ops,
        int128[] memory forecasts
    ) internal {
        if (now_ < _start(t - 1)) _warp(_start(t - 1));
        for (uint256 i = 0; i < cids.length; ++i) _commit(ops[i], cids[i], t, _vals(forecasts[i]));
    }

    /// @dev All reporters report `outcomeValue` for `t` at end(t); every operator reveals at the
    /// window's opening. Leaves the clock at revealOpens(t), inside epoch t + 1.
    function _settleRound(
        uint64 t,
        uint256[] memory cids,
        address[] memory ops,
        int128[] memory forecasts,
        int128 outcomeValue
    ) internal {
        _warp(_end(t));
        _reportAll(t, _vals(outcomeValue));
        _warp(_revealOpens(t));
        for (uint256 i = 0; i < cids.length; ++i) _reveal(ops[i], cids[i], t, _vals(forecasts[i]));
    }

    function _view(uint256 cid) internal view returns (IGengovHub.CandidateView memory) {
        return hub.candidate(aid, cid);
    }

    // ───────────────────────────────────────── assertions ────────────────────────────────────────

    function assertEq(address a, address b, string memory what) internal pure {
        if (a != b) revert AssertionFailedU(what, uint160(a), uint160(b));
    }

    function assertEq(bytes32 a, bytes32 b, string memory what) internal pure {
        if (a != b) revert AssertionFailedU(what, uint256(a), uint256(b));
    }

    function assertEq(bool a, bool b, string memory what) internal pure {
        if (a != b) revert AssertionFailedU(what, a ? 1 : 0, b ? 1 : 0);
    }

    function assertFalse(bool c, string memory what) internal pure {
        if (c) revert AssertionFailedU(what, 1, 0);
    }

    function _boundInt(int256 x, int256 lo, int256 hi) internal pure returns (int256) {
        return lo + int256(uint256(x) % (uint256(hi - lo) + 1));
    }

    function _one(uint256 a) internal pure returns (uint256[] memory v) {
        v = new uint256[](1);
        v[0] = a;
    }

    function _two(uint256 a, uint256 b) internal pure returns (uint256[] memory v) {
        v = new uint256[](2);
        v[0] = a;
        v[1] = b;
    }

    function _ops1(address a) internal pure returns (address[] memory v) {
        v = new address[](1);
        v[0] = a;
    }

    function _ops2(address a, address b) internal pure returns (address[] memory v) {
        v = new address[](2);
        v[0] = a;
        v[1] = b;
    }

    function _f1(int128 a) internal pure returns (int128[] memory v) {
        return _vals(a);
    }

    function _f2(int128 a, int128 b) internal pure returns (int128[] memory v) {
        return _vals(a, b);
    }
}
