/**
 * `gengov conditional show|configure|propose-option|decide|choose|score|withdraw`: futarchy mode,
 * conditional forecasts that decide (IGengovConditional). `show` prints an epoch's options, the
 * revealed forecasts per option, the decision and the scores; `configure` sets an agreement's terms
 * from a JSON file (the arbiter; examples/fisheries/futarchy.json); `propose-option` adds an option
 * to a coming epoch with the terms' option bond (approves it first); `decide` (anyone, once the epoch
 * has ended), `choose` (the arbiter, advisory terms), `score` (anyone, once the scored outcome is
 * final) and `withdraw` (option bonds returned to their proposer).
 */
import { readFileSync } from "node:fs";

import type { Command } from "commander";
import { erc20Abi, parseEventLogs, zeroAddress, type Hex } from "viem";

import { gengovConditionalAbi } from "../../chain/abis.js";
import { formatTokens } from "../../chain/revert.js";
import { parseConditionalTerms, toConditionalTerms } from "../../conditional/terms.js";
import {
  conditionalCalls,
  DECISION_STATUS,
  decidedEvent,
  decisionRecord,
  optionLabels,
  revealedForecasts,
  scoredLosses,
  termsOf,
  type ConditionalReader,
} from "../../jobs/conditional.js";
import { clockOf, epochAt, epochEnd, epochStart } from "../../node/clock.js";
import { hubConditional } from "../../node/context.js";
import { hub } from "../../protocol/contracts.js";
import { parseId, table, UsageError, type Runtime } from "../runtime.js";
import type { Rt } from "./rt.js";

/** The hub's conditional contract as a reader; a UsageError when none is attached. */
async function conditionalOf(r: Runtime): Promise<ConditionalReader & { conditional: Hex }> {
  const address = await hubConditional(r.client, r.hub);
  if (address === zeroAddress)
    throw new UsageError(`--hub: the hub at ${r.hub} has no conditional-forecast contract attached`);
  return { client: r.client, conditional: address };
}

/** The agreement's clock, metrics and bond token. */
async function agreementOf(r: Runtime, agreementId: bigint) {
  const [params] = await hub(r).read("agreement", [agreementId]);
  return { clock: clockOf(params), metrics: params.metrics, bondToken: params.bondToken };
}

/** The epoch named by --epoch, else `fallback` (the current epoch, or the one before it). */
function epochOption(value: string | undefined, fallback: bigint): bigint {
  return value === undefined ? fallback : parseId("--epoch", value);
}

/** A decimal value in a metric's units. */
const unit = (v: bigint, decimals: number) => {
  const s = (v < 0n ? -v : v).toString().padStart(decimals + 1, "0");
  const text = decimals ? `${s.slice(0, -decimals)}.${s.slice(-decimals)}` : s;
  return v < 0n ? `-${text}` : text;
};
const wad = (v: bigint, digits = 4) => (Number(v) / 1e18).toFixed(digits);

type EpochOptions = { agreement: string; epoch?: string };

