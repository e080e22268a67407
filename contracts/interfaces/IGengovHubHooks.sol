// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title IGengovHubHooks
/// @notice The hub's side of its pairing with the execution contract it creates: the only calls
/// that move bonds and treasury funds out of the hub on a transition's account (`slashBond`,
/// `releaseTreasury`), the executor's tally (`recordExecution`), and the agreement parameters the
/// execution contract caches (`executionParams`). The three state-changing hooks revert
/// `CallerNotExecution` for any caller but the execution contract. Participants use `IGengovHub`.
interface IGengovHubHooks {
    // ─────────────────────────────────────────── types ───────────────────────────────────────────

    /// @notice The agreement parameters the execution contract needs, read in one call.
    struct ExecutionParams {
        uint64 genesis;
        uint32 epochLength;
        uint32 executionWindow;
        uint32 challengePeriod;
        uint32 rulingPeriod;
        address arbiter;
        address bondToken;
        uint128 rejectPenalty;
        uint128 challengeBond;
        /// @dev The jury's vote (commit + reveal window) in seconds; 0 = the agreement has no jury.
        uint32 voteWindow;
        /// @dev A challenge seats an appeal jury.
        bool appealJury;
        /// @dev The hub's jury contract when the agreement has a jury, else zero.
        address jury;
    }

    // ─────────────────────────────────────────── events ──────────────────────────────────────────

    /// @notice A rejected transition's penalty was taken from the executor's bond.
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @param taken The amount taken from the bond.
    /// @param toTreasury The part kept in the agreement's treasury (the rest went to the challenger).
    event BondSlashed(
        uint256 indexed agreementId,
        uint256 indexed candidateId,
        uint256 taken,
        uint256 toTreasury
    );
    /// @notice Treasury tokens moved to the execution contract to pay a finalized transition's actions.
    /// @param agreementId The agreement.
    /// @param token The token.
    /// @param amount The amount moved.
    event TreasuryReleased(uint256 indexed agreementId, address indexed token, uint256 amount);

    // ─────────────────────────────────────────── errors ──────────────────────────────────────────

    /// @notice Only the hub's execution contract (or, for `chargeBond` and `releaseTreasury`, its
    /// jury contract) may call this hook.
    error CallerNotExecution(address caller);

    /// @notice A candidate's bond was charged into the agreement's treasury (a vetoed transition's
    /// penalty, or a juror's).
    /// @param agreementId The agreement.
    /// @param candidateId The candidate.
    /// @param taken The amount taken from the bond.
    event BondCharged(uint256 indexed agreementId, uint256 indexed candidateId, uint256 taken);

    // ─────────────────────────────────────────── hooks ───────────────────────────────────────────

    /// @notice Take up to `amount` from a candidate's bond for a rejected transition: half (rounded
    /// down) is sent to the execution contract for the challenger, the rest stays in the agreement's
    /// treasury. Execution contract only.
    /// @param agreementId The agreement.
    /// @param candidateId The penalised candidate.
    /// @param amount The penalty.
    /// @return taken What was taken (capped at the bond).
    /// @return toChallenger The part sent to the execution contract for the challenger.
    function slashBond(
        uint256 agreementId,
        uint256 candidateId,
        uint256 amount
    ) external returns (uint256 taken, uint256 toChallenger);

    /// @notice Take up to `amount` from a candidate's bond into the agreement's treasury. Execution
    /// or jury contract only.
    /// @param agreementId The agreement.
    /// @param candidateId The charged candidate.
    /// @param amount The charge.
    /// @return taken What was taken (capped at the bond).
    function chargeBond(
        uint256 agreementId,
        uint256 candidateId,
        uint256 amount
    ) external returns (uint256 taken);

    /// @notice Move treasury tokens to the caller: the execution contract, to pay a finalized
    /// transition's actions, or the jury contract, to pay jury fees.
    /// @param agreementId The agreement.
    /// @param token The token.
    /// @param amount The amount.
    function releaseTreasury(uint256 agreementId, address token, uint256 amount) external;

    /// @notice Record judgement or conditional-forecast losses in score records: each candidate's EWMA takes one step toward
    /// its loss and its scored count grows by one, as for a revealed forecast (withdrawn candidates
    /// are skipped). Timed like a top-up: in a Weighted agreement it is refused while the roster is
    /// frozen (`RosterFrozen`) and fixes the previous epoch's selection first. Judgement or
    /// conditional-forecast contract only.
    /// @param agreementId The agreement.
    /// @param candidateIds The candidates.
    /// @param losses Their losses (WAD, at most 1e18).
    function recordLosses(
        uint256 agreementId,
        uint256[] calldata candidateIds,
        uint256[] calldata losses
    ) external;

    /// @notice Count a finalized transition for its executor. Execution contract only.
    /// @param agreementId The agreement.
    /// @param candidateId The executor.
    function recordExecution(uint256 agreementId, uint256 candidateId) external;

    /// @notice The parameters the execution contract needs.
    /// @param agreementId The agreement.
    /// @return The execution parameters.
    function executionParams(uint256 agreementId) external view returns (ExecutionParams memory);
}
