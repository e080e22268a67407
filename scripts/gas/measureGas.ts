/**
 * Whole-transaction gas (receipt `gasUsed`: 21,000 intrinsic + calldata + execution) of the hub's
 * user-facing paths, measured on a fresh in-process chain in a realistic steady state. Deterministic:
 * the same contracts give the same numbers, so `scripts/check-gas.ts` can compare against a baseline.
 *
 * One hub, agreements sharing one clock (horizon 1, epoch 3600 s, report and reveal windows 600 s):
 * - agreements with 4, 1 and 8 metrics run one forecasting candidate through 17 full epochs (commit,
 *   an input, three reports, selectExecutor, finalizeOutcome, reveal), so ring slots get reused;
 * - agreements with 10, 100 and 1000 candidates (minScored 1): every candidate commits for target 1,
 *   reveals it, and commits for target 3; epoch 2 gets an input; then the selection of epoch 2 scans
 *   N eligible candidates, each with one pending forecast, which is what a steady-state selection reads;
 * - a Weighted agreement with the largest number of seats (1024), every one eligible, whose scores
 *   are chosen so that each weight's exp series runs to its last term: the most work any selection
 *   can do, since eligibility is read from each record alone and nothing else is touched per seat.
 *
 * Where selection is fixed: the hub fixes an epoch's executor inside the first call that needs it —
 * the executor's `proposeTransition` (through `selectExecutor`) or the first reveal for that epoch —
 * and nodes leave the standalone `selectExecutor` transaction as a late backstop. So
 * `selection.nN` is the extra gas of the executor's proposal that fixes
 * the selection over the same proposal once it is fixed, both sent from one chain snapshot.
 * `selectExecutor.nN` is the standalone transaction, for reference.
 */
import type { Hex } from "viem";
import { keccak256, toHex } from "viem";

import { clock, commitmentOf, deployHub, WAD, type Connection } from "../../test/fixtures/hub.js";

/** Every key the benchmark reports, in table order. */
export const GAS_KEYS = [
  "register",
  "commit.first",
  "commit.steady",
  "report.k4",
  "reveal.k1",
  "reveal.k4",
  "reveal.k8",
  "selection.n10",
  "selection.n100",
  "selection.n1000",
  "selectExecutor.n10",
  "selectExecutor.n100",
  "selectExecutor.n1000",
  "selection.adversarial.n1024",
] as const;
export type GasKey = (typeof GAS_KEYS)[number];

/** Receipt gasUsed per key. */
export type GasReport = Record<GasKey, number>;

/** What `measureGas` returns: gasUsed per key, and the part of it that is 21,000 + calldata. */
export type GasMeasurement = {
  gas: GasReport;
  /** 21,000 + 4 per zero and 16 per non-zero calldata byte: the cost before any execution. */
  intrinsic: GasReport;
};

/** What each key measures. */
export const GAS_NOTES: Record<GasKey, string> = {
  register: "registerCandidate, not the agreement's first (hub already holds bond tokens)",
  "commit.first": "a candidate's first commit, into a never-used ring slot",
  "commit.steady": "commit for target 18, overwriting ring slot 2 (target 2); one other pending",
  "report.k4": "first of three reports of an epoch (that had an input)",
  "reveal.k1": "reveal, 1 metric; selection and outcome already fixed",
  "reveal.k4": "reveal, 4 metrics; selection and outcome already fixed",
  "reveal.k8": "reveal, 8 metrics (the hub's cap; 16 metrics cannot be configured)",
  "selection.n10":
    "extra gas of the proposal that fixes the selection (Leader), 10 eligible candidates, one pending forecast each",
  "selection.n100": "the same, 100 eligible candidates",
  "selection.n1000": "the same, 1000 eligible candidates",
  "selectExecutor.n10": "standalone selectExecutor transaction (the keepers' backstop), 10 candidates",
  "selectExecutor.n100": "standalone selectExecutor transaction, 100 candidates",
  "selectExecutor.n1000": "standalone selectExecutor transaction, 1000 candidates",
  "selection.adversarial.n1024":
    "standalone selectExecutor, Weighted, every one of 1024 seats eligible with scores that make each weight's exp series run longest",
};