export function registerConditionalCommands(program: Command, rt: Rt) {
  const conditional = program
    .command("conditional")
    .description("futarchy mode: conditional forecasts per option decide an epoch's option");

  conditional
    .command("show")
    .description("an epoch's options, the forecasts revealed per option, the decision and the scores")
    .requiredOption("--agreement <id>", "the agreement")
    .option("--epoch <n>", "the decision epoch (default: the current one)")
    .action(async (o: EpochOptions, cmd: Command) => {
      const r = await rt(cmd);
      const reader = await conditionalOf(r);
      const agreementId = parseId("--agreement", o.agreement);
      const a = await agreementOf(r, agreementId);
      const now = await r.now();
      const epoch = epochOption(o.epoch, epochAt(a.clock, now));
      const found = await termsOf(reader, agreementId, epoch);
      if (!found) {
        r.print(`agreement ${agreementId}, epoch ${epoch}: no conditional terms apply`, {
          agreementId,
          epoch,
          terms: null,
        });
        return;
      }
      const t = found.terms;
      const { labels } = await optionLabels(reader, agreementId, epoch, t.options);
      const record = await decisionRecord(reader, agreementId, epoch);
      const status = DECISION_STATUS[record.status];
      const m = a.metrics.length;
      const lines = [
        `agreement ${agreementId}, epoch ${epoch}: terms version ${found.version}, scored on epoch ${epoch + BigInt(t.horizon)}, epsilon ${wad(t.epsilon, 3)}, eta ${wad(t.eta, 1)}${t.advisory ? ", advisory (the arbiter chooses)" : ""}`,
        `  objective: ${a.metrics.map((x, i) => `${t.weights[i]}·${x.name} − ${t.penalties[i]}·max(0, ${unit(t.floors[i], x.decimals)} − ${x.name})`).join(" + ")}`,
        `  commits until ${epochEnd(a.clock, epoch) - BigInt(t.revealWindow)}, reveals until ${epochEnd(a.clock, epoch)} (chain time; now ${now})`,
      ];
      const event = record.status !== 0 ? await decidedEvent(reader, agreementId, epoch) : undefined;
      const objectives = event ? [...event.objectives] : [];
      lines.push(
        table(
          ["option", "label", "J (combined)"],
          labels.map((l, i) => [i, l, objectives[i] !== undefined ? objectives[i] : "-"]),
        ),
      );
      const revealed = await revealedForecasts(reader, agreementId, epoch, m);
      const committers = await conditionalCalls(reader).read("committers", [agreementId, epoch]);
      const losses = await scoredLosses(reader, agreementId, epoch);
      if (committers.length)
        lines.push(
          table(
            ["candidate", ...labels.map((_, i) => `option ${i}`), "loss"],
            committers.map((id) => {
              const f = revealed.find((x) => x.candidateId === id);
              const loss = losses?.find((x) => x.candidateId === id)?.loss;
              return [
                id,
                ...labels.map((_, i) =>
                  f ? f.forecasts[i].map((v, k) => unit(v, a.metrics[k].decimals)).join("/") : "not revealed",
                ),
                loss === undefined ? "-" : wad(loss),
              ];
            }),
          ),
        );
      else lines.push("  no forecast committed");
      if (status === "Open") lines.push(`decision: open (${labels.length} options)`);
      else
        lines.push(
          `decision: ${status}; took option ${record.option} "${labels[record.option]}"${record.explored ? " (explored)" : ""}${record.defaulted ? " (default: no weighted forecast)" : ""}${record.advisory ? " (the arbiter's choice)" : ""}${record.executed ? ", executed" : ""}`,
        );
      r.print(lines.join("\n"), {
        agreementId,
        epoch,
        version: found.version,
        terms: t,
        options: labels,
        decision: record,
        objectives,
        forecasts: revealed,
        losses: losses ?? null,
      });
    });

  conditional
    .command("configure")
    .description("set an agreement's conditional-forecast terms (its arbiter), from a later epoch on")
    .requiredOption("--agreement <id>", "the agreement")
    .requiredOption("--terms <file>", "the terms (JSON, e.g. examples/fisheries/futarchy.json)")
    .option(
      "--first-epoch <n>",
      "first decision epoch, at least two after the current one (default: the file's, else that one)",
    )
    .action(async (o: { agreement: string; terms: string; firstEpoch?: string }, cmd: Command) => {
      const agreementId = parseId("--agreement", o.agreement);
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(o.terms, "utf8"));
      } catch (error) {
        throw new UsageError(`--terms: cannot read ${o.terms}: ${(error as Error).message.split("\n")[0]}`);
      }
      const file = parseConditionalTerms(raw, o.terms);
      const r = await rt(cmd);
      const reader = await conditionalOf(r);
      const a = await agreementOf(r, agreementId);
      const now = await r.now();
      // Terms reach two epochs ahead (epoch 1 before genesis): no option of theirs is proposed yet.
      const next = now < a.clock.genesis ? 1n : epochAt(a.clock, now) + 2n;
      const first = o.firstEpoch === undefined ? undefined : parseId("--first-epoch", o.firstEpoch);
      const terms = toConditionalTerms(
        first === undefined ? file : { ...file, firstEpoch: undefined },
        first ?? next,
      );
      if (terms.weights.length !== a.metrics.length)
        throw new UsageError(
          `--terms: the objective has ${terms.weights.length} entries; agreement ${agreementId} has ${a.metrics.length} metrics`,
        );
      const receipt = await r.send({
        address: reader.conditional,
        abi: gengovConditionalAbi,
        functionName: "configure",
        args: [agreementId, terms],
      });
      const [set] = parseEventLogs({ abi: gengovConditionalAbi, eventName: "TermsSet", logs: receipt.logs });
      r.print(
        `configured agreement ${agreementId}: terms version ${set.args.version} from epoch ${terms.firstEpoch}, options ${terms.options.map((l) => `"${l}"`).join(", ")}`,
        { agreementId, version: set.args.version, terms, tx: receipt.transactionHash },
      );
    });

  conditional
    .command("propose-option")
    .description("add an option to the next epoch (during the epoch before it), with the terms' option bond")
    .requiredOption("--agreement <id>", "the agreement")
    .requiredOption("--epoch <n>", "the decision epoch (not started yet)")
    .requiredOption("--label <text>", "the option's text (1 to 256 bytes, not already an option)")
    .action(async (o: EpochOptions & { label: string }, cmd: Command) => {
      const agreementId = parseId("--agreement", o.agreement);
      const epoch = parseId("--epoch", o.epoch!);
      const bytes = new TextEncoder().encode(o.label).length;
      if (bytes === 0 || bytes > 256) throw new UsageError(`--label: 1 to 256 bytes, got ${bytes}`);
      const r = await rt(cmd);
      const reader = await conditionalOf(r);
      const a = await agreementOf(r, agreementId);
      const now = await r.now();
      const opens = epochStart(a.clock, epoch) - a.clock.epochLength;
      if (now >= epochStart(a.clock, epoch))
        throw new UsageError(
          `--epoch: epoch ${epoch} has started; options are proposed in the epoch before it`,
        );
      if (now < opens)
        throw new UsageError(
          `--epoch: proposals for epoch ${epoch} open at ${opens} (the start of the epoch before; now ${now})`,
        );
      const found = await termsOf(reader, agreementId, epoch);
      if (!found) throw new UsageError(`--epoch: no conditional terms apply to epoch ${epoch}`);
      const bond = found.terms.optionBond;
      const token = await r.token(a.bondToken, "bondToken");
      if (bond > 0n)
        await r.send({
          address: token.address,
          abi: erc20Abi,
          functionName: "approve",
          args: [reader.conditional, bond],
        });
      const receipt = await r.send({
        address: reader.conditional,
        abi: gengovConditionalAbi,
        functionName: "proposeOption",
        args: [agreementId, epoch, o.label],
      });
      const [proposed] = parseEventLogs({
        abi: gengovConditionalAbi,
        eventName: "OptionProposed",
        logs: receipt.logs,
      });
      r.print(
        `proposed option ${proposed.args.index} "${o.label}" for epoch ${epoch} (bond ${formatTokens(bond, token)})`,
        { agreementId, epoch, index: proposed.args.index, bond, tx: receipt.transactionHash },
      );
    });

  conditional
    .command("decide")
    .description("decide an ended epoch's option (anyone; not under advisory terms)")
    .requiredOption("--agreement <id>", "the agreement")
    .option("--epoch <n>", "the decision epoch (default: the last ended one)")
    .action(async (o: EpochOptions, cmd: Command) => {
      const r = await rt(cmd);
      const reader = await conditionalOf(r);
      const agreementId = parseId("--agreement", o.agreement);
      const a = await agreementOf(r, agreementId);
      const now = await r.now();
      const epoch = epochOption(o.epoch, epochAt(a.clock, now) - 1n);
      if (now < epochEnd(a.clock, epoch))
        throw new UsageError(`--epoch: epoch ${epoch} ends at ${epochEnd(a.clock, epoch)} (now ${now})`);
      const receipt = await r.send({
        address: reader.conditional,
        abi: gengovConditionalAbi,
        functionName: "decide",
        args: [agreementId, epoch],
      });
      const [decided] = parseEventLogs({
        abi: gengovConditionalAbi,
        eventName: "Decided",
        logs: receipt.logs,
      });
      const { labels } = await optionLabels(reader, agreementId, epoch);
      const d = decided.args;
      r.print(
        `epoch ${epoch}: took option ${d.option} "${labels[d.option]}"${d.explored ? " (explored)" : ""}${d.defaulted ? " (default: no weighted forecast)" : ""}`,
        { ...d, label: labels[d.option], tx: receipt.transactionHash },
      );
    });

  conditional
    .command("choose")
    .description("choose an ended epoch's option (the arbiter, advisory terms)")
    .requiredOption("--agreement <id>", "the agreement")
    .requiredOption("--option <index>", "the option's index (gengov conditional show lists them)")
    .option("--epoch <n>", "the decision epoch (default: the last ended one)")
    .action(async (o: EpochOptions & { option: string }, cmd: Command) => {
      const option = Number(parseId("--option", o.option));
      if (option > 7) throw new UsageError(`--option: an index from 0 to 7, got ${option}`);
      const r = await rt(cmd);
      const reader = await conditionalOf(r);
      const agreementId = parseId("--agreement", o.agreement);
      const a = await agreementOf(r, agreementId);
      const epoch = epochOption(o.epoch, epochAt(a.clock, await r.now()) - 1n);
      const { labels } = await optionLabels(reader, agreementId, epoch);
      if (option >= labels.length)
        throw new UsageError(`--option: epoch ${epoch} has options 0 to ${labels.length - 1}, not ${option}`);
      const receipt = await r.send({
        address: reader.conditional,
        abi: gengovConditionalAbi,
        functionName: "choose",
        args: [agreementId, epoch, option],
      });
      r.print(`epoch ${epoch}: chose option ${option} "${labels[option]}"`, {
        agreementId,
        epoch,
        option,
        tx: receipt.transactionHash,
      });
    });

  conditional
    .command("score")
    .description("score an epoch's forecasts on the option taken, once the scored outcome is final (anyone)")
    .requiredOption("--agreement <id>", "the agreement")
    .requiredOption("--epoch <n>", "the decision epoch")
    .action(async (o: EpochOptions, cmd: Command) => {
      const r = await rt(cmd);
      const reader = await conditionalOf(r);
      const agreementId = parseId("--agreement", o.agreement);
      const epoch = parseId("--epoch", o.epoch!);
      const receipt = await r.send({
        address: reader.conditional,
        abi: gengovConditionalAbi,
        functionName: "score",
        args: [agreementId, epoch],
      });
      const [scored] = parseEventLogs({
        abi: gengovConditionalAbi,
        eventName: "ConditionalScored",
        logs: receipt.logs,
      });
      if (!scored) {
        r.print(`epoch ${epoch}: voided, nothing scored`, { agreementId, epoch, voided: true });
        return;
      }
      r.print(
        `epoch ${epoch}: scored ${scored.args.candidateIds.length} forecast(s): ${scored.args.candidateIds.map((id, i) => `candidate ${id} loss ${wad(scored.args.losses[i])}`).join(", ")}`,
        { agreementId, epoch, candidateIds: scored.args.candidateIds, losses: scored.args.losses },
      );
    });

  conditional
    .command("withdraw")
    .description("withdraw option bonds returned to you, in a token (the agreement's bond token)")
    .requiredOption("--token <address>", "the token")
    .action(async (o: { token: string }, cmd: Command) => {
      const r = await rt(cmd);
      const reader = await conditionalOf(r);
      const t = await r.token(o.token, "--token");
      const me = (await r.account()).address;
      const owed = await conditionalCalls(reader).read("owed", [me, t.address]);
      if (owed === 0n) throw new UsageError(`nothing owed to ${me} in ${t.symbol}`);
      const receipt = await r.send({
        address: reader.conditional,
        abi: gengovConditionalAbi,
        functionName: "withdraw",
        args: [t.address],
      });
      r.print(`withdrew ${formatTokens(owed, t)}`, { amount: owed, tx: receipt.transactionHash });
    });
}
