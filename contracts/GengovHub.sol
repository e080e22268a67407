// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Candidates} from "./hub/Candidates.sol";
import {Forecasts} from "./hub/Forecasts.sol";
import {Inputs} from "./hub/Inputs.sol";

/// @title GengovHub
/// @notice The singleton hub: every agreement, candidate, forecast, outcome and executor selection.
/// Each concern lives in its own module under `hub/`; the external surface is `IGengovHub`.
contract GengovHub is Candidates, Inputs, Forecasts {}
