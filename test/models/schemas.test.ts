import { expect } from "chai";

import { ModelError } from "../../oracle/errors/BaseError.js";
import {
  FORECAST_VALUE_LIMIT,
  parseExecutionOutput,
  parseForecastOutput,
  parseValidateOutput,
  scaleDecimal,
} from "../../oracle/models/schemas.js";
import type { MetricInfo } from "../../oracle/models/types.js";

function schemaError(fn: () => unknown): ModelError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(ModelError);
    expect((error as ModelError).kind).to.equal("schema");
    return error as ModelError;
  }
  expect.fail("expected a schema error");
}

describe("model output schemas", () => {
  it("test_scaleDecimal_scalesAndRoundsHalfAwayFromZero", () => {
    const cases: [string, number, bigint][] = [
      ["0", 2, 0n],
      ["-0", 2, 0n],
      ["24.15", 2, 2415n],
      ["24.155", 2, 2416n],
      ["24.154", 2, 2415n],
      ["-24.155", 2, -2416n],
      ["-24.154", 2, -2415n],
      ["15", 0, 15n],
      ["1e-7", 8, 10n],
      ["1.5E+3", 0, 1500n],
      ["2.5e-1", 0, 0n],
      ["5e-1", 0, 1n],
      ["1e-400", 18, 0n],
      ["1.234567890123456789", 18, 1234567890123456789n],
    ];
    for (const [text, decimals, expected] of cases) {
      expect(scaleDecimal(text, decimals), `${text} @${decimals}`).to.equal(expected);
    }
  });

  it("test_scaleDecimal_rejectsValuesOutsideInt128AtTheEdge", () => {
    const max = (FORECAST_VALUE_LIMIT - 1n).toString();
    expect(scaleDecimal(max, 0)).to.equal(FORECAST_VALUE_LIMIT - 1n);
    expect(scaleDecimal(`-${max}`, 0)).to.equal(-(FORECAST_VALUE_LIMIT - 1n));
    schemaError(() => scaleDecimal(FORECAST_VALUE_LIMIT.toString(), 0));
    schemaError(() => scaleDecimal(`-${FORECAST_VALUE_LIMIT}`, 0));
    schemaError(() => scaleDecimal("1e39", 0));
    schemaError(() => scaleDecimal("1e999999", 0));
    schemaError(() => scaleDecimal("NaN", 0));
  });

  it("test_parseForecast_readsTheExactDecimalText", () => {
    const metrics: MetricInfo[] = [
      { name: "a", decimals: 18, scale: 10n ** 18n },
      { name: "b", decimals: 0, scale: 1n },
    ];
    // 1.234567890123456789 is not a double: the exact text is used.
    const parsed = parseForecastOutput('{"values":[1.234567890123456789, 7],"rationale":"r"}', metrics);
    expect(parsed.values).to.deep.equal([1234567890123456789n, 7n]);
    expect(parsed.rationale).to.equal("r");
  });

  it("test_parseForecast_rejectsBadShapes", () => {
    const metrics: MetricInfo[] = [{ name: "a", decimals: 2, scale: 100n }];
    schemaError(() => parseForecastOutput("not json", metrics));
    schemaError(() => parseForecastOutput('{"values":[1]}', metrics));
    schemaError(() => parseForecastOutput('{"values":[1],"rationale":"r","extra":1}', metrics));
    schemaError(() => parseForecastOutput('{"values":[1,2],"rationale":"r"}', metrics));
    schemaError(() => parseForecastOutput('{"values":[null],"rationale":"r"}', metrics));
    schemaError(() => parseForecastOutput("[1]", metrics));
  });

  it("test_parseExecution_convertsAmountsToBigint_andIsStrict", () => {
    const ok = parseExecutionOutput(
      '{"newState":{"a":[1,{"b":null}]},"actions":[{"token":"0x1","to":"0x2","amount":"115792089237316195423570985008687907853269984665640564039457584007913129639935"}],"rationale":"r"}',
    );
    expect(ok.newState).to.deep.equal({ a: [1, { b: null }] });
    expect(ok.actions[0].amount).to.equal(2n ** 256n - 1n);
    schemaError(() => parseExecutionOutput('{"newState":{},"actions":[],"rationale":"r","x":1}'));
    schemaError(() => parseExecutionOutput('{"newState":null,"actions":[],"rationale":"r"}'));
    schemaError(() =>
      parseExecutionOutput('{"newState":{},"actions":[{"token":"0x1","to":"0x2"}],"rationale":"r"}'),
    );
    schemaError(() =>
      parseExecutionOutput(
        '{"newState":{},"actions":[{"token":"0x1","to":"0x2","amount":"0x10"}],"rationale":"r"}',
      ),
    );
  });

  it("test_parseValidate_readsTheVote", () => {
    expect(parseValidateOutput('{"vote":"accept","rationale":"same payments"}')).to.deep.equal({
      accept: true,
      rationale: "same payments",
    });
    expect(parseValidateOutput('{"rationale":"pays Mallory","vote":"reject"}')).to.deep.equal({
      accept: false,
      rationale: "pays Mallory",
    });
  });

  it("test_parseValidate_refusesGarbage_withOneClearLine", () => {
    const garbage = [
      "accept",
      '{"vote":"accept"',
      '{"vote":"accept"}',
      '{"vote":"yes","rationale":"r"}',
      '{"vote":"ACCEPT","rationale":"r"}',
      '{"vote":true,"rationale":"r"}',
      '{"vote":"accept","rationale":"r","confidence":1}',
      '{"vote":"accept","rationale":null}',
      '["accept","r"]',
      "null",
    ];
    for (const raw of garbage) {
      const error = schemaError(() => parseValidateOutput(raw));
      expect(error.shortMessage, raw).to.match(
        /^The validation answer (is not valid JSON|does not match its schema)\.$/,
      );
      expect(error.shortMessage).to.not.contain("\n");
      expect(error.details, raw).to.contain(raw);
    }
  });
});
