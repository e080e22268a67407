import { expect } from "chai";

import { ConfigError, ModelError } from "../../oracle/errors/BaseError.js";
import { rawAnswerOf } from "../../oracle/models/faults.js";
import { createModel } from "../../oracle/models/index.js";
import { OpenAIModel, type OpenAIModelOptions } from "../../oracle/models/openaiModel.js";
import { SimulatedModel } from "../../oracle/models/simulatedModel.js";
import type { ModelSpec } from "../../oracle/models/types.js";
import { validateExecution } from "../../oracle/models/validateExecution.js";
import {
  renderExecutePrompt,
  renderForecastPrompt,
  renderValidatePrompt,
} from "../../oracle/prompts/render.js";
import {
  ALICE,
  executeRequest,
  forecastRequest,
  openaiSpec,
  simulatedSpec,
  TOKEN_A,
  validateRequest,
} from "../fixtures/models.js";
import { FakeOpenAI, reply } from "../support/fakeOpenAI.js";

const API_KEY = "sk-test-not-a-secret";

/** Expects `promise` to reject with a ModelError of `kind`; returns it. */
async function rejectsWith(promise: Promise<unknown>, kind: ModelError["kind"]): Promise<ModelError> {
  try {
    await promise;
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(ModelError);
    expect((error as ModelError).kind, (error as Error).message).to.equal(kind);
    return error as ModelError;
  }
  expect.fail(`expected a ModelError of kind ${kind}`);
}

const FORECAST = { values: [24.15, 15], rationale: "Persistence with a slight upward trend." };
const EXECUTION = {
  newState: { tally: { [ALICE]: 4 } },
  actions: [{ token: TOKEN_A, to: ALICE, amount: "100" }],
  rationale: "Alice reported 18 kg, below 20 kg: hardship grant.",
};

