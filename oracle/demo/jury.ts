/**
 * The demo's view of juries: each proposal of an epoch with its payments, its state, its jury's
 * votes (with each juror's rationale and vote manifest hash) and the jury's decision, read from the
 * execution and jury contracts' events; and the lines the demo prints for them.
 */
import { hexToString, type Hex } from "viem";

import { gengovExecutionAbi, gengovJuryAbi } from "../chain/abis.js";
import { SIMULATED_ATTACKER } from "../models/simulatedModel.js";
import { type CouncilVote, parseProposal } from "./council.js";
import type { EpochRow } from "./runDemo.js";
import type { DemoRun } from "./setup.js";

export type JurorVote = {
  jurorId: bigint;
  /** null: did not reveal. */
  vote: "accept" | "reject" | null;
  rationale: string | null;
  /** keccak256 of the vote's manifest (its rationale hash). */
  manifestHash: Hex | null;
};

export type ProposalRow = {
  proposer: bigint;
  manifestHash: Hex;
  /** The proposal's rationale (its manifest's model answer), when the manifest states one. */
  rationale: string | null;
  payments: { token: Hex; to: Hex; amount: bigint }[];
  state: Record<string, unknown> | null;
  jurors: JurorVote[];
  /** The round-0 jury's decision: no jury seated, still open, accepted or rejected. */
  decision: "no jury" | "open" | "accepted" | "rejected";
  finalized: boolean;
};

/** Epoch `e`'s proposals in order (the executor's, then a fallback's), each with its jury. */
export async function proposalRows(run: DemoRun, e: bigint): Promise<ProposalRow[]> {
  const { publicClient, agreementId, jury } = run.setup;
  const onExecution = {
    address: run.execution,
    abi: gengovExecutionAbi,
    fromBlock: 0n,
    strict: true,
  } as const;
  const onJury = { address: jury, abi: gengovJuryAbi, fromBlock: 0n, strict: true } as const;
  const args = { agreementId, epoch: e };
  const [proposed, finalized, opened, revealed, closed] = await Promise.all([
    publicClient.getContractEvents({ ...onExecution, eventName: "TransitionProposed", args }),
    publicClient.getContractEvents({ ...onExecution, eventName: "TransitionFinalized", args }),
    publicClient.getContractEvents({ ...onJury, eventName: "VoteOpened", args }),
    publicClient.getContractEvents({ ...onJury, eventName: "VoteRevealed", args }),
    publicClient.getContractEvents({ ...onJury, eventName: "VoteClosed", args }),
  ]);
  return proposed.map(({ args: p }) => {
    const mine = <L extends { args: { proposer: bigint; round: number } }>(ls: L[]) =>
      ls.filter((l) => l.args.proposer === p.candidateId && l.args.round === 0);
    const seated = mine(opened).at(-1)?.args.jurors ?? [];
    const close = mine(closed).at(-1);
    const jurors = seated.map((jurorId): JurorVote => {
      const r = mine(revealed).find((l) => l.args.jurorId === jurorId)?.args;
      return {
        jurorId,
        vote: r ? (r.accept ? "accept" : "reject") : null,
        rationale: r ? field(hexToString(r.manifest), "rationale") : null,
        manifestHash: r?.rationaleHash ?? null,
      };
    });
    return {
      proposer: p.candidateId,
      manifestHash: p.manifestHash,
      rationale: answerRationale(hexToString(p.manifest)),
      payments: p.actions.map((a) => ({ token: a.token, to: a.to, amount: a.amount })),
      state: parseObject(hexToString(p.newState)),
      jurors,
      decision:
        seated.length === 0 ? "no jury" : !close ? "open" : close.args.accepted ? "accepted" : "rejected",
      finalized: finalized.some((f) => f.args.candidateId === p.candidateId),
    };
  });
}

/** Whether a finalized proposal among `proposals` paid the simulated attacker. */
export const theftLanded = (proposals: ProposalRow[]) =>
  proposals.some((p) => p.finalized && p.payments.some((a) => a.to === SIMULATED_ATTACKER));

