/** `gengov candidate register|show|top-up|exit|withdraw`, `gengov outcome report`. */
import { readFileSync } from "node:fs";

import type { Command } from "commander";
import { parseEventLogs, erc20Abi, isAddress, type Hex } from "viem";

import { gengovHubAbi } from "../../chain/abis.js";
import { decodeRevert, formatTokens, formatWhen } from "../../chain/revert.js";
import { parseModelSpec, specHash } from "../../models/spec.js";
import { parseAmount, parseId, table, UsageError, type Runtime, type Token } from "../runtime.js";

type Rt = (cmd: Command) => Promise<Runtime>;

/** A bond counts in whole minBond units, at most this many (contracts/hub/Limits.sol MAX_BOND_UNITS). */
export const MAX_BOND_UNITS = (1n << 18n) - 1n;

/** The agreement's bond token and minBond (an unknown agreement reverts AgreementUnknown). */
export async function bondToken(r: Runtime, id: bigint): Promise<Token & { minBond: bigint }> {
  const [params] = (await r.client.readContract({
    address: r.hub,
    abi: gengovHubAbi,
    functionName: "agreement",
    args: [id],
  })) as readonly [{ bondToken: Hex; minBond: bigint }, Hex, bigint];
  return { ...(await r.token(params.bondToken, "bondToken")), minBond: params.minBond };
}

/**
 * How far the candidate's stored record is behind: `poke` read with eth_call returns the misses it
 * would charge now (due targets from the cursor on that were neither revealed nor void). A record
 * that owes none is up to date; one that owes some is not eligible until it reveals or is poked. In a
 * Weighted agreement poke is refused while the next draw is known (`RosterFrozen`): then unknown.
 */
export async function owedMisses(r: Runtime, id: bigint, cid: bigint): Promise<bigint | null> {
  try {
    return (await r.client.readContract({
      address: r.hub,
      abi: gengovHubAbi,
      functionName: "poke" as never,
      args: [id, cid] as never,
    })) as unknown as bigint;
  } catch (error) {
    if (decodeRevert(error)?.errorName === "RosterFrozen") return null;
    throw error; // explained by the runtime in the command's terms
  }
}

export async function showCandidate(r: Runtime, id: bigint, cid: bigint) {
  const [view, owed] = await Promise.all([
    r.client.readContract({
      address: r.hub,
      abi: gengovHubAbi,
      functionName: "candidate",
      args: [id, cid],
    }),
    owedMisses(r, id, cid),
  ]);
  const v = view as CandidateView;
  return {
    ...v,
    /** Misses due but not yet charged (null: unknown while a Weighted roster is frozen). */
    owedMisses: owed,
    /** Whether the stored record has accounted for every due target (null: unknown). */
    upToDate: owed === null ? null : owed === 0n,
  };
}

type CandidateView = {
  owner: Hex;
  operator: Hex;
  specHash: Hex;
  bond: bigint;
  score: bigint;
  scoredCount: number;
  misses: number;
  executions: number;
  exitAt: bigint;
  exiting: boolean;
  withdrawn: boolean;
  eligible: boolean;
  /** First target not yet accounted for, with every due miss counted (what `poke` would leave). */
  cursor: bigint;
};

/** A WAD score (1e18 = the worst loss) to four decimals. */
export function formatScore(score: bigint): string {
  return (Number(score) / 1e18).toFixed(4);
}

/** Whether a candidate is active, exiting (and from when it can withdraw) or withdrawn. */
export function candidateState(c: { exiting: boolean; withdrawn: boolean; exitAt: bigint }, now: bigint) {
  if (c.withdrawn) return "withdrawn";
  if (c.exiting)
    return c.exitAt > now
      ? `exiting, can withdraw from ${formatWhen(c.exitAt, now)}`
      : "exiting, can withdraw now";
  return "active";
}

/** One line on whether the candidate is up to date with its targets. */
export function upToDateLine(c: { upToDate: boolean | null; owedMisses: bigint | null; cursor: bigint }) {
  if (c.upToDate === null)
    return `unknown (roster frozen; accounted through target ${c.cursor - 1n} once charged)`;
  if (c.upToDate) return `yes (next target to account for: ${c.cursor})`;
  return `no: ${c.owedMisses} missed target(s) not charged yet; not eligible until it reveals or is poked (gengov candidate poke)`;
}

