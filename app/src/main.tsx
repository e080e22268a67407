import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createPublicClient, defineChain, http, type PublicClient } from "viem";
import { createConfig, http as wagmiHttp, injected, WagmiProvider } from "wagmi";

import { App } from "./App.js";
import { AppContext } from "./context.js";
import { runtimeConfig } from "./lib/config.js";
import "./styles.css";

const root = createRoot(document.getElementById("root")!);

function fatal(message: string) {
  root.render(
    <main className="page">
      <h1>gengov</h1>
      <p className="error" role="alert">
        {message}
      </p>
    </main>,
  );
}

async function boot() {
  const result = runtimeConfig(import.meta.env, window.location.search);
  if ("error" in result) return fatal(result.error);
  const { rpc, hub } = result.config;
  let chainId: number;
  try {
    chainId = await createPublicClient({ transport: http(rpc, { retryCount: 1 }) }).getChainId();
  } catch (e) {
    return fatal(`cannot reach the RPC endpoint ${rpc}: ${(e as Error).message.split("\n")[0]}`);
  }
  const chain = defineChain({
    id: chainId,
    name: `chain-${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpc] } },
  });
  const client = createPublicClient({ chain, transport: http(rpc), pollingInterval: 500 }) as PublicClient;
  const wagmiConfig = createConfig({
    chains: [chain],
    connectors: [injected()],
    transports: { [chainId]: wagmiHttp(rpc) },
  });
  const queryClient = new QueryClient({
    defaultOptions: { queries: { refetchInterval: 3000, staleTime: 1000, retry: 1 } },
  });
  root.render(
    <StrictMode>
      <WagmiProvider config={wagmiConfig}>
        <QueryClientProvider client={queryClient}>
          <AppContext.Provider value={{ client, hub, rpc, chainId, wagmiConfig }}>
            <App />
          </AppContext.Provider>
        </QueryClientProvider>
      </WagmiProvider>
    </StrictMode>,
  );
}

void boot();
