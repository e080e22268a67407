/** The action forms: input, outcome report, deposit, candidate registration, challenge/finalize, withdraw. */
import { useQuery } from "@tanstack/react-query";
import { useId, useMemo, useState, type FormEvent } from "react";
import { erc20Abi, stringToHex, type Abi, type Hex } from "viem";
import { useConnection } from "wagmi";

import { gengovExecutionAbi, gengovHubAbi } from "../../../oracle/chain/abis.js";
import type { RevertContext } from "../../../oracle/chain/revert.js";
import { parseModelSpec, specHash } from "../../../oracle/models/spec.js";
import { useApp } from "../context.js";
import { loadOwed, type AgreementData, type Transition } from "../lib/chain.js";
import { formatAmount, parseAmount } from "../lib/format.js";
import { canChallenge, canFinalize } from "../lib/transitions.js";
import { useTx, type Call } from "../tx.js";

const hubAbi = gengovHubAbi as unknown as Abi;
const execAbi = gengovExecutionAbi as unknown as Abi;
const tokenAbi = erc20Abi as unknown as Abi;

const ctxOf = (d: AgreementData): RevertContext => ({ now: d.now, token: d.bondToken, tokens: d.tokens });

function useSend(d: AgreementData) {
  const tx = useTx();
  const { isConnected } = useConnection();
  return {
    busy: tx.busy,
    isConnected,
    send: (calls: Call[]) => tx.run(calls, ctxOf(d)),
  };
}

function FormError({ message }: { message: string }) {
  return message ? (
    <p className="error" role="alert">
      {message}
    </p>
  ) : null;
}

const NeedsWallet = () => <p className="muted">Connect a wallet to act.</p>;

export function InputForm({ data: d }: { data: AgreementData }) {
  const { hub } = useApp();
  const { send, busy, isConnected } = useSend(d);
  const [text, setText] = useState("");
  const [error, setError] = useState("");
  const id = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return setError("the input is empty");
    const bytes = new TextEncoder().encode(text).length;
    if (bytes > d.params.maxInputBytes)
      return setError(`the input is ${bytes} bytes; at most ${d.params.maxInputBytes} are accepted`);
    setError("");
    const ok = await send([
      {
        label: "submit input",
        address: hub,
        abi: hubAbi,
        functionName: "submitInput",
        args: [d.id, stringToHex(text)],
      },
    ]);
    if (ok) setText("");
  };
  return (
    <form onSubmit={submit} className="form" noValidate>
      <h3>Submit an input</h3>
      <label htmlFor={id}>Input for the current epoch (the executor's model reads it as data)</label>
      <textarea
        id={id}
        data-testid="input-data"
        rows={3}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <FormError message={error} />
      <button type="submit" data-testid="input-submit" disabled={busy || !isConnected}>
        Submit input
      </button>
      {!isConnected && <NeedsWallet />}
    </form>
  );
}

export function ReportForm({
  data: d,
  reportEpoch,
}: {
  data: AgreementData;
  reportEpoch: bigint | undefined;
}) {
  const { hub } = useApp();
  const { send, busy } = useSend(d);
  const [epoch, setEpoch] = useState(reportEpoch === undefined ? "" : reportEpoch.toString());
  const [touched, setTouched] = useState(false);
  const [values, setValues] = useState<string[]>(() => d.params.metrics.map(() => ""));
  const [error, setError] = useState("");
  const shownEpoch = touched ? epoch : reportEpoch === undefined ? epoch : reportEpoch.toString();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!/^\d+$/.test(shownEpoch)) return setError(`epoch: "${shownEpoch}" is not an epoch number`);
    let scaled: bigint[];
    try {
      scaled = d.params.metrics.map((m, i) => {
        try {
          return parseAmount(values[i] ?? "", m.decimals);
        } catch (err) {
          throw new Error(`${m.name}: ${(err as Error).message}`, { cause: err });
        }
      });
    } catch (err) {
      return setError((err as Error).message);
    }
    setError("");
    await send([
      {
        label: `report epoch ${shownEpoch}`,
        address: hub,
        abi: hubAbi,
        functionName: "reportOutcome",
        args: [d.id, BigInt(shownEpoch), scaled],
      },
    ]);
  };
  return (
    <section aria-labelledby="report-h">
      <form onSubmit={submit} className="form" noValidate>
        <h2 id="report-h">Report an outcome</h2>
        <p className="muted">
          {reportEpoch === undefined
            ? "No report window is open now."
            : `The report window of epoch ${reportEpoch} is open.`}
        </p>
        <label htmlFor="report-epoch">Epoch</label>
        <input
          id="report-epoch"
          data-testid="report-epoch"
          type="number"
          min={0}
          value={shownEpoch}
          onChange={(e) => {
            setTouched(true);
            setEpoch(e.target.value);
          }}
        />
        {d.params.metrics.map((m, i) => (
          <div key={m.name} className="field">
            <label htmlFor={`report-value-${i}`}>
              {m.name} (up to {m.decimals} decimals)
            </label>
            <input
              id={`report-value-${i}`}
              data-testid={`report-value-${i}`}
              type="number"
              step={m.decimals > 0 ? `0.${"0".repeat(m.decimals - 1)}1` : "1"}
              value={values[i]}
              onChange={(e) => setValues((v) => v.map((x, j) => (j === i ? e.target.value : x)))}
            />
          </div>
        ))}
        <FormError message={error} />
        <button type="submit" data-testid="report-submit" disabled={busy}>
          Report
        </button>
      </form>
    </section>
  );
}

