import { expect } from "chai";
import { hexToString, keccak256, stringToHex } from "viem";

import { ConfigError } from "../../oracle/errors/BaseError.js";
import {
  canonicalSpecJson,
  decodeSpec,
  encodeSpec,
  parseModelSpec,
  specHash,
} from "../../oracle/models/spec.js";
import type { ModelSpec } from "../../oracle/models/types.js";
import { openaiSpec, simulatedSpec } from "../fixtures/models.js";

describe("model spec: canonical bytes and specHash", () => {
  it("test_canonicalJson_sortsKeys_withNoWhitespace", () => {
    expect(canonicalSpecJson(openaiSpec())).to.equal(
      '{"maxOutputTokens":800,"model":"fake-model-1","provider":"openai","seed":42,' +
        '"systemPrompt":"You are a careful, honest forecaster and executor.","temperature":0.2,' +
        '"version":1,"weightsDigest":null}',
    );
  });

  it("test_specHash_isKeccakOfTheBytes_andIgnoresKeyOrder", () => {
    const spec = simulatedSpec(0.8);
    const reordered = Object.fromEntries(Object.entries(spec).reverse()) as ModelSpec;
    expect(encodeSpec(reordered)).to.equal(encodeSpec(spec));
    expect(specHash(spec)).to.equal(keccak256(stringToHex(canonicalSpecJson(spec))));
    expect(specHash(reordered)).to.equal(specHash(spec));
    expect(specHash(simulatedSpec(0.8, "honest", 8))).to.not.equal(specHash(spec));
    expect(specHash(openaiSpec({ systemPrompt: "Réponds en français 🐟" }))).to.not.equal(
      specHash(openaiSpec()),
    );
  });

  it("test_decodeSpec_roundTrips_andRejectsNonCanonicalBytes", () => {
    const spec = simulatedSpec(0.3, "adversarial");
    expect(decodeSpec(encodeSpec(spec))).to.deep.equal(spec);
    const pretty = stringToHex(JSON.stringify(JSON.parse(hexToString(encodeSpec(spec))), null, 2));
    expect(() => decodeSpec(pretty)).to.throw(ConfigError, /canonical/);
    expect(() => decodeSpec(stringToHex("{not json"))).to.throw(ConfigError, /not JSON/);
  });

  it("test_parseModelSpec_namesTheInvalidField", () => {
    expect(() => parseModelSpec({ ...openaiSpec(), temperature: 3 })).to.throw(ConfigError, /temperature/);
    expect(() => parseModelSpec({ ...openaiSpec(), seed: 1.5 })).to.throw(ConfigError, /seed/);
    expect(() => parseModelSpec({ ...openaiSpec(), extra: 1 })).to.throw(ConfigError, /extra|Unrecognized/);
    expect(() => parseModelSpec({ ...openaiSpec(), version: 2 })).to.throw(ConfigError, /version/);
    expect(() => parseModelSpec({ ...simulatedSpec(0.5), simulation: undefined })).to.throw(
      ConfigError,
      /simulation/,
    );
    expect(() => parseModelSpec({ ...openaiSpec(), simulation: { skill: 1, profile: "honest" } })).to.throw(
      ConfigError,
      /simulation/,
    );
    expect(() =>
      parseModelSpec({ ...simulatedSpec(0.5), simulation: { skill: 2, profile: "honest" } }),
    ).to.throw(ConfigError, /simulation\.skill/);
  });

  it("test_parseModelSpec_knowsTheSimulatedProfiles", () => {
    for (const profile of ["honest", "adversarial", "thief"] as const) {
      const spec = simulatedSpec(0.5, profile);
      expect(parseModelSpec(spec)).to.deep.equal(spec);
      expect(decodeSpec(encodeSpec(spec))).to.deep.equal(spec);
    }
    expect(() =>
      parseModelSpec({ ...simulatedSpec(0.5), simulation: { skill: 0.5, profile: "saboteur" } }),
    ).to.throw(ConfigError, /simulation\.profile/);
  });
});
