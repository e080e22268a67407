// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {GengovHub} from "../../contracts/GengovHub.sol";
import {GengovHubModule} from "../../contracts/hub/GengovHubModule.sol";
import {LossMath} from "../../contracts/libraries/LossMath.sol";
import {IGengovHub} from "../../contracts/interfaces/IGengovHub.sol";
import {MockERC20} from "../../contracts/test/MockERC20.sol";
import {TestBase} from "../../contracts/test/Vm.sol";

interface VmGas {
    function snapshotGasLastCall(string calldata group, string calldata name) external returns (uint256);
}

/// @notice Gas snapshot of every user-facing path of the hub (callee-side gas of the one call).
/// `npm test` runs this with `--snapshot-check`: any change to a figure fails until the snapshot is
/// regenerated with `npm run snapshot` and the change is explained in the commit.
contract GasSnapshotsTest is TestBase {
    VmGas private constant gas = VmGas(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint32 private constant L = 3600;

    GengovHub private hub;
    MockERC20 private token;
    address private constant OP = address(0xA11CE);
    address private constant R1 = address(0xB0B1);
    address private constant R2 = address(0xB0B2);
    uint256 private id;

    function setUp() public {
        vm.warp(1_000_000);
        hub = new GengovHub(new GengovHubModule());
        token = new MockERC20("Bond", "BOND");
        token.mint(address(this), 1e30);
        token.mint(OP, 1e30);
        token.approve(address(hub), type(uint256).max);
        vm.prank(OP);
        token.approve(address(hub), type(uint256).max);
        id = hub.createAgreement(_params(2), "gas agreement");
    }

    function _params(uint256 k) private view returns (IGengovHub.AgreementParams memory p) {
        p.epochLength = L;
        p.horizon = 1;
        p.reportWindow = 600;
        p.revealWindow = 600;
        p.executionWindow = 600;
        p.challengePeriod = 900;
        p.rulingPeriod = 900;
        p.metrics = new IGengovHub.Metric[](k);
        for (uint256 i = 0; i < k; ++i)
            p.metrics[i] = IGengovHub.Metric("m", 2, LossMath.LossKind(i % 2), 1000);
        p.reporters = new address[](2);
        p.reporters[0] = R1;
        p.reporters[1] = R2;
        p.quorum = 1;
        p.arbiter = address(this);
        p.bondToken = address(token);
        p.minBond = 100e18;
        p.missPenalty = 10e18;
        p.rejectPenalty = 50e18;
        p.challengeBond = 20e18;
        p.exitDelay = 3 * L;
        p.alpha = 0.25e18;
        p.minScored = 0;
        p.openInputs = true;
        p.maxInputBytes = 1024;
        p.maxInputsPerEpoch = 100;
        p.maxInputsPerSender = 100;
        p.maxScore = 0.9e18;
    }

    function _values(uint256 k) private pure returns (int128[] memory v) {
        v = new int128[](k);
        for (uint256 i = 0; i < k; ++i) v[i] = int128(int256(1000 + i));
    }

    function _register() private returns (uint256 cid) {
        vm.prank(OP);
        cid = hub.registerCandidate(id, keccak256("spec"), 100e18, OP);
    }

    function _commit(uint256 cid, uint64 target, bytes32 salt) private {
        bytes32 commitment = hub.forecastCommitment(id, cid, target, _values(2), salt);
        vm.prank(OP);
        hub.commitForecast(id, cid, target, commitment);
    }

    function test_gas_createAgreement() public {
        hub.createAgreement(_params(2), "another agreement");
        gas.snapshotGasLastCall("hub", "createAgreement.k2");
    }

    function test_gas_submitInput() public {
        hub.submitInput(id, "a participant's proposal of about fifty bytes......");
        gas.snapshotGasLastCall("hub", "submitInput.first");
        hub.submitInput(id, "a participant's proposal of about fifty bytes......");
        gas.snapshotGasLastCall("hub", "submitInput.next");
    }

    function test_gas_candidateLifecycle() public {
        _register();
        gas.snapshotGasLastCall("hub", "registerCandidate");
        hub.topUp(id, 1, 1e18);
        gas.snapshotGasLastCall("hub", "topUp");
        vm.prank(OP);
        hub.setOperator(id, 1, address(0xBEEF));
        gas.snapshotGasLastCall("hub", "setOperator");
        vm.prank(OP);
        hub.requestExit(id, 1);
        gas.snapshotGasLastCall("hub", "requestExit");
        vm.warp(block.timestamp + 3 * L);
        vm.prank(OP);
        hub.withdraw(id, 1);
        gas.snapshotGasLastCall("hub", "withdraw");
    }

    function test_gas_deposit() public {
        hub.deposit(id, address(token), 1e18);
        gas.snapshotGasLastCall("hub", "deposit");
    }

    function test_gas_forecastCycle() public {
        uint256 cid = _register();
        _commit(cid, 1, bytes32(uint256(1)));
        gas.snapshotGasLastCall("hub", "commitForecast.first");
        _commit(cid, 1, bytes32(uint256(2)));
        gas.snapshotGasLastCall("hub", "commitForecast.recommit");
        vm.warp(1_000_000 + 2 * L);
        vm.prank(R1);
        hub.reportOutcome(id, 1, _values(2));
        gas.snapshotGasLastCall("hub", "reportOutcome.k2");
        vm.warp(1_000_000 + 2 * L + 600);
        hub.finalizeOutcome(id, 1);
        gas.snapshotGasLastCall("hub", "finalizeOutcome.k2.r1");
        hub.selectExecutor(id, 1);
        gas.snapshotGasLastCall("hub", "selectExecutor.n1");
        vm.prank(OP);
        hub.revealForecast(id, cid, 1, _values(2), bytes32(uint256(2)));
        gas.snapshotGasLastCall("hub", "revealForecast.k2");
        // The record is up to date (cursor 2, target 2 not yet due): nothing to settle.
        hub.poke(id, cid);
        gas.snapshotGasLastCall("hub", "poke.noop");
        // 27 later targets without reports are void: poke walks them and charges nothing.
        vm.warp(1_000_000 + 30 * L);
        hub.poke(id, cid);
        gas.snapshotGasLastCall("hub", "poke.void27");
    }

    function test_gas_missedRevealPoke() public {
        uint256 cid = _register();
        _commit(cid, 1, bytes32(uint256(1)));
        vm.warp(1_000_000 + 2 * L);
        vm.prank(R1);
        hub.reportOutcome(id, 1, _values(2));
        vm.warp(1_000_000 + 3 * L);
        hub.poke(id, cid);
        gas.snapshotGasLastCall("hub", "poke.oneMiss");
    }
}
