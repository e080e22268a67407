/**
 * invariant_tokensAreConserved: a seeded random sequence of every hub and execution call (and time
 * warps) over three agreements sharing one hub, bond token and treasury token. After every step:
 *
 *   token.balanceOf(hub)       == Σ candidate bonds (bond token only) + Σ treasury balances
 *   token.balanceOf(execution) == Σ owed               + Σ live challenge bonds (bond token only)
 *
 * Bonds are read after poking every candidate inside an eth_call (ConservationProbe), so lazily
 * applied missed-reveal penalties are booked but the pokes never persist. Calls that revert are part
 * of the game. INVARIANT_SEED / INVARIANT_STEPS explore other runs.
 */
import { expect } from "chai";
import { network } from "hardhat";
import {
  BaseError,
  ContractFunctionRevertedError,
  keccak256,
  stringToHex,
  type Address,
  type Hex,
} from "viem";

import {
  addAgreement,
  CAP,
  clock,
  commitmentOf,
  currentEpoch,
  deployExecution,
  finalizeTx,
  fund,
  prepareTransition,
  registerCandidates,
  seeded,
  sendProposal,
  specOf,
  Status,
  truthOf,
  WAD,
  type Action,
  type Candidate,
  type ExecFixture,
  type Transition,
} from "../fixtures/execution.js";

/** The custom error's name (or a short message) of a failed call, for the verbose summary. */
function reasonOf(err: unknown): string {
  if (!(err instanceof BaseError)) return String(err).slice(0, 40);
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError && reverted.data?.errorName)
    return reverted.data.errorName;
  return /custom error '(\w+)/.exec(err.message)?.[1] ?? err.shortMessage.slice(0, 60);
}

const SEED = Number(process.env.INVARIANT_SEED ?? 20_240_601);
const STEPS = Number(process.env.INVARIANT_STEPS ?? 600);

