// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "../interfaces/IGengovHub.sol";
import {GengovJury} from "../jury/GengovJury.sol";

/// @notice Test harness: a Weighted agreement's jury draw, callable directly (the jury contract only
/// draws when the execution contract opens a vote).
contract JuryDrawHarness is GengovJury {
    constructor(IGengovHub hub_) GengovJury(hub_) {}

    function draw(
        uint256 agreementId,
        uint64 epoch,
        uint256 proposer,
        uint8 round,
        uint256 size,
        uint256[] memory exclude
    ) external returns (uint256[] memory) {
        return _drawJurors(agreementId, epoch, proposer, round, size, exclude, _termsOf(agreementId));
    }
}
