// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../../contracts/interfaces/IGengovHub.sol";
import {HubBase} from "./HubBase.sol";

/// @notice Participant inputs: the agreement's hash chain across epochs, its head per epoch, epoch edges,
/// size, per-epoch and per-sender count caps, allow-list.
contract HubInputsTest is HubBase {
    function test_submitInput_extendsHashChainAndEmits() public {
        bytes memory d1 = "first input";
        bytes memory d2 = "second input";
        bytes32 h1 = keccak256(abi.encodePacked(bytes32(0), stranger, d1));
        bytes32 h2 = keccak256(abi.encodePacked(h1, owner1, d2));

        vm.expectEmit();
        emit IGengovHub.InputSubmitted(aid, 0, stranger, 0, d1, h1);
        vm.prank(stranger);
        (uint64 e, bytes32 h) = hub.submitInput(aid, d1);
        assertEq(uint256(e), 0, "epoch");
        assertEq(h, h1, "hash 1");

        vm.expectEmit();
        emit IGengovHub.InputSubmitted(aid, 0, owner1, 1, d2, h2);
        vm.prank(owner1);
        (, h) = hub.submitInput(aid, d2);
        assertEq(h, h2, "hash 2");

        (bytes32 head, uint32 count) = hub.epochInputs(aid, 0);
        assertEq(head, h2, "head");
        assertEq(uint256(count), 2, "count");
        assertEq(hub.inputsHeadAt(aid, 0), h2, "head at the end of epoch 0");
    }

    function test_submitInput_epochEdgesAndChainRunsAcrossEpochs() public {
        bytes memory d = "x";
        _warp(_end(0) - 1);
        vm.prank(stranger);
        (uint64 e, bytes32 h0) = hub.submitInput(aid, d);
        assertEq(uint256(e), 0, "end(0) - 1 is epoch 0");

        _warp(_end(0));
        bytes32 h1 = keccak256(abi.encodePacked(h0, stranger, d));
        vm.expectEmit();
        emit IGengovHub.InputSubmitted(aid, 1, stranger, 0, d, h1);
        vm.prank(stranger);
        (e, ) = hub.submitInput(aid, d);
        assertEq(uint256(e), 1, "end(0) is epoch 1: index restarts, the chain continues");

        _warp(_end(0) + 1);
        vm.prank(stranger);
        bytes32 h2;
        (e, h2) = hub.submitInput(aid, d);
        assertEq(uint256(e), 1, "end(0) + 1 is epoch 1");
        assertEq(h2, keccak256(abi.encodePacked(h1, stranger, d)), "chained");
        (bytes32 head0, uint32 c0) = hub.epochInputs(aid, 0);
        (bytes32 head1, uint32 c1) = hub.epochInputs(aid, 1);
        assertEq(head0, h0, "epoch 0 head");
        assertEq(uint256(c0), 1, "epoch 0 count");
        assertEq(head1, h2, "epoch 1 head");
        assertEq(uint256(c1), 2, "epoch 1 count");
    }

    function test_inputsHeadAt_followsEpochsWithInputs() public {
        assertEq(hub.inputsHeadAt(aid, 5), bytes32(0), "no input yet");
        _warp(_start(1));
        vm.prank(stranger);
        (, bytes32 h1) = hub.submitInput(aid, "a");
        _warp(_start(3));
        vm.prank(owner1);
        hub.submitInput(aid, "b");
        vm.prank(owner2);
        (, bytes32 h3) = hub.submitInput(aid, "c");
        assertEq(hub.inputsHeadAt(aid, 0), bytes32(0), "before the first input");
        assertEq(hub.inputsHeadAt(aid, 1), h1, "epoch 1");
        assertEq(hub.inputsHeadAt(aid, 2), h1, "an epoch without inputs keeps the previous head");
        assertEq(hub.inputsHeadAt(aid, 3), h3, "epoch 3");
        assertEq(hub.inputsHeadAt(aid, 9), h3, "later epochs");
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.AgreementUnknown.selector, 7));
        hub.inputsHeadAt(7, 0);
    }

    function test_submitInput_revertsOnSize() public {
        vm.startPrank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.InputSizeInvalid.selector, 0, 1024));
        hub.submitInput(aid, "");
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.InputSizeInvalid.selector, 1025, 1024));
        hub.submitInput(aid, new bytes(1025));
        hub.submitInput(aid, new bytes(1024));
        vm.stopPrank();
    }

    function test_submitInput_revertsAtLimitAndResetsNextEpoch() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.maxInputsPerEpoch = 2;
        p.maxInputsPerSender = 1;
        _use(p);
        vm.prank(stranger);
        hub.submitInput(aid, "a");
        vm.prank(owner1);
        hub.submitInput(aid, "b");
        // owner2 has used none of its share, but the epoch is full.
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.InputLimitReached.selector, 0, 2));
        vm.prank(owner2);
        hub.submitInput(aid, "c");
        _warp(_end(0));
        vm.prank(stranger);
        hub.submitInput(aid, "c");
    }

    function test_submitInput_perSenderLimitResetsNextEpoch() public {
        // Default agreement: 5 per sender, 20 per epoch.
        vm.startPrank(stranger);
        for (uint256 i = 0; i < 5; ++i) hub.submitInput(aid, "a");
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.InputSenderLimitReached.selector, 0, stranger, 5));
        hub.submitInput(aid, "a");
        vm.stopPrank();
        vm.prank(owner1);
        hub.submitInput(aid, "b");
        (, uint32 count) = hub.epochInputs(aid, 0);
        assertEq(uint256(count), 6, "the refused input is not counted");
        _warp(_end(0));
        vm.prank(stranger);
        hub.submitInput(aid, "a");
    }

    function test_submitInput_allowlist() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.openInputs = false;
        p.inputAllowlist = new address[](1);
        p.inputAllowlist[0] = owner1;
        _use(p);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.InputSenderNotAllowed.selector, stranger));
        vm.prank(stranger);
        hub.submitInput(aid, "x");
        vm.prank(owner1);
        hub.submitInput(aid, "x");
    }

    function test_submitInput_revertsBeforeGenesis() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.genesis = uint64(now_ + 10);
        uint256 id = hub.createAgreement(p, TEXT);
        vm.expectRevert(
            abi.encodeWithSelector(IGengovHub.AgreementNotStarted.selector, id, uint64(now_ + 10))
        );
        hub.submitInput(id, "x");
        _warp(now_ + 10);
        hub.submitInput(id, "x");
    }

    function test_fuzz_submitInput_chainMatchesReference(bytes memory a, bytes memory b) public {
        vm.assume(a.length > 0 && a.length <= 1024 && b.length > 0 && b.length <= 1024);
        vm.prank(owner1);
        hub.submitInput(aid, a);
        vm.prank(owner2);
        (, bytes32 h) = hub.submitInput(aid, b);
        bytes32 ref = keccak256(
            abi.encodePacked(keccak256(abi.encodePacked(bytes32(0), owner1, a)), owner2, b)
        );
        assertEq(h, ref, "hash chain");
    }
}
