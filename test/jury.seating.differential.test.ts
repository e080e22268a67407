/**
 * Differential test: the jury-seating twin (`oracle/scoring/jury.ts`, `seatJury`) against the hub's
 * `juryOf` on the in-process chain.
 *
 * Each run registers a seeded random roster on a jury agreement: owners and operators drawn from small
 * pools (one owner holds a large share of the seats, so whole blocks of the ranking share the
 * proposer's side), forecasts from a few values (score ties, broken by id), some candidates never
 * forecasting (never eligible). After the executor of epoch 2 is fixed, `juryOf` is
 * called for random proposers (the executor, the fallback, anyone, an ineligible seat), sizes (0 to
 * above `MAX_JURY_SIZE`) and `exclude` lists, and must equal `seatJury` over the hub's `ranking` and
 * each candidate's owner and operator as the `candidate` view reports them. Coverage counters keep
 * the runs exercising what the rule distinguishes, among them a considered window that ends before
 * the jury is full while qualifying candidates rank below it.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, toHex, type Address, type Hex } from "viem";

import {
  MAX_JURY_CONSIDERED,
  MAX_JURY_SIZE,
  ScoringInputError,
  seatJury,
  type CandidateIdentity,
} from "../oracle/scoring/index.js";
import { clock, commitmentOf, deployHub, WAD } from "./fixtures/hub.js";
import { prng } from "./fixtures/prng.js";

const JURY = {
  jurySize: 8,
  juryQuorum: 5,
  appealJurySize: 8,
  voteCommitWindow: 300,
  voteRevealWindow: 300,
  juryFee: 0n,
  juryPenalty: 0n,
};

/** Forecasts drawn per candidate against the outcome [100, 50]: a few values, so scores tie. */
const FORECASTS: bigint[][] = [
  [100n, 50n],
  [110n, 50n],
  [100n, 70n],
  [130n, 90n],
  [90n, 40n],
];

interface Coverage {
  queries: number;
  fullJury: number;
  partialJury: number;
  emptyJury: number;
  sizeAboveMax: number;
  skippedOwner: number;
  skippedOperator: number;
  skippedExcluded: number;
  proposerNotExecutor: number;
  windowEndsEarly: number;
  ties: number;
}

async function run(seed: bigint, seats: number, queries: number, cov: Coverage) {
  const rng = prng(seed);
  const conn = await network.create();
  const f = await deployHub(conn, { minScored: 1, jury: JURY });
  const { hub, wallets, agreementId: aid } = f;
  const t = clock(f);
  const chainId = await f.publicClient.getChainId();
  // Accounts 0–3 are the deployer and reporters; owners and operators come from 4 on.
  const owners = wallets.slice(4, 9);
  const operators = wallets.slice(7, 13);
  const ids: bigint[] = [];
  const operatorOf = new Map<bigint, (typeof wallets)[number]>();
  for (let i = 0; i < seats; ++i) {
    const owner = rng.chance(0.4) ? owners[0] : rng.pick(owners);
    const operator = rng.pick(operators);
    const id = BigInt(i + 1);
    await hub.write.registerCandidate(
      [aid, keccak256(toHex(`spec ${i}`)), 100n * WAD, operator.account.address],
      {
        account: owner.account,
      },
    );
    ids.push(id);
    operatorOf.set(id, operator);
  }
  const salt = (id: bigint) => toHex(id * 7919n + seed, { size: 32 }) as Hex;
  const forecasts = new Map<bigint, bigint[]>();
  for (const id of ids) {
    if (rng.chance(0.15)) continue; // never forecasts: never scored, never eligible
    const values = rng.pick(FORECASTS);
    forecasts.set(id, values);
    const c = commitmentOf({
      chainId,
      hub: hub.address,
      agreementId: aid,
      candidateId: id,
      targetEpoch: 1n,
      values,
      salt: salt(id),
    });
    await hub.write.commitForecast([aid, id, 1n, c], { account: operatorOf.get(id)!.account });
  }
  await f.networkHelpers.time.increaseTo(t.end(1n));
  for (const r of [1, 2, 3])
    await hub.write.reportOutcome([aid, 1n, [100n, 50n]], { account: wallets[r].account });
  await f.networkHelpers.time.increaseTo(t.revealOpens(1n));
  for (const [id, values] of forecasts) {
    await hub.write.revealForecast([aid, id, 1n, values, salt(id)], { account: operatorOf.get(id)!.account });
  }
  await f.networkHelpers.time.increaseTo(t.end(2n));
  await hub.write.selectExecutor([aid, 2n]);
  const [executor, fallback] = await hub.read.executorOf([aid, 2n]);

  const [rankedIds, rankedScores] = await hub.read.ranking([aid, 2n]);
  for (let i = 1; i < rankedScores.length; ++i) if (rankedScores[i] === rankedScores[i - 1]) cov.ties++;
  const identities = new Map<bigint, CandidateIdentity>();
  for (const id of ids) {
    const c = await hub.read.candidate([aid, id]);
    identities.set(id, { owner: c.owner as Address, operator: c.operator as Address });
  }
  const identityOf = (id: bigint) => {
    const who = identities.get(id);
    if (!who) throw new Error(`no candidate ${id}`);
    return who;
  };

  for (let q = 0; q < queries; ++q) {
    const proposer = rng.chance(0.4)
      ? executor
      : rng.chance(0.3) && fallback !== 0n
        ? fallback
        : rng.pick(ids);
    const size = rng.chance(0.1) ? rng.int(MAX_JURY_SIZE + 1, 12) : rng.int(0, MAX_JURY_SIZE);
    const pool = rng.chance(0.5) ? rankedIds.slice(0, MAX_JURY_CONSIDERED) : ids;
    const exclude = rng.chance(0.3) ? [] : Array.from({ length: rng.int(1, 16) }, () => rng.pick(pool));
    const onChain = await hub.read.juryOf([aid, 2n, proposer, BigInt(size), exclude]);
    const twin = seatJury({ ranking: { ids: rankedIds }, executor, proposer, identityOf, size, exclude });
    expect(
      [...onChain],
      `seed ${seed} query ${q}: proposer ${proposer} size ${size} exclude [${exclude}]`,
    ).to.deep.equal(twin);

    cov.queries++;
    const wanted = Math.min(size, MAX_JURY_SIZE);
    if (size > MAX_JURY_SIZE) cov.sizeAboveMax++;
    if (twin.length === 0) cov.emptyJury++;
    else if (twin.length === wanted) cov.fullJury++;
    else cov.partialJury++;
    if (proposer !== executor) cov.proposerNotExecutor++;
    const side = identityOf(proposer);
    const considered = rankedIds.slice(0, MAX_JURY_CONSIDERED);
    const qualifies = (id: bigint) => {
      const who = identityOf(id);
      return (
        id !== executor &&
        id !== proposer &&
        !exclude.includes(id) &&
        who.owner.toLowerCase() !== side.owner.toLowerCase() &&
        who.operator.toLowerCase() !== side.operator.toLowerCase()
      );
    };
    for (const id of considered) {
      if (id === executor || id === proposer) continue;
      const who = identityOf(id);
      if (exclude.includes(id)) cov.skippedExcluded++;
      else if (who.owner.toLowerCase() === side.owner.toLowerCase()) cov.skippedOwner++;
      else if (who.operator.toLowerCase() === side.operator.toLowerCase()) cov.skippedOperator++;
    }
    if (wanted > 0 && twin.length < wanted && rankedIds.slice(MAX_JURY_CONSIDERED).some(qualifies))
      cov.windowEndsEarly++;
  }
}

