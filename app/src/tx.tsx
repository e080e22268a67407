/**
 * Sending transactions through the connected wallet, one action at a time, with the latest action's
 * status in `tx-status`: "pending: …" while waiting, "confirmed: …" once mined, "reverted: <decoded
 * custom error>" or "rejected: <wallet's message>".
 */
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import type { Abi, Hex } from "viem";
import { getConnection, waitForTransactionReceipt, writeContract } from "wagmi/actions";

import { decodeRevert, type RevertContext } from "../../oracle/chain/revert.js";
import { useApp } from "./context.js";
import { txErrorText } from "./lib/txStatus.js";

export type Call = {
  /** What this step does, in words ("approve 10 GOV", "deposit"). */
  label: string;
  address: Hex;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
};

type TxState = {
  status: string;
  busy: boolean;
  run(calls: Call[], ctx?: RevertContext): Promise<boolean>;
};

const TxContext = createContext<TxState | null>(null);

export function TxProvider({ children }: { children: ReactNode }) {
  const { client, wagmiConfig, chainId } = useApp();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);

  const run = useCallback(
    async (calls: Call[], ctx?: RevertContext) => {
      const account = getConnection(wagmiConfig).address;
      if (!account) {
        setStatus("failed: connect a wallet first");
        return false;
      }
      setBusy(true);
      const simulate = (call: Call) =>
        client.simulateContract({
          account,
          address: call.address,
          abi: call.abi,
          functionName: call.functionName,
          args: call.args,
        } as never);
      try {
        // Approve-then-act: the act's own refusal (a bond below the minimum, a closed window) is
        // reported before anything is approved; only the missing allowance is expected at this point.
        if (calls.length > 1) {
          setStatus(`pending: checking ${calls.at(-1)!.label}…`);
          await simulate(calls.at(-1)!).catch((error: unknown) => {
            if (decodeRevert(error)?.errorName !== "ERC20InsufficientAllowance") throw error;
          });
        }
        for (const call of calls) {
          setStatus(`pending: ${call.label}…`);
          // A dry run first: a revert is decoded from the call's error data before the wallet is asked.
          await simulate(call);
          const hash = await writeContract(wagmiConfig, {
            account,
            chainId,
            address: call.address,
            abi: call.abi,
            functionName: call.functionName,
            args: call.args,
          } as never);
          setStatus(`pending: ${call.label} (${hash})`);
          const receipt = await waitForTransactionReceipt(wagmiConfig, {
            hash,
            chainId,
            pollingInterval: 300,
          });
          if (receipt.status !== "success") {
            setStatus(`reverted: ${call.label} (${hash})`);
            return false;
          }
        }
        setStatus(`confirmed: ${calls.map((c) => c.label).join(", ")}`);
        return true;
      } catch (error) {
        const now =
          ctx?.now ??
          (await client.getBlock().then(
            (b) => b.timestamp,
            () => 0n,
          ));
        setStatus(txErrorText(error, { ...ctx, now }));
        return false;
      } finally {
        setBusy(false);
        await queryClient.invalidateQueries();
      }
    },
    [client, wagmiConfig, chainId, queryClient],
  );

  const value = useMemo(() => ({ status, busy, run }), [status, busy, run]);
  return <TxContext.Provider value={value}>{children}</TxContext.Provider>;
}

export function useTx(): TxState {
  const v = useContext(TxContext);
  if (!v) throw new Error("TxProvider missing");
  return v;
}

export function TxStatus() {
  const { status } = useTx();
  const kind = status.split(":")[0];
  return (
    <p className={`tx-status tx-${kind || "idle"}`} data-testid="tx-status" role="status" aria-live="polite">
      {status}
    </p>
  );
}