/** Bounds in whole-transaction gas; keys without a bound are informational. */
export const GAS_TARGETS: Partial<Record<GasKey, number>> = {
  "commit.steady": 28_000,
  "commit.first": 45_000,
  "reveal.k1": 32_000,
  "reveal.k4": 42_000,
  "selection.n10": 40_000,
  "selection.n100": 180_000,
  "selection.n1000": 1_600_000,
  "selection.adversarial.n1024": 2_000_000,
};

/** The hub caps metrics per agreement at 8 (`MAX_METRICS` in `contracts/hub/Limits.sol`), so `reveal.k16` cannot exist. */
export const MAX_METRICS = 8;

const ADVERSARIAL_SEATS = 1024;
const ADVERSARIAL_ETA = 40n * WAD;
const LN2 = 693147180559945309n;

/**
 * Loss of adversarial seat i: x = eta·(S_i − S_min) sits just below a multiple of ln 2, where the
 * series for e^r runs longest; seat 0 has loss 0 (S_min), every score stays under maxScore 0.8.
 */
function adversarialLoss(i: number): bigint {
  if (i === 0) return 0n;
  const x = BigInt(i % 45) * LN2 + LN2 - 1_000_000n;
  return (x * WAD) / ADVERSARIAL_ETA;
}

const STEADY_EPOCH = 17n; // commit for target 18 reuses ring slot 2; measured reveal is target 17
const SELECTION_SIZES = [10, 100, 1000] as const;

function metricsOf(k: number) {
  return Array.from({ length: k }, (_, i) => ({
    name: `metric${i}`,
    decimals: 2,
    lossKind: i % 2,
    scale: 1000n + 1000n * BigInt(i),
  }));
}

/** The outcome every reporter observes for `epoch` (reporter r adds r to make the median real). */
function truth(k: number, epoch: bigint, reporter: number): bigint[] {
  return Array.from(
    { length: k },
    (_, i) => 1000n + 100n * BigInt(i) + (epoch % 7n) * 10n + BigInt(reporter),
  );
}

/** A forecast close to the truth; `skill` spreads candidates' losses so scores differ. */
function forecast(k: number, epoch: bigint, skill: number): bigint[] {
  return truth(k, epoch, 0).map((v, i) => v + BigInt(((skill * 37 + i * 11) % 200) - 100));
}

/**
 * Measures every key on a fresh chain.
 * @param conn A connection from `network.create()`.
 * @returns gasUsed per key, and its intrinsic part.
 */
