/**
 * Three operators, three `gengov node` processes, one standalone chain, a scripted reporter, several
 * epochs: every job is done once (one commit and one reveal per candidate and target, one proposal
 * and one finalization per epoch — the three keepers race to finalize and the losers only warn), the
 * scores the contract reports are what the TypeScript scoring twin computes from the revealed
 * forecasts and the reported outcomes, and the twin's selection agrees with the contract every epoch.
 */
import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  bondUnits,
  CandidateStatus,
  computeSelection,
  upToDateFloor,
  epochLoss,
  ewma,
  median,
  ranking,
  SelectionMode,
  type CandidateStanding,
  type EligibilityRule,
} from "../../oracle/scoring/index.js";
import { chainEvents, driveEpochs, duplicates, Supervisor } from "../fixtures/epochDriver.js";
import { WAD } from "../fixtures/hub.js";
import { testSpec } from "../fixtures/node.js";
import {
  connectChain,
  deployHubOver,
  privateKeyOf,
  registerCandidate,
  startChain,
  stopAll,
  writeNodeConfig,
} from "../fixtures/standalone.js";

const OPERATORS = [4, 5, 6];
const SKILLS = [0.95, 0.6, 0.2];
const LAST = 5n;

describe("three node processes (three operators) against one chain", function () {
  this.timeout(180_000);
  after(stopAll);

  it("does every job once, scores as the twin computes and selects as the twin selects", async () => {
    const chain = await startChain();
    const f = await deployHubOver(await connectChain(chain), { minScored: 1, margin: WAD / 100n });
    const chainId = await f.publicClient.getChainId();
    const a = f.agreementId;
    const dir = mkdtempSync(join(tmpdir(), "gengov-three-"));
    const supervisors: Supervisor[] = [];
    const ids: bigint[] = [];
    for (const [i, wallet] of OPERATORS.entries()) {
      const spec = testSpec(`operator-${i}`, {
        seed: 11 + i,
        simulation: { skill: SKILLS[i], profile: "honest" },
      });
      const candidateId = await registerCandidate(f, a, wallet, spec);
      ids.push(candidateId);
      const config = writeNodeConfig(dir, `node-${i}`, {
        rpcUrl: chain.url,
        chainId,
        hub: f.hub.address,
        candidates: [{ agreementId: a, candidateId, spec }],
        pollIntervalMs: 50,
      });
      supervisors.push(new Supervisor(config, { GENGOV_TEST_KEY: privateKeyOf(wallet) }));
    }
    for (const s of supervisors) s.start();

    let selectionsChecked = 0;
    await driveEpochs(
      f,
      a,
      { first: 0n, last: LAST },
      // minScored 1: nobody is eligible until the first reveals (target 1, after end(1)).
      { forecasters: ids, proposes: (e) => e >= 2n },
      supervisors,
      async (phase, e) => {
        if (phase !== "selected") return;
        // Inside [end(e), end(e) + reportWindow): no reveal for target e yet and every earlier
        // deadline passed, so the views now are the standings selection read at end(e).
        const views = await Promise.all(ids.map((id) => f.hub.read.candidate([a, id])));
        const ev = await chainEvents(f);
        // Every candidate reveals every target, so its cursor is one past its last revealed target.
        const cursorOf = (id: bigint) =>
          ev
            .reveals(a)
            .filter((l) => l.args.candidateId === id)
            .reduce((c, l) => (l.args.targetEpoch >= c ? l.args.targetEpoch + 1n : c), 0n);
        const standings: CandidateStanding[] = views.map((v, i) => ({
          id: ids[i],
          score: v.score,
          units: bondUnits(v.bond, BigInt(f.params.minBond)),
          cursor: cursorOf(ids[i]),
          scoredCount: v.scoredCount,
          status: v.withdrawn
            ? CandidateStatus.Withdrawn
            : v.exiting
              ? CandidateStatus.Exiting
              : CandidateStatus.Active,
        }));
        // No epoch is void here (the scripted reporter reports every one).
        const rule: EligibilityRule = {
          minScored: f.params.minScored,
          maxScore: "maxScore" in f.params ? BigInt(f.params.maxScore as bigint) : WAD,
          floor: upToDateFloor(e, () => false),
        };
        const incumbent =
          ev
            .selected(a)
            .filter((l) => l.args.epoch < e && l.args.executor !== 0n)
            .at(-1)?.args.executor ?? 0n;
        const twin = computeSelection({
          candidates: standings,
          rule,
          incumbent,
          margin: BigInt(f.params.margin),
          mode: SelectionMode.Leader,
          eta: BigInt(f.params.eta),
        });
        // The executor's proposal fixed the selection; with no executor nothing has fixed it yet (the
        // keepers' standalone selectExecutor waits for both proposal windows to close).
        const [executor, fallback, fixed] = await f.hub.read.executorOf([a, e]);
        expect([executor, fallback, fixed], `selection of epoch ${e}`).to.deep.equal([
          twin.executor,
          twin.fallback,
          twin.executor !== 0n,
        ]);
        const selected = ev.selected(a).find((l) => l.args.epoch === e);
        expect(selected && [selected.args.executor, selected.args.fallbackCandidate]).to.deep.equal(
          fixed ? [twin.executor, twin.fallback] : undefined,
        );
        const [rankIds, rankScores] = await f.hub.read.ranking([a, e]);
        const twinRanking = ranking(standings, rule);
        expect([[...rankIds], [...rankScores]]).to.deep.equal([twinRanking.ids, twinRanking.scores]);
        const proposal = ev.proposals(a).find((l) => l.args.epoch === e);
        if (twin.executor !== 0n) expect(proposal?.args.candidateId).to.equal(twin.executor);
        else expect(proposal).to.equal(undefined);
        selectionsChecked++;
      },
    );
    for (const s of supervisors) await s.stop();

    const ev = await chainEvents(f);
    // Every job once.
    for (const id of ids) {
      const commits = ev.commits(a).filter((l) => l.args.candidateId === id);
      const reveals = ev.reveals(a).filter((l) => l.args.candidateId === id);
      expect(commits.map((l) => l.args.targetEpoch)).to.deep.equal([1n, 2n, 3n, 4n, 5n, 6n]);
      expect(reveals.map((l) => l.args.targetEpoch)).to.deep.equal([1n, 2n, 3n, 4n]);
    }
    expect(duplicates(ev.selected(a).map((l) => `${l.args.epoch}`))).to.deep.equal([]);
    expect(ev.proposals(a).map((l) => l.args.epoch)).to.deep.equal([2n, 3n, 4n]);
    expect(ev.finalized(a).map((l) => l.args.epoch)).to.deep.equal([2n, 3n, 4n]);
    expect(ev.missed(a)).to.deep.equal([]);
    expect(selectionsChecked).to.equal(Number(LAST));

    // Outcomes are the twin's medians of the reports; losses and scores the twin's EWMA of losses.
    const metrics = f.params.metrics.map((m) => ({ scale: m.scale, lossKind: m.lossKind }));
    const outcomeOf = new Map<bigint, readonly bigint[]>();
    for (const o of ev.outcomes(a)) {
      const reports = ev.reports(a).filter((l) => l.args.epoch === o.args.epoch);
      const twinMedian = metrics.map((_, m) => median(reports.map((r) => r.args.values[m])));
      expect([...o.args.values], `outcome of epoch ${o.args.epoch}`).to.deep.equal(twinMedian);
      outcomeOf.set(o.args.epoch, o.args.values);
    }
    const alpha = BigInt(f.params.alpha);
    for (const [i, id] of ids.entries()) {
      let score = 0n;
      let count = 0;
      for (const r of ev.reveals(a).filter((l) => l.args.candidateId === id)) {
        const loss = epochLoss(r.args.values, outcomeOf.get(r.args.targetEpoch)!, metrics);
        score = ewma(score, loss, alpha, count === 0);
        count++;
        expect([r.args.loss, r.args.score], `candidate ${id}, target ${r.args.targetEpoch}`).to.deep.equal([
          loss,
          score,
        ]);
      }
      const view = await f.hub.read.candidate([a, id]);
      expect([view.score, view.scoredCount, view.misses]).to.deep.equal([score, count, 0]);
      void i;
    }

    // Races between the keepers are warnings, never errors.
    const logs = supervisors.flatMap((s) => s.logs);
    expect(logs.filter((l) => l.level === "error")).to.deep.equal([]);
  });
});
