// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "./IGengovHub.sol";

/// @title IGengovDecisions
/// @notice The part of the conditional-forecast contract (`IGengovConditional`) the hub and its
/// execution contract call: the hub checks which hub it names when it is attached, the execution
/// contract checks every proposal against the epoch's decision and reports the finalization of a
/// transition that carried one.
interface IGengovDecisions {
    /// @notice The hub.
    /// @return The hub.
    function hub() external view returns (IGengovHub);

    /// @notice Whether `epoch` has a decision, whether it is made and the option taken; the
    /// execution contract checks transitions with it.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @return required The epoch has a decision.
    /// @return decided It is made.
    /// @return option The option taken (0 until decided).
    function decisionOf(
        uint256 agreementId,
        uint64 epoch
    ) external view returns (bool required, bool decided, uint8 option);

    /// @notice Called by the hub's execution contract when the transition carrying the epoch's
    /// option is finalized; marks the decision executed (a no-op once its round is settled, so it
    /// never blocks a finalization).
    /// @param agreementId The agreement.
    /// @param epoch The decision epoch.
    function onExecuted(uint256 agreementId, uint64 epoch) external;
}