export function Actions({ data: d }: { data: AgreementData }) {
  return (
    <section aria-labelledby="act-h" className="actions">
      <h2 id="act-h">Take part</h2>
      <DepositForm data={d} />
      <RegisterForm data={d} />
    </section>
  );
}

function DepositForm({ data: d }: { data: AgreementData }) {
  const { hub } = useApp();
  const { send, busy, isConnected } = useSend(d);
  const [amount, setAmount] = useState("");
  const [token, setToken] = useState<string>(d.bondToken.address);
  const [error, setError] = useState("");
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const t = d.tokens[token.toLowerCase()];
    if (!t) return setError(`token: ${token} is not one of this agreement's tokens`);
    let value: bigint;
    try {
      value = parseAmount(amount, t.decimals, { positive: true });
    } catch (err) {
      return setError(`amount: ${(err as Error).message}`);
    }
    setError("");
    const ok = await send([
      {
        label: `approve ${formatAmount(value, t.decimals, t.symbol)}`,
        address: t.address,
        abi: tokenAbi,
        functionName: "approve",
        args: [hub, value],
      },
      {
        label: `deposit ${formatAmount(value, t.decimals, t.symbol)}`,
        address: hub,
        abi: hubAbi,
        functionName: "deposit",
        args: [d.id, t.address, value],
      },
    ]);
    if (ok) setAmount("");
  };
  return (
    <form onSubmit={submit} className="form" noValidate>
      <h3>Fund the treasury</h3>
      <label htmlFor="deposit-token">Token</label>
      <select
        id="deposit-token"
        data-testid="deposit-token"
        value={token}
        onChange={(e) => setToken(e.target.value)}
      >
        {Object.values(d.tokens).map((t) => (
          <option key={t.address} value={t.address}>
            {t.symbol} ({t.address})
          </option>
        ))}
      </select>
      <label htmlFor="deposit-amount">Amount (whole tokens)</label>
      <input
        id="deposit-amount"
        data-testid="deposit-amount"
        inputMode="decimal"
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
      />
      <FormError message={error} />
      <button type="submit" data-testid="deposit-submit" disabled={busy || !isConnected}>
        Approve and deposit
      </button>
      {!isConnected && <NeedsWallet />}
    </form>
  );
}

/** The spec's hash as registration puts it on-chain: keccak256 of its canonical JSON. */
function specHashOf(text: string): { hash?: Hex; error?: string } {
  if (!text.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { error: `not JSON: ${(e as Error).message}` };
  }
  try {
    return { hash: specHash(parseModelSpec(parsed)) };
  } catch (e) {
    return { error: (e as Error).message.split("\n")[0] };
  }
}

