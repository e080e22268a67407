/** `gengov verify <agreementId> [--epoch n] [--rerun]`. */
import type { Command } from "commander";

import { createModel } from "../../models/index.js";
import { verifyTransitions, type TransitionReport } from "../../verify/verifyTransitions.js";
import { parseId } from "../runtime.js";
import type { Rt } from "./rt.js";
import { paidVerb, paymentLines } from "./transition/reads.js";

export function registerVerifyCommand(program: Command, rt: Rt) {
  program
    .command("verify <agreementId>")
    .description("recompute every manifest hash from chain data; --rerun asks the model again")
    .option("--epoch <n>", "only this epoch")
    .option("--rerun", "re-ask the model of each manifest and diff the result")
    .action(async (idArg: string, o: { epoch?: string; rerun?: boolean }, cmd: Command) => {
      const r = await rt(cmd);
      const id = parseId("agreementId", idArg);
      const epoch = o.epoch === undefined ? undefined : parseId("--epoch", o.epoch);
      const reports = await verifyTransitions({
        client: r.client,
        hub: r.hub,
        execution: r.execution,
        agreementId: id,
        epoch,
        rerun: o.rerun ? (spec) => createModel(spec) : undefined,
      });
      const payments = await paymentLines(r, reports);
      const human = reports.map((t, i) => reportLines(t, payments[i]).join("\n")).join("\n");
      r.print(
        human ||
          (epoch === undefined
            ? `agreement ${id} has no transitions yet`
            : `agreement ${id} has no transition for epoch ${epoch}`),
        reports,
      );
      if (reports.some((t) => !t.pass)) process.exitCode = 1;
    });
}

/** One transition's verdict, payments, checks and rerun diff. */
function reportLines(t: TransitionReport, payments: string[]): string[] {
  return [
    `epoch ${t.epoch} candidate ${t.candidateId}: ${t.pass ? "PASS" : "FAIL"} (${t.status})`,
    ...(payments.length ? payments.map((line) => `  ${paidVerb(t.status)} ${line}`) : ["  no payments"]),
    ...t.checks.map((c) => `  ${c.ok ? "ok  " : "FAIL"} ${c.name}${c.detail ? `  ${c.detail}` : ""}`),
    ...(t.rerun
      ? [`  rerun: ${t.rerun.same ? "same output" : "differs"}`, ...t.rerun.diff.map((d) => `    ${d}`)]
      : []),
  ];
}
