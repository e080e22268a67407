/**
 * `gengov jury show --agreement A --epoch E [--proposer P]`: the juries of a proposal (round 0 and,
 * once challenged, the appeal jury): jurors, commitments, reveals with their rationale, the decision,
 * and once settled each juror's fee or penalty and what the jurors' operators may withdraw.
 */
import type { Command } from "commander";
import { hexToString, type Hex } from "viem";

import { formatTokens, formatWhen } from "../../../chain/revert.js";
import { hub } from "../../../protocol/contracts.js";
import { table, type Runtime, type Token } from "../../runtime.js";
import type { Rt } from "../rt.js";
import {
  describeKey,
  gengovJuryAbi,
  juryAt,
  juryOf,
  votePhase,
  voteKey,
  type VoteKey,
  type VoteView,
} from "./reads.js";

export function registerJuryShow(jury: Command, rt: Rt) {
  jury
    .command("show")
    .description("a proposal's juries: jurors, commitments, reveals, votes, decision, appeal, fees")
    .requiredOption("--agreement <id>", "the agreement")
    .requiredOption("--epoch <n>", "the transition's epoch")
    .option("--proposer <id>", "the proposing candidate (default: the epoch's latest proposal)")
    .action(async (o: { agreement: string; epoch: string; proposer?: string }, cmd: Command) => {
      const r = await rt(cmd);
      const key = await voteKey(r, o);
      const report = await juryReport(r, key);
      r.print(report.lines.join("\n"), report.machine);
    });
}

export type JurorReport = {
  seat: number;
  jurorId: bigint;
  committed: boolean;
  revealed: boolean;
  vote: "accept" | "reject" | null;
  rationale: string | null;
  rationaleHash: Hex | null;
  manifest: string | null;
  paid: bigint;
  charged: bigint;
};

export type RoundReport = {
  round: 0 | 1;
  openedAt: bigint;
  commitEndsAt: bigint;
  revealEndsAt: bigint;
  closedAt: bigint;
  quorum: bigint;
  accepts: bigint;
  rejects: bigint;
  decision: "open" | "accepted" | "rejected";
  settled: boolean;
  jurors: JurorReport[];
};

/** Both rounds of a proposal's vote as the jury contract and its events hold them, in lines and JSON. */
export async function juryReport(r: Runtime, key: Omit<VoteKey, "round">) {
  const address = await juryOf(r);
  const [params] = await hub(r).read("agreement", [key.agreementId]);
  const bt = await r.token(params.bondToken, "bondToken");
  const j = juryAt(r, address);
  const views = await Promise.all(
    ([0, 1] as const).map((round) => j.read("vote", [key.agreementId, key.epoch, key.proposer, round])),
  );
  const where = {
    address,
    abi: gengovJuryAbi,
    fromBlock: 0n,
    strict: true as const,
  };
  const args = { agreementId: key.agreementId, epoch: key.epoch, proposer: key.proposer };
  const [revealed, settled] = await Promise.all([
    r.client.getContractEvents({ ...where, eventName: "VoteRevealed", args }),
    r.client.getContractEvents({ ...where, eventName: "JurySettled", args }),
  ]);
  // Fees and penalties are emitted in the settlement's transaction, per juror.
  const settleTx = settled.at(-1)?.transactionHash;
  const [paid, charged] = settleTx
    ? await Promise.all([
        r.client.getContractEvents({
          ...where,
          eventName: "JurorPaid",
          args: { agreementId: key.agreementId, epoch: key.epoch },
        }),
        r.client.getContractEvents({
          ...where,
          eventName: "JurorCharged",
          args: { agreementId: key.agreementId, epoch: key.epoch },
        }),
      ]).then(
        ([p, c]) =>
          [
            p.filter((l) => l.transactionHash === settleTx),
            c.filter((l) => l.transactionHash === settleTx),
          ] as const,
      )
    : ([[], []] as const);
  const rounds: RoundReport[] = [];
  for (const round of [0, 1] as const) {
    const v = views[round];
    if (v.openedAt === 0n) continue;
    rounds.push(
      roundReport(
        round,
        v,
        revealed.filter((l) => l.args.round === round).map((l) => l.args),
        paid,
        charged,
      ),
    );
  }
  const operators = [...new Set(paid.map((l) => l.args.operator))];
  const owed = await Promise.all(
    operators.map(async (operator) => ({ operator, amount: await j.read("owed", [operator, bt.address]) })),
  );
  const now = await r.now();
  const settlement = settled.at(-1)?.args;
  const lines =
    rounds.length === 0
      ? [
          `no jury was seated on epoch ${key.epoch}'s proposal by candidate ${key.proposer} (agreement ${key.agreementId})`,
        ]
      : [
          ...rounds.flatMap((rr) => roundLines(key, rr, views[rr.round], now, bt)),
          ...(settlement
            ? [
                `settled: the transition ${settlement.accepted ? "finalized" : "was rejected"}; fees ${formatTokens(settlement.fees, bt)}, penalties ${formatTokens(settlement.penalties, bt)}`,
                ...owed.map(
                  (o) => `  ${o.operator} may withdraw ${formatTokens(o.amount, bt)} (gengov jury withdraw)`,
                ),
              ]
            : []),
        ];
  return {
    rounds,
    lines,
    machine: {
      jury: address,
      agreementId: key.agreementId,
      epoch: key.epoch,
      proposer: key.proposer,
      rounds,
      settlement: settlement
        ? { accepted: settlement.accepted, fees: settlement.fees, penalties: settlement.penalties }
        : null,
      owed,
    },
  };
}

