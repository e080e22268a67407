// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {GengovHub} from "../../contracts/GengovHub.sol";
import {GengovHubModule} from "../../contracts/hub/GengovHubModule.sol";
import {GengovJury} from "../../contracts/jury/GengovJury.sol";
import {IGengovHub} from "../../contracts/interfaces/IGengovHub.sol";
import {MAX_JURY_SIZE} from "../../contracts/hub/Limits.sol";
import {HubBase} from "./HubBase.sol";

/// @notice The jury's creation checks: a jury that is off is all zero, a jury that is on fits its
/// vote into the epoch (and an appeal's into the ruling period), and the hub returns what it stored.
contract JuryParamsTest is HubBase {
    function _expectInvalid(IGengovHub.AgreementParams memory p, IGengovHub.Parameter name) internal {
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.AgreementParameterInvalid.selector, name));
        hub.createAgreement(p, TEXT);
    }

    /// @dev A jury of 3 (2 accepts), an appeal jury of 2, a 300 s commit and a 300 s reveal window:
    /// with the base clock (2 × 600 + 900 + 900 = 3000 of 3600 s) the vote fills the epoch exactly.
    function _juryParams() internal view returns (IGengovHub.AgreementParams memory p) {
        p = _defaultParams();
        p.jury = IGengovHub.JuryParams({
            jurySize: 3,
            juryQuorum: 2,
            appealJurySize: 2,
            voteCommitWindow: 300,
            voteRevealWindow: 300,
            juryFee: 1e18,
            juryPenalty: 5e18
        });
    }

    function test_createAgreement_storesAndReturnsTheJury() public {
        IGengovHub.AgreementParams memory p = _juryParams();
        uint256 id = hub.createAgreement(p, TEXT);
        (IGengovHub.AgreementParams memory s, , ) = hub.agreement(id);
        assertEq(uint256(s.jury.jurySize), 3, "jurySize");
        assertEq(uint256(s.jury.juryQuorum), 2, "juryQuorum");
        assertEq(uint256(s.jury.appealJurySize), 2, "appealJurySize");
        assertEq(uint256(s.jury.voteCommitWindow), 300, "voteCommitWindow");
        assertEq(uint256(s.jury.voteRevealWindow), 300, "voteRevealWindow");
        assertEq(uint256(s.jury.juryFee), 1e18, "juryFee");
        assertEq(uint256(s.jury.juryPenalty), 5e18, "juryPenalty");
    }

    function test_createAgreement_juryOffReturnsZero() public view {
        (IGengovHub.AgreementParams memory s, , ) = hub.agreement(aid);
        assertEq(
            keccak256(abi.encode(s.jury)),
            keccak256(abi.encode(IGengovHub.JuryParams(0, 0, 0, 0, 0, 0, 0))),
            "no jury"
        );
    }

    function test_createAgreement_juryAcceptsEveryBoundary() public {
        IGengovHub.AgreementParams memory p = _juryParams();
        p.jury.jurySize = uint8(MAX_JURY_SIZE);
        p.jury.juryQuorum = uint8(MAX_JURY_SIZE);
        p.jury.appealJurySize = uint8(MAX_JURY_SIZE);
        p.jury.juryPenalty = uint128(MIN_BOND);
        hub.createAgreement(p, TEXT);
        p.jury.juryQuorum = 1;
        p.jury.appealJurySize = 0;
        // Without an appeal jury the vote need not fit the ruling period, only the epoch.
        p.rulingPeriod = 100;
        p.jury.voteCommitWindow = 1;
        p.jury.voteRevealWindow = 1399;
        hub.createAgreement(p, TEXT);
    }

    function test_createAgreement_juryOffMustBeAllZero() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.jury.juryQuorum = 1;
        _expectInvalid(p, IGengovHub.Parameter.juryQuorum);
        p = _defaultParams();
        p.jury.appealJurySize = 1;
        _expectInvalid(p, IGengovHub.Parameter.appealJurySize);
        p = _defaultParams();
        p.jury.voteCommitWindow = 1;
        _expectInvalid(p, IGengovHub.Parameter.voteCommitWindow);
        p = _defaultParams();
        p.jury.voteRevealWindow = 1;
        _expectInvalid(p, IGengovHub.Parameter.voteRevealWindow);
        p = _defaultParams();
        p.jury.juryFee = 1;
        _expectInvalid(p, IGengovHub.Parameter.juryFee);
        p = _defaultParams();
        p.jury.juryPenalty = 1;
        _expectInvalid(p, IGengovHub.Parameter.juryPenalty);
    }

    function test_createAgreement_revertsOnInvalidJurySize() public {
        IGengovHub.AgreementParams memory p = _juryParams();
        p.jury.jurySize = uint8(MAX_JURY_SIZE + 1);
        _expectInvalid(p, IGengovHub.Parameter.jurySize);
    }

    function test_createAgreement_aWeightedAgreementMayHaveAJury() public {
        IGengovHub.AgreementParams memory p = _juryParams();
        p.selection = uint8(IGengovHub.Selection.Weighted);
        uint256 id = hub.createAgreement(p, TEXT);
        (IGengovHub.AgreementParams memory stored, , ) = hub.agreement(id);
        assertEq(uint256(stored.jury.jurySize), uint256(p.jury.jurySize), "stored");
    }

    function test_createAgreement_aJuryNeedsTheJuryContractAttached() public {
        GengovHub bare = new GengovHub(new GengovHubModule());
        IGengovHub.AgreementParams memory p = _juryParams();
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovHub.AgreementParameterInvalid.selector,
                IGengovHub.Parameter.jurySize
            )
        );
        bare.createAgreement(p, TEXT);
        // Only its deployer attaches one, once, and only a jury bound to it.
        GengovJury other = new GengovJury(hub);
        vm.expectRevert(
            abi.encodeWithSelector(IGengovHub.JuryAttachRefused.selector, address(this), address(other))
        );
        bare.attachJury(other);
        GengovJury own = new GengovJury(bare);
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IGengovHub.JuryAttachRefused.selector, stranger, address(own))
        );
        bare.attachJury(own);
        bare.attachJury(own);
        vm.expectRevert(
            abi.encodeWithSelector(IGengovHub.JuryAttachRefused.selector, address(this), address(own))
        );
        bare.attachJury(own);
        bare.createAgreement(p, TEXT);
    }

    function test_createAgreement_revertsOnInvalidJuryQuorum() public {
        IGengovHub.AgreementParams memory p = _juryParams();
        p.jury.juryQuorum = 0;
        _expectInvalid(p, IGengovHub.Parameter.juryQuorum);
        p.jury.juryQuorum = 4;
        _expectInvalid(p, IGengovHub.Parameter.juryQuorum);
    }

    function test_createAgreement_revertsOnInvalidVoteWindows() public {
        IGengovHub.AgreementParams memory p = _juryParams();
        p.jury.voteCommitWindow = 0;
        _expectInvalid(p, IGengovHub.Parameter.voteCommitWindow);
        p = _juryParams();
        p.jury.voteRevealWindow = 0;
        _expectInvalid(p, IGengovHub.Parameter.voteRevealWindow);
        // One second past the epoch: 2 × 600 + 300 + 301 + 900 + 900 = 3601.
        p = _juryParams();
        p.jury.voteRevealWindow = 301;
        _expectInvalid(p, IGengovHub.Parameter.voteRevealWindow);
    }

    function test_createAgreement_revertsOnInvalidAppealJurySize() public {
        IGengovHub.AgreementParams memory p = _juryParams();
        p.jury.appealJurySize = uint8(MAX_JURY_SIZE + 1);
        _expectInvalid(p, IGengovHub.Parameter.appealJurySize);
        // An appeal's vote (600 s) must fit the ruling period.
        p = _juryParams();
        p.rulingPeriod = 599;
        _expectInvalid(p, IGengovHub.Parameter.appealJurySize);
    }

    function test_createAgreement_revertsOnInvalidJuryPenalty() public {
        IGengovHub.AgreementParams memory p = _juryParams();
        p.jury.juryPenalty = uint128(MIN_BOND) + 1;
        _expectInvalid(p, IGengovHub.Parameter.juryPenalty);
    }
}
