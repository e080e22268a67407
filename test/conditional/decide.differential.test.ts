/**
 * The contract's decision equals the twin's (`oracle/scoring/conditional.ts` `decide`, `recommend`,
 * `explorationDraw`) bit for bit over many random decision epochs: agreements with 1, 2 and 3 metrics;
 * eight seats of 1 to 5 bond units whose scores drift with random regular forecasts (some skip a
 * target and fall out of date, some outcomes are void); a new version of the terms every epoch (2 to 8
 * options, fixed and proposed, random objective, eta and epsilon); random conditional forecasts,
 * negative and very large ones included, some rounds with every option forecast alike (ties), some
 * commitments never revealed; and a random word per epoch from a FixedRandomness source. With
 * epsilon 0 nothing explores, with epsilon 1e18 every weighted decision does, on the twin's draw, and
 * at the exact boundary a draw equal to epsilon does not explore. Each decided option is executed by
 * the epoch's executor when it has one, and the epoch is scored on the next outcome: the losses are
 * the twin's `conditionalLoss` on the option taken (1e18 unrevealed) and every committer's score
 * moves by one EWMA step; an unexecuted decision or a void outcome leaves every record unchanged.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { encodeAbiParameters, keccak256, parseEventLogs, stringToHex, type Hex } from "viem";

import {
  conditionalLoss,
  decide as twinDecide,
  EXPLORE_TAG,
  explorationDraw,
  recommend,
} from "../../oracle/scoring/conditional.js";
import { ewma } from "../../oracle/scoring/lossMath.js";
import {
  DecisionStatus,
  defaultTerms,
  deployConditional,
  WAD,
  type TermsInput,
} from "../fixtures/conditional.js";
import { clock, commitmentOf as forecastCommitment, type Transition } from "../fixtures/execution.js";
import type { Connection } from "../fixtures/hub.js";
import { prng, type Prng } from "../fixtures/prng.js";

const METRICS = [
  { name: "catchPerBoatDay", decimals: 2, lossKind: 0, scale: 1000n },
  { name: "stockIndex", decimals: 2, lossKind: 1, scale: 5000n },
  { name: "effortDays", decimals: 2, lossKind: 0, scale: 2000n },
];
const ROUNDS = Number(process.env.GENGOV_COND_ROUNDS ?? 60);
const UNITS = [1, 2, 3, 4, 1, 2, 5, 3];
/** Wallets that propose options (approved for the bond token). */
const PROPOSERS = [12, 13, 14, 15, 16, 17, 18, 19];

/** Random terms for epoch e with M metrics: n options in all, k of them fixed. */
function randomTerms(rng: Prng, e: bigint, M: number): { terms: TermsInput; proposed: number } {
  const n = rng.int(2, 8);
  const k = rng.int(0, n);
  const epsilon = rng.pick([0n, WAD, rng.between(0n, WAD)]);
  const eta = rng.pick([
    10n ** 15n,
    WAD,
    5n * WAD,
    100n * WAD,
    10_000n * WAD,
    rng.between(1n, 10_000n * WAD),
  ]);
  const big = rng.chance(0.1);
  const weights = Array.from({ length: M }, () =>
    big ? rng.between(-(1n << 62n), 1n << 62n) : rng.chance(0.2) ? 0n : rng.between(-1000n, 1000n),
  );
  const floors = Array.from({ length: M }, () => rng.between(-5000n, 10_000n));
  const penalties = Array.from({ length: M }, () => (rng.chance(0.3) ? 0n : rng.between(0n, 100n)));
  const terms = defaultTerms(e, {
    maxProposed: rng.int(n - k, 8 - k),
    epsilon,
    eta,
    optionBond: rng.pick([0n, WAD]),
    weights,
    floors,
    penalties,
    options: Array.from({ length: k }, (_, j) => `fixed-${e}-${j}`),
  });
  return { terms, proposed: n - k };
}

/** One forecast value: mostly near the truth, sometimes negative, rarely huge. */
function value(rng: Prng, truth: bigint): bigint {
  const r = rng.float();
  if (r < 0.03) return rng.between(-(1n << 100n), 1n << 100n);
  if (r < 0.15) return rng.between(-20_000n, 0n);
  return truth + rng.between(-800n, 800n);
}

