// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGengovHub} from "./IGengovHub.sol";

/// @title IGengovExecution
/// @notice Optimistic state transitions of gengov agreements: the selected
/// executor (or the fallback in a second window) proposes the new state, treasury actions and a
/// manifest; up to 8 challengers (never the proposer's operator or owner) post a bond each during the
/// challenge period; the arbiter rules; a challenge the arbiter leaves unruled lapses and the
/// transition stands; unchallenged, upheld or lapsed transitions are finalized by anyone; payments
/// are pulled by recipients.
interface IGengovExecution {
    /// @notice Lifecycle of an agreement's current proposal.
    /// @dev Proposed → Finalized (unchallenged, after the challenge period); Proposed → Challenged →
    /// Upheld → Finalized; Challenged → Rejected (terminal: state unchanged, inputs roll over);
    /// Challenged → Lapsed → Finalized (no ruling by the deadline: the challenge lapses, the transition
    /// stands).
    enum Status {
        None,
        Proposed,
        Challenged,
        Upheld,
        Rejected,
        Lapsed,
        Finalized,
        /// @dev Proposed under a jury whose vote is not closed yet.
        Voting
    }

    /// @notice v1 treasury action: pay `amount` of `token` from the agreement's treasury to `to`.
    struct Action {
        address token;
        address to;
        uint256 amount;
    }

    /// @notice One challenge of the current proposal: who posted it and the bond that arrived.
    struct Challenge {
        address challenger;
        uint256 bond;
    }

    /// @notice The agreement's current (latest) proposal.
    struct ProposalView {
        uint64 epoch;
        uint64 proposedAt;
        uint256 candidateId;
        Status status;
        /// @dev In the order they were posted. They stay listed after the ruling or lapse settled
        /// them; bonds are held by this contract only while the status is Challenged.
        Challenge[] challenges;
        bytes32 commitment;
        /// @dev A jury was seated for this proposal: the challenge period opens when its vote ends.
        bool juried;
        /// @dev When the challenge period opens (proposedAt, or the end of the jury's vote).
        uint64 challengeOpensAt;
    }

    /// @notice A transition was proposed; state, actions, manifest and spec are here in full.
    /// @param agreementId The agreement.
    /// @param epoch The executed epoch.
    /// @param candidateId The proposing candidate.
    /// @param prevStateHash The state hash it builds on.
    /// @param inputsHash The input chain head it binds.
    /// @param newStateHash keccak256 of the new state.
    /// @param manifestHash keccak256 of the manifest.
    /// @param newState The new state (JSON).
    /// @param actions The treasury actions.
    /// @param manifest The manifest (canonical JSON).
    /// @param spec The candidate's model spec bytes (hash = its specHash).
    event TransitionProposed(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint256 indexed candidateId,
        bytes32 prevStateHash,
        bytes32 inputsHash,
        bytes32 newStateHash,
        bytes32 manifestHash,
        bytes newState,
        Action[] actions,
        bytes manifest,
        bytes spec
    );
    /// @notice A proposal was challenged (once per challenger).
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @param challenger The challenger.
    /// @param bond The challenge bond received.
    event TransitionChallenged(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        address indexed challenger,
        uint256 bond
    );
    /// @notice The proposal's jury rejected the transition: no state change, no actions.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @param candidateId The proposing candidate.
    /// @param penalty Taken from its bond into the treasury.
    event TransitionVetoed(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint256 candidateId,
        uint256 penalty
    );
    /// @notice The ruling period lapsed with the appeal jury against the transition: it is rejected
    /// as if the arbiter had ruled so (the challengers get their bonds and the penalty's share).
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @param penalty Taken from the executor's bond.
    event TransitionOverturned(uint256 indexed agreementId, uint64 indexed epoch, uint256 penalty);
    /// @notice The arbiter ruled on a challenge.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @param upheld True: the transition stands; false: rejected.
    /// @param penalty Taken from the executor's bond (rejected only).
    event TransitionRuled(uint256 indexed agreementId, uint64 indexed epoch, bool upheld, uint256 penalty);
    /// @notice The arbiter did not rule in time: the challenge lapsed and the transition stands (it
    /// may be finalized); each challenger forfeited half its bond to the treasury.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @param forfeited The challengers' bonds sent to the treasury, in total.
    event ChallengeLapsed(uint256 indexed agreementId, uint64 indexed epoch, uint256 forfeited);
    /// @notice A transition was finalized: state hash updated and actions credited.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @param candidateId The executor.
    /// @param stateHash The new state hash.
    event TransitionFinalized(
        uint256 indexed agreementId,
        uint64 indexed epoch,
        uint256 indexed candidateId,
        bytes32 stateHash
    );
    /// @notice A payment was credited to a recipient, to be withdrawn by it.
    /// @param agreementId The agreement.
    /// @param token The token.
    /// @param to The recipient.
    /// @param amount The amount.
    event PaymentCredited(
        uint256 indexed agreementId,
        address indexed token,
        address indexed to,
        uint256 amount
    );
    /// @notice The transition just proposed carries the option its epoch's conditional-forecast
    /// decision took.
    /// @param agreementId The agreement.
    /// @param epoch The executed epoch.
    /// @param option The option (index in the epoch's option set).
    event TransitionOption(uint256 indexed agreementId, uint64 indexed epoch, uint8 option);
    /// @notice A recipient withdrew what it was owed.
    /// @param account The recipient.
    /// @param token The token.
    /// @param amount The amount.
    event PaymentWithdrawn(address indexed account, address indexed token, uint256 amount);

