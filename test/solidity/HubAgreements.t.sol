// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {LossMath} from "../../contracts/libraries/LossMath.sol";
import {IGengovHub} from "../../contracts/interfaces/IGengovHub.sol";
import {MockERC20} from "../../contracts/test/MockERC20.sol";
import {HubBase} from "./HubBase.sol";

/// @notice Agreement creation and validation (every AgreementParameterInvalid name), the arbiter's
/// reporter change, treasury deposits, the epoch clock, and AgreementUnknown on every entry point.
contract HubAgreementsTest is HubBase {
    function _expectInvalid(IGengovHub.AgreementParams memory p, IGengovHub.Parameter name) internal {
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.AgreementParameterInvalid.selector, name));
        hub.createAgreement(p, TEXT);
    }

    // ─────────────────────────────────────────── creation ────────────────────────────────────────

    function test_createAgreement_emitsTextAndParamsAndStoresThem() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.capTokens = new address[](1);
        p.capTokens[0] = address(token);
        p.maxOutflowPerEpoch = new uint256[](1);
        p.maxOutflowPerEpoch[0] = 5e18;
        string memory text = "Second agreement: share the water.";
        vm.expectEmit();
        emit IGengovHub.AgreementCreated(2, address(this), keccak256(bytes(text)), abi.encode(p, text));
        uint256 id = hub.createAgreement(p, text);
        assertEq(id, 2, "id");

        (IGengovHub.AgreementParams memory s, bytes32 textHash, uint256 count) = hub.agreement(id);
        assertEq(textHash, keccak256(bytes(text)), "textHash");
        assertEq(count, 0, "candidateCount");
        assertEq(uint256(s.genesis), now_, "genesis 0 means now");
        assertEq(uint256(s.epochLength), L, "epochLength");
        assertEq(uint256(s.horizon), 1, "horizon");
        assertEq(uint256(s.reportWindow), RW, "reportWindow");
        assertEq(uint256(s.revealWindow), RV, "revealWindow");
        assertEq(uint256(s.executionWindow), 600, "executionWindow");
        assertEq(uint256(s.challengePeriod), 900, "challengePeriod");
        assertEq(uint256(s.rulingPeriod), 900, "rulingPeriod");
        assertEq(s.metrics.length, 2, "metrics");
        assertEq(keccak256(bytes(s.metrics[0].name)), keccak256("catchPerBoatDay"), "metric 0 name");
        assertEq(uint256(s.metrics[0].decimals), 2, "metric 0 decimals");
        assertEq(uint256(s.metrics[0].lossKind), 0, "metric 0 kind");
        assertEq(uint256(s.metrics[0].scale), 1000, "metric 0 scale");
        assertEq(keccak256(bytes(s.metrics[1].name)), keccak256("stockIndex"), "metric 1 name");
        assertEq(uint256(s.metrics[1].lossKind), 1, "metric 1 kind");
        assertEq(uint256(s.metrics[1].scale), 5000, "metric 1 scale");
        assertEq(s.reporters.length, 3, "reporters");
        assertEq(s.reporters[2], r3, "reporter 3");
        assertEq(uint256(s.quorum), 2, "quorum");
        assertEq(s.arbiter, arbiter, "arbiter");
        assertEq(s.bondToken, address(token), "bondToken");
        assertEq(uint256(s.minBond), MIN_BOND, "minBond");
        assertEq(uint256(s.missPenalty), MISS_PENALTY, "missPenalty");
        assertEq(uint256(s.rejectPenalty), 50e18, "rejectPenalty");
        assertEq(uint256(s.challengeBond), 20e18, "challengeBond");
        assertEq(uint256(s.exitDelay), 3 * L, "exitDelay");
        assertEq(uint256(s.alpha), WAD / 4, "alpha");
        assertEq(uint256(s.minScored), 2, "minScored");
        assertEq(uint256(s.selection), uint256(IGengovHub.Selection.Leader), "selection");
        assertEq(uint256(s.margin), WAD / 50, "margin");
        assertEq(uint256(s.eta), 5 * WAD, "eta");
        assertEq(s.randomness, address(rng), "randomness");
        assertEq(s.capTokens.length, 1, "capTokens");
        assertEq(s.capTokens[0], address(token), "capToken");
        assertEq(s.maxOutflowPerEpoch[0], 5e18, "maxOutflowPerEpoch");
        assertTrue(s.openInputs, "openInputs");
        assertEq(uint256(s.maxInputBytes), 1024, "maxInputBytes");
        assertEq(uint256(s.maxInputsPerEpoch), 20, "maxInputsPerEpoch");
        assertEq(uint256(s.maxInputsPerSender), 5, "maxInputsPerSender");
        assertEq(uint256(s.maxScore), (WAD * 9) / 10, "maxScore");
    }

    function test_createAgreement_keepsFutureGenesis() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.genesis = uint64(now_ + 5000);
        uint256 id = hub.createAgreement(p, TEXT);
        (IGengovHub.AgreementParams memory s, , ) = hub.agreement(id);
        assertEq(uint256(s.genesis), now_ + 5000, "genesis");
        vm.expectRevert(
            abi.encodeWithSelector(IGengovHub.AgreementNotStarted.selector, id, uint64(now_ + 5000))
        );
        hub.epochAt(id, now_ + 4999);
        assertEq(uint256(hub.epochAt(id, now_ + 5000)), 0, "epoch at genesis");
    }

    function test_createAgreement_genesisAtEdges() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.genesis = uint64(now_ - 1);
        _expectInvalid(p, IGengovHub.Parameter.genesis);
        p.genesis = uint64(now_);
        hub.createAgreement(p, TEXT);
        p.genesis = uint64(now_ + 1);
        hub.createAgreement(p, TEXT);
    }

    function test_createAgreement_genesisFitsFortyBits() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.genesis = uint64(1) << 40;
        _expectInvalid(p, IGengovHub.Parameter.genesis);
        p.genesis = (uint64(1) << 40) - 1;
        uint256 id = hub.createAgreement(p, TEXT);
        (IGengovHub.AgreementParams memory stored, , ) = hub.agreement(id);
        assertEq(uint256(stored.genesis), (uint256(1) << 40) - 1, "genesis truncated");
    }

    function test_createAgreement_acceptsEveryBoundaryValue() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.horizon = 14;
        p.reportWindow = 1000;
        p.revealWindow = L - 1000; // reportWindow + revealWindow == epochLength
        p.exitDelay = 15 * L + L; // exactly (horizon + 1)·L + reportWindow + revealWindow
        p.executionWindow = 1000;
        p.challengePeriod = 1000;
        p.rulingPeriod = 600; // 2·1000 + 1000 + 600 == epochLength
        p.metrics = new IGengovHub.Metric[](8);
        for (uint256 i = 0; i < 8; ++i) {
            p.metrics[i] = IGengovHub.Metric({
                name: "m",
                decimals: 18,
                lossKind: LossMath.LossKind.Squared,
                scale: 1
            });
        }
        p.reporters = new address[](32);
        for (uint256 i = 0; i < 32; ++i) p.reporters[i] = address(uint160(0x5000 + i));
        p.quorum = 32;
        p.minBond = type(uint96).max;
        p.missPenalty = type(uint96).max;
        p.rejectPenalty = type(uint96).max;
        p.challengeBond = type(uint96).max;
        p.alpha = uint64(WAD);
        p.margin = uint64(WAD);
        p.selection = uint8(IGengovHub.Selection.Weighted);
        p.eta = 10_000e18;
        p.maxScore = uint64(WAD - 1);
        p.maxInputBytes = 65_536;
        p.maxInputsPerEpoch = 10_000;
        p.maxInputsPerSender = 10_000; // × one listed sender == maxInputsPerEpoch
        p.openInputs = false;
        p.inputAllowlist = new address[](1);
        p.inputAllowlist[0] = stranger;
        uint256 id = hub.createAgreement(p, TEXT);
        assertEq(id, 2, "created");
        // And the lower edges of the ranges that have one.
        p.challengeBond = 1;
        p.eta = 1;
        p.maxScore = 1;
        p.maxInputsPerSender = 1;
        p.randomness = address(0); // the hub's salt beacon
        assertEq(hub.createAgreement(p, TEXT), 3, "created at the lower edges");
    }

    function test_createAgreement_exitDelayAtLowerBound() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.exitDelay = 2 * L + RW + RV - 1; // (horizon + 1)·L + reportWindow + revealWindow − 1
        _expectInvalid(p, IGengovHub.Parameter.exitDelay);
        p.exitDelay = 2 * L + RW + RV;
        hub.createAgreement(p, TEXT);
    }

    function test_createAgreement_revertsOnEmptyText() public {
        vm.expectRevert(
            abi.encodeWithSelector(IGengovHub.AgreementParameterInvalid.selector, IGengovHub.Parameter.text)
        );
        hub.createAgreement(_defaultParams(), "");
    }

    function test_createAgreement_revertsOnInvalidEpochLength() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.epochLength = 0;
        _expectInvalid(p, IGengovHub.Parameter.epochLength);
    }

    function test_createAgreement_revertsOnInvalidHorizon() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.horizon = 0;
        _expectInvalid(p, IGengovHub.Parameter.horizon);
        p.horizon = 15;
        p.exitDelay = 100 * L;
        _expectInvalid(p, IGengovHub.Parameter.horizon);
    }

    function test_createAgreement_revertsOnInvalidReportWindow() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.reportWindow = 0;
        _expectInvalid(p, IGengovHub.Parameter.reportWindow);
    }

    function test_createAgreement_revertsOnInvalidRevealWindow() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.revealWindow = 0;
        _expectInvalid(p, IGengovHub.Parameter.revealWindow);
        p.revealWindow = L - RW + 1; // reportWindow + revealWindow > epochLength
        _expectInvalid(p, IGengovHub.Parameter.revealWindow);
    }

    function test_createAgreement_revertsOnInvalidExecutionWindow() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.executionWindow = 0;
        _expectInvalid(p, IGengovHub.Parameter.executionWindow);
    }

    function test_createAgreement_revertsOnInvalidChallengePeriod() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.challengePeriod = 0;
        _expectInvalid(p, IGengovHub.Parameter.challengePeriod);
    }

    function test_createAgreement_revertsOnInvalidRulingPeriod() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.rulingPeriod = 0;
        _expectInvalid(p, IGengovHub.Parameter.rulingPeriod);
        p.rulingPeriod = 1501; // 2·600 + 900 + 1501 = 3601 > epochLength
        _expectInvalid(p, IGengovHub.Parameter.rulingPeriod);
        p.rulingPeriod = 1500;
        hub.createAgreement(p, TEXT);
    }

    /// @dev `lossKind` is a `LossKind`: a value outside the enum does not decode, so the call reverts
    /// before anything is stored. The encoding is patched by hand (Solidity cannot build the value).
    function test_createAgreement_revertsOnUnknownLossKind() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        uint128 marker = 0x5ca1ab1e;
        p.metrics[1].scale = marker;
        bytes memory data = abi.encodeCall(hub.createAgreement, (p, TEXT));
        // A metric's head is (name offset, decimals, lossKind, scale): lossKind is the word before
        // the scale.
        uint256 pos = type(uint256).max;
        for (uint256 i = 4; i + 32 <= data.length; i += 32) {
            uint256 word;
            assembly ("memory-safe") {
                word := mload(add(add(data, 0x20), i))
            }
            if (word == marker) pos = i - 32;
        }
        assertTrue(pos != type(uint256).max, "marker not found");
        uint256 kind;
        assembly ("memory-safe") {
            kind := mload(add(add(data, 0x20), pos))
        }
        assertEq(kind, uint256(LossMath.LossKind.Squared), "patched word is not the loss kind");
        assembly ("memory-safe") {
            mstore(add(add(data, 0x20), pos), 2)
        }
        (bool ok, bytes memory ret) = address(hub).call(data);
        assertFalse(ok, "lossKind 2 accepted");
        assertEq(ret.length, 0, "not a decoding revert");
        // The same encoding with a known kind is accepted.
        assembly ("memory-safe") {
            mstore(add(add(data, 0x20), pos), 1)
        }
        (ok, ) = address(hub).call(data);
        assertTrue(ok, "lossKind 1 refused");
    }

    function test_createAgreement_revertsOnInvalidMetrics() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.metrics = new IGengovHub.Metric[](0);
        _expectInvalid(p, IGengovHub.Parameter.metrics);
        p.metrics = new IGengovHub.Metric[](9);
        for (uint256 i = 0; i < 9; ++i) {
            p.metrics[i] = IGengovHub.Metric({
                name: "m",
                decimals: 0,
                lossKind: LossMath.LossKind.Absolute,
                scale: 1
            });
        }
        _expectInvalid(p, IGengovHub.Parameter.metrics);

        p = _defaultParams();
        p.metrics[1].scale = 0;
        _expectInvalid(p, IGengovHub.Parameter.metrics);
        p = _defaultParams();
        p.metrics[0].decimals = 19;
        _expectInvalid(p, IGengovHub.Parameter.metrics);
        p = _defaultParams();
        p.metrics[0].name = "";
        _expectInvalid(p, IGengovHub.Parameter.metrics);
        // The top bit of a scale's 128-bit half holds the loss kind.
        p = _defaultParams();
        p.metrics[1].scale = uint128(1) << 127;
        _expectInvalid(p, IGengovHub.Parameter.metrics);
        p.metrics[1].scale = (uint128(1) << 127) - 1;
        hub.createAgreement(p, TEXT);
    }

    function test_createAgreement_revertsOnInvalidArbiter() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.arbiter = address(0);
        _expectInvalid(p, IGengovHub.Parameter.arbiter);
    }

    function test_createAgreement_revertsOnInvalidBondToken() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.bondToken = address(0);
        _expectInvalid(p, IGengovHub.Parameter.bondToken);
        p.bondToken = stranger; // an account without code
        _expectInvalid(p, IGengovHub.Parameter.bondToken);
    }

    function test_createAgreement_revertsOnInvalidMinBond() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.minBond = 0;
        p.missPenalty = 0;
        p.rejectPenalty = 0;
        _expectInvalid(p, IGengovHub.Parameter.minBond);
        p.minBond = uint128(type(uint96).max) + 1;
        _expectInvalid(p, IGengovHub.Parameter.minBond);
    }

    function test_createAgreement_revertsOnInvalidMissPenalty() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.missPenalty = MIN_BOND + 1;
        _expectInvalid(p, IGengovHub.Parameter.missPenalty);
    }

    function test_createAgreement_revertsOnInvalidRejectPenalty() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.rejectPenalty = MIN_BOND + 1;
        _expectInvalid(p, IGengovHub.Parameter.rejectPenalty);
    }

    function test_createAgreement_revertsOnInvalidChallengeBond() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.challengeBond = 0;
        _expectInvalid(p, IGengovHub.Parameter.challengeBond);
        // The execution contract books a challenge bond in 96 bits: one more would truncate.
        p.challengeBond = uint128(type(uint96).max) + 1;
        _expectInvalid(p, IGengovHub.Parameter.challengeBond);
        p.challengeBond = type(uint96).max;
        hub.createAgreement(p, TEXT);
    }

    function test_createAgreement_revertsOnInvalidAlpha() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.alpha = 0;
        _expectInvalid(p, IGengovHub.Parameter.alpha);
        p.alpha = uint64(WAD + 1);
        _expectInvalid(p, IGengovHub.Parameter.alpha);
    }

    function test_createAgreement_revertsOnInvalidMargin() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.margin = uint64(WAD + 1);
        _expectInvalid(p, IGengovHub.Parameter.margin);
    }

    function test_createAgreement_revertsOnInvalidEtaOnlyWhenWeighted() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.eta = 0;
        hub.createAgreement(p, TEXT); // Leader ignores eta
        p.selection = uint8(IGengovHub.Selection.Weighted);
        _expectInvalid(p, IGengovHub.Parameter.eta);
        // eta is a uint96 capped at 10,000 (WAD): the cap is reachable and enforced.
        p.eta = 10_000e18 + 1;
        _expectInvalid(p, IGengovHub.Parameter.eta);
        p.eta = type(uint96).max;
        _expectInvalid(p, IGengovHub.Parameter.eta);
        p.eta = 10_000e18;
        hub.createAgreement(p, TEXT);
        // Leader ignores eta even above the cap.
        p.selection = uint8(IGengovHub.Selection.Leader);
        p.eta = type(uint96).max;
        hub.createAgreement(p, TEXT);
    }

    function test_createAgreement_revertsOnInvalidRandomnessOnlyWhenWeighted() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.randomness = stranger;
        hub.createAgreement(p, TEXT); // Leader ignores randomness
        p.selection = uint8(IGengovHub.Selection.Weighted);
        _expectInvalid(p, IGengovHub.Parameter.randomness); // an account without code
        // Zero is valid: the draw then uses the hub's beacon of revealed salts.
        p.randomness = address(0);
        hub.createAgreement(p, TEXT);
    }

    function test_createAgreement_revertsOnInvalidSelection() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        uint8[3] memory bad = [uint8(2), 3, type(uint8).max];
        for (uint256 i = 0; i < bad.length; ++i) {
            p.selection = bad[i];
            _expectInvalid(p, IGengovHub.Parameter.selection);
        }
        p.selection = uint8(IGengovHub.Selection.Weighted);
        uint256 id = hub.createAgreement(p, TEXT);
        (IGengovHub.AgreementParams memory stored, , ) = hub.agreement(id);
        assertEq(uint256(stored.selection), 1, "Weighted stored");
    }

    function test_createAgreement_revertsOnInvalidMaxScore() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.maxScore = 0;
        _expectInvalid(p, IGengovHub.Parameter.maxScore);
        // A ceiling at 1.0 would let a never-scored model (score 1.0) execute.
        p.maxScore = uint64(WAD);
        _expectInvalid(p, IGengovHub.Parameter.maxScore);
        p.maxScore = type(uint64).max;
        _expectInvalid(p, IGengovHub.Parameter.maxScore);
        p.maxScore = uint64(WAD - 1);
        hub.createAgreement(p, TEXT);
    }

    function test_createAgreement_revertsOnInvalidMaxInputsPerSender() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.maxInputsPerSender = 0;
        _expectInvalid(p, IGengovHub.Parameter.maxInputsPerSender);
        p.maxInputsPerSender = p.maxInputsPerEpoch + 1;
        _expectInvalid(p, IGengovHub.Parameter.maxInputsPerSender);
        p.maxInputsPerSender = p.maxInputsPerEpoch;
        hub.createAgreement(p, TEXT);
        // Allow-list: every listed sender must be able to use its whole share (4 × 5 = 20 fits, 4 × 6 not).
        p.openInputs = false;
        p.inputAllowlist = new address[](4);
        for (uint256 i = 0; i < 4; ++i) p.inputAllowlist[i] = address(uint160(0x7000 + i));
        p.maxInputsPerSender = 6;
        _expectInvalid(p, IGengovHub.Parameter.maxInputsPerSender);
        p.maxInputsPerSender = 5;
        hub.createAgreement(p, TEXT);
    }

    function test_createAgreement_revertsOnInvalidMaxOutflowPerEpoch() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.capTokens = new address[](1);
        p.capTokens[0] = address(token);
        _expectInvalid(p, IGengovHub.Parameter.maxOutflowPerEpoch);
    }

    function test_createAgreement_revertsOnInvalidCapTokens() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.capTokens = new address[](2);
        p.maxOutflowPerEpoch = new uint256[](2);
        p.capTokens[0] = address(token);
        p.capTokens[1] = address(0);
        p.maxOutflowPerEpoch[0] = 1;
        p.maxOutflowPerEpoch[1] = 1;
        _expectInvalid(p, IGengovHub.Parameter.capTokens);
        p.capTokens[1] = address(token); // duplicate
        _expectInvalid(p, IGengovHub.Parameter.capTokens);
        p.capTokens[1] = address(rng);
        p.maxOutflowPerEpoch[1] = 0;
        _expectInvalid(p, IGengovHub.Parameter.capTokens);
    }

    function test_createAgreement_revertsOnInvalidMaxInputBytes() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.maxInputBytes = 0;
        _expectInvalid(p, IGengovHub.Parameter.maxInputBytes);
        p.maxInputBytes = 65_537;
        _expectInvalid(p, IGengovHub.Parameter.maxInputBytes);
    }

    function test_createAgreement_revertsOnInvalidMaxInputsPerEpoch() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.maxInputsPerEpoch = 0;
        _expectInvalid(p, IGengovHub.Parameter.maxInputsPerEpoch);
        p.maxInputsPerEpoch = 10_001;
        _expectInvalid(p, IGengovHub.Parameter.maxInputsPerEpoch);
    }

    function test_createAgreement_revertsOnInvalidInputAllowlist() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.openInputs = false;
        _expectInvalid(p, IGengovHub.Parameter.inputAllowlist);
        p.inputAllowlist = new address[](2);
        p.inputAllowlist[0] = stranger;
        _expectInvalid(p, IGengovHub.Parameter.inputAllowlist); // second entry is the zero address
    }

    function test_createAgreement_revertsOnInvalidReporters() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.reporters = new address[](0);
        _expectInvalid(p, IGengovHub.Parameter.reporters);
        p.reporters = new address[](33);
        for (uint256 i = 0; i < 33; ++i) p.reporters[i] = address(uint160(0x5000 + i));
        _expectInvalid(p, IGengovHub.Parameter.reporters);
        p.reporters = new address[](2);
        p.reporters[0] = r1;
        _expectInvalid(p, IGengovHub.Parameter.reporters); // zero address
        p.reporters[1] = r1;
        _expectInvalid(p, IGengovHub.Parameter.reporters); // duplicate
    }

    function test_createAgreement_revertsOnInvalidQuorum() public {
        IGengovHub.AgreementParams memory p = _defaultParams();
        p.quorum = 0;
        _expectInvalid(p, IGengovHub.Parameter.quorum);
        p.quorum = 4;
        _expectInvalid(p, IGengovHub.Parameter.quorum);
    }

    // ─────────────────────────────────────────── clock ───────────────────────────────────────────

    function test_epochAt_edges() public {
        vm.expectRevert(
            abi.encodeWithSelector(IGengovHub.AgreementNotStarted.selector, aid, uint64(genesis))
        );
        hub.epochAt(aid, genesis - 1);
        assertEq(uint256(hub.epochAt(aid, genesis)), 0, "genesis");
        assertEq(uint256(hub.epochAt(aid, genesis + L - 1)), 0, "end(0) - 1");
        assertEq(uint256(hub.epochAt(aid, genesis + L)), 1, "end(0)");
        assertEq(uint256(hub.epochAt(aid, genesis + L + 1)), 1, "end(0) + 1");
    }

    function test_fuzz_epochAt_matchesFormula(uint256 dt) public view {
        dt = bound(dt, 0, 1e12);
        assertEq(uint256(hub.epochAt(aid, genesis + dt)), dt / L, "epoch");
    }

    // ───────────────────────────────────────── unknown ids ───────────────────────────────────────

    function test_unknownAgreement_revertsOnEveryEntryPoint() public {
        for (uint256 id = 0; id < 3; id += 2) {
            bytes memory err = abi.encodeWithSelector(IGengovHub.AgreementUnknown.selector, id);
            vm.expectRevert(err);
            hub.setReporters(id, new address[](1), 1);
            vm.expectRevert(err);
            hub.submitInput(id, "x");
            vm.expectRevert(err);
            hub.deposit(id, address(token), 1);
            vm.expectRevert(err);
            hub.registerCandidate(id, bytes32(0), 1, op1);
            vm.expectRevert(err);
            hub.registerCandidateWithPermit(id, bytes32(0), 1, op1, 0, 0, bytes32(0), bytes32(0));
            vm.expectRevert(err);
            hub.topUp(id, 1, 1);
            vm.expectRevert(err);
            hub.setOperator(id, 1, op1);
            vm.expectRevert(err);
            hub.requestExit(id, 1);
            vm.expectRevert(err);
            hub.withdraw(id, 1);
            vm.expectRevert(err);
            hub.poke(id, 1);
            vm.expectRevert(err);
            hub.commitForecast(id, 1, 1, bytes32(uint256(1)));
            vm.expectRevert(err);
            hub.revealForecast(id, 1, 1, _vals(1, 2), bytes32(0));
            vm.expectRevert(err);
            hub.reportOutcome(id, 0, _vals(1, 2));
            vm.expectRevert(err);
            hub.finalizeOutcome(id, 0);
            vm.expectRevert(err);
            hub.selectExecutor(id, 0);
            vm.expectRevert(err);
            hub.epochAt(id, now_);
            vm.expectRevert(err);
            hub.agreement(id);
            vm.expectRevert(err);
            hub.candidate(id, 1);
            vm.expectRevert(err);
            hub.outcome(id, 0);
            vm.expectRevert(err);
            hub.executorOf(id, 0);
            vm.expectRevert(err);
            hub.ranking(id, 0);
            vm.expectRevert(err);
            hub.inputsHeadAt(id, 0);
            vm.expectRevert(err);
            hub.candidateOperator(id, 1);
            vm.expectRevert(err);
            hub.executionParams(id);
        }
    }

    // ───────────────────────────────────────── reporters ─────────────────────────────────────────

    function test_setReporters_revertsForNonArbiter() public {
        address[] memory set = new address[](1);
        set[0] = stranger;
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.CallerNotArbiter.selector, stranger));
        vm.prank(stranger);
        hub.setReporters(aid, set, 1);
    }

    function test_setReporters_replacesSetAndEmits() public {
        address[] memory set = new address[](2);
        set[0] = stranger;
        set[1] = r2;
        vm.expectEmit();
        emit IGengovHub.ReportersChanged(aid, set, 1);
        vm.prank(arbiter);
        hub.setReporters(aid, set, 1);

        (IGengovHub.AgreementParams memory s, , ) = hub.agreement(aid);
        assertEq(s.reporters.length, 2, "size");
        assertEq(s.reporters[0], stranger, "first");
        assertEq(uint256(s.quorum), 1, "quorum");

        _warp(_end(0));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ReporterUnknown.selector, r1));
        _report(r1, 0, _vals(1, 2));
        _report(stranger, 0, _vals(1, 2));
        _report(r2, 0, _vals(3, 4));
        (, , uint8 reports) = hub.outcome(aid, 0);
        assertEq(uint256(reports), 2, "reports");
    }

    function test_setReporters_validatesSetAndQuorum() public {
        address[] memory set = new address[](0);
        vm.startPrank(arbiter);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovHub.AgreementParameterInvalid.selector,
                IGengovHub.Parameter.reporters
            )
        );
        hub.setReporters(aid, set, 1);
        set = new address[](2);
        set[0] = stranger;
        set[1] = stranger;
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovHub.AgreementParameterInvalid.selector,
                IGengovHub.Parameter.reporters
            )
        );
        hub.setReporters(aid, set, 1);
        set[1] = address(0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGengovHub.AgreementParameterInvalid.selector,
                IGengovHub.Parameter.reporters
            )
        );
        hub.setReporters(aid, set, 1);
        set[1] = r1;
        vm.expectRevert(
            abi.encodeWithSelector(IGengovHub.AgreementParameterInvalid.selector, IGengovHub.Parameter.quorum)
        );
        hub.setReporters(aid, set, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IGengovHub.AgreementParameterInvalid.selector, IGengovHub.Parameter.quorum)
        );
        hub.setReporters(aid, set, 3);
        vm.stopPrank();
        // A rejected change leaves the old set in force.
        _warp(_end(0));
        _report(r3, 0, _vals(1, 2));
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.ReporterUnknown.selector, stranger));
        _report(stranger, 0, _vals(1, 2));
    }

    // ───────────────────────────────────────── treasury ──────────────────────────────────────────

    function test_deposit_booksAndEmits() public {
        vm.expectEmit();
        emit IGengovHub.TreasuryDeposited(aid, address(token), stranger, 7e18);
        vm.prank(stranger);
        uint256 received = hub.deposit(aid, address(token), 7e18);
        assertEq(received, 7e18, "received");
        assertEq(hub.treasuryBalance(aid, address(token)), 7e18, "treasury");
        assertEq(token.balanceOf(address(hub)), 7e18, "hub balance");
    }

    function test_deposit_otherTokenIsKeptApart() public {
        MockERC20 other = new MockERC20("Other", "OTH");
        other.mint(stranger, 10e18);
        vm.startPrank(stranger);
        other.approve(address(hub), type(uint256).max);
        hub.deposit(aid, address(other), 3e18);
        vm.stopPrank();
        assertEq(hub.treasuryBalance(aid, address(other)), 3e18, "other");
        assertEq(hub.treasuryBalance(aid, address(token)), 0, "bond token");
        assertEq(hub.treasuryBalance(aid + 1, address(other)), 0, "other agreement");
    }

    function test_deposit_feeOnTransferBooksReceived() public {
        token.setFeeBps(250);
        vm.expectEmit();
        emit IGengovHub.TreasuryDeposited(aid, address(token), stranger, 9.75e18);
        vm.prank(stranger);
        uint256 received = hub.deposit(aid, address(token), 10e18);
        assertEq(received, 9.75e18, "received");
        assertEq(hub.treasuryBalance(aid, address(token)), token.balanceOf(address(hub)), "booked = held");
    }

    function test_deposit_revertsOnZeroTokenAndZeroAmount() public {
        vm.expectRevert(IGengovHub.ZeroAddress.selector);
        hub.deposit(aid, address(0), 1);
        vm.expectRevert(abi.encodeWithSelector(IGengovHub.BondAmountInvalid.selector, 0));
        vm.prank(stranger);
        hub.deposit(aid, address(token), 0);
    }
}
