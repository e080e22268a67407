/** `gengov candidate register|show|top-up|exit|withdraw`, `gengov outcome report`. */
import { readFileSync } from "node:fs";

import type { Command } from "commander";
import { parseEventLogs, erc20Abi, isAddress, type Hex } from "viem";

import { gengovHubAbi } from "../../chain/abis.js";
import { parseModelSpec, specHash } from "../../models/spec.js";
import { parseAmount, parseId, table, UsageError, type Runtime } from "../runtime.js";

type Rt = (cmd: Command) => Promise<Runtime>;

async function bondToken(r: Runtime, id: bigint): Promise<{ token: Hex; decimals: number }> {
  const [params] = (await r.client.readContract({
    address: r.hub,
    abi: gengovHubAbi,
    functionName: "agreement",
    args: [id],
  })) as readonly [{ bondToken: Hex }, Hex, bigint];
  const decimals = Number(
    await r.client.readContract({ address: params.bondToken, abi: erc20Abi, functionName: "decimals" }),
  );
  return { token: params.bondToken, decimals };
}

export async function showCandidate(r: Runtime, id: bigint, cid: bigint) {
  return (await r.client.readContract({
    address: r.hub,
    abi: gengovHubAbi,
    functionName: "candidate",
    args: [id, cid],
  })) as {
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
  };
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
      const { token, decimals } = await bondToken(r, id);
      const bond = parseAmount("--bond", o.bond, decimals);
      const me = (await r.account()).address;
      await r.send({ address: token, abi: erc20Abi, functionName: "approve", args: [r.hub, bond] });
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
      r.print(`registered candidate ${ev.candidateId} with bond ${ev.bond}`, {
        agreementId: id,
        candidateId: ev.candidateId,
        specHash: specHash(spec),
        bond: ev.bond,
        tx: receipt.transactionHash,
      });
    });
  candidate
    .command("show <agreementId> <candidateId>")
    .description("a candidate's bond, score, scored epochs, eligibility")
    .action(async (idArg: string, cidArg: string, _o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const c = await showCandidate(r, parseId("agreementId", idArg), parseId("candidateId", cidArg));
      r.print(
        table(
          ["field", "value"],
          Object.entries(c).map(([k, v]) => [k, String(v)]),
        ),
        c,
      );
    });
  candidate
    .command("top-up <agreementId> <candidateId> <amount>")
    .description("add to a candidate's bond (whole tokens; approves the hub first)")
    .action(async (idArg: string, cidArg: string, amountArg: string, _o: unknown, cmd: Command) => {
      const r = await rt(cmd);
      const id = parseId("agreementId", idArg);
      const { token, decimals } = await bondToken(r, id);
      const amount = parseAmount("amount", amountArg, decimals);
      await r.send({ address: token, abi: erc20Abi, functionName: "approve", args: [r.hub, amount] });
      const receipt = await r.send({
        address: r.hub,
        abi: gengovHubAbi,
        functionName: "topUp",
        args: [id, parseId("candidateId", cidArg), amount],
      });
      r.print(`top-up: done (${receipt.transactionHash})`, { tx: receipt.transactionHash });
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
