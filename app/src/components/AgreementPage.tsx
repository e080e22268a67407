import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import Markdown from "react-markdown";
import { formatUnits } from "viem";
import { useConnection } from "wagmi";

import { useApp } from "../context.js";
import { loadAgreement, type AgreementData } from "../lib/chain.js";
import { clockView } from "../lib/clock.js";
import { formatAmount, formatCountdown, formatLocalDate, formatWad, shortAddress } from "../lib/format.js";
import { txErrorText } from "../lib/txStatus.js";
import { LineChart } from "./Charts.js";
import { Actions, InputForm, Payments, ReportForm, TransitionButtons } from "./Actions.js";
import { DecisionsSection } from "./Decisions.js";
import { JudgementSection } from "./Judgement.js";
import { Transitions } from "./Transitions.js";

/** Chain time now: the last block's timestamp plus the wall-clock time since that block was first seen. */
function useChainNow(data: AgreementData | undefined): bigint | undefined {
  const [tick, setTick] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setTick(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  if (!data) return undefined;
  return data.now + BigInt(Math.max(0, Math.floor((tick - data.nowSeenAt) / 1000)));
}

const SELECTION = ["Leader", "Weighted"];
const LOSS = ["Absolute", "Squared"];

export function AgreementPage({ id }: { id: bigint }) {
  const { client, hub } = useApp();
  const { address } = useConnection();
  const q = useQuery({
    queryKey: ["agreement", hub, id.toString()],
    queryFn: () => loadAgreement(client, hub, id),
  });
  const now = useChainNow(q.data);
  if (q.isPending) return <p>Loading agreement {id.toString()}…</p>;
  if (q.error)
    return (
      <p className="error" role="alert">
        Cannot read agreement {id.toString()}:{" "}
        {txErrorText(q.error, { now: BigInt(Math.floor(q.errorUpdatedAt / 1000)) }).replace(
          /^(reverted|failed): /,
          "",
        )}
      </p>
    );
  const d = q.data;
  const t = now ?? d.now;
  const cv = clockView(d.clock, t);
  const p = d.params;
  const bt = d.bondToken;
  const isReporter = !!address && p.reporters.some((r) => r.toLowerCase() === address.toLowerCase());
  const tokenName = (a: string) => d.tokens[a.toLowerCase()]?.symbol ?? shortAddress(a);
  return (
    <article className="agreement">
      <p>
        <a href="#/">← Agreements</a>
      </p>
      <h1>Agreement {id.toString()}</h1>

      <section aria-labelledby="text-h">
        <h2 id="text-h">Text</h2>
        <p data-testid="text-hash-status" className={d.textMatches ? "ok" : "bad"}>
          {d.textMatches
            ? "Text hash matches the on-chain hash"
            : "Text hash MISMATCH: the text does not hash to the on-chain hash"}{" "}
          <span className="mono small">{d.textHash}</span>
        </p>
        <div className="markdown" data-testid="agreement-text">
          <Markdown skipHtml>{d.text}</Markdown>
        </div>
      </section>

      <section aria-labelledby="clock-h" className="clock">
        <h2 id="clock-h">Clock</h2>
        <p>
          Epoch{" "}
          <strong data-testid="epoch-current">{cv.epoch === undefined ? "" : cv.epoch.toString()}</strong>
          {cv.epoch === undefined && " (not started)"} · chain time {formatLocalDate(t)}
        </p>
        <p>
          Phase: <span data-testid="epoch-phase">{cv.phase}</span>
        </p>
        <ul className="deadlines">
          {cv.deadlines.slice(0, 8).map((dl) => (
            <li key={dl.name}>
              {dl.name}: {formatLocalDate(dl.at)} ({formatCountdown(dl.at, t)})
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="params-h">
        <h2 id="params-h">Parameters</h2>
        <dl className="params">
          <dt>Genesis</dt>
          <dd>{formatLocalDate(BigInt(p.genesis))}</dd>
          <dt>Epoch length</dt>
          <dd>{formatCountdown(BigInt(p.epochLength), 0n).replace(/^in /, "")}</dd>
          <dt>Horizon</dt>
          <dd>{p.horizon} epoch(s)</dd>
          <dt>Windows</dt>
          <dd>
            report {p.reportWindow}s, reveal {p.revealWindow}s, execution {p.executionWindow}s, challenge{" "}
            {p.challengePeriod}s, ruling {p.rulingPeriod}s
          </dd>
          <dt>Metrics</dt>
          <dd>
            {p.metrics
              .map(
                (m) =>
                  `${m.name} (${m.decimals} decimals, ${LOSS[m.lossKind] ?? m.lossKind}, scale ${formatUnits(m.scale, m.decimals)})`,
              )
              .join("; ")}
          </dd>
          <dt>Reporters</dt>
          <dd className="mono small">
            {p.reporters.join(", ")} (quorum {p.quorum})
          </dd>
          <dt>Arbiter</dt>
          <dd className="mono small">{p.arbiter}</dd>
          <dt>Bond token</dt>
          <dd>
            {bt.symbol} <span className="mono small">{bt.address}</span>
          </dd>
          <dt>Bonds and penalties</dt>
          <dd>
            min bond {formatAmount(p.minBond, bt.decimals, bt.symbol)}, miss penalty{" "}
            {formatAmount(p.missPenalty, bt.decimals, bt.symbol)}, reject penalty{" "}
            {formatAmount(p.rejectPenalty, bt.decimals, bt.symbol)}, challenge bond{" "}
            {formatAmount(p.challengeBond, bt.decimals, bt.symbol)}
          </dd>
          <dt>Selection</dt>
          <dd>
            {SELECTION[p.selection] ?? p.selection}, alpha {formatWad(p.alpha)}, margin {formatWad(p.margin)},
            max score {formatWad(p.maxScore)}, min scored {p.minScored}
          </dd>
          <dt>Inputs</dt>
          <dd>
            {p.openInputs ? "open to anyone" : `allow-list of ${p.inputAllowlist.length}`}, at most{" "}
            {p.maxInputsPerEpoch} per epoch, {p.maxInputsPerSender} per sender, {p.maxInputBytes} bytes each
          </dd>
        </dl>
      </section>

      <section aria-labelledby="treasury-h" data-testid="treasury">
        <h2 id="treasury-h">Treasury</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Token</th>
              <th scope="col">Balance</th>
              <th scope="col">Cap per epoch</th>
              <th scope="col">Left this epoch</th>
            </tr>
          </thead>
          <tbody>
            {d.treasury.map((r) => (
              <tr key={r.token.address}>
                <td>
                  {r.token.symbol} <span className="mono small">{shortAddress(r.token.address)}</span>
                </td>
                <td>{formatAmount(r.balance, r.token.decimals, r.token.symbol)}</td>
                <td>
                  {r.cap === undefined ? "no outflow" : formatAmount(r.cap, r.token.decimals, r.token.symbol)}
                </td>
                <td>
                  {r.remaining === undefined
                    ? "—"
                    : formatAmount(r.remaining, r.token.decimals, r.token.symbol)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="candidates-h">
        <h2 id="candidates-h">Candidates</h2>
        <div className="scroll">
          <table data-testid="leaderboard">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Score</th>
                <th scope="col">Scored</th>
                <th scope="col">Eligible</th>
                <th scope="col">Bond</th>
                <th scope="col">Executions</th>
                <th scope="col">Misses</th>
                <th scope="col">State</th>
                <th scope="col">Operator</th>
              </tr>
            </thead>
            <tbody>
              {[...d.candidates]
                .sort((a, b) =>
                  a.view.score === b.view.score
                    ? a.id < b.id
                      ? -1
                      : 1
                    : a.view.score < b.view.score
                      ? -1
                      : 1,
                )
                .map((c) => (
                  <tr key={c.id.toString()} data-testid={`candidate-row-${c.id}`}>
                    <td>{c.id.toString()}</td>
                    <td>{formatWad(c.view.score)}</td>
                    <td>{c.view.scoredCount}</td>
                    <td>{c.view.eligible ? "yes" : "no"}</td>
                    <td>{formatAmount(c.view.bond, bt.decimals, bt.symbol)}</td>
                    <td>{c.view.executions}</td>
                    <td>{c.view.misses}</td>
                    <td>
                      {c.view.withdrawn
                        ? "withdrawn"
                        : c.view.exiting
                          ? `exiting (${formatCountdown(c.view.exitAt, t)})`
                          : "active"}
                    </td>
                    <td className="mono small" title={c.view.operator}>
                      {shortAddress(c.view.operator)}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
        <LineChart
          title="Score over epochs (lower is better)"
          xLabel="target epoch"
          yLabel="score"
          testId="score-chart"
          yDomain={[0, 1]}
          series={d.candidates.map((c) => ({
            name: `candidate ${c.id}`,
            points: d.reveals
              .filter((r) => r.candidateId === c.id)
              .map((r) => ({ x: Number(r.target), y: Number(formatUnits(r.score, 18)) })),
          }))}
        />
      </section>

      <JudgementSection id={id} />

      <DecisionsSection id={id} metrics={p.metrics} />

      <section aria-labelledby="forecasts-h">
        <h2 id="forecasts-h">Forecasts and outcomes</h2>
        {p.metrics.map((m, i) => (
          <LineChart
            key={m.name}
            title={`${m.name}: outcomes and forecasts`}
            xLabel="epoch"
            yLabel={m.name}
            testId={`forecast-chart-${i}`}
            series={[
              {
                name: "outcome",
                dashed: true,
                points: d.outcomes
                  .filter((o) => o.values)
                  .map((o) => ({ x: Number(o.epoch), y: Number(formatUnits(o.values![i], m.decimals)) })),
              },
              ...d.candidates.map((c) => ({
                name: `candidate ${c.id}`,
                points: d.reveals
                  .filter((r) => r.candidateId === c.id)
                  .map((r) => ({ x: Number(r.target), y: Number(formatUnits(r.values[i], m.decimals)) })),
              })),
            ]}
          />
        ))}
        <h3>Outcomes</h3>
        <ul className="outcomes">
          {d.outcomes.map((o) => (
            <li key={o.epoch.toString()}>
              epoch {o.epoch.toString()}:{" "}
              {o.values
                ? p.metrics.map((m, i) => `${m.name} ${formatUnits(o.values![i], m.decimals)}`).join(", ")
                : "void (no quorum)"}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="executors-h">
        <h2 id="executors-h">Executors</h2>
        {d.executors.length === 0 ? (
          <p className="muted">No executor selected yet.</p>
        ) : (
          <table data-testid="executors">
            <thead>
              <tr>
                <th scope="col">Epoch</th>
                <th scope="col">Executor</th>
                <th scope="col">Fallback</th>
              </tr>
            </thead>
            <tbody>
              {d.executors.map((e) => (
                <tr key={e.epoch.toString()}>
                  <td>{e.epoch.toString()}</td>
                  <td>{e.executor === 0n ? "none" : `candidate ${e.executor}`}</td>
                  <td>{e.fallback === 0n ? "none" : `candidate ${e.fallback}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="inputs-h">
        <h2 id="inputs-h">Inputs</h2>
        <ol data-testid="inputs" className="inputs">
          {d.inputs.map((i) => (
            <li key={`${i.epoch}-${i.index}`}>
              <span className="muted small">
                epoch {i.epoch.toString()} · {shortAddress(i.sender)}:
              </span>{" "}
              <span className="input-text">{i.text}</span>
            </li>
          ))}
        </ol>
        <InputForm data={d} />
      </section>

      <Transitions data={d} now={t} Buttons={TransitionButtons} tokenName={tokenName} />

      {isReporter && <ReportForm data={d} reportEpoch={cv.reportEpoch} />}
      <Actions data={d} />
      <Payments data={d} />
    </article>
  );
}
