import type { ComponentType } from "react";

import type { AgreementData, Transition } from "../lib/chain.js";
import { formatAmount, shortAddress } from "../lib/format.js";
import { diffLines, diffState } from "../lib/stateDiff.js";
import { statusWord } from "../lib/transitions.js";

type ButtonsProps = { data: AgreementData; transition: Transition; now: bigint };

export function Transitions(props: {
  data: AgreementData;
  now: bigint;
  Buttons: ComponentType<ButtonsProps>;
  tokenName: (a: string) => string;
}) {
  const { data: d, now, Buttons } = props;
  const list = [...d.transitions].reverse();
  // The latest proposal of an epoch carries the epoch's test ids; an earlier (rejected) one is suffixed.
  const seen = new Map<string, number>();
  return (
    <section aria-labelledby="transitions-h" data-testid="transitions">
      <h2 id="transitions-h">Transitions</h2>
      {list.length === 0 && <p className="muted">No transition proposed yet.</p>}
      {list.map((t) => {
        const n = seen.get(t.epoch.toString()) ?? 0;
        seen.set(t.epoch.toString(), n + 1);
        const sfx = n === 0 ? `${t.epoch}` : `${t.epoch}-${n}`;
        const diff = diffLines(diffState(t.prevState, t.newState));
        return (
          <div
            key={`${t.blockNumber}-${t.logIndex}`}
            className="transition"
            data-testid={`transition-${sfx}`}
          >
            <h3>
              Epoch {t.epoch.toString()} · candidate {t.candidateId.toString()} ·{" "}
              <span
                className={`status status-${statusWord(t.status)}`}
                data-testid={`transition-status-${sfx}`}
              >
                {statusWord(t.status)}
              </span>
              {t.challengers > 0 && <span className="muted"> · {t.challengers} challenger(s)</span>}
            </h3>
            <p>
              Manifest check:{" "}
              <span
                data-testid={`manifest-check-${sfx}`}
                className={t.manifestCheck === "verified" ? "ok" : "bad"}
              >
                {t.manifestCheck}
              </span>
            </p>
            <h4>Actions</h4>
            {t.payments.length === 0 ? (
              <p className="muted">No payments.</p>
            ) : (
              <ul>
                {t.payments.map((pay, i) => {
                  const tok = d.tokens[pay.token.toLowerCase()];
                  return (
                    <li key={i}>
                      pay{" "}
                      {tok ? formatAmount(pay.amount, tok.decimals, tok.symbol) : `${pay.amount} base units`}{" "}
                      to{" "}
                      <span className="mono small" title={pay.to}>
                        {shortAddress(pay.to)}
                      </span>
                    </li>
                  );
                })}
              </ul>
            )}
            <h4>State change</h4>
            {t.newState === undefined ? (
              <pre className="state">{t.newStateText}</pre>
            ) : diff.length === 0 ? (
              <p className="muted">State unchanged.</p>
            ) : (
              <pre className="diff">
                {diff.map((line, i) => (
                  <span key={i} className={`d-${line[0] === "+" ? "add" : line[0] === "-" ? "del" : "chg"}`}>
                    {line}
                    {"\n"}
                  </span>
                ))}
              </pre>
            )}
            <details>
              <summary>Manifest</summary>
              <pre className="manifest">{prettyJson(t.manifestText)}</pre>
            </details>
            <Buttons data={d} transition={t} now={now} />
          </div>
        );
      })}
    </section>
  );
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
