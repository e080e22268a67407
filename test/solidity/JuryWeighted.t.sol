// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovExecution} from "../../contracts/interfaces/IGengovExecution.sol";
import {IGengovHub} from "../../contracts/interfaces/IGengovHub.sol";
import {LossMath} from "../../contracts/libraries/LossMath.sol";
import {JuryDrawHarness} from "../../contracts/test/JuryDrawHarness.sol";
import {HubBase} from "./HubBase.sol";

/// @notice A Weighted agreement's jury: drawn without replacement in proportion to the selection's
/// weights, from the epoch's random word, never the executor or the proposer's side.
contract JuryWeightedTest is HubBase {
    JuryDrawHarness internal harness;
    uint256[6] internal ids;
    address[6] internal ops = [
        address(0x5001),
        address(0x5002),
        address(0x5003),
        address(0x5004),
        address(0x5005),
        address(0x5006)
    ];
    uint256 internal executor;

    function setUp() public override {
        super.setUp();
        harness = new JuryDrawHarness(hub);
        IGengovHub.AgreementParams memory p = _unitParams();
        p.minScored = 1;
        p.selection = uint8(IGengovHub.Selection.Weighted);
        p.eta = uint96(10 * WAD);
        p.randomness = address(rng);
        p.jury = IGengovHub.JuryParams(3, 2, 0, 300, 300, 0, 0);
        _use(p);
        // Owners 0..4 distinct; candidate 6 shares candidate 1's owner. Bonds: candidate 2 holds 3 units.
        address[6] memory owners = [
            address(0x6001),
            address(0x6002),
            address(0x6003),
            address(0x6004),
            address(0x6005),
            address(0x6001)
        ];
        int128[6] memory losses = [int128(0.05e18), 0.1e18, 0.15e18, 0.2e18, 0.3e18, 0.1e18];
        uint256[] memory cids = new uint256[](6);
        address[] memory opsList = new address[](6);
        int128[] memory forecasts = new int128[](6);
        for (uint256 i = 0; i < 6; ++i) {
            _fund(owners[i]);
            cids[i] = _register(owners[i], ops[i], i == 1 ? 3 * MIN_BOND : MIN_BOND);
            ids[i] = cids[i];
            opsList[i] = ops[i];
            forecasts[i] = losses[i];
        }
        _round(1, cids, opsList, forecasts, 0);
        // Candidate 1 (the best) executes epoch 2.
        rng.setWord(2, 0);
        _warp(_end(2));
        (executor, ) = hub.selectExecutor(aid, 2);
    }

    /// @dev The selection's weight of candidate `id` relative to the best score.
    function _weight(uint256 id, uint256 minScore) internal view returns (uint256) {
        IGengovHub.CandidateView memory c = _view(id);
        return (c.bond / MIN_BOND) * LossMath.expNegWad((10 * WAD * (c.score - minScore)) / WAD);
    }

    function test_draw_inProportionToTheSelectionsWeights_withoutTheProposersSide() public {
        uint256 minScore = type(uint256).max;
        for (uint256 i = 0; i < 6; ++i) if (_view(ids[i]).score < minScore) minScore = _view(ids[i]).score;
        // Who may sit for the executor's proposal: not the executor, not candidate 6 if it shares
        // the executor's owner.
        uint256[6] memory weight;
        uint256 total = 0;
        for (uint256 i = 0; i < 6; ++i) {
            if (ids[i] == executor || _view(ids[i]).owner == _view(executor).owner) continue;
            weight[i] = _weight(ids[i], minScore);
            total += weight[i];
        }
        uint256 draws = 400;
        uint256[6] memory first;
        for (uint256 w = 1; w <= draws; ++w) {
            rng.setWord(2, w);
            uint256[] memory jurors = harness.draw(aid, 2, executor, 0, 3, new uint256[](0));
            assertEq(jurors.length, 3, "three seats");
            for (uint256 a = 0; a < 3; ++a) {
                assertTrue(jurors[a] != executor, "the executor never sits");
                assertTrue(_view(jurors[a]).owner != _view(executor).owner, "nor its owner's other seats");
                for (uint256 b = 0; b < a; ++b) assertTrue(jurors[a] != jurors[b], "without replacement");
            }
            for (uint256 i = 0; i < 6; ++i) if (jurors[0] == ids[i]) ++first[i];
        }
        // The first seat follows the weights among those who may sit, within 0.08 (over 4 standard
        // errors at 400 draws).
        for (uint256 i = 0; i < 6; ++i) {
            uint256 expected = (weight[i] * 1e18) / total;
            uint256 seen = (first[i] * 1e18) / draws;
            uint256 diff = expected > seen ? expected - seen : seen - expected;
            assertLe(diff, 0.08e18, "first juror's frequency");
        }
    }

    function test_draw_dependsOnTheWordAndTheProposer_andExcludes() public {
        rng.setWord(2, 7);
        uint256[] memory a = harness.draw(aid, 2, executor, 0, 3, new uint256[](0));
        uint256[] memory again = harness.draw(aid, 2, executor, 0, 3, new uint256[](0));
        for (uint256 i = 0; i < 3; ++i) assertEq(a[i], again[i], "the same word draws the same jury");
        uint256[] memory appeal = harness.draw(aid, 2, executor, 1, 3, a);
        for (uint256 i = 0; i < appeal.length; ++i) {
            for (uint256 j = 0; j < 3; ++j) assertTrue(appeal[i] != a[j], "an appeal juror already sat");
        }
        assertLe(appeal.length, 1, "only one eligible candidate is left for the appeal");
    }

    function test_propose_seatsAWeightedJury() public {
        bytes32 inputsHash = hub.inputsHeadAt(aid, 2);
        (address operator, ) = hub.candidateOperator(aid, executor);
        IGengovExecution execution = hub.execution();
        address owner = _view(executor).owner;
        vm.prank(operator);
        execution.proposeTransition(
            aid,
            2,
            bytes32(0),
            inputsHash,
            bytes("state 2"),
            new IGengovExecution.Action[](0),
            bytes("manifest"),
            abi.encode("spec", owner, operator)
        );
        assertTrue(
            execution.proposal(aid).status == IGengovExecution.Status.Voting,
            "the proposal waits for its jury"
        );
        assertEq(jury.vote(aid, 2, executor, 0).jurors.length, 3, "three jurors drawn");
    }
}