interface Tally {
  rounds: number;
  weighted: number;
  defaulted: number;
  explored: number;
  epsilonOne: number;
  epsilonZero: number;
  ties: number;
  ineligibleRevealers: number;
  refusedCommits: number;
  options: Set<number>;
  scored: number;
  voided: number;
}

async function run(conn: Connection, M: number, seed: bigint, tally: Tally) {
  const rng = prng(seed);
  const metrics = METRICS.slice(0, M);
  const first = randomTerms(rng, 0n, M);
  // The fixture sets the first version's firstEpoch.
  const { firstEpoch: _unused, ...firstTerms } = first.terms;
  const h = await deployConditional(conn, {
    units: UNITS,
    fixedRandomness: true,
    agreement: { metrics },
    terms: firstTerms,
  });
  const { hub, conditional, agreementId, wallets } = h;
  const t = clock(h.x);
  const chainId = await h.publicClient.getChainId();
  const termsOf = new Map<bigint, { terms: TermsInput; proposed: number }>();
  termsOf.set(h.D, { terms: h.terms, proposed: first.proposed });
  const truthOf = (e: bigint) => metrics.map((_, m) => 1000n + 37n * e + 250n * BigInt(m));
  const regularSalt = (id: bigint, e: bigint): Hex => keccak256(stringToHex(`regular-${id}-${e}`));
  const regular = new Map<string, bigint[]>();

  /** Proposals for epoch e (before it starts) and regular commits for target current + 1 = e. */
  const prepare = async (e: bigint) => {
    const { proposed } = termsOf.get(e)!;
    for (let i = 0; i < proposed; i++) {
      await h.wait(
        await conditional.write.proposeOption([agreementId, e, `proposed-${e}-${i}`], {
          account: wallets[PROPOSERS[i]].account,
        }),
      );
    }
    for (const c of h.candidates) {
      if (!rng.chance(0.85)) continue;
      const values = truthOf(e).map((v) => v + rng.between(-400n, 400n));
      const commitment = forecastCommitment({
        chainId,
        hub: hub.address,
        agreementId,
        candidateId: c.id,
        targetEpoch: e,
        values,
        salt: regularSalt(c.id, e),
      });
      await h.wait(
        await hub.write.commitForecast([agreementId, c.id, e, commitment], { account: c.op.account }),
      );
      regular.set(`${c.id}@${e}`, values);
    }
  };

  const proposals = new Map<bigint, Transition>();
  const lossMetrics = metrics.map((m) => ({ scale: m.scale, lossKind: m.lossKind }));
  /** Scores epoch e (horizon 1) and checks losses and score steps against the twin. */
  const scoreAndCheck = async (e: bigint) => {
    const d = await h.decision(e);
    if (d.status !== DecisionStatus.Decided) return;
    const before = await h.records(e);
    const receipt = await h.wait(await conditional.write.score([agreementId, e]));
    const after = await h.records(e);
    const where = `seed ${seed}, scoring epoch ${e}`;
    const [status, outcome] = await hub.read.outcome([agreementId, e + 1n]);
    const scored = parseEventLogs({
      abi: conditional.abi,
      logs: receipt.logs,
      eventName: "ConditionalScored",
    });
    if (!d.executed || status !== 1) {
      expect(scored, where).to.deep.equal([]);
      expect(after.words, where).to.deep.equal(before.words);
      expect((await h.decision(e)).status, where).to.equal(DecisionStatus.Void);
      tally.voided++;
      return;
    }
    const ids = [...(await conditional.read.committers([agreementId, e]))];
    const losses: bigint[] = [];
    for (const id of ids) {
      const [, revealed, flat] = await conditional.read.forecastOf([agreementId, e, id]);
      const mine = revealed ? [...flat.slice(d.option * M, (d.option + 1) * M)] : undefined;
      losses.push(conditionalLoss(mine, [...outcome], lossMetrics));
    }
    expect([...scored[0].args.candidateIds!], where).to.deep.equal(ids);
    expect([...scored[0].args.losses!], where).to.deep.equal(losses);
    for (const [i, id] of ids.entries()) {
      const b = before.of(id);
      const a = after.of(id);
      expect(a.score, `${where}, candidate ${id}`).to.equal(
        ewma(b.score, losses[i], h.x.params.alpha, b.scoredCount === 0n),
      );
      expect(a.scoredCount, `${where}, candidate ${id}`).to.equal(b.scoredCount + 1n);
    }
    tally.scored++;
  };

  await prepare(h.D);
  for (let r = 0; r < ROUNDS; r++) {
    const e = h.D + BigInt(r);
    const { terms } = termsOf.get(e)!;
    const nOptions = terms.options.length + termsOf.get(e)!.proposed;
    // Epoch e opens: the outcome of e − 1 (void now and then), the terms of e + 1, commits for e.
    await h.warpTo(t.start(e));
    const reported = rng.chance(0.85);
    if (reported) await h.report(e - 1n, truthOf(e - 1n));
    const next = randomTerms(rng, e + 1n, M);
    await h.configure(next.terms);
    termsOf.set(e + 1n, next);
    const tie = rng.chance(0.2);
    const committed: bigint[] = [];
    for (const c of h.candidates) {
      if (!rng.chance(0.85)) continue;
      const row0 = truthOf(e + 1n).map((v) => value(rng, v));
      const forecasts = Array.from({ length: nOptions }, () =>
        tie ? [...row0] : truthOf(e + 1n).map((v) => value(rng, v)),
      );
      // Only a candidate eligible to execute takes a forecaster place; the others are refused.
      if (!(await hub.read.candidate([agreementId, c.id])).eligible) {
        const { commitment } = await h.commitmentOf(c.id, forecasts, { e });
        await h.viem.assertions.revertWithCustomErrorWithArgs(
          h.conditional.write.commit([agreementId, e, c.id, commitment], { account: c.op.account }),
          h.conditional,
          "NotEligible",
          [c.id],
        );
        tally.refusedCommits += 1;
        continue;
      }
      await h.commit(c.id, forecasts, { e });
      committed.push(c.id);
    }
    // Regular reveals of target e − 1 move the scores; the proposals and commits of e + 1.
    await h.warpTo(t.revealOpens(e - 1n));
    if (reported) {
      for (const c of h.candidates) {
        const values = regular.get(`${c.id}@${e - 1n}`);
        if (values === undefined) continue;
        await h.wait(
          await hub.write.revealForecast([agreementId, c.id, e - 1n, values, regularSalt(c.id, e - 1n)], {
            account: c.op.account,
          }),
        );
      }
    }
    await prepare(e + 1n);
    // The transition of e − 1 carrying its option is finalized; e − 2 is scored on the outcome of e − 1.
    const last = proposals.get(e - 1n);
    if (last !== undefined) await h.finalize(last);
    if (r >= 2) await scoreAndCheck(e - 2n);
    await h.warpTo(t.end(e) - BigInt(terms.revealWindow));
    for (const id of committed) if (rng.chance(0.85)) await h.reveal(id, e);
    const word = rng.bits(256);
    await h.wait(await h.rng!.write.setWord([e, word]));

    const decided = await h.decide(e);
    const records = await h.records(e);
    expect(records.randomWord).to.equal(word);
    const revealers = await h.revealers(e);
    const params = {
      revealers,
      eta: terms.eta,
      objective: { weights: terms.weights, floors: terms.floors, penalties: terms.penalties },
      nOptions,
      nMetrics: M,
    };
    const twin = twinDecide({ ...params, randomWord: word, epsilon: terms.epsilon });
    const where = `seed ${seed}, epoch ${e}`;
    expect(decided.option, where).to.equal(twin.option);
    expect(decided.explored, where).to.equal(twin.explored);
    expect(decided.defaulted, where).to.equal(twin.defaulted);
    expect([...decided.objectives], where).to.deep.equal(twin.objectives);
    const d = await h.decision(e);
    expect([d.option, d.explored, d.defaulted, d.optionCount], where).to.deep.equal([
      twin.option,
      twin.explored,
      twin.defaulted,
      nOptions,
    ]);
    expect(d.optionSetHash, where).to.equal((await h.optionSet(e)).setHash);
    const [best, objectives, totalWeight] = await conditional.read.recommendation([agreementId, e]);
    const rec = recommend(params);
    expect([best, [...objectives], totalWeight], where).to.deep.equal([
      rec.option,
      rec.objectives,
      rec.totalWeight,
    ]);

    const { executor } = await h.executor(e);
    if (executor !== undefined) proposals.set(e, await h.proposeDecided(executor, decided.option, e));
    tally.rounds++;
    tally.ineligibleRevealers += revealers.filter((x) => !x.eligible).length;
    tally.options.add(twin.option);
    if (twin.defaulted) {
      tally.defaulted++;
      continue;
    }
    tally.weighted++;
    const draw = explorationDraw(word, terms.epsilon, nOptions);
    if (twin.explored) tally.explored++;
    if (terms.epsilon === 0n) {
      tally.epsilonZero++;
      expect(decided.explored, where).to.equal(false);
    }
    if (terms.epsilon === WAD) {
      tally.epsilonOne++;
      expect(decided.explored, where).to.equal(true);
      expect(decided.option, where).to.equal(draw.option);
    }
    const top = rec.objectives.filter((j) => j === rec.objectives[rec.option]).length;
    if (top > 1) tally.ties++;
  }
}