describe("execution + hub: token conservation invariant", () => {
  it(`invariant_tokensAreConserved (seed ${SEED}, ${STEPS} steps)`, async function () {
    this.timeout(240_000);
    const conn = await network.create();
    // A short epoch whose windows cover most of it, so a random walk hits them often.
    const timing = {
      epochLength: 1800,
      reportWindow: 600,
      revealWindow: 600,
      executionWindow: 300,
      challengePeriod: 600,
      rulingPeriod: 600,
      exitDelay: 3 * 1800,
    };
    const root = await deployExecution(conn, timing);
    const B = root.token.address;
    const T = root.treasuryToken.address;
    const rnd = seeded(SEED);
    const probe = await root.viem.deployContract("ConservationProbe");

    // Three agreements: 1 (treasury token capped), 2 (both tokens capped, odd penalty), 3 (burn-in 1).
    const agreements: ExecFixture[] = [
      root,
      await addAgreement(root, {
        ...timing,
        capTokens: [T, B],
        maxOutflowPerEpoch: [CAP, 200n * WAD],
        rejectPenalty: 50n * WAD + 1n,
      }),
      await addAgreement(root, {
        ...timing,
        capTokens: [B],
        maxOutflowPerEpoch: [100n * WAD],
        minScored: 1,
        challengeBond: 7n * WAD + 3n,
        rejectPenalty: 33n * WAD,
      }),
    ];
    const cands = new Map<bigint, Candidate[]>();
    for (const [i, a] of agreements.entries()) {
      cands.set(
        a.agreementId,
        await registerCandidates(a, 2, { first: 4 + 2 * i, bond: 3n * a.params.minBond }),
      );
      await fund(a, T, 3_000n * WAD);
      await fund(a, B, 300n * WAD);
    }
    const ids = agreements.map((a) => a.agreementId);
    const accounts = root.wallets.map((w) => w.account.address);
    const commits = new Map<
      string,
      { a: ExecFixture; c: Candidate; target: bigint; values: bigint[]; salt: Hex }
    >();
    const lastProposal = new Map<bigint, Transition>();
    const chainId = await root.publicClient.getChainId();
    const ok: Record<string, number> = {};
    const tried: Record<string, number> = {};
    const failed: Record<string, number> = {};

    const now = async () => BigInt(await root.networkHelpers.time.latest());
    const wallet = (lo = 0, hi = 19) => root.wallets[rnd.int(lo, hi)];
    const anyCand = () => {
      const a = rnd.pick(agreements);
      const list = cands.get(a.agreementId)!;
      return { a, c: rnd.pick(list) };
    };
    /** Mostly an agreement whose live proposal has `status` (so the call can succeed), sometimes any. */
    const withStatus = async (status: number) => {
      const live = await Promise.all(agreements.map((a) => a.execution.read.proposal([a.agreementId])));
      const fit = agreements.filter((_, i) => live[i].status === status);
      return fit.length > 0 && rnd.chance(0.85) ? rnd.pick(fit) : rnd.pick(agreements);
    };
    /** Runs every call; fails (like a reverting call) only if none of them succeeded. */
    const each = async <Item>(items: Item[], call: (item: Item) => Promise<unknown>) => {
      let done = 0;
      let last: unknown = new Error("nothing to do");
      for (const item of items) {
        try {
          await call(item);
          done++;
        } catch (err) {
          last = err;
        }
      }
      if (done === 0) throw last;
    };
    const noisy = (e: bigint) => truthOf(e).map((v) => v + BigInt(rnd.int(-200, 200)));
    const randomActions = (a: ExecFixture): Action[] => {
      const tokens = a.params.capTokens as Address[];
      return Array.from({ length: rnd.int(0, 3) }, () => ({
        token: rnd.pick(tokens),
        to: wallet(9, 19).account.address,
        amount: rnd.chance(0.1) ? 2_000n * WAD : rnd.big(1n, 80n * WAD),
      }));
    };

    const handlers: [string, number, () => Promise<unknown>][] = [
      ["warp", 0.5, async () => root.networkHelpers.time.increase(rnd.pick([300, 600, 900, 1800]))],
      [
        "warpToEdge",
        2,
        async () => {
          // Land on (or next to) an edge of a proposal, challenge or ruling window of some agreement.
          const a = rnd.pick(agreements);
          const e = await currentEpoch(a);
          const W = BigInt(a.params.executionWindow);
          const live = await a.execution.read.proposal([a.agreementId]);
          const cp = live.proposedAt + BigInt(a.params.challengePeriod);
          const t0 = await now();
          const edges = [
            clock(a).end(e - 1n) + W,
            clock(a).end(e - 1n) + 2n * W,
            clock(a).end(e),
            cp,
            cp + BigInt(a.params.rulingPeriod),
          ]
            .map((edge) => edge + BigInt(rnd.int(-1, 1)))
            .filter((t) => t > t0);
          if (edges.length === 0) throw new Error("no edge ahead");
          // The nearest edge ahead, mostly; the start of the next epoch sometimes.
          await root.networkHelpers.time.increaseTo(
            rnd.chance(0.8) ? edges.reduce((m, t) => (t < m ? t : m)) : rnd.pick(edges),
          );
        },
      ],
      [
        "register",
        1,
        async () => {
          const a = rnd.pick(agreements);
          const list = cands.get(a.agreementId)!;
          if (list.length >= 5) throw new Error("enough candidates");
          const op = wallet(4, 11);
          const spec = specOf(`${a.agreementId}-${list.length}-${op.account.address}`);
          // Mostly at least minBond; sometimes below it, which the hub refuses (BondBelowMinimum).
          const bond = rnd.chance(0.2)
            ? rnd.big(1n, a.params.minBond - 1n)
            : rnd.big(a.params.minBond, 5n * a.params.minBond);
          const args = [a.agreementId, keccak256(spec), bond, op.account.address] as const;
          const { result: id } = await a.hub.simulate.registerCandidate(args, {
            account: op.account.address,
          });
          await a.hub.write.registerCandidate(args, { account: op.account });
          list.push({ id, op, spec, specHash: keccak256(spec) });
        },
      ],
      [
        "topUp",
        1,
        async () => {
          const { a, c } = anyCand();
          await a.hub.write.topUp([a.agreementId, c.id, rnd.big(1n, 50n * WAD)], {
            account: wallet().account,
          });
        },
      ],
      [
        "commit",
        5,
        async () => {
          // Participation is mandatory (a skipped target is a miss), so candidates of every agreement
          // commit for current + 1, most of them each time.
          await each(agreements, async (a) => {
            const target = (await currentEpoch(a)) + 1n;
            await each(
              cands.get(a.agreementId)!.filter(() => rnd.chance(0.9)),
              async (c) => {
                const values = noisy(target);
                const salt = keccak256(stringToHex(`salt-${SEED}-${rnd.next()}`));
                const commitment = commitmentOf({
                  chainId,
                  hub: a.hub.address,
                  agreementId: a.agreementId,
                  candidateId: c.id,
                  targetEpoch: target,
                  values,
                  salt,
                });
                await a.hub.write.commitForecast([a.agreementId, c.id, target, commitment], {
                  account: c.op.account,
                });
                commits.set(`${a.agreementId}:${c.id}:${target}`, { a, c, target, values, salt });
              },
            );
          });
        },
      ],
      [
        "reveal",
        8,
        async () => {
          // Most commitments whose reveal window is open now are revealed (the rest will be missed).
          const t = await now();
          const open = [...commits.entries()].filter(
            ([, v]) => clock(v.a).revealOpens(v.target) <= t && t < clock(v.a).revealCloses(v.target),
          );
          for (const [key, v] of commits) if (clock(v.a).revealCloses(v.target) <= t) commits.delete(key);
          if (open.length === 0) {
            const v = rnd.pick([...commits.values()]);
            if (!v) throw new Error("nothing committed");
            // Too early (or late): reverts RevealWindowClosed. The clock is not pushed to the window,
            // which would skip the report window its scoring needs.
            if (rnd.chance(0.7)) throw new Error("nothing to reveal now");
            await v.a.hub.write.revealForecast([v.a.agreementId, v.c.id, v.target, v.values, v.salt], {
              account: v.c.op.account,
            });
            return;
          }
          await each(
            open.filter(() => rnd.chance(0.9)),
            async ([key, v]) => {
              commits.delete(key);
              await v.a.hub.write.revealForecast([v.a.agreementId, v.c.id, v.target, v.values, v.salt], {
                account: v.c.op.account,
              });
            },
          );
        },
      ],
      [
        "report",
        8,
        async () => {
          // Most reporters report the previous epoch of the agreements whose report window is open
          // (sometimes of one agreement whatever its window).
          const t = await now();
          const epochs = await Promise.all(agreements.map((k) => currentEpoch(k)));
          const open = agreements.filter(
            (k, i) => t < clock(k).end(epochs[i] - 1n) + BigInt(k.params.reportWindow),
          );
          const chosen = open.length > 0 && rnd.chance(0.85) ? open : [rnd.pick(agreements)];
          await each(chosen, async (a) => {
            const e = (await currentEpoch(a)) - 1n;
            await each(
              [1, 2, 3].filter(() => rnd.chance(0.8)),
              (r) =>
                a.hub.write.reportOutcome([a.agreementId, e, noisy(e)], { account: root.wallets[r].account }),
            );
          });
        },
      ],
      [
        "poke",
        1,
        async () => {
          const { a, c } = anyCand();
          await a.hub.write.poke([a.agreementId, c.id]);
        },
      ],
      [
        "requestExit",
        0.3,
        async () => {
          const { a, c } = anyCand();
          await a.hub.write.requestExit([a.agreementId, c.id], { account: c.op.account });
        },
      ],
      [
        "withdraw",
        1,
        async () => {
          const { a, c } = anyCand();
          await a.hub.write.withdraw([a.agreementId, c.id], { account: c.op.account });
        },
      ],
      [
        "submitInput",
        2,
        async () => {
          const a = rnd.pick(agreements);
          await a.hub.write.submitInput([a.agreementId, stringToHex(`input ${rnd.int(0, 1e6)}`)], {
            account: wallet().account,
          });
        },
      ],
      [
        "deposit",
        1,
        async () => {
          const a = rnd.pick(agreements);
          await a.hub.write.deposit([a.agreementId, rnd.pick([B, T]), rnd.big(1n, 100n * WAD)], {
            account: wallet().account,
          });
        },
      ],
      [
        "selectExecutor",
        1,
        async () => {
          const a = rnd.pick(agreements);
          await a.hub.write.selectExecutor([a.agreementId, (await currentEpoch(a)) - 1n]);
        },
      ],
      [
        "propose",
        8,
        async () => {
          // Mostly an agreement whose proposal windows are open now.
          const t = await now();
          const epochs = await Promise.all(agreements.map((k) => currentEpoch(k)));
          const inWindow = agreements.filter(
            (k, i) => t < clock(k).end(epochs[i] - 1n) + 2n * BigInt(k.params.executionWindow),
          );
          const a = inWindow.length > 0 && rnd.chance(0.85) ? rnd.pick(inWindow) : rnd.pick(agreements);
          const e = (await currentEpoch(a)) - 1n;
          const list = cands.get(a.agreementId)!;
          const [executor, fallback] = await a.hub.read.executorOf([a.agreementId, e]);
          const inSecond = (await now()) >= clock(a).end(e) + BigInt(a.params.executionWindow);
          const id = rnd.chance(0.15) ? rnd.pick(list).id : inSecond ? fallback : executor;
          const c = list.find((k) => k.id === id) ?? rnd.pick(list);
          const p = await prepareTransition(a, c, e, {
            state: { e: Number(e), r: rnd.int(0, 1e6) },
            actions: randomActions(a),
            ...(rnd.chance(0.05) ? { prevStateHash: keccak256(stringToHex("stale")) } : {}),
          });
          await sendProposal(a, p);
          lastProposal.set(a.agreementId, p);
        },
      ],
      [
        "challenge",
        8,
        async () => {
          // Mostly a first challenge, sometimes one joining an open challenge.
          const a = await withStatus(rnd.chance(0.7) ? Status.Proposed : Status.Challenged);
          const live = await a.execution.read.proposal([a.agreementId]);
          const list = cands.get(a.agreementId)!;
          const by = rnd.chance(0.2)
            ? (list.find((c) => c.id === live.candidateId)?.op ?? wallet())
            : wallet(9, 19);
          await a.execution.write.challenge([a.agreementId, live.epoch], { account: by.account });
        },
      ],
      [
        "rule",
        8,
        async () => {
          const a = await withStatus(Status.Challenged);
          const live = await a.execution.read.proposal([a.agreementId]);
          const upheld = rnd.chance(0.5);
          await a.execution.write.rule([a.agreementId, live.epoch, upheld], {
            account: (rnd.chance(0.9) ? root.wallets[0] : wallet()).account,
          });
          const outcome = upheld ? "upheld" : "rejected";
          ok[outcome] = (ok[outcome] ?? 0) + 1;
        },
      ],
      [
        "lapseChallenge",
        2,
        async () => {
          const a = await withStatus(Status.Challenged);
          const live = await a.execution.read.proposal([a.agreementId]);
          await a.execution.write.lapseChallenge([a.agreementId, live.epoch]);
        },
      ],
      [
        "finalize",
        6,
        async () => {
          const a = await withStatus(
            rnd.pick([Status.Proposed, Status.Proposed, Status.Upheld, Status.Lapsed]),
          );
          const p = lastProposal.get(a.agreementId);
          if (!p) throw new Error("nothing proposed yet");
          await finalizeTx(a, p, wallet());
        },
      ],
      [
        "withdrawPayment",
        4,
        async () => {
          const token = rnd.pick([B, T]);
          const owed = await Promise.all(
            root.wallets.map((w) => root.execution.read.owed([w.account.address, token])),
          );
          const owedTo = root.wallets.filter((_, i) => owed[i] > 0n);
          const who = owedTo.length > 0 && rnd.chance(0.85) ? rnd.pick(owedTo) : wallet();
          await root.execution.write.withdrawPayment([token], { account: who.account });
        },
      ],
    ];
    const totalWeight = handlers.reduce((s, [, w]) => s + w, 0);
    const pickHandler = () => {
      let r = rnd.next() * totalWeight;
      for (const h of handlers) if ((r -= h[1]) < 0) return h;
      return handlers[handlers.length - 1];
    };

    const check = async (step: number, name: string) => {
      for (const token of [B, T]) {
        const { result: t } = await probe.simulate.totals([root.hub.address, ids, accounts, token]);
        const where = `step ${step} (${name}), token ${token === B ? "bond" : "treasury"}, seed ${SEED}`;
        expect(t.hubHeld, `hub: ${where}`).to.equal(t.bonds + t.treasuries);
        expect(t.executionHeld, `execution: ${where}`).to.equal(t.owed + t.liveChallengeBonds);
      }
    };

    await check(0, "setup");
    for (let step = 1; step <= STEPS; step++) {
      const [name, , run] = pickHandler();
      tried[name] = (tried[name] ?? 0) + 1;
      try {
        await run();
        ok[name] = (ok[name] ?? 0) + 1;
      } catch (err) {
        // A reverting call is a legal move; the invariant must still hold.
        const key = `${name}:${reasonOf(err)}`;
        failed[key] = (failed[key] ?? 0) + 1;
      }
      await check(step, name);
      // The clock runs between steps (about 30 s on average), so every window sees a few dozen calls.
      await root.networkHelpers.time.increase(rnd.int(0, 60));
    }
    if (process.env.INVARIANT_VERBOSE) console.log({ seed: SEED, tried, ok, failed });
    // The run must have exercised the money paths, or the invariant says little.
    for (const name of [
      "propose",
      "challenge",
      "upheld",
      "rejected",
      "finalize",
      "withdrawPayment",
      "reveal",
    ]) {
      expect(ok[name] ?? 0, `${name} never succeeded (seed ${SEED})`).to.be.greaterThan(0);
    }
  });
});