interface VmWeightedGas {
    function cool(address target) external;
    function snapshotValue(string calldata group, string calldata name, uint256 value) external;
}

/// @notice The cost of drawing a Weighted jury over 1024 eligible seats, measured cold, in the worst
/// case for its identity reads: every seat shares the proposer's owner, so every one of the
/// `MAX_JURY_DRAWS` draws reads a candidate and seats nobody.
contract JuryWeightedGasTest is HubBase {
    VmWeightedGas internal constant vmg = VmWeightedGas(
        address(uint160(uint256(keccak256("hevm cheat code"))))
    );
    /// @dev Measured 3,697,530: reading the 512 record slots through the hub (about 1.1M), the
    /// weights of 1024 eligible seats (one exp each, as the selection's draw) into a Fenwick tree,
    /// and 32 draws with their identity reads. About 1.9 times the selection's own worst case; this
    /// bound guards against regressions.
    uint256 internal constant DRAW_GAS_BOUND = 4_000_000;

    function test_gas_weightedDraw_n1024_bounded() public {
        JuryDrawHarness harness = new JuryDrawHarness(hub);
        IGengovHub.AgreementParams memory p = _unitParams();
        p.minScored = 1;
        p.selection = uint8(IGengovHub.Selection.Weighted);
        p.eta = uint96(WAD);
        p.randomness = address(rng);
        p.jury = IGengovHub.JuryParams(8, 1, 0, 300, 300, 0, 0);
        _use(p);
        uint256 n = 1024;
        for (uint256 i = 0; i < n; ++i) hub.registerCandidate(aid, bytes32(i), MIN_BOND, address(this));
        for (uint256 i = 1; i <= n; ++i) {
            hub.commitForecast(aid, i, 1, _commitment(i, 1, _vals(int128(int256(0.5e18 - i * 1e14)))));
        }
        _warp(_end(1));
        _reportAll(1, _vals(0));
        _warp(_revealOpens(1));
        for (uint256 i = 1; i <= n; ++i) {
            hub.revealForecast(aid, i, 1, _vals(int128(int256(0.5e18 - i * 1e14))), _salt(i, 1));
        }
        _warp(_end(2));
        (uint256 executor, ) = hub.selectExecutor(aid, 2);
        // Warm the harness's copy of the agreement's terms (a one-time cost per agreement).
        harness.draw(aid, 2, executor, 0, 8, new uint256[](0));
        vmg.cool(address(hub));
        vmg.cool(address(harness));
        uint256 g = gasleft();
        uint256[] memory jurors = harness.draw(aid, 2, executor, 0, 8, new uint256[](0));
        uint256 used = g - gasleft();
        assertEq(jurors.length, 0, "every seat shares the proposer's owner: nobody sits");
        vmg.snapshotValue("hub", "jury.draw.weighted.n1024.worst.cold", used);
        assertLe(used, DRAW_GAS_BOUND, "drawing a Weighted jury over 1024 adversarial seats");
    }
}
