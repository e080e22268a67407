// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IGengovExecution} from "../interfaces/IGengovExecution.sol";
import {IGengovHub} from "../interfaces/IGengovHub.sol";

/// @title ConservationProbe
/// @notice Test only, meant for eth_call: pokes every candidate (so lazily applied missed-reveal
/// penalties are booked) and returns, for one token, what the hub and the execution contract hold
/// next to what they owe. Because it runs as a call, the pokes never persist.
contract ConservationProbe {
    struct Totals {
        uint256 hubHeld;
        uint256 bonds;
        uint256 treasuries;
        uint256 executionHeld;
        uint256 owed;
        uint256 liveChallengeBonds;
    }

    function totals(
        IGengovHub hub,
        uint256[] calldata agreementIds,
        address[] calldata accounts,
        address token
    ) external returns (Totals memory t) {
        IGengovExecution execution = IGengovExecution(_execution(hub));
        for (uint256 i = 0; i < agreementIds.length; ++i) {
            uint256 id = agreementIds[i];
            (IGengovHub.AgreementParams memory p, , uint256 count) = hub.agreement(id);
            for (uint256 c = 1; c <= count; ++c) {
                hub.poke(id, c);
                if (p.bondToken == token) t.bonds += hub.candidate(id, c).bond;
            }
            t.treasuries += hub.treasuryBalance(id, token);
            IGengovExecution.ProposalView memory live = execution.proposal(id);
            if (live.status == IGengovExecution.Status.Challenged && p.bondToken == token) {
                for (uint256 k = 0; k < live.challenges.length; ++k) {
                    t.liveChallengeBonds += live.challenges[k].bond;
                }
            }
        }
        for (uint256 i = 0; i < accounts.length; ++i) t.owed += execution.owed(accounts[i], token);
        t.hubHeld = IERC20(token).balanceOf(address(hub));
        t.executionHeld = IERC20(token).balanceOf(address(execution));
    }

    function _execution(IGengovHub hub) private view returns (address) {
        return address(HubWithExecution(address(hub)).execution());
    }
}

interface HubWithExecution {
    function execution() external view returns (IGengovExecution);
}