describe("conditional: decide and score, contract against twin", function () {
  this.timeout(1_800_000);
  const tally: Tally = {
    rounds: 0,
    weighted: 0,
    defaulted: 0,
    explored: 0,
    epsilonOne: 0,
    epsilonZero: 0,
    ties: 0,
    ineligibleRevealers: 0,
    refusedCommits: 0,
    options: new Set(),
    scored: 0,
    voided: 0,
  };

  for (const [M, seed] of [
    [1, 0xc0d1n],
    [2, 0xc0d2n],
    [3, 0xc0d3n],
  ] as const) {
    it(`${M} metric${M > 1 ? "s" : ""}: ${ROUNDS} random decision epochs`, async () => {
      await run(await network.create(), M, seed, tally);
    });
  }

  it("a draw equal to epsilon does not explore; one below it does", async () => {
    const word = 0x5eedn;
    const u = BigInt(
      keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "uint256" }], [EXPLORE_TAG, word])),
    );
    const v = (u >> 128n) % WAD;
    const h = await deployConditional(await network.create(), {
      fixedRandomness: true,
      terms: { epsilon: v },
    });
    await h.wait(await h.rng!.write.setDefault([word]));
    await h.configure(defaultTerms(h.D + 1n, { epsilon: v + 1n }));
    const forecasts = [
      [1200n, 5200n],
      [1100n, 5600n],
      [1300n, 4700n],
    ];
    for (const [e, explores] of [
      [h.D, false],
      [h.D + 1n, true],
    ] as const) {
      await h.warpTo(h.times(e).start);
      for (const c of h.candidates) await h.commit(c.id, forecasts, { e });
      await h.warpTo(h.times(e).revealOpens);
      for (const c of h.candidates) await h.reveal(c.id, e);
      const decided = await h.decide(e);
      const epsilon = e === h.D ? v : v + 1n;
      expect(explorationDraw(word, epsilon, 3).explore).to.equal(explores);
      expect(decided.explored).to.equal(explores);
      expect(decided.option).to.equal(explores ? explorationDraw(word, epsilon, 3).option : 0);
    }
  });

  it("covered: ≥ 30 exploration draws at epsilon 1e18, epsilon 0 rounds, ties, defaults, refused ineligible commits", () => {
    expect(tally.rounds).to.equal(3 * ROUNDS);
    if (ROUNDS < 60) return;
    expect(tally.epsilonOne).to.be.at.least(30);
    expect(tally.epsilonZero).to.be.at.least(10);
    expect(tally.ties).to.be.at.least(5);
    expect(tally.defaulted).to.be.at.least(1);
    expect(tally.refusedCommits).to.be.at.least(10);
    expect(tally.options.size).to.be.at.least(5);
    expect(tally.scored).to.be.at.least(100);
    expect(tally.voided).to.be.at.least(5);
  });
});
