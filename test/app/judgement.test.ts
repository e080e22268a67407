/** The app's allocation reads: published lists decoded from data: URIs, and their combination. */
import { expect } from "chai";

import { combineLists, decodeListUri } from "../../app/src/lib/judgement.js";
import { listDataUri } from "../../oracle/jobs/judgement.js";
import { combine } from "../../oracle/scoring/judgement.js";

const WAD = 10n ** 18n;

describe("app: judgement allocation", () => {
  it("test_decodeListUri_readsWhatTheNodePublishesAndRefusesAnythingElse", () => {
    const list = [WAD / 4n, (3n * WAD) / 4n];
    expect(decodeListUri(listDataUri(list))).to.deep.equal(list);
    expect(decodeListUri("https://example.org/list.json")).to.equal(undefined);
    expect(decodeListUri("data:application/json,%5B1%2C2%5D")).to.equal(undefined); // numbers, not strings
    expect(decodeListUri("data:application/json,not json")).to.equal(undefined);
  });

  it("test_combineLists_isTheContractsCombinePerItem", () => {
    const lists = [
      [WAD / 2n, WAD / 4n, WAD / 4n],
      [WAD / 10n, (7n * WAD) / 10n, WAD / 5n],
    ];
    const coefficients = [(3n * WAD) / 10n, (7n * WAD) / 10n];
    const combined = combineLists(lists, coefficients);
    expect(combined).to.deep.equal(lists[0].map((_, i) => combine([lists[0][i], lists[1][i]], coefficients)));
  });
});