/** Whether a proposal pays the simulated attacker. */
export const paysAttacker = (p: ProposalRow) => p.payments.some((a) => a.to === SIMULATED_ATTACKER);

/** The lines of an epoch's proposals: proposer, payment to the attacker, jurors and votes, decision. */
export function proposalLines(run: DemoRun, row: EpochRow): string[] {
  const nameOf = (id: bigint) => run.candidates.find((c) => c.id === id)?.name ?? `candidate ${id}`;
  return (row.proposals ?? []).map((p) => {
    const votes = p.jurors.map((j) => `${nameOf(j.jurorId)} ${j.vote ?? "silent"}`).join(", ");
    const theft = paysAttacker(p) ? ", pays the attacker" : "";
    const outcome = p.finalized ? "finalized" : "not finalized";
    return `    ${p.proposer === row.executor ? "executor" : "fallback"} ${nameOf(p.proposer)}${theft}: jury ${votes || "none"} -> ${p.decision}, ${outcome}`;
  });
}

/** A council epoch: the proposal, each model's vote with its rationale, the recorded decision. */
export type CouncilEpoch = {
  title: string;
  votes: {
    name: string;
    role: "executor" | "fallback" | "juror";
    vote: string;
    rationale: string;
    manifestHash: Hex | null;
  }[];
  /** The vote the finalized state records for the proposal; Abstain when none does. */
  recorded: string;
  /** True when no finalized state records a vote on it (a rejected transition records nothing). */
  nothingRecorded: boolean;
};

/** What the council example shows for epoch `e` (`inputs`: the epoch's inputs as submitted). */
export function councilEpoch(run: DemoRun, row: EpochRow, input: string): CouncilEpoch {
  const nameOf = (id: bigint) => run.candidates.find((c) => c.id === id)?.name ?? `candidate ${id}`;
  const title = parseProposal(input)?.title ?? "(not a proposal)";
  const voteOn = (state: Record<string, unknown> | null) =>
    ((state?.votes ?? []) as CouncilVote[]).find((v) => v.title === title.slice(0, 120));
  const votes: CouncilEpoch["votes"] = [];
  let recorded: CouncilVote | undefined;
  for (const p of row.proposals ?? []) {
    const v = voteOn(p.state);
    votes.push({
      name: nameOf(p.proposer),
      role: p.proposer === row.executor ? "executor" : "fallback",
      vote: v?.vote ?? "no vote",
      rationale: v?.rationale ?? "",
      manifestHash: p.manifestHash,
    });
    for (const j of p.jurors)
      votes.push({
        name: nameOf(j.jurorId),
        role: "juror",
        vote: j.vote ?? "silent",
        rationale: j.rationale ?? "",
        manifestHash: j.manifestHash,
      });
    if (p.finalized && v) recorded = v;
  }
  return { title, votes, recorded: recorded?.vote ?? "Abstain", nothingRecorded: !recorded };
}

/** The lines of a council epoch. */
export function councilLines(c: CouncilEpoch): string[] {
  return [
    `    proposal: ${c.title}`,
    ...c.votes.map(
      (v) =>
        `      ${v.role.padEnd(8)} ${v.name.padEnd(12)} ${v.vote.padEnd(7)} ${JSON.stringify(v.rationale)}${v.manifestHash ? ` (manifest ${v.manifestHash})` : ""}`,
    ),
    `    recorded: ${c.recorded}${c.nothingRecorded ? " (no transition recorded a vote)" : ""}`,
  ];
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function field(text: string, name: string): string | null {
  const v = parseObject(text)?.[name];
  return typeof v === "string" ? v : null;
}

/** The rationale in a transition manifest's raw model answer, when it has one. */
function answerRationale(manifest: string): string | null {
  const raw = (parseObject(manifest)?.response as { raw?: unknown } | undefined)?.raw;
  return typeof raw === "string" ? field(raw, "rationale") : null;
}
