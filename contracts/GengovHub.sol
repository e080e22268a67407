// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Candidates} from "./hub/Candidates.sol";
import {ExecutionHooks} from "./hub/ExecutionHooks.sol";
import {Forecasts} from "./hub/Forecasts.sol";
import {Inputs} from "./hub/Inputs.sol";
import {GengovHubModule} from "./hub/GengovHubModule.sol";
import {ModuleCalls} from "./hub/ModuleCalls.sol";

/// @title GengovHub
/// @notice The singleton hub: every agreement, candidate, forecast, outcome and executor selection.
/// Each concern lives in its own module under `hub/`; participants call `IGengovHub`. The hub
/// creates its execution contract (`execution()`), which runs transitions and may move bonds and
/// treasury funds only through the hooks of `IGengovHubHooks` (`ExecutionHooks`). It is bound at construction to `GengovHubModule` (deployed first, `module()`), which
/// holds agreement creation, the reporter-set change and the `agreement` and `ranking` views, and
/// runs them on the hub's storage by DELEGATECALL (`ModuleCalls`). Overview: docs/architecture.md.
contract GengovHub is Candidates, Inputs, Forecasts, ExecutionHooks, ModuleCalls {
    /// @notice Creates the execution contract and binds the hub to `module_`.
    /// @param module_ The `GengovHubModule`, deployed first.
    constructor(GengovHubModule module_) ModuleCalls(module_) {}
}