function RegisterForm({ data: d }: { data: AgreementData }) {
  const { hub } = useApp();
  const { send, busy, isConnected } = useSend(d);
  const { address } = useConnection();
  const [spec, setSpec] = useState("");
  const [bond, setBond] = useState("");
  const [error, setError] = useState("");
  const hashed = useMemo(() => specHashOf(spec), [spec]);
  const bt = d.bondToken;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!hashed.hash) return setError(`spec: ${hashed.error ?? "empty"}`);
    let value: bigint;
    try {
      value = parseAmount(bond, bt.decimals, { positive: true });
    } catch (err) {
      return setError(`bond: ${(err as Error).message}`);
    }
    setError("");
    const ok = await send([
      {
        label: `approve ${formatAmount(value, bt.decimals, bt.symbol)}`,
        address: bt.address,
        abi: tokenAbi,
        functionName: "approve",
        args: [hub, value],
      },
      {
        label: "register candidate",
        address: hub,
        abi: hubAbi,
        functionName: "registerCandidate",
        args: [d.id, hashed.hash, value, address],
      },
    ]);
    if (ok) setSpec("");
  };
  return (
    <form onSubmit={submit} className="form" noValidate>
      <h3>Register a candidate model</h3>
      <label htmlFor="register-spec">Model spec (JSON)</label>
      <textarea
        id="register-spec"
        data-testid="register-spec"
        rows={5}
        value={spec}
        onChange={(e) => setSpec(e.target.value)}
      />
      <label htmlFor="register-spec-file">or load it from a file</label>
      <input
        id="register-spec-file"
        type="file"
        accept="application/json,.json"
        onChange={async (e) => {
          const f = e.target.files?.[0];
          if (f) setSpec(await f.text());
        }}
      />
      <p>
        Spec hash (keccak256 of its canonical JSON):{" "}
        <span className="mono small" data-testid="register-spec-hash">
          {hashed.hash ?? (hashed.error ? `invalid spec: ${hashed.error}` : "")}
        </span>
      </p>
      <label htmlFor="register-bond">
        Bond (whole {bt.symbol}, at least {formatAmount(d.params.minBond, bt.decimals)})
      </label>
      <input
        id="register-bond"
        data-testid="register-bond"
        inputMode="decimal"
        value={bond}
        onChange={(e) => setBond(e.target.value)}
      />
      <FormError message={error} />
      <button type="submit" data-testid="register-submit" disabled={busy || !isConnected}>
        Approve and register
      </button>
      {!isConnected && <NeedsWallet />}
    </form>
  );
}

export function TransitionButtons({
  data: d,
  transition: t,
  now,
}: {
  data: AgreementData;
  transition: Transition;
  now: bigint;
}) {
  const { send, busy, isConnected } = useSend(d);
  const period = BigInt(d.params.challengePeriod);
  const challenge = canChallenge(t, d.live, period, now);
  const finalize = canFinalize(t, d.live, period, now);
  if (!challenge && !finalize) return null;
  const bt = d.bondToken;
  return (
    <div className="buttons">
      {challenge && (
        <button
          type="button"
          data-testid={`challenge-${t.epoch}`}
          disabled={busy || !isConnected}
          onClick={() =>
            send([
              {
                label: `approve ${formatAmount(d.params.challengeBond, bt.decimals, bt.symbol)}`,
                address: bt.address,
                abi: tokenAbi,
                functionName: "approve",
                args: [d.execution, d.params.challengeBond],
              },
              {
                label: `challenge epoch ${t.epoch}`,
                address: d.execution,
                abi: execAbi,
                functionName: "challenge",
                args: [d.id, t.epoch],
              },
            ])
          }
        >
          Challenge (bond {formatAmount(d.params.challengeBond, bt.decimals, bt.symbol)})
        </button>
      )}
      {finalize && (
        <button
          type="button"
          data-testid={`finalize-${t.epoch}`}
          disabled={busy || !isConnected}
          onClick={() =>
            send([
              {
                label: `finalize epoch ${t.epoch}`,
                address: d.execution,
                abi: execAbi,
                functionName: "finalize",
                args: [d.id, t.epoch, t.args.newStateHash, t.args.manifestHash, t.args.actions],
              },
            ])
          }
        >
          Finalize
        </button>
      )}
    </div>
  );
}

export function Payments({ data: d }: { data: AgreementData }) {
  const { client } = useApp();
  const { address } = useConnection();
  const { send, busy } = useSend(d);
  const tokens = Object.values(d.tokens);
  const q = useQuery({
    queryKey: ["owed", d.execution, address, tokens.map((t) => t.address).join()],
    queryFn: () => loadOwed(client, d.execution, address as Hex, tokens),
    enabled: !!address,
  });
  if (!address) return null;
  return (
    <section aria-labelledby="payments-h" data-testid="payments">
      <h2 id="payments-h">Your payments</h2>
      {q.data && q.data.length === 0 && <p className="muted">Nothing is owed to {address}.</p>}
      <ul>
        {q.data?.map((o) => (
          <li key={o.token.address}>
            {formatAmount(o.amount, o.token.decimals, o.token.symbol)}{" "}
            <button
              type="button"
              data-testid={`withdraw-${o.token.address.toLowerCase()}`}
              disabled={busy}
              onClick={() =>
                send([
                  {
                    label: `withdraw ${formatAmount(o.amount, o.token.decimals, o.token.symbol)}`,
                    address: d.execution,
                    abi: execAbi,
                    functionName: "withdrawPayment",
                    args: [o.token.address],
                  },
                ])
              }
            >
              Withdraw
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
