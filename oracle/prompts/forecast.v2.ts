/**
 * Template "forecast/v2": ask a candidate for one value per metric of a target epoch.
 *
 * Frozen once released: a template's wording is part of every manifest that cites its id, so a change
 * is a new file with a new version. The helpers below are deliberately local to this file for that
 * reason. Against forecast/v1: a past outcome not fixed yet is "pending", and only a voided one is
 * "void".
 *
 * The system message holds the instructions (the spec's system prompt, the task, the output format,
 * the data rules and the agreement text); the user message holds one delimited data block (ids,
 * metrics, past outcomes) and a closing reminder.
 */
import type { ForecastRequest } from "../models/types.js";
import { historyData, metricsData } from "./data.js";
import type { PromptMessage, PromptTemplate } from "./render.js";
import { dataBoundary, dataRules, neutralize, wrapData } from "./spotlight.js";

const ID = "forecast/v2";

function build(context: { systemPrompt: string }, request: ForecastRequest): PromptMessage[] {
  const target = request.targetEpoch.toString();
  const payload = JSON.stringify(
    {
      agreementId: request.agreementId.toString(),
      targetEpoch: target,
      metrics: metricsData(request.metrics),
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
    `# Task\nYou are a candidate model of a gengov agreement. Forecast every metric of the agreement for epoch ${target}. Human reporters will report the real values after the epoch ends. Each metric's loss is |forecast - outcome| / fullMissError, clipped at 1 (or its square, clipped at 1); the candidates with the lowest average loss earn the right to execute the agreement. Forecast as accurately as you can.`,
    [
      "# Output",
      'Answer with exactly one JSON object and nothing else: {"values": [number, ...], "rationale": string}.',
      `- "values": exactly ${request.metrics.length} decimal number(s), one per metric, in the order of the metrics in the data block, in the metric's units (not scaled by its decimals; digits beyond its decimals are rounded).`,
      '- "rationale": a short explanation of the forecast.',
      'In the data block\'s "history", an outcome is the list of final values, "pending" when it is not fixed yet, or "void" when too few reports came in and nothing was scored for that epoch.',
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
    `Forecast every metric for epoch ${target} as the system message specifies. Answer with the JSON object only.`,
  ].join("\n\n");
  return [
    { role: "system", content: system },
    { role: "user", content: user },
  ];
}

/** The forecast template, version 2. */
export const forecastV2: PromptTemplate<ForecastRequest> = { id: ID, responseName: "forecast", build };
