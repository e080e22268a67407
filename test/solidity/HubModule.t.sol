// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../../contracts/interfaces/IGengovHub.sol";
import {GengovHub} from "../../contracts/GengovHub.sol";
import {GengovHubModule} from "../../contracts/hub/GengovHubModule.sol";
import {ModuleCalls} from "../../contracts/hub/ModuleCalls.sol";
import {HubBase} from "./HubBase.sol";

/// @notice The hub runs `createAgreement`, `setReporters`, `agreement` and `ranking` in
/// `GengovHubModule` on its own storage: results and errors are those of the hub, the self-only
/// entry of the views refuses everyone else, and the module called directly never touches the hub.
contract HubModuleTest is HubBase {
    /// @dev The module the hub was bound to (deployed first by the fixture).
    function _module() internal view returns (GengovHubModule) {
        return module;
    }

    function test_constructor_refusesAModuleWithoutCode() public {
        vm.expectRevert(abi.encodeWithSelector(ModuleCalls.ModuleMissing.selector, stranger));
        new GengovHub(GengovHubModule(stranger));
    }

    function test_callDelegateViewToModule_refusesEveryCallerButTheHub() public {
        bytes memory call = abi.encodeCall(IGengovHub.agreement, (aid));
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(ModuleCalls.CallerNotHub.selector, stranger));
        hub.callDelegateViewToModule(call);
        vm.prank(arbiter);
        vm.expectRevert(abi.encodeWithSelector(ModuleCalls.CallerNotHub.selector, arbiter));
        hub.callDelegateViewToModule(call);
        // A state-changing call is refused just the same.
        vm.expectRevert(abi.encodeWithSelector(ModuleCalls.CallerNotHub.selector, address(this)));
        hub.callDelegateViewToModule(abi.encodeCall(IGengovHub.createAgreement, (_defaultParams(), TEXT)));
        (, , uint256 count) = hub.agreement(aid);
        assertEq(count, 0, "nothing changed");
    }

    function test_callDelegateViewToModule_fromTheHubReturnsTheModulesEncoding() public {
        (IGengovHub.AgreementParams memory p, bytes32 textHash, uint256 count) = hub.agreement(aid);
        vm.prank(address(hub));
        bytes memory raw = hub.callDelegateViewToModule(abi.encodeCall(IGengovHub.agreement, (aid)));
        assertTrue(keccak256(raw) == keccak256(abi.encode(p, textHash, count)), "same encoding");
        assertTrue(textHash == keccak256(bytes(TEXT)), "text hash of the created agreement");
    }

    function test_module_calledDirectly_leavesTheHubUntouched() public {
        GengovHubModule m = _module();
        (IGengovHub.AgreementParams memory before, bytes32 hashBefore, ) = hub.agreement(aid);
        // The module's own storage is empty: its first agreement is its id 1, as the hub's was.
        assertEq(m.createAgreement(_defaultParams(), "another text"), 1, "module's own count");
        address[] memory reporters = new address[](1);
        reporters[0] = stranger;
        vm.prank(arbiter);
        m.setReporters(1, reporters, 1);
        (IGengovHub.AgreementParams memory onModule, , ) = m.agreement(1);
        assertTrue(onModule.reporters[0] == stranger, "module's own agreement changed");

        (IGengovHub.AgreementParams memory afterwards, bytes32 hashAfter, ) = hub.agreement(aid);
        assertTrue(hashAfter == hashBefore, "hub text hash unchanged");
        assertTrue(
            keccak256(abi.encode(afterwards)) == keccak256(abi.encode(before)),
            "hub params unchanged"
        );
        assertEq(afterwards.reporters.length, 3, "hub reporters unchanged");
        // The hub's count did not move: its next agreement is 2.
        assertEq(hub.createAgreement(_defaultParams(), TEXT), 2, "hub's next id");
        assertEq(token.balanceOf(address(m)), 0, "no tokens at the module");
    }

    function test_errors_bubbleUnchanged_throughTheDelegateCall() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovHub.AgreementParameterInvalid.selector,
                uint8(IGengovHub.Parameter.text)
            )
        );
        hub.createAgreement(_defaultParams(), "");
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.epochLength = 0;
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovHub.AgreementParameterInvalid.selector,
                uint8(IGengovHub.Parameter.epochLength)
            )
        );
        hub.createAgreement(p, TEXT);
        address[] memory reporters = new address[](1);
        reporters[0] = stranger;
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CallerNotArbiter.selector, stranger));
        hub.setReporters(aid, reporters, 1);
        vm.prank(arbiter);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovHub.AgreementParameterInvalid.selector,
                uint8(IGengovHub.Parameter.quorum)
            )
        );
        hub.setReporters(aid, reporters, 2);
    }

    function test_errors_bubbleUnchanged_throughTheViewStub() public {
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.AgreementUnknown.selector, 999));
        hub.agreement(999);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.AgreementUnknown.selector, 999));
        hub.ranking(999, 0);
    }

    function test_setReporters_throughTheHub_changesTheHubsReporters() public {
        address[] memory reporters = new address[](2);
        reporters[0] = stranger;
        reporters[1] = r1;
        vm.prank(arbiter);
        hub.setReporters(aid, reporters, 2);
        (IGengovHub.AgreementParams memory p, , ) = hub.agreement(aid);
        assertEq(p.reporters.length, 2, "reporters");
        assertTrue(p.reporters[0] == stranger && p.reporters[1] == r1, "new set");
        assertEq(p.quorum, 2, "quorum");
    }
}