    /// @notice Only the hub that created this contract may call this.
    error CallerNotHub(address caller);
    /// @notice The epoch has a conditional-forecast decision: propose with `proposeDecidedTransition`.
    error DecisionRequired(uint64 epoch);
    /// @notice The epoch's decision is not made yet (call the conditional contract's `decide` or, in an
    /// advisory round, wait for the arbiter's `choose`).
    error DecisionPending(uint64 epoch);
    /// @notice The epoch has no conditional-forecast decision: propose with `proposeTransition`.
    error NoDecision(uint64 epoch);
    /// @notice The transition carries another option than the one decided.
    error OptionNotDecided(uint8 given, uint8 decided);
    /// @notice Outside both proposal windows of the epoch.
    error ProposalWindowClosed(uint64 epoch, uint64 opensAt, uint64 closesAt);
    /// @notice The epoch has no executor (or no fallback in the second window).
    error NoExecutor(uint64 epoch);
    /// @notice The caller is not the operator of the candidate allowed to propose now.
    error CallerNotProposer(uint256 candidateId, address caller);
    /// @notice Another transition is still open; it must be finalized, rejected or expired first.
    error TransitionPending(uint64 epoch, Status status);
    /// @notice This epoch already has a proposal that may not be replaced now.
    error TransitionAlreadyProposed(uint64 epoch, Status status);
    /// @notice `prevStateHash` is not the current state hash.
    error StateHashStale(bytes32 given, bytes32 current);
    /// @notice `inputsHash` is not the input chain head at the end of the epoch.
    error InputsHashMismatch(bytes32 given, bytes32 expected);
    /// @notice keccak256 of the given spec is not the candidate's specHash.
    error SpecHashMismatch(bytes32 given, bytes32 specHash);
    /// @notice The state, manifest or spec is empty or too large; `what` names it.
    error TransitionDataInvalid(string what, uint256 size, uint256 max);
    /// @notice Action `index` is malformed: zero token, recipient or amount.
    error ActionInvalid(uint256 index);
    /// @notice A transition pays with `count` actions, more than `max`.
    error ActionsTooMany(uint256 count, uint256 max);
    /// @notice The actions would pay `needed` of `token`, more than the `remaining` of its per-epoch
    /// cap. (A treasury that holds too little reverts `IGengovHub.TreasuryInsufficient`.)
    error OutflowCapExceeded(address token, uint256 remaining, uint256 needed);
    /// @notice The agreement's current proposal is not for this epoch or not in the needed status.
    error TransitionStatusInvalid(uint64 epoch, Status status);
    /// @notice The challenge period of the proposal has ended.
    error ChallengePeriodOver(uint64 epoch, uint64 endedAt);
    /// @notice The proposing candidate's operator or owner may not challenge its transition.
    error ProposerCannotChallenge(uint256 candidateId, address caller);
    /// @notice `challenger` already challenged this proposal.
    error AlreadyChallenged(uint64 epoch, address challenger);
    /// @notice The proposal already has the maximum number of challengers.
    error ChallengerLimitReached(uint64 epoch, uint256 max);
    /// @notice The challenge bond that arrived is zero or does not fit in 96 bits.
    error ChallengeBondInvalid(uint256 received);
    /// @notice The proposal cannot be finalized yet.
    error ChallengePeriodActive(uint64 epoch, uint64 endsAt);
    /// @notice The arbiter's ruling period ended at `endedAt`: too late to rule.
    error RulingPeriodOver(uint64 epoch, uint64 endedAt);
    /// @notice The arbiter may still rule until `endsAt`: too early for the challenge to lapse.
    error RulingPeriodActive(uint64 epoch, uint64 endsAt);
    /// @notice The given state hash, manifest hash or actions differ from the proposal.
    error ProposalDataMismatch(uint64 epoch);
    /// @notice Nothing is owed to the caller in this token.
    error NothingOwed(address account, address token);
    /// @notice Only the hub's jury contract reports a closed vote.
    error CallerNotJury(address caller);
    /// @notice The challenge period opens at `opensAt` (after the jury's vote).
    error ChallengePeriodNotOpen(uint64 epoch, uint64 opensAt);

