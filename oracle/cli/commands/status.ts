/**
 * `gengov status <agreementId>`: epoch and phase with time left, the executor of the last ended epoch
 * and the projected executor of the current one, the last transition and every candidate.
 */
import type { Command } from "commander";

import { gengovHubAbi } from "../../chain/abis.js";
import { formatDate, formatDuration, formatTokens, formatWhen } from "../../chain/revert.js";
import {
  epochAt,
  epochEnd,
  executorWindow,
  fallbackWindow,
  revealCloses,
  revealOpens,
  type Clock,
} from "../../node/clock.js";
import { hub, type HubAbi, type ReadResult } from "../../protocol/contracts.js";
import { TransitionStatus, transitionStatusNames } from "../../protocol/generated.js";
import { CandidateStatus, isVoidOutcome, standingOf } from "../../scoring/effectiveScore.js";
import { projectSelection, type SelectionProjection } from "../../scoring/projection.js";
import { MAX_VOID_LOOKBACK, selectionMode, upToDateFloor } from "../../scoring/selection.js";
import { liveStatus } from "../../verify/transitionStatus.js";
import { parseId, table, type Runtime, type Token } from "../runtime.js";
import { candidateState, formatScore, showCandidate } from "./candidate/reads.js";
import { juryBrief } from "./jury/show.js";
import type { Rt } from "./rt.js";
import { agreementClock, liveProposal, type LiveProposal } from "./transition/reads.js";

type Candidate = Awaited<ReturnType<typeof showCandidate>> & { candidateId: bigint };
type Params = ReadResult<HubAbi, "agreement">[0];

export function registerStatusCommand(program: Command, rt: Rt) {
  program
    .command("status <agreementId>")
    .description(
      "epoch and phase with time left, candidates (score, eligibility, cursor, up to date), executor, projected executor, last transition",
    )
    .action(async (idArg: string, _o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      await showStatus(r, parseId("agreementId", idArg));
    });
}

async function showStatus(r: Runtime, id: bigint) {
  const c = await agreementClock(r, id);
  const now = (await r.client.getBlock()).timestamp;
  const e = epochAt(c, now);
  const active = openPhases(c, e, now);
  const [params, , count] = await hub(r).read("agreement", [id]);
  const candidates: Candidate[] = await Promise.all(
    Array.from({ length: Number(count) }, (_, i) => BigInt(i + 1)).map(async (cid) => ({
      candidateId: cid,
      ...(await showCandidate(r, id, cid)),
    })),
  );
  const executor = e >= 1n ? await executorOf(r, id, e - 1n) : ([0n, 0n, false] as const);
  const live = await liveProposal(r, id);
  const bt = await r.token(params.bondToken, "bondToken");
  const projection = e >= 0n ? await project(r, id, e, params, candidates, executor[0]) : undefined;
  const jury =
    live.status !== TransitionStatus.None && live.juried
      ? await juryBrief(r, { agreementId: id, epoch: live.epoch, proposer: live.candidateId })
      : undefined;
  const machine = {
    agreementId: id,
    now,
    epoch: e,
    secondsLeftInEpoch: e >= 0n ? epochEnd(c, e) - now : c.genesis - now,
    phases: active,
    executor: { epoch: e - 1n, executor: executor[0], fallback: executor[1], fixed: executor[2] },
    ...(projection ? { projected: { epoch: e, ...projection } } : {}),
    lastTransition: { ...live, status: transitionStatusNames[live.status] },
    pendingChallenges: live.status === TransitionStatus.Challenged ? live.challenges : [],
    jury: jury?.machine ?? null,
    candidates: candidates.map((k) => ({
      ...k,
      state: k.withdrawn ? "withdrawn" : k.exiting ? "exiting" : "active",
    })),
  };
  const lines = [
    e >= 0n
      ? `agreement ${id}: epoch ${e}, ${formatDuration(machine.secondsLeftInEpoch)} left (ends ${formatDate(epochEnd(c, e))})`
      : `agreement ${id}: starts at ${formatWhen(c.genesis, now)}`,
    ...active.map((p) => `  ${p.phase}: ${formatDuration(p.secondsLeft)} left`),
    e >= 1n
      ? `executor of epoch ${e - 1n}: ${executor[0] || "none"} (fallback ${executor[1] || "none"}${executor[2] ? ", fixed" : ""})`
      : "executor: none yet (no epoch has ended)",
    ...(projection ? [projectionLine(e, projection)] : []),
    ...transitionLines(live, bt),
    ...(jury?.lines ?? []),
    candidateTable(candidates, now, bt, projection),
  ];
  r.print(lines.join("\n"), machine);
}

/** The phases of the last ended epoch that are open now, with the seconds they have left. */
function openPhases(c: Clock, e: bigint, now: bigint) {
  const phases: { name: string; opens: bigint; closes: bigint }[] = [];
  if (e >= 1n) {
    const prev = e - 1n;
    phases.push({
      name: `report window of epoch ${prev}`,
      opens: epochEnd(c, prev),
      closes: epochEnd(c, prev) + c.reportWindow,
    });
    phases.push({
      name: `reveal window of target ${prev}`,
      opens: revealOpens(c, prev),
      closes: revealCloses(c, prev),
    });
    phases.push({ name: `execution window of epoch ${prev}`, ...executorWindow(c, prev) });
    phases.push({ name: `fallback window of epoch ${prev}`, ...fallbackWindow(c, prev) });
  }
  return phases
    .filter((p) => now >= p.opens && now < p.closes)
    .map((p) => ({ phase: p.name, secondsLeft: p.closes - now }));
}

