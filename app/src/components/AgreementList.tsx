import { useQuery } from "@tanstack/react-query";

import { useApp } from "../context.js";
import { listAgreements } from "../lib/chain.js";
import { agreementHref } from "../lib/route.js";

export function AgreementList() {
  const { client, hub } = useApp();
  const q = useQuery({ queryKey: ["agreements", hub], queryFn: () => listAgreements(client, hub) });
  return (
    <section aria-labelledby="agreements-h">
      <h1 id="agreements-h">Agreements</h1>
      <p className="muted mono">hub {hub}</p>
      {q.isPending && <p>Loading…</p>}
      {q.error && <p className="error">Cannot read the agreements: {q.error.message.split("\n")[0]}</p>}
      {q.data && q.data.length === 0 && <p>No agreements on this hub yet.</p>}
      {q.data && q.data.length > 0 && (
        <ul className="agreements">
          {q.data.map((a) => (
            <li key={a.id.toString()}>
              <a href={agreementHref(a.id)} data-testid={`agreement-link-${a.id}`}>
                #{a.id.toString()} {a.title || "(untitled)"}
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