describe("jury seating twin ≡ hub juryOf (randomised differential)", function () {
  this.timeout(600_000);

  it("seats the same jurors, best first, on random rosters, proposers, sizes and exclusions", async () => {
    const cov: Coverage = {
      queries: 0,
      fullJury: 0,
      partialJury: 0,
      emptyJury: 0,
      sizeAboveMax: 0,
      skippedOwner: 0,
      skippedOperator: 0,
      skippedExcluded: 0,
      proposerNotExecutor: 0,
      windowEndsEarly: 0,
      ties: 0,
    };
    await run(0x5ea7n, 14, 60, cov);
    await run(0x5ea8n, 40, 120, cov);
    await run(0x5ea9n, 64, 160, cov);
    for (const [name, count] of Object.entries(cov)) expect(count, `coverage: ${name}`).to.be.at.least(5);
  });
});

describe("seatJury input", () => {
  const a = "0x00000000000000000000000000000000000000aa" as Address;
  const identityOf = (id: bigint): CandidateIdentity => ({
    operator: `0x${id.toString(16).padStart(40, "0")}` as Address,
    owner: id === 3n ? a : (`0x${(id + 100n).toString(16).padStart(40, "0")}` as Address),
  });
  const ranking = { ids: [1n, 2n, 3n, 4n, 5n] };

  it("seats nobody for an agreement without a jury, whatever the size", () => {
    expect(seatJury({ ranking, executor: 1n, proposer: 1n, identityOf, size: 3 })).to.deep.equal([
      2n,
      3n,
      4n,
    ]);
    expect(
      seatJury({ ranking, executor: 1n, proposer: 1n, identityOf, size: 3, juryEnabled: false }),
    ).to.deep.equal([]);
  });

  it("compares addresses whatever their case", () => {
    const upper = "0x00000000000000000000000000000000000000AA" as Address;
    const sameOwner = (id: bigint) =>
      id === 2n || id === 4n ? { ...identityOf(id), owner: upper } : identityOf(id);
    expect(seatJury({ ranking, executor: 1n, proposer: 3n, identityOf: sameOwner, size: 8 })).to.deep.equal([
      5n,
    ]);
  });

  it("refuses a negative size and a ranking that lists a candidate twice", () => {
    expect(() => seatJury({ ranking, executor: 1n, proposer: 1n, identityOf, size: -1 })).to.throw(
      ScoringInputError,
      "jury size -1 is negative",
    );
    expect(() =>
      seatJury({ ranking: { ids: [1n, 2n, 2n] }, executor: 1n, proposer: 1n, identityOf, size: 1 }),
    ).to.throw(ScoringInputError, "the ranking lists a candidate twice");
  });
});