async function executorOf(r: Runtime, id: bigint, epoch: bigint) {
  return hub(r).read("executorOf", [id, epoch]);
}

/**
 * The selection of epoch `e` from the records as they stand now: each candidate's effective record
 * (the `candidate` view settles due misses, as `settle` does) as the standing selection reads, the
 * epoch's up-to-date floor, and the incumbent the Leader hysteresis keeps.
 */
async function project(
  r: Runtime,
  id: bigint,
  e: bigint,
  params: Params,
  candidates: Candidate[],
  lastEpochExecutor: bigint,
): Promise<SelectionProjection> {
  const standings = candidates.map((k) =>
    standingOf(
      k.candidateId,
      {
        score: k.score,
        scoredCount: k.scoredCount,
        // A record that owes misses is behind its settled cursor, and not up to date until poked.
        cursor: k.upToDate === false ? -1n : k.cursor,
        bond: k.bond,
        status: k.withdrawn
          ? CandidateStatus.Withdrawn
          : k.exiting
            ? CandidateStatus.Exiting
            : CandidateStatus.Active,
      },
      params.minBond,
    ),
  );
  const voids = await voidTargets(r, id, e, params.quorum);
  return projectSelection({
    candidates: standings,
    rule: {
      minScored: params.minScored,
      maxScore: params.maxScore,
      floor: upToDateFloor(e, (t) => voids.has(t)),
    },
    mode: selectionMode(params.selection),
    incumbent: await incumbent(r, id, lastEpochExecutor, candidates),
    margin: params.margin,
    eta: params.eta,
  });
}

/** The void targets just before `e` that `upToDateFloor` steps back over (it stops at the first that is not). */
async function voidTargets(r: Runtime, id: bigint, e: bigint, quorum: number): Promise<Set<bigint>> {
  const voids = new Set<bigint>();
  for (let t = e - 1n; t >= 0n && e - t <= BigInt(MAX_VOID_LOOKBACK); t--) {
    const [status, , reports] = await hub(r).read("outcome", [id, t]);
    if (!isVoidOutcome(status, reports, quorum)) break;
    voids.add(t);
  }
  return voids;
}

/**
 * The agreement's last executor: the last ended epoch's when there is one, else the last non-zero
 * ExecutorSelected; none once that candidate withdrew (withdrawing clears it).
 */
async function incumbent(r: Runtime, id: bigint, lastEpochExecutor: bigint, candidates: Candidate[]) {
  let last = lastEpochExecutor;
  if (last === 0n) {
    const selected = await r.client.getContractEvents({
      address: r.hub,
      abi: gengovHubAbi,
      eventName: "ExecutorSelected",
      args: { agreementId: id },
      fromBlock: 0n,
      strict: true,
    });
    last =
      selected
        .map((l) => l.args.executor)
        .filter((x) => x !== 0n)
        .at(-1) ?? 0n;
  }
  return candidates.find((k) => k.candidateId === last && !k.withdrawn) ? last : 0n;
}

function projectionLine(e: bigint, p: SelectionProjection): string {
  if (p.mode === "Leader")
    return `projected executor of epoch ${e}: ${p.executor || "none"} (fallback ${p.fallback || "none"}; Leader, from the scores as they stand now)`;
  if (p.chances.length === 0) return `projected executor of epoch ${e}: none eligible (Weighted)`;
  return `projected executor of epoch ${e}: a random draw (Weighted); chances ${p.chances
    .map((c) => `${c.candidateId}: ${formatChance(c.chance)}`)
    .join(", ")}`;
}

const formatChance = (chance: number) => `${(chance * 100).toFixed(1)}%`;

function transitionLines(live: LiveProposal, bt: Token): string[] {
  const lastStatus = liveStatus(live.status);
  return [
    lastStatus
      ? `last transition: epoch ${live.epoch} by candidate ${live.candidateId}, ${lastStatus}${live.status === TransitionStatus.Challenged ? ` by ${live.challenges.length} challenger(s)` : ""}`
      : "last transition: none yet",
    ...(live.status === TransitionStatus.Challenged
      ? live.challenges.map((ch) => `  challenged by ${ch.challenger} with ${formatTokens(ch.bond, bt)}`)
      : []),
  ];
}

function candidateTable(candidates: Candidate[], now: bigint, bt: Token, projection?: SelectionProjection) {
  const chances = projection?.mode === "Weighted" ? projection.chances : undefined;
  const chanceOf = (cid: bigint) => {
    const c = chances?.find((x) => x.candidateId === cid);
    return c ? formatChance(c.chance) : "-";
  };
  return table(
    [
      "id",
      "state",
      "score",
      "scored",
      "eligible",
      "cursor",
      "upToDate",
      "bond",
      "executions",
      "misses",
      ...(chances ? ["drawChance"] : []),
    ],
    candidates.map((k) => [
      k.candidateId,
      candidateState(k, now),
      formatScore(k.score),
      k.scoredCount,
      k.eligible,
      k.cursor,
      k.upToDate === null ? "?" : k.upToDate ? "yes" : `no (owes ${k.owedMisses})`,
      formatTokens(k.bond, bt),
      k.executions,
      k.misses,
      ...(chances ? [chanceOf(k.candidateId)] : []),
    ]),
  );
}