type Revealed = { jurorId: bigint; accept: boolean; rationaleHash: Hex; manifest: Hex };
type Amount = { args: { jurorId: bigint; amount: bigint } };

function roundReport(
  round: 0 | 1,
  v: VoteView,
  revealed: Revealed[],
  paid: readonly Amount[],
  charged: readonly Amount[],
): RoundReport {
  const sum = (ls: readonly Amount[], id: bigint) =>
    ls.filter((l) => l.args.jurorId === id).reduce((s, l) => s + l.args.amount, 0n);
  return {
    round,
    openedAt: v.openedAt,
    commitEndsAt: v.commitEndsAt,
    revealEndsAt: v.revealEndsAt,
    closedAt: v.closedAt,
    quorum: v.quorum,
    accepts: v.accepts,
    rejects: v.rejects,
    decision: v.closedAt === 0n ? "open" : v.accepted ? "accepted" : "rejected",
    settled: v.settled,
    jurors: v.jurors.map((jurorId, seat) => {
      const reveal = v.revealed[seat] ? revealed.find((x) => x.jurorId === jurorId) : undefined;
      const manifest = reveal ? hexToString(reveal.manifest) : null;
      return {
        seat,
        jurorId,
        committed: v.revealed[seat] || !/^0x0+$/.test(v.commitments[seat]),
        revealed: v.revealed[seat],
        vote: v.revealed[seat] ? (v.votes[seat] ? "accept" : "reject") : null,
        rationale: manifest === null ? null : rationaleOf(manifest),
        rationaleHash: reveal?.rationaleHash ?? null,
        manifest,
        paid: sum(paid, jurorId),
        charged: sum(charged, jurorId),
      };
    }),
  };
}

/** The rationale a vote manifest states (null when it has none). */
function rationaleOf(manifest: string): string | null {
  try {
    const m = JSON.parse(manifest) as { rationale?: unknown };
    return typeof m.rationale === "string" ? m.rationale : null;
  } catch {
    return null;
  }
}

function roundLines(
  key: Omit<VoteKey, "round">,
  rr: RoundReport,
  v: VoteView,
  now: bigint,
  bt: Token,
): string[] {
  const k = { ...key, round: rr.round };
  return [
    `${describeKey(k)}: ${rr.jurors.length} juror(s), quorum ${rr.quorum}; ${votePhase(v, now)}; ${rr.accepts} accept, ${rr.rejects} reject`,
    table(
      ["seat", "juror", "committed", "revealed", "vote", "fee"],
      rr.jurors.map((x) => [
        x.seat,
        x.jurorId,
        x.committed ? "yes" : "no",
        x.revealed ? "yes" : "no",
        x.vote ?? "-",
        x.paid > 0n
          ? `+${formatTokens(x.paid, bt)}`
          : x.charged > 0n
            ? `-${formatTokens(x.charged, bt)}`
            : "-",
      ]),
    ),
    ...rr.jurors
      .filter((x) => x.revealed)
      .map(
        (x) =>
          `  juror ${x.jurorId} ${x.vote}: ${JSON.stringify(x.rationale ?? "")} (manifest ${x.rationaleHash})`,
      ),
  ];
}

/**
 * A proposal's juries in a few lines for `transition show` and `status`: per round its jurors with
 * their vote or reveal state, the decision, and while the vote runs the ends of its windows.
 */
export async function juryBrief(r: Runtime, key: Omit<VoteKey, "round">) {
  const report = await juryReport(r, key);
  const now = await r.now();
  const lines = report.rounds.map((rr) => {
    const jurors = rr.jurors
      .map((x) => `${x.jurorId} ${x.vote ?? (x.committed ? "committed, not revealed" : "not committed")}`)
      .join(", ");
    const state =
      rr.decision !== "open"
        ? `decision: ${rr.decision}`
        : now < rr.commitEndsAt
          ? `voting: commit window ends at ${formatWhen(rr.commitEndsAt, now)}, reveal window ends at ${formatWhen(rr.revealEndsAt, now)}`
          : now < rr.revealEndsAt
            ? `voting: reveal window ends at ${formatWhen(rr.revealEndsAt, now)}`
            : `vote ended at ${formatWhen(rr.revealEndsAt, now)}, not closed yet (gengov jury close)`;
    return `  ${rr.round === 0 ? "jury" : "appeal jury"}: ${jurors || "no jurors"}; ${rr.accepts} accept, ${rr.rejects} reject (quorum ${rr.quorum}); ${state}`;
  });
  return { lines, machine: report.machine };
}
