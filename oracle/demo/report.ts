/**
 * A self-contained HTML report of a demo run: inline SVG charts of scores over epochs, outcomes vs
 * every forecast per metric, who executed each epoch, and the state over time. No scripts, no
 * external assets. The chart data is also embedded as JSON (for tests and other tools).
 */
import type { DeepFundingResult } from "./deepFunding.js";
import type { DemoResult } from "./runDemo.js";

const COLORS = ["#1b6ca8", "#2a9d8f", "#e9c46a", "#d62828", "#6a4c93", "#8d99ae"];
const W = 640;
const H = 220;
const PAD = 36;

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

type Series = { name: string; color: string; points: [number, number][]; dots?: boolean };

function lineChart(title: string, series: Series[], yLabel: string): string {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter((y) => Number.isFinite(y));
  if (!xs.length || !ys.length) return `<h3>${esc(title)}</h3><p>no data</p>`;
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const sx = (x: number) => PAD + ((x - x0) / Math.max(1, x1 - x0)) * (W - 2 * PAD);
  const sy = (y: number) => H - PAD - ((y - y0) / (y1 - y0)) * (H - 2 * PAD);
  const paths = series
    .map((s) => {
      const pts = s.points.filter((p) => Number.isFinite(p[1]));
      const d = pts.map((p, i) => `${i ? "L" : "M"}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(" ");
      const dots = s.dots
        ? pts
            .map(
              (p) =>
                `<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="2.5" fill="${s.color}"/>`,
            )
            .join("")
        : "";
      return `${s.dots ? "" : `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`}${dots}`;
    })
    .join("");
  const legend = series
    .map(
      (s, i) => `<text x="${PAD + i * 130}" y="14" fill="${s.color}" font-size="11">■ ${esc(s.name)}</text>`,
    )
    .join("");
  const axes = `<line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" stroke="#999"/><line x1="${PAD}" y1="${PAD}" x2="${PAD}" y2="${H - PAD}" stroke="#999"/>
<text x="${PAD}" y="${H - 8}" font-size="10">epoch ${x0}</text><text x="${W - PAD - 40}" y="${H - 8}" font-size="10">epoch ${x1}</text>
<text x="2" y="${PAD - 4}" font-size="10">${esc(yLabel)} ${y1.toPrecision(4)}</text><text x="2" y="${H - PAD}" font-size="10">${y0.toPrecision(4)}</text>`;
  return `<h3>${esc(title)}</h3><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">${legend}${axes}${paths}</svg>`;
}

function executorStrip(r: DemoResult): string {
  const cell = Math.max(14, Math.floor((W - 2 * PAD) / Math.max(1, r.epochs.length)));
  const color = (id: bigint) => (id === 0n ? "#ddd" : COLORS[(Number(id) - 1) % COLORS.length]);
  const nameOf = (id: bigint) => r.candidates.find((c) => c.id === id)?.name ?? "none";
  const rects = r.epochs
    .map(
      (e, i) =>
        `<rect x="${PAD + i * cell}" y="20" width="${cell - 2}" height="24" fill="${color(e.executedBy)}"${e.executedBy !== 0n && e.executedBy !== e.executor ? ' stroke="#000" stroke-dasharray="3 2"' : ""}><title>epoch ${e.epoch}: ${esc(nameOf(e.executedBy))}${e.executedBy !== 0n && e.executedBy !== e.executor ? ` (fallback; selected ${esc(nameOf(e.executor))})` : ""}</title></rect><text x="${PAD + i * cell + 2}" y="58" font-size="9">${e.epoch}</text>`,
    )
    .join("");
  const legend = r.candidates
    .map(
      (c, i) =>
        `<text x="${PAD + i * 130}" y="12" fill="${color(c.id)}" font-size="11">■ ${esc(c.name)}</text>`,
    )
    .join("");
  return `<h3>Who executed each epoch (dashed: the fallback)</h3><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="66">${legend}${rects}</svg>`;
}

/** Each epoch's proposals with their juries' votes and decisions; the council's votes and records. */
function juryTables(r: DemoResult): string {
  const nameOf = (id: bigint) => r.candidates.find((c) => c.id === id)?.name ?? `candidate ${id}`;
  const rows = r.epochs.flatMap((e) =>
    (e.proposals ?? []).map(
      (p) =>
        `<tr><td>${e.epoch}</td><td>${esc(nameOf(p.proposer))}${p.proposer === e.executor ? "" : " (fallback)"}</td><td>${p.payments.length}</td><td>${esc(p.jurors.map((j) => `${nameOf(j.jurorId)}: ${j.vote ?? "silent"}`).join(", ") || "none")}</td><td>${p.decision}</td><td>${p.finalized ? "yes" : "no"}</td></tr>`,
    ),
  );
  const thief = r.thief
    ? `<p>Malicious payments landed: ${r.thief.landed} of ${r.thief.epochs} thief epochs.</p>`
    : "";
  const council = r.epochs
    .filter((e) => e.council)
    .map((e) => {
      const c = e.council!;
      const votes = c.votes
        .map(
          (v) =>
            `<tr><td>${esc(v.role)}</td><td>${esc(v.name)}</td><td>${esc(v.vote)}</td><td>${esc(v.rationale)}</td><td><code>${v.manifestHash ? esc(v.manifestHash.slice(0, 18)) + "…" : ""}</code></td></tr>`,
        )
        .join("");
      return `<h3>Epoch ${e.epoch}: ${esc(c.title)}</h3><table><tr><th>role</th><th>model</th><th>vote</th><th>rationale</th><th>manifest</th></tr>${votes}</table><p>Recorded: ${esc(c.recorded)}${c.nothingRecorded ? " (no transition recorded a vote)" : ""}</p>`;
    })
    .join("");
  if (!rows.length && !council) return "";
  return `<h2>Juries</h2>${thief}<table><tr><th>epoch</th><th>proposer</th><th>payments</th><th>jurors' votes</th><th>decision</th><th>finalized</th></tr>${rows.join("")}</table>${council}`;
}

/** Futarchy mode: per decision, J of each option's combined forecast, the option taken, the outcome. */
function futarchySection(r: DemoResult): string {
  const f = r.futarchy;
  if (!f) return "";
  const hundredths = (v: bigint) => (Number(v) / 100).toFixed(2);
  const labels = [...new Set(f.decisions.flatMap((d) => d.options))];
  const weighted = f.decisions.filter((d) => d.objectives.length);
  const jOf = (d: (typeof weighted)[number], o: number) => Number(d.objectives[o]) / 100;
  const chart = lineChart(
    "J of each option's combined forecast (dots: the option taken)",
    [
      ...labels.map((label, i) => ({
        name: label,
        color: COLORS[i % COLORS.length],
        points: weighted
          .filter((d) => d.options.includes(label))
          .map((d) => [Number(d.epoch), jOf(d, d.options.indexOf(label))] as [number, number]),
      })),
      {
        name: "taken",
        color: "#000",
        dots: true,
        points: weighted.map((d) => [Number(d.epoch), jOf(d, d.option)] as [number, number]),
      },
    ].filter((series) => series.points.length),
    "J",
  );
  const rows = f.decisions
    .map((d) => {
      const options = d.options
        .map((l, o) => {
          const j = d.objectives.length ? hundredths(d.objectives[o]) : "–";
          const text = `${esc(l)}: ${j}`;
          return o === d.option ? `<b>${text}</b>` : text;
        })
        .join("<br>");
      const how = d.defaulted ? "default" : d.explored ? "explored" : "best forecast";
      return `<tr><td>${d.epoch}</td><td style="text-align:left">${options}</td><td>${esc(d.options[d.option])} (${how})</td><td>${d.realised.map(hundredths).join(" / ")}</td><td>${esc(d.options[d.hindsightBest])}</td><td>${d.regret === null ? "–" : d.regret.toFixed(3)}</td></tr>`;
    })
    .join("");
  const proposal = f.proposal
    ? `<p>A participant proposed “${esc(f.proposal.label)}” for epoch ${f.proposal.epoch}: ${f.proposal.taken ? "taken" : "not taken"}; its bond ${f.proposal.refunded ? "was returned" : "went to the treasury"}.</p>`
    : "";
  return `<h2>Decisions (futarchy mode)</h2>
<p>Objective J = Σ weight·x − penalty·max(0, floor − x) with weights [${f.objective.weights.join(", ")}], floors [${f.objective.floors.join(", ")}], penalties [${f.objective.penalties.join(", ")}] (J in the metrics' hundredths, shown in units). Mean decision regret ${f.meanRegret === null ? "–" : f.meanRegret.toFixed(3)} (0: always the best option, 1: always the worst); ${f.explorations} of ${f.decisions.length} decisions explored, ${f.defaulted} taken by default (no weighted forecast yet).</p>
${proposal}${chart}
<table id="futarchy-decisions"><tr><th>epoch</th><th>J of the combined forecast per option</th><th>taken</th><th>realised outcome</th><th>best in hindsight</th><th>regret</th></tr>${rows}</table>`;
}

export function renderReport(r: DemoResult): string {
  const scoreSeries: Series[] = r.candidates.map((c, i) => ({
    name: c.name,
    color: COLORS[i % COLORS.length],
    points: r.epochs.map((e) => [Number(e.epoch), e.scores[c.name]] as [number, number]),
  }));
  const metricCharts = r.metrics
    .map((m, k) => {
      const scale = 10 ** m.decimals;
      const series: Series[] = [
        {
          name: "outcome",
          color: "#000",
          points: r.epochs.map((e) => [Number(e.epoch), Number(e.outcome[k]) / scale] as [number, number]),
        },
        ...r.candidates.map((c, i) => ({
          name: c.name,
          color: COLORS[i % COLORS.length],
          dots: true,
          points: r.epochs
            .filter((e) => e.forecasts[c.name])
            .map((e) => [Number(e.epoch), Number(e.forecasts[c.name]![k]) / scale] as [number, number]),
        })),
      ];
      return lineChart(`${m.name}: outcome vs forecasts`, series, m.name);
    })
    .join("");
  const stateLabels = [
    ...new Set(
      r.epochs.flatMap((e) =>
        Object.keys(e.state ?? {}).filter((k) => typeof (e.state ?? {})[k] === "number" && k !== "epoch"),
      ),
    ),
  ];
  const stateChart = lineChart(
    "State over time (finalized)",
    stateLabels.map((label, i) => ({
      name: label,
      color: COLORS[i % COLORS.length],
      points: r.epochs.map(
        (e) => [Number(e.epoch), Number((e.state ?? {})[label] ?? NaN)] as [number, number],
      ),
    })),
    "value",
  );
  const board = r.leaderboard
    .map(
      (l) =>
        `<tr><td>${esc(l.name)}</td><td>${l.score.toFixed(4)}</td><td>${l.scored}</td><td>${l.executions}</td><td>${l.misses}</td><td>${(Number(l.bond) / 1e18).toFixed(2)}</td></tr>`,
    )
    .join("");
  const verified = r.verification.filter((v) => v.pass).length;
  const data = JSON.stringify(r, (_, v) => (typeof v === "bigint" ? v.toString() : v));
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>gengov demo — ${esc(r.example)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:720px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid #eee;text-align:right}td:first-child,th:first-child{text-align:left}</style></head><body>
<h1>gengov demo: ${esc(r.example)}</h1>
<p>${r.epochs.length} epochs, ${r.candidates.length} candidates (${r.candidates.map((c) => `${esc(c.name)}: ${esc(c.kind)}`).join("; ")}).
${verified}/${r.verification.length} transitions verified from chain data. ${r.injectionsSubmitted} prompt-injection inputs submitted; ${r.adversaryActionsOnChain} proposals by the adversary reached the chain.</p>
<h2>Leaderboard</h2><table><tr><th>candidate</th><th>score (lower is better)</th><th>scored epochs</th><th>executions</th><th>missed reveals</th><th>bond</th></tr>${board}</table>
${lineChart("Scores over epochs (EWMA of loss, lower is better)", scoreSeries, "score")}
${metricCharts}
${executorStrip(r)}
${stateChart}
${juryTables(r)}
${futarchySection(r)}
<script type="application/json" id="demo-data">${data.replace(/</g, "\\u003c")}</script>
</body></html>
`;
}

/**
 * An allocation as an inline SVG bar chart: one bar per item (its combined weight), with the hidden
 * truth as a tick where it is known, largest first.
 * @param title The chart's heading.
 * @param rows Items with their weight (0 to 1) and, optionally, the truth.
 * @returns HTML (a heading and an SVG).
 */
export function allocationChart(
  title: string,
  rows: readonly { name: string; weight: number; truth?: number }[],
): string {
  const sorted = [...rows].sort((a, b) => b.weight - a.weight);
  const bar = 14;
  const label = 170;
  const height = sorted.length * (bar + 4) + 24;
  const max = Math.max(1e-9, ...sorted.map((r) => Math.max(r.weight, r.truth ?? 0)));
  const sx = (v: number) => label + (v / max) * (W - label - 60);
  const bars = sorted
    .map((r, i) => {
      const y = 20 + i * (bar + 4);
      const truth =
        r.truth === undefined
          ? ""
          : `<line x1="${sx(r.truth).toFixed(1)}" y1="${y - 2}" x2="${sx(r.truth).toFixed(1)}" y2="${y + bar + 2}" stroke="#d62828" stroke-width="2"><title>truth ${(r.truth * 100).toFixed(1)}%</title></line>`;
      return `<text x="${label - 6}" y="${y + bar - 3}" font-size="11" text-anchor="end">${esc(r.name)}</text><rect x="${label}" y="${y}" width="${(sx(r.weight) - label).toFixed(1)}" height="${bar}" fill="${COLORS[0]}"><title>${esc(r.name)}: ${(r.weight * 100).toFixed(2)}%</title></rect><text x="${(sx(r.weight) + 4).toFixed(1)}" y="${y + bar - 3}" font-size="10">${(r.weight * 100).toFixed(1)}%</text>${truth}`;
    })
    .join("");
  const legend = `<text x="${label}" y="12" font-size="11" fill="${COLORS[0]}">■ combined list</text>${
    sorted.some((r) => r.truth !== undefined)
      ? `<text x="${label + 130}" y="12" font-size="11" fill="#d62828">| hidden truth</text>`
      : ""
  }`;
  return `<h3>${esc(title)}</h3><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" role="img" aria-label="${esc(title)}">${legend}${bars}</svg>`;
}

/** The deep-funding demo's report: per round the lists, the winning combination and the allocation. */
export function renderDeepFundingReport(r: DeepFundingResult): string {
  const tokens = (v: bigint) => (Number(v) / 1e18).toFixed(4);
  const rounds = r.rounds
    .map((row) => {
      const lists = row.lists
        .map(
          (l) =>
            `<tr><td>${esc(l.name)}</td><td>${esc(l.kind)}</td><td>${l.loss === null ? "not revealed" : l.loss.toFixed(4)}</td><td>${(l.distance * 100).toFixed(1)}%</td><td>${l.coefficient.toFixed(3)}</td></tr>`,
        )
        .join("");
      const combined = row.combined
        ? `<tr><td><b>combined</b></td><td>${esc(
            row.lists
              .filter((l) => l.coefficient > 0)
              .map((l) => `${l.coefficient.toFixed(2)} · ${l.name}`)
              .join(" + "),
          )}</td><td>${row.combined.loss.toFixed(4)}</td><td>${(row.combined.distance * 100).toFixed(1)}%</td><td>1.000</td></tr>`
        : "";
      const gamed = row.gamed
        ? `<p>Gamed item <b>${esc(row.gamed.name)}</b>: the gamer gave it ${(row.gamed.gamer * 100).toFixed(1)}%, the combination ${(row.gamed.combined * 100).toFixed(1)}%, the hidden truth ${(row.gamed.truth * 100).toFixed(1)}%.</p>`
        : "";
      const payouts = row.allocation
        .map(
          (a) =>
            `<tr><td>${esc(a.name)}</td><td>${(a.weight * 100).toFixed(2)}%</td><td>${tokens(a.paid)}</td></tr>`,
        )
        .join("");
      return `<h2>Round ${row.round}</h2>
<p>${row.pairs} pairs answered by ${row.jurors} jurors. Loss: mean over the pairs of the clipped squared log-ratio error (lower is better); distance: total variation from the hidden truth.</p>
<table><tr><th>list</th><th>model</th><th>loss on the sample</th><th>distance from the truth</th><th>coefficient</th></tr>${lists}${combined}</table>
${gamed}
${allocationChart(`Round ${row.round}: the allocation`, row.allocation)}
<p>Paid to items: ${tokens(row.paidToItems)} of the item pool ${tokens(row.itemPool)} (dust ${row.itemPool - row.paidToItems} wei); submitters' pool ${tokens(row.submitterPool)}.</p>
<table><tr><th>item</th><th>weight</th><th>paid</th></tr>${payouts}</table>`;
    })
    .join("");
  const scores = r.scores
    .map((s) => `<tr><td>${esc(s.name)}</td><td>${s.score.toFixed(4)}</td><td>${s.scored}</td></tr>`)
    .join("");
  const data = JSON.stringify(r, (_, v) => (typeof v === "bigint" ? v.toString() : v));
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>gengov demo — deep funding</title>
<style>body{font-family:system-ui,sans-serif;max-width:720px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid #eee;text-align:right}td:first-child,th:first-child{text-align:left}</style></head><body>
<h1>gengov demo: deep funding</h1>
<p>${r.items.length} items, ${r.candidates.length} candidate lists (${r.candidates.map((c) => `${esc(c.name)}: ${esc(c.kind)}`).join("; ")}), ${r.rounds.length} round(s).</p>
${rounds}
<h2>Score records</h2><p>Each list's loss is recorded in its candidate's score like a forecast's (EWMA, lower is better).</p>
<table><tr><th>candidate</th><th>score</th><th>scored</th></tr>${scores}</table>
<script type="application/json" id="demo-data">${data.replace(/</g, "\\u003c")}</script>
</body></html>
`;
}
