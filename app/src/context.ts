import { createContext, useContext } from "react";
import type { Hex, PublicClient } from "viem";
import type { Config } from "wagmi";

export type AppContextValue = {
  client: PublicClient;
  hub: Hex;
  rpc: string;
  chainId: number;
  wagmiConfig: Config;
};

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const v = useContext(AppContext);
  if (!v) throw new Error("AppContext missing");
  return v;
}