export async function measureGas(conn: Connection): Promise<GasMeasurement> {
  const publicClient = await conn.viem.getPublicClient();
  const latest = await publicClient.getBlock();
  const genesis = latest.timestamp + 3600n;
  const f = await deployHub(conn, { genesis, metrics: metricsOf(4) });
  const { hub, wallets, networkHelpers } = f;
  const t = clock(f);
  const chainId = await publicClient.getChainId();
  const [, ...reporterWallets] = wallets.slice(0, 4);
  const op = wallets[4];
  const participant = wallets[5];
  const gas: Partial<GasReport> = {};

  const intrinsic: Partial<GasReport> = {};
  const measure = async (key: GasKey, hash: Hex) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    const { input } = await publicClient.getTransaction({ hash });
    const bytes = Buffer.from(input.slice(2), "hex");
    const zeros = bytes.filter((b) => b === 0).length;
    gas[key] = Number(receipt.gasUsed);
    intrinsic[key] = 21_000 + 4 * zeros + 16 * (bytes.length - zeros);
  };
  const execution = await conn.viem.getContractAt("GengovExecution", await hub.read.execution());
  /** The executor of `epoch` proposes a small transition (selection fixed or not). */
  const propose = async (agreementId: bigint, epoch: bigint) => {
    const [executor] = await hub.read.executorOf([agreementId, epoch]);
    return execution.write.proposeTransition(
      [
        agreementId,
        epoch,
        await execution.read.stateHash([agreementId]),
        await hub.read.inputsHeadAt([agreementId, epoch]),
        toHex(`{"epoch":${epoch}}`),
        [],
        toHex(`{"bench":"selection"}`),
        toHex(`spec-${executor - 1n}`), // candidate i + 1 registered spec-i
      ],
      { account: op.account },
    );
  };
  const gasUsedOf = async (hash: Hex) =>
    Number((await publicClient.waitForTransactionReceipt({ hash })).gasUsed);
  let agreementCount = 1n; // the fixture created agreement 1
  const createAgreement = async (overrides: Record<string, unknown>) => {
    await hub.write.createAgreement([{ ...f.params, ...overrides }, "gas benchmark agreement"]);
    return ++agreementCount;
  };

  const register = (agreementId: bigint, i: number) =>
    hub.write.registerCandidate(
      [agreementId, keccak256(toHex(`spec-${i}`)), 100n * WAD, op.account.address],
      {
        account: op.account,
      },
    );
  const salt = (agreementId: bigint, candidateId: bigint, target: bigint) =>
    keccak256(toHex(`salt-${agreementId}-${candidateId}-${target}`));
  const commit = (agreementId: bigint, candidateId: bigint, target: bigint, values: bigint[]) =>
    hub.write.commitForecast(
      [
        agreementId,
        candidateId,
        target,
        commitmentOf({
          chainId,
          hub: hub.address,
          agreementId,
          candidateId,
          targetEpoch: target,
          values,
          salt: salt(agreementId, candidateId, target),
        }),
      ],
      { account: op.account },
    );
  const reveal = (agreementId: bigint, candidateId: bigint, target: bigint, values: bigint[]) =>
    hub.write.revealForecast(
      [agreementId, candidateId, target, values, salt(agreementId, candidateId, target)],
      {
        account: op.account,
      },
    );
  const reportAll = async (agreementId: bigint, k: number, epoch: bigint) => {
    const hashes: Hex[] = [];
    for (const [r, w] of reporterWallets.entries()) {
      hashes.push(
        await hub.write.reportOutcome([agreementId, epoch, truth(k, epoch, r)], { account: w.account }),
      );
    }
    return hashes;
  };

  // Agreements: 1 (4 metrics, from the fixture), then 1 and 8 metrics, then the selection sizes.
  const steady = [
    { id: 1n, k: 4 },
    { id: await createAgreement({ metrics: metricsOf(1) }), k: 1 },
    { id: await createAgreement({ metrics: metricsOf(MAX_METRICS) }), k: MAX_METRICS },
  ];
  const selection: { id: bigint; n: number }[] = [];
  for (const n of SELECTION_SIZES) {
    selection.push({ id: await createAgreement({ metrics: metricsOf(2), minScored: 1 }), n });
  }
  const adversarial = await createAgreement({
    metrics: [{ name: "unit", decimals: 18, lossKind: 0, scale: WAD }],
    minScored: 1,
    selection: 1,
    eta: ADVERSARIAL_ETA,
    randomness: "0x0000000000000000000000000000000000000000",
    maxScore: (8n * WAD) / 10n,
  });
  const unitTruth = (epoch: bigint) => [WAD + epoch];
  await networkHelpers.time.increaseTo(genesis);

  // Epoch 0: registrations and first commits (target 1).
  for (const a of steady) await register(a.id, 0);
  await measure("register", await register(1n, 1));
  for (const a of steady) {
    const hash = await commit(a.id, 1n, 1n, forecast(a.k, 1n, 0));
    if (a.id === 1n) await measure("commit.first", hash);
  }
  for (const a of selection) {
    for (let i = 0; i < a.n; i++) await register(a.id, i);
    for (let i = 0; i < a.n; i++) await commit(a.id, BigInt(i + 1), 1n, forecast(2, 1n, i));
  }
  const adversarialForecast = (i: number) => [unitTruth(1n)[0] + adversarialLoss(i)];
  for (let i = 0; i < ADVERSARIAL_SEATS; i++) await register(adversarial, i);
  for (let i = 0; i < ADVERSARIAL_SEATS; i++) {
    await commit(adversarial, BigInt(i + 1), 1n, adversarialForecast(i));
  }

  for (let e = 1n; e <= STEADY_EPOCH; e++) {
    // In epoch e (from e = 2 on, the reveal window of e − 1 is already in it): commit for target e + 1.
    if (e === 1n) await networkHelpers.time.increaseTo(t.start(1n));
    for (const a of steady) {
      const hash = await commit(a.id, 1n, e + 1n, forecast(a.k, e + 1n, 0));
      if (a.id === 1n && e === STEADY_EPOCH) await measure("commit.steady", hash);
    }
    if (e === 2n) {
      for (const a of selection) {
        for (let i = 0; i < a.n; i++) await commit(a.id, BigInt(i + 1), 3n, forecast(2, 3n, i));
      }
    }
    // A live epoch has inputs, which create its record; reports and the selection then update it.
    for (const a of [...steady, ...(e === 2n ? selection : [])]) {
      await hub.write.submitInput([a.id, toHex(`input ${e}`)], { account: participant.account });
    }

    // end(e): reports, then the selection of e is fixed.
    await networkHelpers.time.increaseTo(t.end(e));
    for (const a of steady) {
      const [first] = await reportAll(a.id, a.k, e);
      if (a.id === 1n && e === STEADY_EPOCH) await measure("report.k4", first);
    }
    if (e === 1n) for (const a of selection) await reportAll(a.id, 2, e);
    if (e === 1n) {
      for (const w of reporterWallets) {
        await hub.write.reportOutcome([adversarial, e, unitTruth(e)], { account: w.account });
      }
    }
    if (e === 2n) {
      const [ranked] = await hub.read.ranking([adversarial, e]);
      if (ranked.length !== ADVERSARIAL_SEATS) {
        throw new Error(`selection.adversarial: only ${ranked.length} seats are eligible`);
      }
      const snapshot = await networkHelpers.takeSnapshot();
      await measure("selection.adversarial.n1024", await hub.write.selectExecutor([adversarial, e]));
      await snapshot.restore();
    }
    if (e === 2n) {
      for (const a of selection) {
        // Every candidate must be eligible, so the scan tallies N of them (and `ranking`, which sorts
        // in O(N log N), must fit an eth_call at N = 1000).
        const [ranked] = await hub.read.ranking([a.id, e]);
        if (ranked.length !== a.n) {
          throw new Error(`selection.n${a.n}: only ${ranked.length} candidates are eligible`);
        }
        // From one snapshot: standalone selection then the proposal, and the proposal that selects.
        const snapshot = await networkHelpers.takeSnapshot();
        await measure(`selectExecutor.n${a.n}` as GasKey, await hub.write.selectExecutor([a.id, e]));
        const afterFixed = await gasUsedOf(await propose(a.id, e));
        await snapshot.restore();
        const fixing = await propose(a.id, e);
        const [, , isFixed] = await hub.read.executorOf([a.id, e]);
        if (!isFixed) throw new Error(`selection.n${a.n}: the proposal did not fix the selection`);
        const key = `selection.n${a.n}` as GasKey;
        gas[key] = (await gasUsedOf(fixing)) - afterFixed;
        intrinsic[key] = 0; // same calldata on both sides: the difference is all execution
      }
    }
    for (const a of steady) await hub.write.selectExecutor([a.id, e]);

    // Reveal window of e: the outcome is finalized first, so the measured reveal only scores.
    await networkHelpers.time.increaseTo(t.revealOpens(e));
    for (const a of steady) await hub.write.finalizeOutcome([a.id, e]);
    for (const a of steady) {
      const hash = await reveal(a.id, 1n, e, forecast(a.k, e, 0));
      if (e === STEADY_EPOCH) await measure(`reveal.k${a.k}` as GasKey, hash);
    }
    if (e === 1n) {
      for (const a of selection) {
        for (let i = 0; i < a.n; i++) await reveal(a.id, BigInt(i + 1), 1n, forecast(2, 1n, i));
      }
      for (let i = 0; i < ADVERSARIAL_SEATS; i++) {
        await reveal(adversarial, BigInt(i + 1), 1n, adversarialForecast(i));
      }
    }
  }

  const missing = GAS_KEYS.filter((k) => gas[k] === undefined);
  if (missing.length > 0) throw new Error(`gas benchmark did not measure ${missing.join(", ")}`);
  return { gas: gas as GasReport, intrinsic: intrinsic as GasReport };
}
