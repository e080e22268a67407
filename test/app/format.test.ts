/** The app's formatting of amounts, scores, dates and countdowns, and its reading of typed amounts. */
import { expect } from "chai";

import {
  formatAmount,
  formatCountdown,
  formatLocalDate,
  formatWad,
  parseAmount,
} from "../../app/src/lib/format.js";

const E18 = 10n ** 18n;

describe("app: formatting", () => {
  it("amounts in whole tokens, grouped by thousands", () => {
    expect(formatAmount(1234n * E18 + E18 / 2n, 18, "GOV")).to.equal("1,234.5 GOV");
    expect(formatAmount(1_000_000n, 6)).to.equal("1");
    expect(formatAmount(5n, 2, "X")).to.equal("0.05 X");
    expect(formatAmount(-1_234_567n, 0)).to.equal("-1,234,567");
  });

  it("typed amounts: whole tokens in base units, one message per problem", () => {
    expect(parseAmount("1,000.25", 18)).to.equal(1000n * E18 + E18 / 4n);
    expect(parseAmount(" 7 ", 0)).to.equal(7n);
    expect(parseAmount("-1.5", 1)).to.equal(-15n);
    expect(() => parseAmount("1.234", 2)).to.throw('"1.234" has more than 2 decimals');
    expect(() => parseAmount("ten", 18)).to.throw('"ten" is not a number');
    expect(() => parseAmount("", 18)).to.throw("is not a number");
    expect(() => parseAmount("0", 18, { positive: true })).to.throw("must be more than zero");
  });

  it("scores as rounded decimals", () => {
    expect(formatWad(123_456_789_012_345_678n)).to.equal("0.1235");
    expect(formatWad(E18)).to.equal("1.0000");
    expect(formatWad(0n, 2)).to.equal("0.00");
  });

  it("countdowns in the two largest units, either way", () => {
    expect(formatCountdown(1000n + 3600n + 720n, 1000n)).to.equal("in 1h 12m");
    expect(formatCountdown(1000n, 1300n)).to.equal("5m ago");
    expect(formatCountdown(5n, 5n)).to.equal("now");
    expect(formatCountdown(2n * 86400n + 4n * 3600n + 3n, 0n)).to.equal("in 2d 4h");
  });

  it("dates in the given time zone", () => {
    expect(formatLocalDate(1_796_220_000n, "UTC", "en-GB")).to.equal("2 Dec 2026, 14:00:00");
    expect(formatLocalDate(1_796_220_000n, "Asia/Tokyo", "en-GB")).to.equal("2 Dec 2026, 23:00:00");
  });
});
