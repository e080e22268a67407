import { useQuery } from "@tanstack/react-query";

import { useApp } from "../context.js";
import { loadDecisions } from "../lib/conditional.js";
import { formatUnits } from "viem";

/** Futarchy mode: each decided epoch's forecasts per option, the option taken and the outcome. */
export function DecisionsSection({
  id,
  metrics,
}: {
  id: bigint;
  metrics: readonly { name: string; decimals: number }[];
}) {
  const { client, hub } = useApp();
  const q = useQuery({
    queryKey: ["decisions", hub, id.toString()],
    queryFn: () => loadDecisions(client, hub, id, metrics.length),
  });
  if (!q.data?.length) return null;
  const vector = (v: readonly bigint[]) =>
    v.map((x, m) => formatUnits(x, metrics[m]?.decimals ?? 0)).join(" / ");
  return (
    <section aria-labelledby="decisions-h" data-testid="decisions">
      <h2 id="decisions-h">Decisions (conditional forecasts)</h2>
      <p>
        Per epoch: each option's mean revealed forecast of ({metrics.map((m) => m.name).join(", ")}) and the
        objective J of its score-weighted combined forecast; the option taken; the outcome it was scored on.
      </p>
      <table>
        <thead>
          <tr>
            <th>epoch</th>
            <th>options: mean forecast, J</th>
            <th>taken</th>
            <th>realised outcome</th>
          </tr>
        </thead>
        <tbody>
          {q.data.map((d) => (
            <tr key={d.epoch.toString()}>
              <td>{d.epoch.toString()}</td>
              <td>
                {d.options.map((label, o) => (
                  <div key={label} style={o === d.option ? { fontWeight: "bold" } : undefined}>
                    {label}: {d.meanForecasts[o] ? vector(d.meanForecasts[o]) : "–"}
                    {d.objectives.length ? `, J ${d.objectives[o].toString()}` : ""}
                  </div>
                ))}
              </td>
              <td>
                {d.options[d.option]}
                {d.explored ? " (explored)" : d.defaulted ? " (default)" : ""}
              </td>
              <td>{d.realised ? vector(d.realised) : "pending"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