    /// @notice The hub this contract executes for.
    /// @return The hub.
    function hub() external view returns (IGengovHub);

    /// @notice The jury's round-0 vote on the live proposal closed (the jury contract only).
    /// Accepted: the transition's challenge period runs. Rejected: the transition is rejected with
    /// no state change and no actions, the proposer pays `rejectPenalty` into the treasury, the
    /// juries are settled and the fallback may propose.
    /// @param agreementId The agreement.
    /// @param epoch The transition's epoch.
    /// @param proposer The proposing candidate.
    /// @param accepted The vote's decision.
    function onVoteClosed(uint256 agreementId, uint64 epoch, uint256 proposer, bool accepted) external;

    /// @notice Propose epoch `epoch`'s transition: the selected executor in [end(e), end(e) + W), or
    /// the fallback in [end(e) + W, end(e) + 2W) if the executor did not propose or was rejected.
    /// Once the executor's transition is rejected, the fallback's window stays open until
    /// max(end(e) + 2W, end(e) + epochLength − challengePeriod − rulingPeriod): the last moment at
    /// which the fallback's own transition can still be challenged and ruled on before epoch e + 1's
    /// executor proposes. So a challenge of the executor's transition cannot shut the fallback out
    /// by keeping the rejection until after end(e) + 2W: only a rejection after that moment can,
    /// and the arbiter chooses when it rules.
    /// @dev The clock rule 2W + challengePeriod + rulingPeriod ≤ epochLength makes the late bound
    /// never end before the ordinary window, and every transition of epoch e settle before end(e + 1).
    /// @param agreementId The agreement.
    /// @param epoch The executed epoch (its inputs are closed).
    /// @param prevStateHash Must equal the current state hash.
    /// @param inputsHash Must equal hub.inputsHeadAt(agreementId, epoch).
    /// @param newState The new state document (JSON bytes, size-capped).
    /// @param actions Treasury actions (each token within its per-epoch cap).
    /// @param manifest The manifest (canonical JSON, size-capped; embeds `spec` byte for byte).
    /// @param spec The model spec bytes; keccak256(spec) must equal the candidate's specHash.
    /// @return newStateHash keccak256 of the new state.
    function proposeTransition(
        uint256 agreementId,
        uint64 epoch,
        bytes32 prevStateHash,
        bytes32 inputsHash,
        bytes calldata newState,
        Action[] calldata actions,
        bytes calldata manifest,
        bytes calldata spec
    ) external returns (bytes32 newStateHash);

    /// @notice `proposeTransition` for an epoch with a conditional-forecast decision (the hub's
    /// conditional contract): the transition carries the option decided, and one carrying any
    /// other option, or proposed before the decision, reverts. Everything else — windows, caps,
    /// jury, challenges — is as for `proposeTransition`. Emits `TransitionProposed`, then
    /// `TransitionOption`.
    /// @param agreementId The agreement.
    /// @param epoch The executed epoch.
    /// @param option The option the transition implements (index in the epoch's option set).
    /// @param prevStateHash Must equal the current state hash.
    /// @param inputsHash Must equal hub.inputsHeadAt(agreementId, epoch).
    /// @param newState The new state document.
    /// @param actions Treasury actions.
    /// @param manifest The manifest.
    /// @param spec The model spec bytes.
    /// @return newStateHash keccak256 of the new state.
    function proposeDecidedTransition(
        uint256 agreementId,
        uint64 epoch,
        uint8 option,
        bytes32 prevStateHash,
        bytes32 inputsHash,
        bytes calldata newState,
        Action[] calldata actions,
        bytes calldata manifest,
        bytes calldata spec
    ) external returns (bytes32 newStateHash);

