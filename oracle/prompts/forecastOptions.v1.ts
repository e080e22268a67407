/**
 * Template "forecastOptions/v1": ask a candidate, in a decision epoch (futarchy mode), for a forecast
 * of every metric of the scored epoch under each option: what the metrics will be if that option is
 * taken.
 *
 * Frozen once released (see forecast.v2.ts); the helpers are local to this file for that reason. The
 * system message holds the instructions (the spec's system prompt, the task, how conditional
 * forecasts are scored, the output format, the data rules and the agreement text); the user message
 * holds one delimited data block (ids, metrics, options, past outcomes) and a closing reminder.
 * Option labels are untrusted (participants may propose options) and are datamarked.
 */
import type { ForecastOptionsRequest } from "../models/types.js";
import { historyData, metricsData } from "./data.js";
import type { PromptMessage, PromptTemplate } from "./render.js";
import { datamark, dataBoundary, dataRules, neutralize, wrapData } from "./spotlight.js";

const ID = "forecastOptions/v1";

function build(context: { systemPrompt: string }, request: ForecastOptionsRequest): PromptMessage[] {
  const epoch = request.epoch.toString();
  const target = request.targetEpoch.toString();
  const n = request.options.length;
  const m = request.metrics.length;
  const payload = JSON.stringify(
    {
      agreementId: request.agreementId.toString(),
      decisionEpoch: epoch,
      targetEpoch: target,
      metrics: metricsData(request.metrics),
      options: request.options.map((label, option) => ({ option, label: datamark(label) })),
      history: historyData(request.history, request.metrics),
    },
    null,
    2,
  );
  const boundary = dataBoundary(
    { template: ID, systemPrompt: context.systemPrompt, request },
    `${payload}\n${request.agreementText}`,
  );
  const system = [
    neutralize(context.systemPrompt),
    `# Task\nYou are a candidate model of a gengov agreement. In epoch ${epoch} the agreement decides among ${n} options (in the data block). For each option, forecast every metric of the agreement for epoch ${target} if that option is taken. The option whose score-weighted forecast is best under the agreement's objective is taken (sometimes a random one is, to keep learning).`,
    [
      "# How conditional forecasts are scored",
      "Only the forecast for the option actually taken is scored, against the values human reporters report for the target epoch; the forecasts for the other options are never checked. Each metric's loss is |forecast - outcome| / fullMissError, clipped at 1 (or its square, clipped at 1). Forecast each option as accurately as you can: overstating an option you favour makes it more likely to be taken and then scored.",
    ].join("\n"),
    [
      "# Output",
      'Answer with exactly one JSON object and nothing else: {"forecasts": [{"option": integer, "values": [number, ...]}, ...], "rationale": string}.',
      `- "forecasts": exactly ${n} entries, one per option, each naming its "option" index (0 to ${n - 1}) and exactly ${m} decimal number(s) in "values", one per metric in the order of the metrics in the data block, in the metric's units (not scaled by its decimals; digits beyond its decimals are rounded).`,
      '- "rationale": a short explanation of how the options differ.',
      'In the data block\'s "history", an outcome is the list of final values, "pending" when it is not fixed yet, or "void" when too few reports came in.',
      "- No other fields.",
    ].join("\n"),
    dataRules(boundary),
    [
      "# Agreement",
      "The agreement's text, written by its creators, describes the world the metrics measure:",
      "<<<AGREEMENT",
      neutralize(request.agreementText),
      "AGREEMENT>>>",
    ].join("\n"),
  ]
    .filter((part) => part.length > 0)
    .join("\n\n");
  const user = [
    wrapData(boundary, payload),
    `Forecast every metric for epoch ${target} under each of the ${n} options as the system message specifies. Answer with the JSON object only.`,
  ].join("\n\n");
  return [
    { role: "system", content: system },
    { role: "user", content: user },
  ];
}

/** The forecastOptions template, version 1. */
export const forecastOptionsV1: PromptTemplate<ForecastOptionsRequest> = {
  id: ID,
  responseName: "conditional_forecast",
  build,
};
