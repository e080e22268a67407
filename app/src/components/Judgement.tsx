import { useQuery } from "@tanstack/react-query";

import { useApp } from "../context.js";
import { loadAllocation } from "../lib/judgement.js";
import { BarChart } from "./Charts.js";

/** The agreement's latest judgement round with a combination: its allocation as a bar chart. */
export function JudgementSection({ id }: { id: bigint }) {
  const { client, hub } = useApp();
  const q = useQuery({
    queryKey: ["allocation", hub, id.toString()],
    queryFn: async () => (await loadAllocation(client, hub, id)) ?? null,
  });
  if (!q.data) return null;
  const a = q.data;
  return (
    <section aria-labelledby="judgement-h" data-testid="judgement">
      <h2 id="judgement-h">Judgement round {a.round.toString()}</h2>
      <p>
        {a.finalized ? "Final allocation" : "Best combination so far"}:{" "}
        {a.combination
          .map((c) => `${c.coefficient.toFixed(2)} · list of candidate ${c.candidateId}`)
          .join(" + ")}{" "}
        (loss {a.loss.toFixed(4)} on the jury's sample).
      </p>
      <BarChart
        title={`Round ${a.round.toString()}: each item's share`}
        testId="allocation-chart"
        bars={a.items.map((i) => ({ name: i.name, value: i.weight }))}
      />
    </section>
  );
}