describe("OpenAIModel over HTTP (fake OpenAI-compatible server)", () => {
  let server: FakeOpenAI;
  const model = (options: OpenAIModelOptions = {}, spec: ModelSpec = openaiSpec()) =>
    new OpenAIModel(spec, { apiKey: API_KEY, baseURL: server.baseURL, ...options });

  before(async () => {
    server = await FakeOpenAI.start();
  });
  afterEach(() => server.reset());
  after(async () => server.close());

  describe("happy path", () => {
    it("test_forecast_sendsDecodingParameters_andRecordsUsageAndFingerprint", async () => {
      server.reply(reply.json(FORECAST));
      const spec = openaiSpec();
      const result = await model().forecast(forecastRequest());

      expect(result.values).to.deep.equal([2415n, 15n]);
      expect(result.rationale).to.equal(FORECAST.rationale);
      expect(result.raw).to.equal(JSON.stringify(FORECAST));
      expect(result.usage).to.deep.equal({ promptTokens: 120, completionTokens: 30, totalTokens: 150 });
      expect(result.fingerprint).to.equal("fp_fake_0001");
      expect(result.latencyMs).to.be.greaterThan(0);
      const rendered = renderForecastPrompt(spec, forecastRequest());
      expect(result.templateId).to.equal("forecast/v2");
      expect(result.promptHash).to.equal(rendered.promptHash);

      expect(server.requests).to.have.length(1);
      const { body, headers, path } = server.requests[0];
      expect(path).to.equal("/v1/chat/completions");
      expect(headers.authorization).to.equal(`Bearer ${API_KEY}`);
      expect(body.model).to.equal("fake-model-1");
      expect(body.temperature).to.equal(0.2);
      expect(body.seed).to.equal(42);
      // Not OpenAI's host: the widely supported max_tokens.
      expect(body.max_tokens).to.equal(800);
      expect(body).to.not.have.property("max_completion_tokens");
      expect(body.messages).to.deep.equal(rendered.messages);
      expect(body.response_format?.type).to.equal("json_schema");
      expect(body.response_format?.json_schema?.name).to.equal("forecast");
      expect(body.response_format?.json_schema?.strict).to.equal(true);
      expect(body.response_format?.json_schema?.schema).to.deep.include({
        type: "object",
        required: ["values", "rationale"],
        additionalProperties: false,
      });
    });

    it("test_execute_parsesActionsInBaseUnits_andSendsANonStrictSchema", async () => {
      server.reply(reply.json(EXECUTION, { fingerprint: null, usage: null }));
      const request = executeRequest();
      const result = await model().execute(request);
      expect(result.newState).to.deep.equal(EXECUTION.newState);
      expect(result.actions).to.deep.equal([{ token: TOKEN_A, to: ALICE, amount: 100n }]);
      expect(result.usage).to.equal(null);
      expect(result.fingerprint).to.equal(null);
      expect(result.promptHash).to.equal(renderExecutePrompt(openaiSpec(), request).promptHash);
      expect(validateExecution(result, request)).to.equal(null);
      const format = server.requests[0].body.response_format;
      expect(format?.json_schema?.name).to.equal("execution");
      expect(format?.json_schema?.strict).to.equal(false);
    });

    it("test_validate_sendsTheJurorPrompt_withAStrictVoteSchema_andReadsTheVote", async () => {
      const request = validateRequest();
      server.reply(
        reply.json({ vote: "reject", rationale: "Pays 100 FISH the agreement does not call for." }),
      );
      const result = await model().validate(request);
      expect(result.accept).to.equal(false);
      expect(result.rationale).to.equal("Pays 100 FISH the agreement does not call for.");
      expect(result.templateId).to.equal("validate/v1");
      const rendered = renderValidatePrompt(openaiSpec(), request);
      expect(result.promptHash).to.equal(rendered.promptHash);
      expect(result.usage).to.deep.equal({ promptTokens: 120, completionTokens: 30, totalTokens: 150 });
      const { body } = server.requests[0];
      expect(body.messages).to.deep.equal(rendered.messages);
      expect(body.temperature).to.equal(0.2);
      expect(body.seed).to.equal(42);
      const format = body.response_format;
      expect(format?.json_schema?.name).to.equal("validation");
      expect(format?.json_schema?.strict).to.equal(true);
      expect(format?.json_schema?.schema).to.deep.include({
        type: "object",
        required: ["vote", "rationale"],
        additionalProperties: false,
      });
      const schema = format?.json_schema?.schema as { properties: { vote: { enum: string[] } } };
      expect(schema.properties.vote.enum).to.have.members(["accept", "reject"]);
      server.reply(reply.json({ vote: "accept", rationale: "Same grant." }));
      expect((await model().validate(request)).accept).to.equal(true);
      server.reply(reply.json({ vote: "accept", rationale: "ok" }));
      await model({ responseFormat: "json_object" }).validate(request);
      expect(server.requests[2].body.response_format).to.deep.equal({ type: "json_object" });
    });

    it("test_forecastOptions_sendsTheConditionalPrompt_withAStrictSchema_andScalesEveryOption", async () => {
      const base = forecastRequest();
      const request = {
        agreementId: base.agreementId,
        epoch: 5n,
        targetEpoch: 6n,
        agreementText: base.agreementText,
        metrics: base.metrics,
        options: ["hold", "cut 20%"],
        history: base.history,
      };
      server.reply(
        reply.json({
          forecasts: [
            { option: 1, values: [20, 16.5] },
            { option: 0, values: [24.15, 15] },
          ],
          rationale: "A cut lands less now and more later.",
        }),
      );
      const result = await model().forecastOptions(request);
      expect(result.templateId).to.equal("forecastOptions/v1");
      expect(result.forecasts).to.deep.equal([
        [2415n, 15n],
        [2000n, 17n],
      ]);
      const format = server.requests[0].body.response_format;
      expect(format?.json_schema?.name).to.equal("conditional_forecast");
      expect(format?.json_schema?.strict).to.equal(true);
      // One option missing: a schema ModelError with the raw answer attached, nothing else.
      const garbage = { forecasts: [{ option: 0, values: [24, 15] }], rationale: "only one" };
      server.reply(reply.json(garbage));
      const error = await rejectsWith(model().forecastOptions(request), "schema");
      expect(error.message).to.contain("The conditional forecast has no values for option 1.");
      expect(rawAnswerOf(error)).to.equal(JSON.stringify(garbage));
    });

    it("test_request_neverContainsTheKeyOrTheEndpoint", async () => {
      server.reply(reply.json(EXECUTION));
      await model().execute(executeRequest());
      const body = JSON.stringify(server.requests[0].body);
      expect(body).to.not.contain(API_KEY);
      expect(body).to.not.contain(server.baseURL);
      expect(body).to.not.contain("127.0.0.1");
    });

    it("test_options_maxCompletionTokensField_andJsonObjectFormat", async () => {
      server.reply(reply.json(FORECAST));
      await model({ maxTokensField: "max_completion_tokens", responseFormat: "json_object" }).forecast(
        forecastRequest(),
      );
      const { body } = server.requests[0];
      expect(body.max_completion_tokens).to.equal(800);
      expect(body).to.not.have.property("max_tokens");
      expect(body.response_format).to.deep.equal({ type: "json_object" });
    });

    it("test_environment_suppliesKeyAndBaseURL", async () => {
      const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
      process.env.OPENAI_API_KEY = "sk-from-env";
      process.env.OPENAI_BASE_URL = server.baseURL;
      try {
        server.reply(reply.json(FORECAST));
        await new OpenAIModel(openaiSpec()).forecast(forecastRequest());
        expect(server.requests[0].headers.authorization).to.equal("Bearer sk-from-env");
      } finally {
        restoreEnv("OPENAI_API_KEY", saved.key);
        restoreEnv("OPENAI_BASE_URL", saved.url);
      }
    });

    it("test_createModel_buildsTheProviderOfTheSpec", () => {
      expect(
        createModel(openaiSpec(), { openai: { apiKey: API_KEY, baseURL: server.baseURL } }),
      ).to.be.instanceOf(OpenAIModel);
      expect(createModel(simulatedSpec(0.5))).to.be.instanceOf(SimulatedModel);
      expect(() => createModel(openaiSpec({ temperature: 3 }))).to.throw(ConfigError, /temperature/);
    });
  });

  describe("retries", () => {
    // The client waits what Retry-After-Ms asks: 1 ms keeps these tests fast.
    const SOON = { "retry-after-ms": "1" };

    it("test_retry_on429And500_thenSucceeds", async () => {
      server.fail(429, 1, SOON).fail(500, 1, SOON).fail(503, 1, SOON).reply(reply.json(FORECAST));
      const result = await model({ retries: 3 }).forecast(forecastRequest());
      expect(result.values).to.deep.equal([2415n, 15n]);
      expect(server.requests).to.have.length(4);
    });

    it("test_retry_on409_likeTheOpenAIClient_thenSucceeds", async () => {
      server.fail(409, 1, SOON).reply(reply.json(FORECAST));
      const result = await model({ retries: 1 }).forecast(forecastRequest());
      expect(result.values).to.deep.equal([2415n, 15n]);
      expect(server.requests).to.have.length(2);
    });

    it("test_retry_backsOff_whenTheServerSaysNothing", async () => {
      server.fail(500, 1).reply(reply.json(FORECAST));
      const started = performance.now();
      await model({ retries: 1 }).forecast(forecastRequest());
      expect(server.requests).to.have.length(2);
      expect(performance.now() - started).to.be.at.least(300);
    });

    it("test_retry_honoursRetryAfter", async function () {
      this.timeout(10_000);
      server.fail(429, 1, { "retry-after-ms": "1200" }).reply(reply.json(FORECAST));
      const started = performance.now();
      await model().forecast(forecastRequest());
      expect(server.requests).to.have.length(2);
      expect(performance.now() - started).to.be.at.least(1_200);
    });

    it("test_retry_isBounded_thenFailsWithHttp", async () => {
      server.fail(500, 10, SOON);
      const error = await rejectsWith(model({ retries: 2 }).forecast(forecastRequest()), "http");
      expect(server.requests).to.have.length(3);
      expect(error.shortMessage).to.contain("HTTP 500");
      expect(error.details).to.contain("gave up after 3 attempts");
    });

    it("test_retry_defaultsToThreeRetries", async () => {
      server.fail(429, 10, SOON);
      await rejectsWith(model().forecast(forecastRequest()), "http");
      expect(server.requests).to.have.length(4);
    });

    it("test_noRetry_onClientErrors", async () => {
      server.fail(400, 5);
      await rejectsWith(model({ retries: 3 }).forecast(forecastRequest()), "http");
      expect(server.requests).to.have.length(1);
    });

    it("test_timeout_failsWithTimeout", async () => {
      server.delay(2_000, 1);
      const started = performance.now();
      await rejectsWith(model({ timeoutMs: 100, retries: 0 }).forecast(forecastRequest()), "timeout");
      expect(performance.now() - started).to.be.below(1_500);
    });

    it("test_timeout_isRetried_thenSucceeds", async () => {
      server.delay(2_000, 1).reply(reply.json(FORECAST));
      const result = await model({ timeoutMs: 150, retries: 1 }).forecast(forecastRequest());
      expect(result.values).to.deep.equal([2415n, 15n]);
      expect(server.requests).to.have.length(2);
    });
  });

  describe("unusable answers", () => {
    it("test_refusal_failsWithRefusal", async () => {
      server.reply(reply.refusal("I can't help with that."));
      const error = await rejectsWith(model().forecast(forecastRequest()), "refusal");
      expect(error.details).to.equal("I can't help with that.");
    });

    it("test_contentFilter_failsWithRefusal", async () => {
      server.reply({ content: "", finishReason: "content_filter" });
      await rejectsWith(model().execute(executeRequest()), "refusal");
    });

    it("test_lengthFinish_failsWithTruncated", async () => {
      server.reply(reply.truncated());
      const error = await rejectsWith(model().forecast(forecastRequest()), "truncated");
      expect(error.shortMessage).to.contain("800 output tokens");
    });

    it("test_malformedJson_failsWithSchema", async () => {
      server.reply(reply.malformed());
      const error = await rejectsWith(model().forecast(forecastRequest()), "schema");
      expect(error.shortMessage).to.contain("not valid JSON");
    });

    it("test_emptyContent_failsWithSchema", async () => {
      server.reply(reply.text(""));
      await rejectsWith(model().forecast(forecastRequest()), "schema");
    });

    it("test_extraFields_failWithSchema", async () => {
      server.reply(reply.withExtraFields(FORECAST, { confidence: 0.9 }));
      await rejectsWith(model().forecast(forecastRequest()), "schema");
      server.reply(reply.withExtraFields(EXECUTION, { approvedBy: "arbiter" }));
      await rejectsWith(model().execute(executeRequest()), "schema");
      server.reply(reply.json({ ...EXECUTION, actions: [{ ...EXECUTION.actions[0], memo: "x" }] }));
      await rejectsWith(model().execute(executeRequest()), "schema");
    });

    it("test_outOfRangeNumbers_failWithSchema", async () => {
      server.reply(reply.json({ values: [1e40, 1], rationale: "" }));
      const error = await rejectsWith(model().forecast(forecastRequest()), "schema");
      expect(error.shortMessage).to.contain("out of range");
      // 1e400 parses to Infinity.
      server.reply(reply.text('{"values": [1e400, 1], "rationale": ""}'));
      await rejectsWith(model().forecast(forecastRequest()), "schema");
      server.reply(reply.json({ values: [1], rationale: "one value for two metrics" }));
      await rejectsWith(model().forecast(forecastRequest()), "schema");
      server.reply(reply.json({ values: ["24.1", 15], rationale: "a string" }));
      await rejectsWith(model().forecast(forecastRequest()), "schema");
    });

    it("test_badAmounts_failWithSchema", async () => {
      for (const amount of ["1.5", "-1", "1e3", "", 100]) {
        server.reply(reply.json({ ...EXECUTION, actions: [{ ...EXECUTION.actions[0], amount }] }));
        await rejectsWith(model().execute(executeRequest()), "schema");
      }
      server.reply(reply.json({ ...EXECUTION, newState: ["not", "an", "object"] }));
      await rejectsWith(model().execute(executeRequest()), "schema");
    });

    it("test_validate_garbageVote_failsWithSchema_andKeepsTheRawAnswer", async () => {
      for (const answer of [
        reply.json({ vote: "yes", rationale: "looks fine" }),
        reply.json({ vote: "accept" }),
        reply.withExtraFields({ vote: "accept", rationale: "r" }, { confidence: 1 }),
        reply.malformed(),
      ]) {
        server.reply(answer);
        const error = await rejectsWith(model().validate(validateRequest()), "schema");
        expect(error.shortMessage).to.match(/^The validation answer /);
        expect(rawAnswerOf(error)).to.equal(answer.content);
      }
      server.reply(reply.refusal("I will not judge this."));
      await rejectsWith(model().validate(validateRequest()), "refusal");
    });

    it("test_nonJsonHttpBody_failsWithHttp", async () => {
      server.reply({ rawBody: "<html>bad gateway</html>", headers: { "content-type": "text/html" } });
      await rejectsWith(model({ retries: 0 }).forecast(forecastRequest()), "http");
    });
  });

  describe("configuration", () => {
    it("test_config_rejectsWrongProviderAndBadOptions", () => {
      expect(() => new OpenAIModel(simulatedSpec(0.5), { apiKey: API_KEY })).to.throw(ModelError, /provider/);
      expect(() => model({ retries: -1 })).to.throw(ModelError, /retries/);
      expect(() => model({ baseURL: "not a url" })).to.throw(ModelError, /baseURL/);
    });

    it("test_config_requiresAKeyForOpenAIItself", () => {
      const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
      delete process.env.OPENAI_API_KEY;
      delete process.env.OPENAI_BASE_URL;
      try {
        expect(() => new OpenAIModel(openaiSpec())).to.throw(ModelError, /API key/);
        // A local server needs none.
        expect(() => new OpenAIModel(openaiSpec(), { baseURL: "http://127.0.0.1:11434/v1" })).to.not.throw();
      } finally {
        restoreEnv("OPENAI_API_KEY", saved.key);
        restoreEnv("OPENAI_BASE_URL", saved.url);
      }
    });
  });
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
