// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

// Every bound the hub, its agreement validator and its execution contract enforce, defined once.

// ─────────────────────────────────────────── hub ───────────────────────────────────────────

/// @dev Metrics per agreement (outcomes and reports are stored as int128[8]).
uint256 constant MAX_METRICS = 8;
/// @dev Reporters per agreement.
uint256 constant MAX_REPORTERS = 32;
/// @dev Forecast commitments live in a ring of this many slots per candidate, indexed by target.
uint256 constant COMMITMENT_RING = 16;
/// @dev A commitment for target t is made in epoch t − horizon and revealed by end(t + 1), so a
/// horizon of at most COMMITMENT_RING − 2 never overwrites a live one.
uint256 constant MAX_HORIZON = COMMITMENT_RING - 2;
/// @dev Live seats per agreement; the selection scan reads one slot per two of them.
uint256 constant MAX_CANDIDATES = 1024;
/// @dev A bond counts in whole `minBond` units, in 18 bits of the score record; registration and
/// top-ups refuse a bond above this many units, so the count never saturates.
uint256 constant MAX_BOND_UNITS = (1 << 18) - 1;
/// @dev Largest Weighted temperature (WAD).
uint256 constant MAX_ETA = 10_000e18;
/// @dev Consecutive void targets the selection looks back over when deciding who is up to date.
uint256 constant MAX_VOID_LOOKBACK = 16;
/// @dev Largest `maxInputBytes` an agreement may set: bytes of one participant input.
uint256 constant MAX_INPUT_BYTES = 65_536;
/// @dev Largest `maxInputsPerEpoch` an agreement may set.
uint256 constant MAX_INPUTS_PER_EPOCH = 10_000;
/// @dev Jurors seated for one vote (a proposal's jury, or an appeal's).
uint256 constant MAX_JURY_SIZE = 8;
/// @dev Eligible candidates, best first, that seating a jury considers: room for a full jury, an
/// appeal jury's exclusion of up to MAX_JURY_SIZE earlier jurors, the executor and the proposer, and
/// six skipped for sharing the proposer's operator or owner. Bounds the seating's identity reads at
/// this many and its heap of kept keys at this size; at most 31 (`_bestKeys`'s heap has four
/// levels below its root).
uint256 constant MAX_JURY_CONSIDERED = 24;
/// @dev Draws a Weighted agreement's jury seating makes at most (each draw that lands on someone who
/// may not sit is skipped).
uint256 constant MAX_JURY_DRAWS = 32;
/// @dev Targets one `poke` settles at most, so a long-dormant record is settled in bounded steps.
uint256 constant SETTLE_CHUNK = 256;

// ──────────────────────────────────────── execution ────────────────────────────────────────

/// @dev Bytes of a transition's new state.
uint256 constant MAX_STATE_BYTES = 24_576;
/// @dev Bytes of a transition's manifest.
uint256 constant MAX_MANIFEST_BYTES = 49_152;
/// @dev Bytes of the executing candidate's model spec.
uint256 constant MAX_SPEC_BYTES = 8_192;
/// @dev Treasury payments per transition.
uint256 constant MAX_ACTIONS = 16;
/// @dev Challengers per proposal. Bounds the ruling's and the lapse's loops (one slot read and one
/// credit per challenger) and the duplicate check of a challenge. Filling every place costs that
/// many challenge bonds and still returns a colluder no more than the challengers' half of the
/// penalty.
uint256 constant MAX_CHALLENGERS = 8;

// ──────────────────────────────────────── judgement ────────────────────────────────────────

/// @dev Items of a judgement round: a list's sum tree is at most 14 levels deep.
uint256 constant MAX_JUDGEMENT_ITEMS = 10_000;
/// @dev Pairs the jury answers per round.
uint256 constant MAX_JUDGEMENT_SAMPLE = 256;
/// @dev Flags per round (each takes one of the sample's pairs).
uint256 constant MAX_JUDGEMENT_FLAGS = 32;
/// @dev Lists committed per round: bounds finalization's loop and a combination's size.
uint256 constant MAX_JUDGEMENT_LISTS = 64;
/// @dev Largest |ln r| a juror may answer (WAD): r within e^±64.
int256 constant MAX_LOG_RATIO = 64e18;
