/** `gengov candidate register <agreementId> --spec <file> --bond <amount> [--operator <address>]`. */
import { readFileSync } from "node:fs";

import type { Command } from "commander";
import { erc20Abi, isAddress, parseEventLogs, type Hex } from "viem";

import { gengovHubAbi } from "../../../chain/abis.js";
import { formatTokens } from "../../../chain/revert.js";
import { BaseError } from "../../../errors/BaseError.js";
import { parseModelSpec, specHash } from "../../../models/spec.js";
import type { ModelSpec } from "../../../models/types.js";
import { MAX_BOND_UNITS } from "../../../scoring/effectiveScore.js";
import { parseAmount, parseId, UsageError, type Runtime } from "../../runtime.js";
import type { Rt } from "../rt.js";
import { bondToken } from "./reads.js";

type RegisterOptions = { spec: string; bond: string; operator?: string };

export function registerCandidateRegister(candidate: Command, rt: Rt) {
  candidate
    .command("register <agreementId>")
    .description("register a candidate: bond (whole tokens) and model spec; approves the hub first")
    .requiredOption("--spec <file>", "model spec JSON; its canonical JSON hash becomes specHash")
    .requiredOption("--bond <amount>", "bond in whole bond tokens, e.g. 100")
    .option("--operator <address>", "operator key (default: the sender)")
    .action(async (idArg: string, o: RegisterOptions, cmd: Command) => {
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
      await register(r, id, spec, o);
    });
}

async function register(r: Runtime, id: bigint, spec: ModelSpec, o: RegisterOptions) {
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
  })[0]?.args;
  if (!ev)
    throw new BaseError(`candidate register: no CandidateRegistered event in ${receipt.transactionHash}`);
  r.print(`registered candidate ${ev.candidateId} with a bond of ${formatTokens(ev.bond, bt)}`, {
    agreementId: id,
    candidateId: ev.candidateId,
    specHash: specHash(spec),
    bond: ev.bond,
    tx: receipt.transactionHash,
  });
}
