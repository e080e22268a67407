/**
 * A real model's list of a judgement round, over HTTP (fake OpenAI-compatible server): the allocate
 * prompt with a strict JSON schema, the answer normalised to WAD summing to 1e18, and a garbage
 * answer refused with one line naming the problem (the raw answer kept for the log).
 */
import { expect } from "chai";

import { ModelError } from "../../oracle/errors/BaseError.js";
import { rawAnswerOf } from "../../oracle/models/faults.js";
import { OpenAIModel } from "../../oracle/models/openaiModel.js";
import { renderAllocatePrompt } from "../../oracle/prompts/render.js";
import { openaiSpec } from "../fixtures/models.js";
import { FakeOpenAI, reply } from "../support/fakeOpenAI.js";

const WAD = 10n ** 18n;
const request = {
  agreementId: 1n,
  round: 3n,
  agreementText: "Fund the items by their credit.",
  items: [
    { index: 0, name: "viem", url: "https://github.com/wevm/viem" },
    { index: 1, name: "zod", url: "https://github.com/colinhacks/zod" },
  ],
};

describe("OpenAIModel.allocate over HTTP", () => {
  let server: FakeOpenAI;
  const model = () =>
    new OpenAIModel(openaiSpec(), { apiKey: "sk-test-not-a-secret", baseURL: server.baseURL });

  before(async () => {
    server = await FakeOpenAI.start();
  });
  afterEach(() => server.reset());
  after(async () => server.close());

  it("test_allocate_sendsTheAllocatePromptWithAStrictSchema_andNormalisesToWad", async () => {
    server.reply(
      reply.json({
        allocation: [
          { item: 1, weight: 1 },
          { item: 0, weight: 3 },
        ],
        rationale: "viem is the chain client.",
      }),
    );
    const result = await model().allocate(request);
    expect(result.weights).to.deep.equal([(3n * WAD) / 4n, WAD / 4n]);
    expect(result.templateId).to.equal("allocate/v1");
    const rendered = renderAllocatePrompt(openaiSpec(), request);
    expect(result.promptHash).to.equal(rendered.promptHash);
    const body = server.requests[0].body;
    expect(body.messages).to.deep.equal(rendered.messages);
    expect(body.response_format?.json_schema?.name).to.equal("allocation");
    expect(body.response_format?.json_schema?.strict).to.equal(true);
  });

  it("test_allocate_refusesAnAnswerMissingAnItem_withOneLine", async () => {
    const answer = { allocation: [{ item: 0, weight: 1 }], rationale: "only one" };
    server.reply(reply.json(answer));
    try {
      await model().allocate(request);
      expect.fail("expected a schema error");
    } catch (error) {
      expect(error).to.be.instanceOf(ModelError);
      expect((error as ModelError).kind).to.equal("schema");
      expect((error as ModelError).shortMessage).to.equal(
        "The allocation has no weight for item 1 (every item needs one).",
      );
      expect(rawAnswerOf(error)).to.equal(JSON.stringify(answer));
    }
  });
});