export function registerCandidateCommands(program: Command, rt: Rt) {
  const candidate = program.command("candidate").description("bonded candidate models");
  candidate
    .command("register <agreementId>")
    .description("register a candidate: bond (whole tokens) and model spec; approves the hub first")
    .requiredOption("--spec <file>", "model spec JSON; its canonical JSON hash becomes specHash")
    .requiredOption("--bond <amount>", "bond in whole bond tokens, e.g. 100")
    .option("--operator <address>", "operator key (default: the sender)")
    .action(async (idArg: string, o: { spec: string; bond: string; operator?: string }, cmd: Command) => {
      const r = await rt(cmd);
      const id = parseId("agreementId", idArg);
      let spec;
      try {
        spec = parseModelSpec(JSON.parse(readFileSync(o.spec, "utf8")));
      } catch (e) {
        throw new UsageError(`--spec: ${o.spec}: ${(e as Error).message.split("\n")[0]}`);
      }
      if (o.operator && !isAddress(o.operator))
        throw new UsageError(`--operator: not an address: ${o.operator}`);
      const bt = await bondToken(r, id);
      const { minBond } = bt;
      const bond = parseAmount("--bond", o.bond, bt.decimals);
      // The hub refuses these; say so before approving anything.
      if (bond < minBond)
        throw new UsageError(
          `--bond: ${formatTokens(bond, bt)} is below agreement ${id}'s minBond of ${formatTokens(minBond, bt)}`,
        );
      if (bond / minBond > MAX_BOND_UNITS)
        throw new UsageError(
          `--bond: ${formatTokens(bond, bt)} is above the ${formatTokens(MAX_BOND_UNITS * minBond, bt)} that can count (${MAX_BOND_UNITS} whole minBonds of agreement ${id})`,
        );
      const me = (await r.account()).address;
      await r.send({ address: bt.address, abi: erc20Abi, functionName: "approve", args: [r.hub, bond] });
      const receipt = await r.send({
        address: r.hub,
        abi: gengovHubAbi,
        functionName: "registerCandidate",
        args: [id, specHash(spec), bond, (o.operator ?? me) as Hex],
      });
      const ev = parseEventLogs({
        abi: gengovHubAbi,
        logs: receipt.logs,
        eventName: "CandidateRegistered",
      })[0]?.args as { candidateId: bigint; bond: bigint };
      r.print(`registered candidate ${ev.candidateId} with a bond of ${formatTokens(ev.bond, bt)}`, {
        agreementId: id,
        candidateId: ev.candidateId,
        specHash: specHash(spec),
        bond: ev.bond,
        tx: receipt.transactionHash,
      });
    });
  candidate
    .command("show <agreementId> <candidateId>")
    .description("a candidate's bond, score, scored epochs, eligibility, cursor and whether it is up to date")
    .action(async (idArg: string, cidArg: string, _o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const id = parseId("agreementId", idArg);
      const c = await showCandidate(r, id, parseId("candidateId", cidArg));
      const bt = await bondToken(r, id);
      const now = await r.now();
      const human: Record<string, string> = {
        ...Object.fromEntries(Object.entries(c).map(([k, v]) => [k, String(v)])),
        bond: formatTokens(c.bond, bt),
        score: formatScore(c.score),
        exitAt: c.exitAt === 0n ? "-" : formatWhen(c.exitAt, now),
      };
      r.print(
        [
          table(["field", "value"], Object.entries(human)),
          `state: ${candidateState(c, now)}`,
          `up to date: ${upToDateLine(c)}`,
        ].join("\n"),
        c,
      );
    });
  candidate
    .command("poke <agreementId> <candidateId>")
    .description(
      "charge a candidate's due missed targets (anyone), so an up-to-date record is eligible again",
    )
    .action(async (idArg: string, cidArg: string, _o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const id = parseId("agreementId", idArg);
      const cid = parseId("candidateId", cidArg);
      const receipt = await r.send({
        address: r.hub,
        abi: gengovHubAbi,
        functionName: "poke",
        args: [id, cid],
      });
      const missed = parseEventLogs({ abi: gengovHubAbi, logs: receipt.logs, eventName: "RevealsMissed" })[0]
        ?.args as { misses: number } | undefined;
      const misses = missed?.misses ?? 0;
      r.print(`poke: ${misses} miss(es) charged (${receipt.transactionHash})`, {
        misses,
        tx: receipt.transactionHash,
      });
    });
  candidate
    .command("top-up <agreementId> <candidateId> <amount>")
    .description("add to a candidate's bond (whole tokens; approves the hub first)")
    .action(async (idArg: string, cidArg: string, amountArg: string, _o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const id = parseId("agreementId", idArg);
      const bt = await bondToken(r, id);
      const amount = parseAmount("amount", amountArg, bt.decimals);
      await r.send({ address: bt.address, abi: erc20Abi, functionName: "approve", args: [r.hub, amount] });
      const receipt = await r.send({
        address: r.hub,
        abi: gengovHubAbi,
        functionName: "topUp",
        args: [id, parseId("candidateId", cidArg), amount],
      });
      r.print(`top-up: added ${formatTokens(amount, bt)} (${receipt.transactionHash})`, {
        tx: receipt.transactionHash,
      });
    });
  for (const [name, fn, description] of [
    ["exit", "requestExit", "request exit: ineligible now, bond withdrawable after exitDelay"],
    ["withdraw", "withdraw", "withdraw the remaining bond after the exit delay"],
  ] as const) {
    candidate
      .command(`${name} <agreementId> <candidateId>`)
      .description(description)
      .action(async (idArg: string, cidArg: string, _o: unknown, cmd: Command) => {
        const r = await rt(cmd);
        const args = [parseId("agreementId", idArg), parseId("candidateId", cidArg)];
        await bondToken(r, args[0]);
        const receipt = await r.send({ address: r.hub, abi: gengovHubAbi, functionName: fn, args });
        r.print(`${name}: done (${receipt.transactionHash})`, { tx: receipt.transactionHash });
      });
  }

  program
    .command("outcome")
    .description("reporters' observations")
    .command("report <agreementId> <epoch> <values...>")
    .description("report the metrics of an epoch (integers scaled by each metric's decimals)")
    .action(async (idArg: string, epochArg: string, values: string[], _o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const parsed = values.map((v) => {
        if (!/^-?\d+$/.test(v)) throw new UsageError(`values: expected integers, got "${v}"`);
        return BigInt(v);
      });
      const receipt = await r.send({
        address: r.hub,
        abi: gengovHubAbi,
        functionName: "reportOutcome",
        args: [parseId("agreementId", idArg), parseId("epoch", epochArg), parsed],
      });
      r.print(`reported epoch ${epochArg}`, { tx: receipt.transactionHash });
    });
}