    /// @notice Challenge the current proposal during its challenge period, posting the agreement's
    /// challengeBond in its bond token. Up to 8 challengers per proposal, each address once; the
    /// proposing candidate's operator and owner may not challenge (ProposerCannotChallenge). A later
    /// challenger joins an already challenged proposal on equal terms with the first.
    /// @param agreementId The agreement.
    /// @param epoch The epoch of the proposal.
    function challenge(uint256 agreementId, uint64 epoch) external;

    /// @notice Arbiter's ruling before proposedAt + challengePeriod + rulingPeriod. Upheld: every
    /// challenger's bond goes to the treasury and the transition may be finalized. Rejected: the
    /// proposer loses rejectPenalty (capped at its bond; half to the challengers, rest to the
    /// treasury), every challenger is owed its bond back plus an equal part of the challengers' half
    /// (the division remainder, fewer base units than there are challengers, to the first
    /// challenger); state unchanged, inputs roll over.
    /// @dev However many challengers there are, together they receive ⌊taken / 2⌋ of the penalty
    /// taken, so a proposer that challenges itself through other addresses still loses ⌈taken / 2⌉,
    /// and an honest challenger that joins shares the reward with them.
    /// @param agreementId The agreement.
    /// @param epoch The epoch of the proposal.
    /// @param upheld The ruling.
    function rule(uint256 agreementId, uint64 epoch, bool upheld) external;

    /// @notice From the ruling deadline on, with no ruling, the challenge lapses: the transition stands
    /// (status Lapsed; finalize it next) and each challenger is owed ⌊bond / 2⌋ back while the rest
    /// of its bond goes to the treasury. An arbiter that never rules has abdicated; the per-epoch
    /// outflow caps bound what a transition it did not review can pay, and the forfeited half makes
    /// a challenge that only stalls the agreement cost its challenger. Anyone may call.
    /// @param agreementId The agreement.
    /// @param epoch The epoch of the proposal.
    function lapseChallenge(uint256 agreementId, uint64 epoch) external;

    /// @notice Finalize an unchallenged proposal after its challenge period, or an upheld or lapsed
    /// one: the state hash is updated and the actions' payments credited. Exactly once. Anyone may
    /// call.
    /// @param agreementId The agreement.
    /// @param epoch The epoch of the proposal.
    /// @param newStateHash keccak256 of the proposed state.
    /// @param manifestHash keccak256 of the proposed manifest.
    /// @param actions The proposed actions, as proposed.
    function finalize(
        uint256 agreementId,
        uint64 epoch,
        bytes32 newStateHash,
        bytes32 manifestHash,
        Action[] calldata actions
    ) external;

    /// @notice Withdraw everything owed to the caller in `token` (payments, returned bonds, rewards).
    /// @param token The token.
    /// @return amount The amount paid.
    function withdrawPayment(address token) external returns (uint256 amount);

    /// @notice The agreement's current state hash (zero before the first transition).
    /// @param agreementId The agreement.
    /// @return The state hash.
    function stateHash(uint256 agreementId) external view returns (bytes32);

    /// @notice The agreement's current proposal.
    /// @param agreementId The agreement.
    /// @return The proposal.
    function proposal(uint256 agreementId) external view returns (ProposalView memory);

    /// @notice What `account` may withdraw in `token`.
    /// @param account The account.
    /// @param token The token.
    /// @return The amount owed.
    function owed(address account, address token) external view returns (uint256);

    /// @notice Amount of `token` paid out for `epoch`'s transition so far.
    /// @param agreementId The agreement.
    /// @param epoch The epoch.
    /// @param token The token.
    /// @return The amount.
    function spent(uint256 agreementId, uint64 epoch, address token) external view returns (uint256);
}
